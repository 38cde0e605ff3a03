"""Scope cases for the inspections app's URLs (see tests/test_scope_walk.py).

The world: the cast's `inspector` (role on Xã Gamma) leads the inspection of Văn phòng xã Gamma;
`scope_stranger` (an inspector on Sở Beta) leads the inspection of Sở Beta. Each inspection is in its
own state for the case at hand; the inspector sees Gamma's records and gets 404 for Beta's.

Checklist templates are province-wide reference data, not attached to a unit: a reader without
TEMPLATE_MANAGE sees published versions and gets 404 for drafts; for the manager-only actions the
"outside" record is one that does not exist (there is no unit scope to step out of).
"""

import datetime as dt
import hashlib
import io

from PIL import Image

from core.permissions import Role
from inspections import services
from inspections.models import ChecklistTemplate, EvidenceBlob, Inspection, InspectionPlan
from inspections.services import AnswerInput
from staff.access import system_actor
from tests.factories import UserFactory, grant
from tests.inspections.conftest import make_checklist

MISSING = 999_999
ANSWERS = [
    AnswerInput("I1", "no", note="Không đeo thẻ"),
    AnswerInput("I2", "yes"),
    AnswerInput("I3", "4"),
    AnswerInput("I4", "100"),
    AnswerInput("I5", "3"),
]


def _png(color):
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buf, "PNG")
    return buf.getvalue()


def _world(ctx):
    """Built once per test database state; later calls return the same records."""
    cast, tree = ctx["cast"], ctx["tree"]
    if ChecklistTemplate.objects.filter(code="VH-TEST").exists():
        return ctx.setdefault("_inspections", _load(ctx))
    stranger = UserFactory(username="scope_stranger")
    grant(stranger, Role.INSPECTOR, tree["beta"])
    version = make_checklist()
    draft = services.template_create(actor=system_actor(), code="DRAFT-ONLY", name_vi="Phiếu nháp", kind="other")
    editing = services.template_create(actor=system_actor(), code="EDIT-ME", name_vi="Phiếu đang soạn", kind="other")
    services.section_save(actor=system_actor(), version=editing.versions.get(), code="S1", title_vi="Một")
    services.item_save(
        actor=system_actor(),
        version=editing.versions.get(),
        section_code="S1",
        spec=services.ItemSpec(code="D1", text_vi="Tiêu chí", answer_type="yes_no_na"),
    )
    plan_in = services.plan_create(actor=system_actor(), year=2026, name="Kế hoạch Gamma", unit=tree["gamma"])
    plan_out = services.plan_create(actor=system_actor(), year=2026, name="Kế hoạch Beta", unit=tree["beta"])
    world = {
        "version": version,
        "draft": draft.versions.get(),
        "draft_template": draft,
        "plan_in": plan_in,
        "plan_out": plan_out,
        "editing": editing.versions.get(),
    }
    for side, plan, unit, lead in (
        ("in", plan_in, tree["gamma_office"], cast["inspector"]),
        ("out", plan_out, tree["beta"], stranger),
    ):
        for state in ("draft", "submitted", "approved"):
            a = services.assignment_create(
                actor=system_actor(),
                plan=plan,
                unit=unit,
                template_version=version,
                due_date=dt.date(2026, 6, 30),
                lead=lead,
            )
            insp = services.inspection_save(
                actor=lead,
                assignment=a,
                answers=ANSWERS,
                submit=state != "draft",
                inspected_on=dt.date(2026, 5, 4),
            )
            if state == "approved":
                # the lead filled it, and nobody approves what they filled: the system account approves
                insp = services.inspection_approve(actor=system_actor(), inspection=insp)
                finding = insp.findings.get()
                action = services.action_create(
                    actor=lead, finding=finding, description="Nhắc nhở", due_date=dt.date(2026, 7, 1)
                )
                world[f"finding_{side}"], world[f"action_{side}"] = finding, action
            world[f"{state}_{side}"] = insp
        data = _png("red" if side == "in" else "blue")
        world[f"blob_{side}"] = services.evidence_store(actor=lead, sha256=hashlib.sha256(data).hexdigest(), data=data)
    ctx["_inspections"] = world
    return world


def _load(ctx):
    tree = ctx["tree"]
    world = {
        "version": ChecklistTemplate.objects.get(code="VH-TEST").versions.get(),
        "draft_template": ChecklistTemplate.objects.get(code="DRAFT-ONLY"),
    }
    world["draft"] = world["draft_template"].versions.get()
    world["editing"] = ChecklistTemplate.objects.get(code="EDIT-ME").versions.get()
    world["plan_in"] = InspectionPlan.objects.get(unit=tree["gamma"])
    world["plan_out"] = InspectionPlan.objects.get(unit=tree["beta"])
    for side, unit in (("in", tree["gamma_office"]), ("out", tree["beta"])):
        for state in ("draft", "submitted", "approved"):
            world[f"{state}_{side}"] = Inspection.objects.get(unit=unit, status=state)
        world[f"finding_{side}"] = world[f"approved_{side}"].findings.get()
        world[f"action_{side}"] = world[f"finding_{side}"].actions.get()
    for side, color in (("in", "red"), ("out", "blue")):
        world[f"blob_{side}"] = EvidenceBlob.objects.get(sha256=hashlib.sha256(_png(color)).hexdigest())
    return world


def _inspection(state, **extra):
    def case(ctx):
        w = _world(ctx)
        return {
            "user": ctx["cast"]["inspector"],
            "ok": {"pk": w[f"{state}_in"].pk},
            "out": {"pk": w[f"{state}_out"].pk},
            **extra,
        }

    return case


def _assignment(state):
    def case(ctx):
        w = _world(ctx)
        return {
            "user": ctx["cast"]["inspector"],
            "ok": {"pk": w[f"{state}_in"].assignment_id},
            "out": {"pk": w[f"{state}_out"].assignment_id},
        }

    return case


def _by(key, **extra):
    def case(ctx):
        w = _world(ctx)
        return {
            "user": ctx["cast"]["inspector"],
            "ok": {"pk": w[f"{key}_in"].pk},
            "out": {"pk": w[f"{key}_out"].pk},
            **extra,
        }

    return case


def _published_vs_draft(key="version", **extra):
    def case(ctx):
        w = _world(ctx)
        ok = w["version"] if key == "version" else w["version"].template
        out = w["draft"] if key == "version" else w["draft_template"]
        return {"user": ctx["cast"]["unit_head"], "ok": {"pk": ok.pk}, "out": {"pk": out.pk}, **extra}

    return case


def _manager(key="version", **extra):
    def case(ctx):
        w = _world(ctx)
        ok = w["draft"] if key == "version" else w["version"].template
        return {"user": ctx["cast"]["admin"], "ok": {"pk": ok.pk}, "out": {"pk": MISSING}, **extra}

    return case


def _version_action(ctx):
    w = _world(ctx)
    return {
        "user": ctx["cast"]["admin"],
        "method": "post",
        "ok": {"pk": w["version"].pk, "verb": "new-draft"},
        "out": {"pk": MISSING, "verb": "new-draft"},
    }


def _editor(code=None, verb=None, **extra):
    """The template editor (TEMPLATE_MANAGE): the admin edits a draft; a version that does not exist
    is the "outside" record (templates have no unit scope)."""

    def case(ctx):
        w = _world(ctx)
        ok, out = {"pk": w["editing"].pk}, {"pk": MISSING}
        for kwargs in (ok, out):
            if code:
                kwargs["code"] = code
            if verb:
                kwargs["verb"] = verb
        return {"user": ctx["cast"]["admin"], "ok": ok, "out": out, **extra}

    return case


def _blob(ctx):
    w = _world(ctx)
    return {
        "user": ctx["cast"]["inspector"],
        "ok": {"sha256": w["blob_in"].sha256},
        "out": {"sha256": w["blob_out"].sha256},
    }


CASES = {
    # HTML
    "inspections:assignment-detail": _assignment("draft"),
    "inspections:fill": _assignment("draft"),
    "inspections:inspection-detail": _inspection("approved"),
    "inspections:review": _inspection("submitted", method="post"),
    "inspections:amend": _inspection("approved"),
    "inspections:inspection-history": _inspection("approved"),
    "inspections:report": _inspection("approved"),
    "inspections:report-xlsx": _inspection("approved"),
    "inspections:compare": _inspection("approved"),
    "inspections:version-detail": _published_vs_draft(),
    "inspections:version-export": _published_vs_draft(),
    "inspections:version-action": _version_action,
    "inspections:section-new": _editor(),
    "inspections:section-edit": _editor("S1"),
    "inspections:section-action": _editor("S1", "up", method="post"),  # first already: a message, no change
    "inspections:item-new": _editor(),
    "inspections:item-edit": _editor("D1"),
    "inspections:item-action": _editor("D1", "up", method="post"),
    "inspections:plan-detail": _by("plan"),
    "inspections:plan-edit": _by("plan"),
    "inspections:submissions-import": _by("plan"),
    "inspections:action-create": _by("finding", method="post"),
    "inspections:action-detail": _by("action"),
    # API
    "checklist-template-detail": _published_vs_draft("template"),
    "checklist-template-new-draft": _manager("template", method="post", ok_status=(201,)),
    "template-version-detail": _published_vs_draft(),
    "template-version-xlsform": _published_vs_draft(),
    "template-version-content": _manager(method="put", ok_status=(400, 415)),
    "template-version-publish": _manager(method="post", ok_status=(400,)),
    "template-version-retire": _manager(method="post", ok_status=(400,)),
    "inspection-plan-detail": _by("plan"),
    "inspection-plan-coverage": _by("plan"),
    "assignment-detail": _assignment("draft"),
    "inspection-detail": _inspection("approved"),
    # the lead filled it and nobody approves what they filled: in scope it is a 400 saying so, never a 404
    "inspection-approve": _inspection("submitted", method="post", ok_status=(400,)),
    "inspection-return": _inspection("submitted", method="post", ok_status=(400,)),
    "inspection-amend": _inspection("approved", method="post", ok_status=(428,)),
    "inspection-versions": _inspection("approved"),
    "inspection-compare": _inspection("approved"),
    "finding-detail": _by("finding"),
    "corrective-action-detail": _by("action"),
    "corrective-action-verify": _by("action", method="post", ok_status=(400,)),
    "corrective-action-progress": _by("action"),
    "evidence-upload-detail": _blob,
    "evidence-file": _blob,
}
