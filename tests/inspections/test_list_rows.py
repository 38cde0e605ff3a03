"""The inspection list, the findings register and their API lists build rows from plain values
(selectors.inspection_rows / finding_register / finding_actions, api serializers' *_row_json) for
speed. These tests pin that the fast path shows exactly what the model path showed: the same JSON as
the serializers, the same finding state as FindingQuerySet.with_state(), the same cells on screen."""

import datetime as dt
import unicodedata
import uuid

import pytest
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils import timezone

from core.permissions import Role
from inspections import selectors, services
from inspections.api import serializers as s
from inspections.models import (
    Assignment,
    CorrectiveAction,
    Finding,
    Inspection,
    InspectionStatus,
)
from inspections.services import AnswerInput
from inspections.views_manage import _truncate
from tests.factories import UserFactory, grant
from tests.inspections.conftest import GOOD_ANSWERS, fill

FAILING = [AnswerInput("I1", "no", note="Không đeo thẻ"), AnswerInput("I2", "no"), *GOOD_ANSWERS[2:]]
LONG = "Khắc phục việc niêm yết thủ tục hành chính tại bộ phận một cửa, kèm ảnh chụp bảng niêm yết mới"


@pytest.fixture
def varied(plan, tree, checklist, team, people):
    """Findings in every state: no action, open and overdue, open not yet due, done, verified, and a
    finding with a verified and an open action; a draft inspection (no total) and one synced from a
    tablet (client_uuid)."""
    today = timezone.localdate()
    units = [tree["alpha"], tree["beta"], tree["gamma_office"]]
    inspections = []
    for unit in units:
        a = services.assignment_create(
            actor=None,
            plan=plan,
            unit=unit,
            template_version=checklist,
            due_date=dt.date(2026, 6, 1),
            lead=team["lead"],
        )
        inspections.append(fill(a, FAILING))
    findings = list(Finding.objects.filter(inspection__in=inspections).order_by("pk"))
    person = people["an"]

    def act(finding, due, status=None, description="Khắc phục"):
        action = services.action_create(
            actor=None, finding=finding, description=description, due_date=due, responsible_person=person
        )
        if status in ("done", "verified"):
            action = services.action_update_progress(actor=None, action=action, status="done", note="Xong")
        if status == "verified":
            action = services.action_verify(actor=None, action=action)
        return action

    # findings[0]: none
    act(findings[1], today - dt.timedelta(days=3), description=LONG)  # open, overdue
    act(findings[2], today + dt.timedelta(days=30))  # open, not due
    act(findings[3], today - dt.timedelta(days=3), "done")
    act(findings[4], today - dt.timedelta(days=3), "verified")
    act(findings[5], today - dt.timedelta(days=1), "verified")
    act(findings[5], today + dt.timedelta(days=9), description=LONG)
    act(findings[5], today - dt.timedelta(days=2))
    draft = services.assignment_create(
        actor=None,
        plan=plan,
        unit=tree["beta"],
        template_version=checklist,
        due_date=dt.date(2026, 6, 1),
        lead=team["lead"],
    )
    draft = fill(draft, GOOD_ANSWERS[:2], submit=False)
    Inspection.objects.filter(pk=draft.pk).update(total_percent=None, band="")  # not scored yet
    Inspection.objects.filter(pk=inspections[0].pk).update(client_uuid=uuid.uuid4())
    return findings


def test_finding_state_is_with_state(varied):
    actions = selectors.finding_actions(finding_ids=[f.pk for f in varied])
    expected = {
        f.pk: {"has_open": f.has_open, "has_overdue": f.has_overdue, "closed": f.closed}
        for f in Finding.objects.with_state()
    }
    got = {f.pk: selectors.finding_state(actions[f.pk]) for f in varied}
    assert got == expected
    assert {tuple(v.values()) for v in got.values()} >= {
        (False, False, False),  # no action
        (True, True, False),  # overdue
        (True, False, False),  # open, not due
        (False, False, False),  # done, not verified
        (False, False, True),  # verified
    }


def test_finding_actions_are_each_findings_in_due_date_order(varied):
    actions = selectors.finding_actions(finding_ids=[f.pk for f in varied])
    for finding in varied:
        expected = list(
            CorrectiveAction.objects.filter(finding=finding).order_by("due_date", "pk").values_list("pk", flat=True)
        )
        assert [a["id"] for a in actions[finding.pk]] == expected
    assert selectors.finding_actions(finding_ids=[]) == {}


def test_finding_actions_rows_are_the_orms_with_overdue_rows(varied):
    """The prepared read (compiled once per page length) with is_overdue in Python gives the rows the ORM
    gives with the SQL CASE, for pages of different lengths and on another day."""
    ids = [f.pk for f in varied]
    for today in (None, dt.date(2026, 1, 1), dt.date(2030, 1, 1)):
        for some in (ids, ids[:1], ids[1:], list(reversed(ids))):
            got = selectors.finding_actions(finding_ids=some, today=today)
            orm = (
                CorrectiveAction.objects.filter(finding_id__in=some)
                .with_overdue(today)
                .order_by("finding_id", "due_date", "pk")
                .values(*selectors.ACTION_ROW_FIELDS)
            )
            assert [row for f in sorted(got) for row in got[f]] == list(orm)
    assert any(row["is_overdue"] for rows in selectors.finding_actions(finding_ids=ids).values() for row in rows)
    late = selectors.finding_actions(finding_ids=ids, today=dt.date(2030, 1, 1))
    early = selectors.finding_actions(finding_ids=ids, today=dt.date(2000, 1, 1))
    assert sum(r["is_overdue"] for rows in late.values() for r in rows) > 0
    assert sum(r["is_overdue"] for rows in early.values() for r in rows) == 0


@pytest.mark.parametrize("params", [{}, {"state": "overdue"}, {"state": "closed"}, {"page_size": 2, "page": 2}])
def test_finding_api_list_is_the_serializers_json(api, cast, varied, params):
    response = api(cast["admin"]).get("/api/v1/findings/", params)
    assert response.status_code == 200
    results = response.json()["results"]
    assert results
    by_pk = {f.pk: f for f in selectors.finding_list(user=cast["admin"])}
    assert results == [s.FindingSerializer(by_pk[row["id"]]).data for row in results]


@pytest.mark.parametrize("params", [{}, {"status": "draft"}, {"self": "false"}, {"page_size": 2, "page": 2}])
def test_inspection_api_list_is_the_serializers_json(api, cast, varied, params):
    response = api(cast["admin"]).get("/api/v1/inspections/", params)
    assert response.status_code == 200
    results = response.json()["results"]
    assert results
    by_pk = {i.pk: i for i in selectors.inspection_list(user=cast["admin"])}
    assert results == [s.InspectionSerializer(by_pk[row["id"]]).data for row in results]
    assert any(row["total_percent"] is None for row in results) or params


def test_findings_register_rows_show_state_actions_and_links(login, cast, varied):
    response = login(cast["admin"]).get(reverse("inspections:finding-list"))
    html = response.content.decode()
    rows = response.context["rows"]
    assert len(rows) == len(varied) == response.context["page_obj"].paginator.count
    assert [len(r["actions"]) for r in rows].count(0) == 1
    mixed = next(r for r in rows if len(r["actions"]) == 3)
    assert mixed["overdue"] is True
    assert [a["status"] for a in mixed["actions"]] == ["Đang mở", "Đã xác minh", "Đang mở"]
    assert [a["overdue"] for a in mixed["actions"]] == [True, False, False]
    assert mixed["actions"][2]["description"] == LONG[:59] + "…"
    assert mixed["actions"][0]["url"] in html and mixed["url"] in html
    assert html.count(LONG[:59] + "…") == 2  # truncated as |truncatechars:60 did
    assert html.count("Chưa có biện pháp khắc phục.") == 1


def test_inspection_list_rows_show_total_band_and_status(login, cast, varied):
    response = login(cast["admin"]).get(reverse("inspections:inspection-list"))
    html = response.content.decode()
    rows = response.context["rows"]
    assert len(rows) == 4
    draft = next(r for r in rows if r["total"] == "—")
    assert draft["status"] == "Nháp" and draft["band"] == "" and draft["checklist"] == "VH-TEST v1"
    approved = [r for r in rows if r["total"] != "—"]
    assert {r["status_class"] for r in approved} == {"ok"}
    assert all("," in r["total"] for r in approved)  # localised as the template showed a Decimal
    assert f'<td class="num">{approved[0]["total"]}</td>' in html
    assert (
        f'href="{reverse("inspections:inspection-detail", args=[Inspection.objects.order_by("-inspected_on", "-pk")[0].pk])}"'
        in html
    )


@pytest.mark.parametrize("text", ["Ngắn", LONG, unicodedata.normalize("NFD", "Đeo thẻ công chức"), "a\u0301" * 70])
def test_register_truncates_as_the_truncatechars_filter(text):
    assert _truncate(text, 60) == truncatechars(text, 60)


def test_every_list_scope_is_visible_to(cast, tree, varied, team, django_user_model):
    """The registers' IN-list scopes (selectors._scoped) list exactly visible_to()'s rows, for the
    cast, the team, a superuser and a unit head of a sub-unit made responsible for an action on its
    parent's finding (seen through the responsible unit only)."""
    alpha_finding = next(f for f in varied if f.unit_id == tree["alpha"].pk)
    services.action_create(
        actor=None, finding=alpha_finding, description="Phòng làm", due_date=dt.date(2026, 2, 1), unit=tree["alpha1"]
    )
    sub_head = UserFactory(username="sub_head")
    grant(sub_head, Role.UNIT_HEAD, tree["alpha1"])
    root = django_user_model.objects.create_superuser("root", "root@example.org", "correct-horse-battery")
    users = [*cast.values(), *team.values(), sub_head, root]
    for user in users:
        assert set(selectors.action_rows(user=user)) == set(CorrectiveAction.objects.visible_to(user)), user
        assert set(selectors.assignment_rows(user=user)) == set(Assignment.objects.visible_to(user)), user
        assert set(selectors.finding_export_list(user=user)) == set(Finding.objects.visible_to(user)), user
        shown = {r["unit_id"] for r in selectors.results_by_unit(user=user)}
        visible = Inspection.objects.visible_to(user).exclude(status=InspectionStatus.DRAFT)
        assert shown == set(visible.values_list("unit_id", flat=True)), user
    assert [a.description for a in selectors.action_rows(user=sub_head)] == ["Phòng làm"]
    assert CorrectiveAction.objects.filter(description="Phòng làm").get() in selectors.action_rows(user=root)


def test_results_per_unit_count_each_inspection_once(cast, plan, tree, checklist, team, varied):
    """A unit with a clean inspection (100 %, no finding) and one with two findings (37.5 %): the mean
    is the two inspections' mean, not weighted by their number of findings."""
    clean = services.assignment_create(
        actor=None,
        plan=plan,
        unit=tree["alpha"],
        template_version=checklist,
        due_date=dt.date(2026, 6, 1),
        lead=team["lead"],
    )
    fill(clean, GOOD_ANSWERS, on=dt.date(2026, 5, 20))
    rows = {r["unit__code"]: r for r in selectors.results_by_unit(user=cast["admin"], filters={"year": 2026})}
    alpha = rows["ALPHA"]
    assert (alpha["inspections"], alpha["approved"], alpha["critical"], alpha["findings"]) == (2, 2, 1, 2)
    assert float(alpha["mean"]) == (100 + 37.5) / 2
    assert alpha["last_date"] == dt.date(2026, 5, 20)
    assert rows["BETA"]["inspections"] == 1 and rows["BETA"]["findings"] == 2  # its draft left out
    assert selectors.results_by_unit(user=cast["admin"], filters={"year": 2025}).count() == 0


def test_results_pages_are_the_unit_results_in_code_order(cast, team, varied):
    """The results screen's pages (units read first, then each page's figures) hold exactly the rows
    of unit_results, page after page, and count its units."""
    for user in [cast["admin"], team["lead"], cast["unit_head"], cast["nobody"]]:
        inspections = selectors.inspection_rows(user=user)
        full = list(selectors.unit_results(inspections=inspections))
        pages = selectors.UnitResultPages(inspections)
        assert pages.count() == len(full), user
        assert pages[0:2] + pages[2:50] == full, user
    assert [r["unit__code"] for r in full] == [] and len(selectors.UnitResultPages(inspections)[0:50]) == 0
    assert [
        r["unit__code"] for r in selectors.UnitResultPages(selectors.inspection_rows(user=cast["admin"]))[0:50]
    ] == [
        "ALPHA",
        "BETA",
        "GAMMA-VP",
    ]
