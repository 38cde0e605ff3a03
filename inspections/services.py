"""Every write on inspections: templates and versions, plans and assignments, filling, review,
amendments, findings and corrective actions. Keyword-only, atomic, validated; nothing half-written."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid as uuid_module
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.permissions import Perm, has_perm
from inspections import relevance, scoring
from inspections.models import (
    OPEN_ACTION_STATUSES,
    ActionProgress,
    ActionStatus,
    Amendment,
    Answer,
    AnswerType,
    Assignment,
    AssignmentMember,
    ChecklistTemplate,
    CorrectiveAction,
    Evidence,
    EvidenceBlob,
    Finding,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    Item,
    PlanKind,
    Section,
    TemplateKind,
    TemplateVersion,
    VersionStatus,
)
from inspections.selectors import can_fill, can_plan, can_review, can_update_action, can_verify_action
from staff.access import subtree_bounds, unit_scope_q
from staff.models import Staff, Unit

CLIENT_ONLY_FIELDS = frozenset({"client_saved_at", "device", "outbox_id", "local_id"})


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _require(actor, perm) -> None:
    if actor is not None and not has_perm(actor, perm):
        raise ValidationError(_("You do not have permission to do this."))


# ====================================================================================== templates
@dataclass
class ItemSpec:
    code: str
    text_vi: str
    answer_type: str
    text_en: str = ""
    legal_basis: str = ""
    weight: Decimal = Decimal("1")
    critical: bool = False
    failing_answers: list | None = None
    note_required_on_failure: bool = False
    photo_required_on_failure: bool = False
    required: bool = True
    relevant: str = ""


@dataclass
class SectionSpec:
    code: str
    title_vi: str
    title_en: str = ""
    items: list | None = None


@transaction.atomic
def template_create(
    *,
    actor,
    code: str,
    name_vi: str,
    kind: str,
    name_en: str = "",
    description: str = "",
    pass_threshold: Decimal = Decimal("50"),
) -> ChecklistTemplate:
    _require(actor, Perm.TEMPLATE_MANAGE)
    code = code.strip()
    if ChecklistTemplate.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A template with code %(code)s already exists.") % {"code": code}})
    template = ChecklistTemplate(
        code=code, name_vi=name_vi.strip(), name_en=name_en.strip(), kind=kind, description=description
    )
    template.full_clean()
    template.save()
    TemplateVersion.objects.create(template=template, number=1, pass_threshold=pass_threshold, created_by=_user(actor))
    return template


@transaction.atomic
def template_update(*, actor, template: ChecklistTemplate, **changes) -> ChecklistTemplate:
    _require(actor, Perm.TEMPLATE_MANAGE)
    for key in ("name_vi", "name_en", "kind", "description"):
        if key in changes:
            setattr(template, key, changes[key])
    template.full_clean()
    template.save()
    return template


def _check_draft(version: TemplateVersion) -> None:
    if version.status == VersionStatus.PUBLISHED:
        raise ValidationError(
            _("Version %(number)s is published and cannot change; edit the template to make a new draft version.")
            % {"number": version.number}
        )
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(
            _("Version %(number)s is retired and cannot change; edit the template to make a new draft version.")
            % {"number": version.number}
        )


def _locked_version(version: TemplateVersion) -> TemplateVersion:
    """Re-read the version under a row lock so two edits cannot race a publish."""
    return TemplateVersion.objects.select_for_update().select_related("template").get(pk=version.pk)


CODE_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
MAX_WEIGHT = Decimal("9999.99")


@dataclass(frozen=True)
class Problem:
    """One problem in a template's content: where (section or item code, field) and what."""

    section: str | None
    item: str | None
    field: str | None
    message: str  # for a form field
    full: str  # for a list of errors (names the section or item)


def _item_problems(item: ItemSpec, *, earlier: list[str]) -> list[tuple[str, str, str]]:
    """(field, message for the field, message naming the item) for one item."""
    code = item.code
    found = []

    def add(field, short, full=None):
        found.append((field, short, full or _("Item %(code)s: %(error)s") % {"code": code, "error": short}))

    if item.answer_type not in AnswerType.values:
        add(
            "answer_type",
            _("Unknown answer type “%(type)s”.") % {"type": item.answer_type},
            _("Item %(code)s: unknown answer type “%(type)s”.") % {"code": code, "type": item.answer_type},
        )
    if not (item.text_vi or "").strip():
        add(
            "text_vi",
            _("Write the item's text in Vietnamese."),
            _("Item %(code)s has no Vietnamese text.") % {"code": code},
        )
    try:
        weight = Decimal(item.weight)
    except (InvalidOperation, TypeError, ValueError):
        weight = None
    if weight is None or not weight.is_finite():
        add("weight", _("The weight must be a number."))
    elif weight < 0:
        add(
            "weight",
            _("The weight must be greater than 0."),
            _("Item %(code)s: the weight cannot be negative.") % {"code": code},
        )
    elif weight == 0 or weight > MAX_WEIGHT:
        add("weight", _("The weight must be greater than 0 and at most %(max)s.") % {"max": MAX_WEIGHT})
    if item.answer_type in AnswerType.values and item.failing_answers:
        problem = scoring.failing_answers_problem(item.answer_type, item.failing_answers)
        if problem:
            add("failing_answers", problem)
    if (item.relevant or "").strip():
        try:
            relevance.check(item.relevant, code=code, earlier=earlier)
        except relevance.RelevanceError as exc:
            add("relevant", str(exc), _("Item %(code)s, relevant: %(error)s") % {"code": code, "error": exc})
    return found


def content_problems(sections: list[SectionSpec]) -> list[Problem]:
    """Every problem in a template's content, in order."""
    problems: list[Problem] = []
    seen_items: set[str] = set()
    seen_sections: set[str] = set()
    earlier: list[str] = []
    for section in sections:
        scode = section.code
        if not scode or not (section.title_vi or "").strip():
            field = "code" if not scode else "title_vi"
            problems.append(
                Problem(
                    scode,
                    None,
                    field,
                    _("Every section needs a code and a Vietnamese title."),
                    _("Every section needs a code and a Vietnamese title."),
                )
            )
        elif not CODE_PATTERN.match(scode) or len(scode) > 40:
            message = _(
                "Code “%(code)s” must start with a letter and use only letters, digits, “-”, “_” or “.” (40 at most)."
            ) % {"code": scode}
            problems.append(Problem(scode, None, "code", message, message))
        if scode in seen_sections:
            message = _("Section code %(code)s appears twice.") % {"code": scode}
            problems.append(Problem(scode, None, "code", message, message))
        seen_sections.add(scode)
        for item in section.items or []:
            if not item.code:
                message = _("An item has no code.")
                problems.append(Problem(scode, item.code, "code", message, message))
            elif item.code in seen_items:
                problems.append(
                    Problem(
                        scode,
                        item.code,
                        "code",
                        _("Another item of this version already has code %(code)s.") % {"code": item.code},
                        _("Item code %(code)s appears twice.") % {"code": item.code},
                    )
                )
            elif not CODE_PATTERN.match(item.code) or len(item.code) > 40:
                message = _(
                    "Code “%(code)s” must start with a letter and use only letters, digits, “-”, “_” or “.” "
                    "(40 at most)."
                ) % {"code": item.code}
                problems.append(Problem(scode, item.code, "code", message, message))
            seen_items.add(item.code)
            for field, short, full in _item_problems(item, earlier=earlier):
                problems.append(Problem(scode, item.code, field, short, full))
            earlier.append(item.code)
    return problems


def validate_content(sections: list[SectionSpec]) -> list[str]:
    """Every problem in a template's content, as messages (codes named)."""
    return [p.full for p in content_problems(sections)]


ITEM_FIELDS = (
    "text_vi",
    "text_en",
    "legal_basis",
    "answer_type",
    "weight",
    "critical",
    "failing_answers",
    "note_required_on_failure",
    "photo_required_on_failure",
    "required",
    "relevant",
)


def version_content(version: TemplateVersion) -> list[SectionSpec]:
    """A version's sections and items as specs (what version_set_content takes); two queries."""
    items = Item.objects.order_by("order", "pk")
    sections = version.sections.order_by("order", "pk").prefetch_related(Prefetch("items", queryset=items))
    return [
        SectionSpec(
            code=s.code,
            title_vi=s.title_vi,
            title_en=s.title_en,
            items=[ItemSpec(code=i.code, **{f: getattr(i, f) for f in ITEM_FIELDS}) for i in s.items.all()],
        )
        for s in sections
    ]


@transaction.atomic
def version_set_content(
    *,
    actor,
    version: TemplateVersion,
    sections: list[SectionSpec],
    pass_threshold: Decimal | None = None,
    notes: str | None = None,
) -> TemplateVersion:
    """Replace a draft's sections and items (the XLSForm import, the API and the on-screen editor use
    this). Rows are matched by code: unchanged rows are left alone, changed rows updated, new rows
    created and missing rows deleted, so the audit trail shows what really changed."""
    _require(actor, Perm.TEMPLATE_MANAGE)
    version = _locked_version(version)
    _check_draft(version)
    errors = validate_content(sections)
    if errors:
        raise ValidationError(errors)
    changed_version = []
    if pass_threshold is not None and Decimal(pass_threshold) != version.pass_threshold:
        if not Decimal(0) <= Decimal(pass_threshold) <= Decimal(100):
            raise ValidationError({"pass_threshold": _("The pass threshold is a percentage from 0 to 100.")})
        version.pass_threshold = Decimal(pass_threshold)
        changed_version.append("pass_threshold")
    if notes is not None and notes != version.notes:
        version.notes = notes
        changed_version.append("notes")
    if changed_version:
        version.save(update_fields=changed_version)
    old_sections = {s.code: s for s in Section.objects.filter(version=version)}
    old_items = {i.code: i for i in Item.objects.filter(version=version)}
    wanted_items = {spec.code for section in sections for spec in section.items or []}
    gone_items = [i.pk for code, i in old_items.items() if code not in wanted_items]
    if gone_items:
        Item.objects.filter(pk__in=gone_items).delete()
    new_sections, changed_sections, rows = [], [], []
    for order, spec in enumerate(sections, 1):
        row = old_sections.get(spec.code)
        if row is None:
            row = Section(version=version, code=spec.code, order=order, title_vi=spec.title_vi, title_en=spec.title_en)
            new_sections.append(row)
        elif (row.order, row.title_vi, row.title_en) != (order, spec.title_vi, spec.title_en):
            row.order, row.title_vi, row.title_en = order, spec.title_vi, spec.title_en
            changed_sections.append(row)
        rows.append(row)
    audit.bulk_update(Section, changed_sections, ["order", "title_vi", "title_en"], actor=actor)
    audit.bulk_create(Section, new_sections, actor=actor)
    if any(row.pk is None for row in new_sections):  # back-ends that do not return ids from bulk inserts
        by_code = {s.code: s for s in Section.objects.filter(version=version)}
        rows = [by_code[spec.code] for spec in sections]
    new_items, changed_items, order = [], [], 0
    for section, row in zip(sections, rows):
        for spec in section.items or []:
            order += 1
            failing = (
                spec.failing_answers
                if spec.failing_answers is not None
                else scoring.DEFAULT_FAILING.get(spec.answer_type, [])
            )
            values = {f: getattr(spec, f) for f in ITEM_FIELDS}
            values.update(
                weight=Decimal(spec.weight), failing_answers=list(failing), relevant=(spec.relevant or "").strip()
            )
            item = old_items.get(spec.code)
            if item is None or item.pk in gone_items:
                new_items.append(Item(version=version, section=row, order=order, code=spec.code, **values))
                continue
            before = (item.section_id, item.order, *[getattr(item, f) for f in ITEM_FIELDS])
            item.section, item.order = row, order
            for f, v in values.items():
                setattr(item, f, v)
            if before != (item.section_id, item.order, *[getattr(item, f) for f in ITEM_FIELDS]):
                changed_items.append(item)
    audit.bulk_update(Item, changed_items, ["section", "order", *ITEM_FIELDS], actor=actor)
    audit.bulk_create(Item, new_items, actor=actor)
    gone_sections = [s.pk for code, s in old_sections.items() if code not in {spec.code for spec in sections}]
    if gone_sections:
        Section.objects.filter(pk__in=gone_sections).delete()
    return version


@transaction.atomic
def item_update(*, actor, item: Item, **changes) -> Item:
    _require(actor, Perm.TEMPLATE_MANAGE)
    unknown = set(changes) - set(ITEM_FIELDS) - {"order"}
    if unknown:
        raise ValidationError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    changes.pop("order", None)
    version = _locked_version(item.version)
    _check_draft(version)
    sections = version_content(version)
    for section in sections:
        for spec in section.items:
            if spec.code == item.code:
                for key, value in changes.items():
                    setattr(spec, key, value)
    _apply_edit(actor, version, sections, section_code=None, item_code=item.code)
    return Item.objects.get(pk=item.pk)


# ------------------------------------------------------------------ the on-screen template editor
def _apply_edit(
    actor,
    version: TemplateVersion,
    sections: list[SectionSpec],
    *,
    section_code=None,
    item_code=None,
    pass_threshold=None,
) -> None:
    """Validate the edited content and save it; problems of the edited section or item are raised
    by field (for the form), the others as a list."""
    problems = content_problems(sections)
    if problems:
        by_field: dict[str, list[str]] = {}
        for p in problems:
            own = (item_code is not None and p.item == item_code) or (
                item_code is None and section_code is not None and p.section == section_code and p.item is None
            )
            key = p.field if own and p.field else NON_FIELD_ERRORS
            by_field.setdefault(key, []).append(p.message if own else p.full)
        raise ValidationError(by_field)
    version_set_content(actor=actor, version=version, sections=sections, pass_threshold=pass_threshold)


def _editable(actor, version: TemplateVersion) -> tuple[TemplateVersion, list[SectionSpec]]:
    _require(actor, Perm.TEMPLATE_MANAGE)
    version = _locked_version(version)
    _check_draft(version)
    return version, version_content(version)


def _find_section(sections, code) -> SectionSpec:
    for section in sections:
        if section.code == code:
            return section
    raise ValidationError(_("Section %(code)s is not in this version.") % {"code": code}, code="missing")


def _find_item(sections, code) -> tuple[SectionSpec, ItemSpec]:
    for section in sections:
        for item in section.items:
            if item.code == code:
                return section, item
    raise ValidationError(_("Item %(code)s is not in this version.") % {"code": code}, code="missing")


@transaction.atomic
def version_update_settings(
    *, actor, version: TemplateVersion, pass_threshold: Decimal, notes: str | None = None
) -> TemplateVersion:
    version, sections = _editable(actor, version)
    if pass_threshold is None or not Decimal(0) <= Decimal(pass_threshold) <= Decimal(100):
        raise ValidationError({"pass_threshold": _("The pass threshold is a percentage from 0 to 100.")})
    return version_set_content(
        actor=actor, version=version, sections=sections, pass_threshold=pass_threshold, notes=notes
    )


@transaction.atomic
def section_save(
    *, actor, version: TemplateVersion, code: str, title_vi: str, title_en: str = "", original_code: str | None = None
) -> None:
    """Add a section at the end (original_code None) or change one (its code too)."""
    version, sections = _editable(actor, version)
    code, title_vi, title_en = (code or "").strip(), (title_vi or "").strip(), (title_en or "").strip()
    if original_code is None:
        if any(s.code == code for s in sections):
            raise ValidationError(
                {"code": _("Another section of this version already has code %(code)s.") % {"code": code}}
            )
        sections.append(SectionSpec(code=code, title_vi=title_vi, title_en=title_en, items=[]))
    else:
        section = _find_section(sections, original_code)
        if code != original_code and any(s.code == code for s in sections):
            raise ValidationError(
                {"code": _("Another section of this version already has code %(code)s.") % {"code": code}}
            )
        section.code, section.title_vi, section.title_en = code, title_vi, title_en
    _apply_edit(actor, version, sections, section_code=code)


@transaction.atomic
def section_delete(*, actor, version: TemplateVersion, code: str) -> None:
    """Delete a section with its items."""
    version, sections = _editable(actor, version)
    section = _find_section(sections, code)
    sections.remove(section)
    _apply_edit(actor, version, sections)


def _move(seq: list, index: int, direction: str) -> None:
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(seq):
        raise ValidationError(_("It cannot move further."), code="edge")
    seq[index], seq[target] = seq[target], seq[index]


@transaction.atomic
def section_move(*, actor, version: TemplateVersion, code: str, direction: str) -> None:
    version, sections = _editable(actor, version)
    _move(sections, sections.index(_find_section(sections, code)), direction)
    _apply_edit(actor, version, sections)


@transaction.atomic
def item_save(
    *, actor, version: TemplateVersion, section_code: str, spec: ItemSpec, original_code: str | None = None
) -> None:
    """Add an item at the end of a section (original_code None) or change one; the item may move to
    another section (at its end). Every rule of the content is checked (validate_content)."""
    version, sections = _editable(actor, version)
    spec.code = (spec.code or "").strip()
    target = _find_section(sections, section_code)
    if original_code is None:
        target.items.append(spec)
    else:
        section, old = _find_item(sections, original_code)
        index = section.items.index(old)
        if section is target:
            section.items[index] = spec
        else:
            section.items.pop(index)
            target.items.append(spec)
    _apply_edit(actor, version, sections, item_code=spec.code)


@transaction.atomic
def item_delete(*, actor, version: TemplateVersion, code: str) -> None:
    version, sections = _editable(actor, version)
    section, item = _find_item(sections, code)
    section.items.remove(item)
    _apply_edit(actor, version, sections)


@transaction.atomic
def item_move(*, actor, version: TemplateVersion, code: str, direction: str) -> None:
    """Up or down within its section; at the section's edge, into the previous or next section."""
    version, sections = _editable(actor, version)
    section, item = _find_item(sections, code)
    index = section.items.index(item)
    s_index = sections.index(section)
    if direction == "up" and index == 0 and s_index > 0:
        section.items.pop(0)
        sections[s_index - 1].items.append(item)
    elif direction == "down" and index == len(section.items) - 1 and s_index < len(sections) - 1:
        section.items.pop()
        sections[s_index + 1].items.insert(0, item)
    else:
        _move(section.items, index, direction)
    _apply_edit(actor, version, sections)


@transaction.atomic
def version_publish(*, actor, version: TemplateVersion) -> TemplateVersion:
    """Freeze a draft. The version published before it is retired (assignments pinned to it keep it)."""
    _require(actor, Perm.TEMPLATE_MANAGE)
    version = _locked_version(version)
    _check_draft(version)
    if not version.items.exists():
        raise ValidationError(_("A version without items cannot be published."))
    previous = list(TemplateVersion.objects.filter(template=version.template, status=VersionStatus.PUBLISHED))
    for old in previous:
        old.status = VersionStatus.RETIRED
    audit.bulk_update(TemplateVersion, previous, ["status"], actor=actor)
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = _user(actor)
    version.save()
    return version


@transaction.atomic
def version_retire(*, actor, version: TemplateVersion) -> TemplateVersion:
    _require(actor, Perm.TEMPLATE_MANAGE)
    version = _locked_version(version)
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("Only a published version can be retired."))
    version.status = VersionStatus.RETIRED
    version.save(update_fields=["status"])
    return version


@transaction.atomic
def version_new_draft(*, actor, template: ChecklistTemplate) -> TemplateVersion:
    """Editing a published template: the draft (new or existing) that will become the next version,
    a copy of the latest version's content. The published version is never touched."""
    _require(actor, Perm.TEMPLATE_MANAGE)
    ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    draft = TemplateVersion.objects.filter(template=template, status=VersionStatus.DRAFT).first()
    if draft is not None:
        return draft
    source = TemplateVersion.objects.filter(template=template).order_by("-number").first()
    number = (source.number if source else 0) + 1
    draft = TemplateVersion.objects.create(
        template=template,
        number=number,
        created_by=_user(actor),
        pass_threshold=source.pass_threshold if source else Decimal("50"),
    )
    if source is not None:
        sections = []
        for s in source.sections.order_by("order").prefetch_related("items"):
            sections.append(
                SectionSpec(
                    code=s.code,
                    title_vi=s.title_vi,
                    title_en=s.title_en,
                    items=[
                        ItemSpec(
                            code=i.code,
                            text_vi=i.text_vi,
                            text_en=i.text_en,
                            answer_type=i.answer_type,
                            legal_basis=i.legal_basis,
                            weight=i.weight,
                            critical=i.critical,
                            failing_answers=i.failing_answers,
                            note_required_on_failure=i.note_required_on_failure,
                            photo_required_on_failure=i.photo_required_on_failure,
                            required=i.required,
                            relevant=i.relevant,
                        )
                        for i in s.items.order_by("order")
                    ],
                )
            )
        version_set_content(actor=actor, version=draft, sections=sections)
    return draft


# ============================================================================ plans, assignments
@transaction.atomic
def plan_create(
    *,
    actor,
    year: int,
    name: str,
    unit: Unit,
    kind: str = PlanKind.INSPECTION,
    target_coverage: Decimal = Decimal("20"),
) -> InspectionPlan:
    _require(actor, Perm.INSPECTION_PLAN)
    if actor is not None and not can_plan(user=actor, unit=unit):
        raise ValidationError({"unit": _("The unit “%(unit)s” is outside your scope.") % {"unit": unit.name}})
    plan = InspectionPlan(
        year=year, name=name.strip(), unit=unit, kind=kind, target_coverage=target_coverage, created_by=_user(actor)
    )
    plan.full_clean()
    plan.save()
    return plan


def _check_assignable_version(version: TemplateVersion) -> None:
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError({"template_version": _("Only a published template version can be assigned.")})


def _check_in_plan(plan: InspectionPlan, unit: Unit) -> None:
    low, high = subtree_bounds(plan.unit.path)
    if not (low <= unit.path < high):
        raise ValidationError({"unit": _("The unit “%(unit)s” is outside the plan's scope.") % {"unit": unit.name}})


@transaction.atomic
def assignment_create(
    *,
    actor,
    plan: InspectionPlan,
    unit: Unit,
    template_version: TemplateVersion,
    due_date: dt.date,
    lead=None,
    members=(),
    announced: bool = True,
    is_self: bool = False,
) -> Assignment:
    _require(actor, Perm.INSPECTION_PLAN)
    if actor is not None and not can_plan(user=actor, unit=unit):
        raise ValidationError({"unit": _("The unit “%(unit)s” is outside your scope.") % {"unit": unit.name}})
    _check_in_plan(plan, unit)
    _check_assignable_version(template_version)
    if not is_self:
        if lead is None:
            raise ValidationError({"lead": _("Choose the lead inspector.")})
        for person in [lead, *members]:
            if not has_perm(person, Perm.INSPECTION_FILL):
                raise ValidationError({"members": _("%(user)s is not an inspector.") % {"user": person.username}})
        if not has_perm(lead, Perm.INSPECTION_REVIEW):
            raise ValidationError(
                {"lead": _("%(user)s cannot lead an inspection (no review permission).") % {"user": lead.username}}
            )
    assignment = Assignment(
        plan=plan,
        unit=unit,
        template_version=template_version,
        due_date=due_date,
        lead=None if is_self else lead,
        announced=announced,
        is_self=is_self,
    )
    assignment.full_clean()
    assignment.save()
    if not is_self:
        audit.bulk_create(
            AssignmentMember,
            [
                AssignmentMember(assignment=assignment, user=m)
                for m in {m.pk: m for m in members if m.pk != lead.pk}.values()
            ],
        )
    return assignment


@transaction.atomic
def campaign_create(
    *,
    actor,
    year: int,
    name: str,
    unit: Unit,
    template_version: TemplateVersion,
    due_date: dt.date,
    unit_kinds: list[str] | None = None,
) -> InspectionPlan:
    """A self-inspection campaign: every active unit in the scope gets a self-inspection assignment."""
    _check_assignable_version(template_version)
    plan = plan_create(actor=actor, year=year, name=name, unit=unit, kind=PlanKind.SELF_CAMPAIGN)
    low, high = subtree_bounds(unit.path)
    units = Unit.objects.filter(path__gte=low, path__lt=high, active=True)
    if unit_kinds:
        units = units.filter(kind__in=unit_kinds)
    rows = [
        Assignment(
            plan=plan, unit=u, template_version=template_version, due_date=due_date, is_self=True, announced=True
        )
        for u in units.only("pk")
    ]
    if not rows:
        raise ValidationError(_("No unit in this scope matches."))
    audit.bulk_create(Assignment, rows, actor=actor)
    return plan


# ================================================================================ filling, sync
def canonical_hash(payload: dict) -> str:
    body = {k: v for k, v in payload.items() if k not in CLIENT_ONLY_FIELDS}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class AnswerInput:
    item: str  # item code
    value: object = ""
    note: str = ""
    evidence: list | None = None  # sha256 of uploaded images


def _parse_answers(version: TemplateVersion, answers: list[AnswerInput], items: dict[str, Item]):
    """Check every answer against the pinned version; collect every error."""
    errors: list[str] = []
    cleaned: dict[str, tuple[Item, str, str, list[str]]] = {}
    for a in answers:
        code = str(a.item).strip()
        item = items.get(code)
        if item is None:
            errors.append(
                _("Item %(code)s is not in version %(number)s of this template.")
                % {"code": code, "number": version.number}
            )
            continue
        if code in cleaned:
            errors.append(_("Item %(code)s is answered twice.") % {"code": code})
            continue
        try:
            value = scoring.normalise(item.answer_type, a.value)
        except scoring.AnswerError as exc:
            errors.append(
                _("Item %(code)s (%(type)s): %(error)s")
                % {"code": code, "type": item.get_answer_type_display(), "error": exc}
            )
            continue
        shas = [str(s).strip().lower() for s in (a.evidence or [])]
        note = (a.note or "").strip()
        if len(note) > 4000:
            errors.append(_("Item %(code)s: the note is longer than 4,000 characters.") % {"code": code})
        cleaned[code] = (item, value, note, list(dict.fromkeys(shas)))
    return cleaned, errors


def _drop_not_relevant(items: dict[str, Item], cleaned) -> set[str]:
    """Evaluate every item's XLSForm `relevant` against the answers (in item order) and drop the
    answers of items that are not relevant: such an item is not required, and is left out of the
    score and the maximum (like N/A). An answer sent to it is dropped, not refused, because a tablet
    that filled it before the answer it depends on changed must still be able to save. Returns the
    codes of the items that are not relevant."""
    values = {code: entry[1] for code, entry in cleaned.items()}
    shown = relevance.relevant_items(items.values(), values)
    skipped = {code for code, ok in shown.items() if not ok}
    for code in skipped:
        cleaned.pop(code, None)
    return skipped


def _missing_for_submit(items: dict[str, Item], cleaned, scores, skipped=frozenset()) -> list[str]:
    missing = []
    for code, item in items.items():
        if code in skipped:
            continue
        entry = cleaned.get(code)
        answered = entry is not None and (entry[1] != "" or (item.answer_type == AnswerType.PHOTO and entry[3]))
        if item.required and not answered:
            missing.append(_("%(code)s – %(text)s: no answer.") % {"code": code, "text": item.text_vi})
            continue
        if entry is None:
            continue
        if scores[code].failed:
            if item.note_required_on_failure and not entry[2]:
                missing.append(
                    _("%(code)s – %(text)s: a note is required when the item fails.")
                    % {"code": code, "text": item.text_vi}
                )
            if item.photo_required_on_failure and not entry[3]:
                missing.append(
                    _("%(code)s – %(text)s: a photo is required when the item fails.")
                    % {"code": code, "text": item.text_vi}
                )
    return missing


def _apply_answers(
    *, actor, inspection: Inspection, items: dict[str, Item], cleaned, scores, replace: bool, skipped=frozenset()
) -> None:
    """Upsert answers and their evidence in a fixed number of queries. Stored answers of items that
    are no longer relevant (`skipped`) go; one that already has a finding is kept, emptied."""
    existing = {a.item_id: a for a in Answer.objects.filter(inspection=inspection)}
    skipped_ids = {items[code].pk for code in skipped if code in items}
    if skipped_ids and not replace:
        stale = [a for item_id, a in existing.items() if item_id in skipped_ids]
        if stale:
            Answer.objects.filter(pk__in=[a.pk for a in stale], finding__isnull=True).delete()
            kept = list(Answer.objects.filter(pk__in=[a.pk for a in stale]))
            Evidence.objects.filter(answer__in=[a.pk for a in kept]).delete()
            for a in kept:
                a.value, a.score, a.max_score, a.failed = "", None, None, False
            audit.bulk_update(Answer, kept, ["value", "score", "max_score", "failed"], actor=actor)
            for item_id in skipped_ids:
                existing.pop(item_id, None)
    blobs = {}
    wanted = {sha for entry in cleaned.values() for sha in entry[3]}
    if wanted:
        blobs = {b.sha256: b for b in EvidenceBlob.objects.filter(sha256__in=wanted)}
    unknown = sorted(wanted - set(blobs))
    if unknown:
        raise ValidationError(
            {"answers": [_("Photo %(sha)s has not been uploaded.") % {"sha": s[:12]} for s in unknown]}
        )
    to_create, to_update = [], []
    for _code, (item, value, note, _shas) in cleaned.items():
        sc = scores[item.code]
        answer = existing.get(item.pk)
        if answer is None:
            answer = Answer(inspection=inspection, item=item)
            to_create.append(answer)
        else:
            to_update.append(answer)
        answer.value, answer.note = value, note
        answer.score, answer.max_score, answer.failed = sc.score, sc.max_score, sc.failed
    if replace:
        keep = {entry[0].pk for entry in cleaned.values()}
        gone = [a.pk for item_id, a in existing.items() if item_id not in keep]
        if gone:
            Answer.objects.filter(pk__in=gone, finding__isnull=True).delete()
    audit.bulk_update(Answer, to_update, ["value", "note", "score", "max_score", "failed"], actor=actor)
    audit.bulk_create(Answer, to_create, actor=actor)
    touched = [*to_update, *to_create]
    Evidence.objects.filter(answer__in=[a.pk for a in to_update]).delete()
    by_item = {a.item_id: a for a in touched}
    evidence = [
        Evidence(answer=by_item[item.pk], blob=blobs[sha]) for (item, _v, _n, shas) in cleaned.values() for sha in shas
    ]
    audit.bulk_create(Evidence, evidence, actor=actor)


def _rescore(inspection: Inspection) -> None:
    """Totals from the stored answers (one aggregate query)."""
    from django.db.models import Count, Q, Sum

    agg = Answer.objects.filter(inspection=inspection).aggregate(
        score=Sum("score", filter=Q(max_score__isnull=False)),
        maximum=Sum("max_score"),
        critical=Count("pk", filter=Q(failed=True, item__critical=True)),
        answered=Count("pk", filter=~Q(value="") | Q(evidence__isnull=False), distinct=True),
    )
    inspection.score = agg["score"] or Decimal(0)
    inspection.max_score = agg["maximum"] or Decimal(0)
    inspection.total_percent = scoring.percent(inspection.score, inspection.max_score)
    inspection.band = scoring.band_for(inspection.total_percent)
    inspection.critical_failed = bool(agg["critical"])
    inspection.answered = agg["answered"]


def _score_all(items: dict[str, Item], cleaned) -> dict:
    return {
        code: scoring.score_item(
            answer_type=item.answer_type,
            weight=item.weight,
            failing_answers=item.failing_answers,
            value=value,
            has_photo=bool(shas),
        )
        for code, (item, value, _note, shas) in cleaned.items()
    }


def _version_items(version: TemplateVersion) -> dict[str, Item]:
    return {i.code: i for i in Item.objects.filter(version=version).order_by("order")}


def inspection_save(
    *,
    actor,
    assignment: Assignment,
    answers: list[AnswerInput],
    inspected_on: dt.date | None = None,
    summary: str | None = None,
    submit: bool = False,
    client_uuid=None,
    content_hash: str = "",
    base_version: int | None = None,
    replace: bool = True,
) -> Inspection:
    """Create or update the assignment's inspection (draft or returned), score it on the server, and
    submit it if asked. Every bad answer is reported at once; nothing is written on error. Items whose
    `relevant` expression is false are not required and not scored; answers sent to them are dropped
    (see _drop_not_relevant)."""
    with transaction.atomic():
        if actor is not None and not can_fill(user=actor, assignment=assignment):
            raise ValidationError(_("This assignment is not yours to fill."), code="not_team")
        inspection = Inspection.objects.select_for_update().filter(assignment=assignment).first()
        if inspection is not None:
            if base_version is not None and inspection.version != base_version:
                raise ValidationError(_("This inspection changed since you opened it."), code="stale")
            if inspection.status == InspectionStatus.APPROVED:
                raise ValidationError(
                    _("This inspection is approved and locked; change it through an amendment."), code="locked"
                )
            if inspection.status == InspectionStatus.SUBMITTED:
                raise ValidationError(
                    _("This inspection is submitted and waits for review; it cannot be edited."), code="submitted"
                )
        version = assignment.template_version
        items = _version_items(version)
        cleaned, errors = _parse_answers(version, answers, items)
        if errors:
            raise ValidationError({"answers": errors}, code="invalid")
        if inspection is not None and not replace:
            # Keep earlier answers that this request does not mention.
            for a in (
                Answer.objects.filter(inspection=inspection).select_related("item").prefetch_related("evidence__blob")
            ):
                if a.item.code not in cleaned:
                    cleaned[a.item.code] = (a.item, a.value, a.note, [e.blob.sha256 for e in a.evidence.all()])
        skipped = _drop_not_relevant(items, cleaned)
        scores = _score_all(items, cleaned)
        if submit:
            missing = _missing_for_submit(items, cleaned, scores, skipped)
            if missing:
                raise ValidationError({"missing": missing}, code="missing")
        now = timezone.now()
        if inspection is None:
            inspection = Inspection(
                assignment=assignment,
                unit_id=assignment.unit_id,
                template_version=version,
                kind=version.template.kind,
                is_self=assignment.is_self,
                inspected_on=inspected_on or timezone.localdate(),
                created_by=_user(actor),
                client_uuid=client_uuid,
                content_hash=content_hash,
            )
            if summary is not None:
                inspection.summary = summary
            inspection.save()
        else:
            inspection.version += 1
            if inspected_on:
                inspection.inspected_on = inspected_on
            if summary is not None:
                inspection.summary = summary
        _apply_answers(
            actor=actor,
            inspection=inspection,
            items=items,
            cleaned=cleaned,
            scores=scores,
            replace=True,
            skipped=skipped,
        )
        _rescore(inspection)
        if submit:
            inspection.status = InspectionStatus.SUBMITTED
            inspection.submitted_at = now
            inspection.submitted_by = _user(actor)
        inspection.save()
        return inspection


def inspection_sync_body(inspection: Inspection) -> dict:
    """The body answered to a sync POST, stored so that a replay answers exactly the same."""
    return {
        "id": inspection.pk,
        "client_uuid": str(inspection.client_uuid) if inspection.client_uuid else None,
        "assignment": inspection.assignment_id,
        "status": inspection.status,
        "version": inspection.version,
        "content_hash": inspection.content_hash,
        "inspected_on": inspection.inspected_on.isoformat(),
        "total_percent": str(inspection.total_percent) if inspection.total_percent is not None else None,
        "band": inspection.band,
        "critical_failed": inspection.critical_failed,
        "answered": inspection.answered,
    }


@dataclass
class SyncResult:
    inspection: Inspection
    body: dict
    created: bool
    conflict: bool = False


class SyncForbidden(Exception):
    """The uuid belongs to another user's record or to an assignment the user no longer holds."""


def inspection_sync(
    *,
    actor,
    client_uuid,
    payload: dict,
    assignment: Assignment,
    answers: list[AnswerInput],
    inspected_on=None,
    summary: str | None = None,
    submit: bool = False,
) -> SyncResult:
    """Offline-safe creation (see sync.md): same uuid + same content → the first answer again; same
    uuid + other content → conflict; concurrent replays → one row (unique constraint + re-read)."""
    client_uuid = uuid_module.UUID(str(client_uuid))
    content_hash = canonical_hash(payload)
    # One read for both questions (this uuid already sent? this assignment already filled?): with two
    # reads a concurrent replay could commit between them and be taken for another device's record.
    found = {
        row.client_uuid == client_uuid: row
        for row in Inspection.objects.filter(Q(client_uuid=client_uuid) | Q(assignment=assignment))[:2]
    }
    if True in found:
        return _replay(actor, found[True], content_hash)
    if actor is not None and not can_fill(user=actor, assignment=assignment):
        raise SyncForbidden(_("This assignment is not yours to fill."))
    if False in found:
        return SyncResult(found[False], inspection_sync_body(found[False]), created=False, conflict=True)
    try:
        with transaction.atomic():
            # One sync per assignment at a time: lock the assignment row (a lock on the inspection row
            # locks nothing while none exists), then re-read: a concurrent replay may have committed.
            Assignment.objects.select_for_update().filter(pk=assignment.pk).first()
            already = Inspection.objects.filter(assignment=assignment).first()
            if already is not None:
                raise _AlreadyFilled(already)
            inspection = inspection_save(
                actor=actor,
                assignment=assignment,
                answers=answers,
                inspected_on=inspected_on,
                summary=summary,
                submit=submit,
                client_uuid=client_uuid,
                content_hash=content_hash,
            )
            if inspection.client_uuid != client_uuid:
                # The assignment already had an inspection made by another device: that is a conflict.
                raise _AlreadyFilled(inspection)
            body = inspection_sync_body(inspection)
            inspection.sync_response = body
            inspection.save(update_fields=["sync_response"])
            return SyncResult(inspection, body, created=True)
    except _AlreadyFilled as exc:
        current = Inspection.objects.get(pk=exc.inspection.pk)
        if current.client_uuid == client_uuid:
            return _replay(actor, current, content_hash)
        return SyncResult(current, inspection_sync_body(current), created=False, conflict=True)
    except IntegrityError:
        existing = Inspection.objects.filter(client_uuid=client_uuid).first()
        if existing is None:
            existing = Inspection.objects.filter(assignment=assignment).first()
            if existing is None:
                raise
            return SyncResult(existing, inspection_sync_body(existing), created=False, conflict=True)
        return _replay(actor, existing, content_hash)


class _AlreadyFilled(Exception):
    def __init__(self, inspection):
        super().__init__()
        self.inspection = inspection


def _replay(actor, existing: Inspection, content_hash: str) -> SyncResult:
    if (
        actor is not None
        and existing.created_by_id not in (None, actor.pk)
        and not can_fill(user=actor, assignment=existing.assignment)
    ):
        raise SyncForbidden(_("This record belongs to someone else."))
    if existing.content_hash == content_hash:
        return SyncResult(existing, existing.sync_response or inspection_sync_body(existing), created=False)
    return SyncResult(existing, inspection_sync_body(existing), created=False, conflict=True)


# ========================================================================== review, amendments
@transaction.atomic
def inspection_approve(*, actor, inspection: Inspection, comment: str = "") -> Inspection:
    inspection = Inspection.objects.select_for_update().select_related("assignment").get(pk=inspection.pk)
    if actor is not None and not can_review(user=actor, assignment=inspection.assignment):
        raise ValidationError(_("Only the lead inspector can approve or return this inspection."))
    if inspection.status != InspectionStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted inspection can be approved."))
    inspection.status = InspectionStatus.APPROVED
    inspection.approved_at = inspection.reviewed_at = timezone.now()
    inspection.approved_by = inspection.reviewed_by = _user(actor)
    inspection.review_comment = comment.strip()
    inspection.version += 1
    inspection.save()
    findings_sync(inspection=inspection)
    return inspection


@transaction.atomic
def inspection_return(*, actor, inspection: Inspection, comment: str) -> Inspection:
    inspection = Inspection.objects.select_for_update().select_related("assignment").get(pk=inspection.pk)
    if actor is not None and not can_review(user=actor, assignment=inspection.assignment):
        raise ValidationError(_("Only the lead inspector can approve or return this inspection."))
    if inspection.status != InspectionStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted inspection can be returned."))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say what must be corrected.")})
    inspection.status = InspectionStatus.RETURNED
    inspection.reviewed_at = timezone.now()
    inspection.reviewed_by = _user(actor)
    inspection.review_comment = comment.strip()
    inspection.version += 1
    inspection.save()
    return inspection


def inspection_snapshot(inspection: Inspection) -> dict:
    answers = {}
    for a in Answer.objects.filter(inspection=inspection).select_related("item").prefetch_related("evidence__blob"):
        answers[a.item.code] = {
            "value": a.value,
            "note": a.note,
            "score": str(a.score) if a.score is not None else None,
            "max": str(a.max_score) if a.max_score is not None else None,
            "failed": a.failed,
            "evidence": [e.blob.sha256 for e in a.evidence.all()],
        }
    return {
        "status": inspection.status,
        "inspected_on": inspection.inspected_on.isoformat(),
        "summary": inspection.summary,
        "total_percent": str(inspection.total_percent) if inspection.total_percent is not None else None,
        "band": inspection.band,
        "critical_failed": inspection.critical_failed,
        "answers": answers,
    }


@transaction.atomic
def inspection_amend(
    *,
    actor,
    inspection: Inspection,
    reason: str,
    answers: list[AnswerInput],
    summary: str | None = None,
    base_version: int | None = None,
) -> Amendment:
    """Change a locked inspection: only the listed answers change; the full before and after are kept."""
    inspection = (
        Inspection.objects.select_for_update()
        .select_related("assignment", "template_version__template")
        .get(pk=inspection.pk)
    )
    if actor is not None and not can_review(user=actor, assignment=inspection.assignment):
        raise ValidationError(_("Only the lead inspector can amend this inspection."))
    if inspection.status != InspectionStatus.APPROVED:
        raise ValidationError(_("Only an approved (locked) inspection is amended; edit it instead."))
    if base_version is not None and base_version != inspection.version:
        raise ValidationError(_("This inspection changed since you opened it."), code="stale")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("An amendment needs a reason.")})
    items = _version_items(inspection.template_version)
    cleaned, errors = _parse_answers(inspection.template_version, answers, items)
    if errors:
        raise ValidationError({"answers": errors})
    before = inspection_snapshot(inspection)
    for code, entry in before["answers"].items():
        if code not in cleaned and code in items:
            cleaned[code] = (items[code], entry["value"], entry["note"], entry["evidence"])
    skipped = _drop_not_relevant(items, cleaned)
    scores = _score_all(items, cleaned)
    missing = _missing_for_submit(items, cleaned, scores, skipped)
    if missing:
        raise ValidationError({"missing": missing})
    _apply_answers(
        actor=actor, inspection=inspection, items=items, cleaned=cleaned, scores=scores, replace=False, skipped=skipped
    )
    if summary is not None:
        inspection.summary = summary
    _rescore(inspection)
    inspection.version += 1
    inspection.save()
    after = inspection_snapshot(inspection)
    if after == before:
        raise ValidationError(_("The amendment changes nothing."))
    number = (inspection.amendments.aggregate(m=Max("number"))["m"] or 0) + 1
    amendment = Amendment.objects.create(
        inspection=inspection, number=number, reason=reason.strip(), actor=_user(actor), before=before, after=after
    )
    findings_sync(inspection=inspection)
    return amendment


# ======================================================================== findings and actions
def findings_sync(*, inspection: Inspection) -> None:
    """Each failed answer has a finding; findings whose item no longer fails go if they have no action."""
    failed = list(Answer.objects.filter(inspection=inspection, failed=True).select_related("item"))
    have = {f.answer_id: f for f in Finding.objects.filter(inspection=inspection)}
    new = [
        Finding(
            inspection=inspection,
            answer=a,
            item=a.item,
            unit_id=inspection.unit_id,
            critical=a.item.critical,
            description=a.item.text_vi + (f" — {a.note}" if a.note else ""),
        )
        for a in failed
        if a.pk not in have
    ]
    audit.bulk_create(Finding, new)
    failed_ids = {a.pk for a in failed}
    stale = [f.pk for answer_id, f in have.items() if answer_id not in failed_ids]
    if stale:
        Finding.objects.filter(pk__in=stale, actions__isnull=True).delete()


@transaction.atomic
def action_create(
    *,
    actor,
    finding: Finding,
    description: str,
    due_date: dt.date,
    unit: Unit | None = None,
    responsible_person: Staff | None = None,
) -> CorrectiveAction:
    probe = CorrectiveAction(finding=finding, unit=unit or finding.unit)
    if actor is not None and not can_verify_action(user=actor, action=probe):
        raise ValidationError(_("Only the inspection team can add corrective actions."))
    if not (description or "").strip():
        raise ValidationError({"description": _("Describe the corrective action.")})
    if due_date is None:
        raise ValidationError({"due_date": _("Give a due date.")})
    if unit is not None:
        low, high = subtree_bounds(finding.unit.path)
        if not (low <= unit.path < high):
            raise ValidationError(
                {"unit": _("The responsible unit must be the inspected unit or one of its sub-units.")}
            )
    action = CorrectiveAction(
        finding=finding,
        unit=unit or finding.unit,
        responsible_person=responsible_person,
        description=description.strip(),
        due_date=due_date,
        created_by=_user(actor),
    )
    action.full_clean()
    action.save()
    return action


ALLOWED_PROGRESS = {
    ActionStatus.OPEN: {ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE},
    ActionStatus.IN_PROGRESS: {ActionStatus.IN_PROGRESS, ActionStatus.DONE},
    ActionStatus.DONE: {ActionStatus.DONE, ActionStatus.IN_PROGRESS},
    ActionStatus.VERIFIED: set(),
}


def _progress(action: CorrectiveAction, *, actor, note: str, status_to: str, shas=()) -> ActionProgress:
    entry = ActionProgress.objects.create(
        action=action, author=_user(actor), note=(note or "").strip(), status_from=action.status, status_to=status_to
    )
    if shas:
        blobs = {b.sha256: b for b in EvidenceBlob.objects.filter(sha256__in=list(shas))}
        unknown = [s for s in shas if s not in blobs]
        if unknown:
            raise ValidationError(
                {"evidence": [_("Photo %(sha)s has not been uploaded.") % {"sha": s[:12]} for s in unknown]}
            )
        audit.bulk_create(Evidence, [Evidence(progress=entry, blob=blobs[s]) for s in dict.fromkeys(shas)])
    return entry


@transaction.atomic
def action_update_progress(
    *, actor, action: CorrectiveAction, status: str, note: str = "", evidence=(), base_version: int | None = None
) -> CorrectiveAction:
    """The responsible unit reports progress (open → in progress → done) with notes and photos."""
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    if actor is not None and not can_update_action(user=actor, action=action):
        raise ValidationError(_("Only the responsible unit can report progress on this action."))
    if base_version is not None and base_version != action.version:
        raise ValidationError(_("This corrective action changed since you opened it."), code="stale")
    if status not in ALLOWED_PROGRESS.get(action.status, set()) or status == ActionStatus.VERIFIED:
        raise ValidationError(
            {
                "status": _("The status cannot go from “%(from)s” to “%(to)s”.")
                % {
                    "from": action.get_status_display(),
                    "to": ActionStatus(status).label if status in ActionStatus.values else status,
                }
            }
        )
    if not note.strip() and not evidence and status == action.status:
        raise ValidationError({"note": _("Write a progress note or attach a photo.")})
    _progress(action, actor=actor, note=note, status_to=status, shas=[str(s).lower() for s in evidence])
    if status == ActionStatus.DONE and action.status != ActionStatus.DONE:
        action.completed_on = timezone.localdate()
    if status != ActionStatus.DONE:
        action.completed_on = None
    action.status = status
    action.version += 1
    action.save()
    return action


@transaction.atomic
def action_verify(*, actor, action: CorrectiveAction, accept: bool = True, note: str = "") -> CorrectiveAction:
    """The inspector checks a done action: verified (closed), or back to in progress with a note."""
    action = (
        CorrectiveAction.objects.select_for_update().select_related("finding__inspection__assignment").get(pk=action.pk)
    )
    if actor is not None and not can_verify_action(user=actor, action=action):
        raise ValidationError(_("Only the inspection team can verify this action."))
    if action.status != ActionStatus.DONE:
        raise ValidationError(_("Only an action reported done can be verified."))
    if not accept and not note.strip():
        raise ValidationError({"note": _("Say why the action is not accepted.")})
    target = ActionStatus.VERIFIED if accept else ActionStatus.IN_PROGRESS
    _progress(action, actor=actor, note=note, status_to=target)
    action.status = target
    if accept:
        action.verified_at = timezone.now()
        action.verified_by = _user(actor)
    else:
        action.completed_on = None
    action.version += 1
    action.save()
    return action


def action_is_open(action: CorrectiveAction) -> bool:
    return action.status in OPEN_ACTION_STATUSES


# ======================================================================= evidence (uploads)
def evidence_store(*, actor, sha256: str, data: bytes) -> EvidenceBlob:
    """Verify the whole upload against its hash, validate it as an image, resize it and store it.
    An already stored blob with this hash is returned as is."""
    from django.conf import settings
    from django.core.files.base import ContentFile

    from core.images import validate_and_resize

    existing = EvidenceBlob.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValidationError(
            _("The uploaded bytes do not match their SHA-256; upload the photo again."), code="hash_mismatch"
        )
    resized, info = validate_and_resize(
        data,
        max_bytes=getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024),
        max_pixels=getattr(settings, "EVIDENCE_MAX_PIXELS", 40_000_000),
        max_edge=getattr(settings, "EVIDENCE_MAX_EDGE", 1600),
    )
    ext = "png" if info.format == "PNG" else "jpg"
    blob = EvidenceBlob(
        sha256=sha256,
        size=len(resized),
        original_size=len(data),
        content_type=info.content_type,
        width=info.width,
        height=info.height,
        uploaded_by=_user(actor),
    )
    blob.file.save(f"{sha256}.{ext}", ContentFile(resized), save=False)
    try:
        with transaction.atomic():
            blob.save()
    except IntegrityError:
        blob.file.delete(save=False)
        return EvidenceBlob.objects.get(sha256=sha256)
    return blob


def template_kinds() -> list[str]:
    return list(TemplateKind.values)


def unit_in_scope(*, user, unit: Unit, perm) -> bool:
    return Unit.objects.filter(unit_scope_q(user, perm), pk=unit.pk).exists()
