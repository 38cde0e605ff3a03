"""The corrective-actions register (filters, scope, constant queries, Excel with the screen's
filters, scorecard drill-down), change history on record pages, and formula injection in every
inspections workbook (issue #8)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from inspections import services
from inspections.exports import xlsform_export
from inspections.models import CorrectiveAction
from inspections.services import AnswerInput, ItemSpec, SectionSpec
from tests.factories import make_staff, make_unit
from tests.inspections.conftest import GOOD_ANSWERS, fill

FAILING = [AnswerInput("I1", "no", note="Không đeo thẻ"), AnswerInput("I2", "no"), *GOOD_ANSWERS[2:]]
INJECTIONS = ['=HYPERLINK("http://x","y")', "+1+2", "-3+4", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def _actions(plan, tree, checklist, team, units, *, due=dt.date(2026, 1, 1), person=None):
    """Two findings (I1, I2) per unit's inspection, one action each; the I2 action is done."""
    made = []
    for unit in units:
        a = services.assignment_create(
            actor=None,
            plan=plan,
            unit=unit,
            template_version=checklist,
            due_date=dt.date(2026, 6, 1),
            lead=team["lead"],
        )
        inspection = fill(a, FAILING)
        for finding in inspection.findings.order_by("item__code"):
            action = services.action_create(
                actor=None,
                finding=finding,
                description=f"Khắc phục {unit.code} {finding.item.code}",
                due_date=due,
                responsible_person=person,
            )
            if finding.item.code == "I2":
                action = services.action_update_progress(actor=None, action=action, status="done", note="Xong")
            made.append(action)
    return made


def _rows(response):
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))


# --------------------------------------------------------------------------- the actions register
def test_the_register_lists_actions_with_overdue_shown_and_is_in_the_sub_nav(login, plan, tree, checklist, team, cast):
    _actions(plan, tree, checklist, team, [tree["alpha"], tree["beta"]])
    response = login(cast["admin"]).get(reverse("inspections:action-list"))
    html = response.content.decode()
    assert [a.description for a in response.context["object_list"]] == [
        "Khắc phục ALPHA I1",
        "Khắc phục ALPHA I2",
        "Khắc phục BETA I1",
        "Khắc phục BETA I2",
    ]
    assert html.count('<span class="badge bad">Quá hạn</span>') == 2  # the done ones are not overdue
    assert f'href="{reverse("inspections:action-list")}" aria-current="page"' in html


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"unit": "alpha"}, ["ALPHA I1", "ALPHA I2", "ALPHA-1 I1", "ALPHA-1 I2"]),  # with sub-units
        ({"status": "done"}, ["ALPHA I2", "ALPHA-1 I2", "BETA I2"]),
        ({"overdue": "true"}, ["ALPHA I1", "ALPHA-1 I1", "BETA I1"]),
        ({"overdue": "false", "unit": "beta"}, ["BETA I2"]),
        ({"start": "2026-01-01", "end": "2026-01-31"}, ["ALPHA I1", "ALPHA I2", "ALPHA-1 I1", "ALPHA-1 I2"]),
        ({"responsible": "cuong"}, ["BETA I1", "BETA I2"]),
        ({"responsible": "B001"}, ["BETA I1", "BETA I2"]),
    ],
)
def test_the_register_filters(login, plan, tree, checklist, team, cast, people, params, expected):
    _actions(plan, tree, checklist, team, [tree["alpha"], tree["alpha1"]])
    _actions(plan, tree, checklist, team, [tree["beta"]], due=dt.date(2026, 3, 1), person=people["cuong"])
    params = {k: (tree[v].pk if k == "unit" else v) for k, v in params.items()}
    client = login(cast["admin"])
    response = client.get(reverse("inspections:action-list"), params)
    assert [a.description.removeprefix("Khắc phục ") for a in response.context["object_list"]] == expected
    rows = _rows(client.get(reverse("inspections:action-export"), params))
    assert [r[1].removeprefix("Khắc phục ") for r in rows[1:]] == expected


def test_the_register_is_scoped(login, plan, tree, checklist, team, cast):
    _actions(plan, tree, checklist, team, [tree["alpha"], tree["gamma_office"]])
    seen = login(team["stranger"]).get(reverse("inspections:action-list")).context["object_list"]
    assert list(seen) == []
    head = login(cast["unit_head"]).get(reverse("inspections:action-list"))
    assert {a.unit.code for a in head.context["object_list"]} == {"ALPHA"}
    rows = _rows(login(cast["unit_head"]).get(reverse("inspections:action-export")))
    assert {r[2] for r in rows[1:]} == {"Sở Alpha"}
    assert login(cast["nobody"]).get(reverse("inspections:action-list")).status_code == 404


ACTION_LIST_QUERIES = 6


@pytest.mark.parametrize("page_size", [2, 5])
def test_the_register_runs_constant_queries_per_page(
    login, plan, tree, checklist, team, cast, people, page_size, django_assert_num_queries
):
    _actions(plan, tree, checklist, team, [tree["alpha"], tree["alpha1"], tree["beta"]], person=people["an"])
    client = login(cast["admin"])
    with django_assert_num_queries(ACTION_LIST_QUERIES):
        response = client.get(reverse("inspections:action-list"), {"page_size": page_size, "overdue": "true"})
    assert len(response.context["object_list"]) == 2 if page_size == 2 else 3
    assert response.context["page_obj"].paginator.count == 3


def test_the_export_shows_overdue_and_dates(login, plan, tree, checklist, team, cast):
    _actions(plan, tree, checklist, team, [tree["alpha"]])
    rows = _rows(login(cast["admin"]).get(reverse("inspections:action-export")))
    assert rows[0][:8] == (
        "STT",
        "Biện pháp khắc phục",
        "Đơn vị chịu trách nhiệm",
        "Người chịu trách nhiệm",
        "Thời hạn",
        "Trạng thái",
        "Quá hạn",
        "Hoàn thành ngày",
    )
    assert [(r[1], r[4], r[5], r[6]) for r in rows[1:]] == [
        ("Khắc phục ALPHA I1", dt.datetime(2026, 1, 1), "Đang mở", "có"),
        ("Khắc phục ALPHA I2", dt.datetime(2026, 1, 1), "Đã hoàn thành", None),
    ]


def test_the_scorecard_links_corrective_actions_to_the_register(tree):
    from scorecards.links import criterion_links
    from scorecards.periods import Period

    links = criterion_links(unit=tree["alpha"], period=Period(year=2026))["actions_on_time"]
    base = reverse("inspections:action-list")
    assert [link["url"] for link in links] == [
        f"{base}?unit={tree['alpha'].pk}&start=2026-01-01&end=2026-12-31",
        f"{base}?unit={tree['alpha'].pk}&overdue=true",
    ]


# ------------------------------------------------------------------------------- change history
def _history(html):
    return html.split('id="history-title"')[1]


def test_record_pages_show_who_changed_what(login, assignment, team, cast, plan):
    """Changes made on the screens are recorded with the user who made them."""
    inspection = services.inspection_save(
        actor=team["lead"], assignment=assignment, answers=FAILING, submit=True, inspected_on=dt.date(2026, 5, 4)
    )
    client = login(team["lead"])
    client.post(reverse("inspections:review", args=[inspection.pk]), {"decision": "return", "comment": "Thiếu ảnh"})
    history = _history(client.get(reverse("inspections:inspection-detail", args=[inspection.pk])).content.decode())
    assert "<td>inspector</td>" in history and "Thiếu ảnh" in history and "Đã nộp → Bị trả lại" in history

    services.inspection_save(actor=team["lead"], assignment=assignment, answers=FAILING, submit=True)
    services.inspection_approve(actor=team["lead"], inspection=inspection)
    action = services.action_create(
        actor=team["lead"], finding=inspection.findings.first(), description="Nhắc nhở", due_date=dt.date(2026, 8, 1)
    )
    admin = login(cast["admin"])
    admin.post(reverse("inspections:action-detail", args=[action.pk]), {"status": "in_progress", "note": "Đang làm"})
    history = _history(admin.get(reverse("inspections:action-detail", args=[action.pk])).content.decode())
    assert "<td>admin</td>" in history and "Đang mở → Đang thực hiện" in history

    page = admin.get(reverse("inspections:plan-detail", args=[plan.pk])).content.decode()
    assert "Kế hoạch kiểm tra 2026" in _history(page)


# ----------------------------------------------------------------------- formula injection (#8)
def _text_cells(rows_or_ws, values):
    found = {}
    for row in rows_or_ws.iter_rows():
        for cell in row:
            if cell.value in values:
                found[cell.value] = cell.data_type
    return found


def _sheet(data):
    return load_workbook(io.BytesIO(data))


def _assert_text(workbook, values):
    found = {}
    for ws in workbook.worksheets:
        found.update(_text_cells(ws, values))
    assert found == {v: "s" for v in values}, found


@pytest.fixture
def injected(plan, tree, checklist, team, people):
    """A unit, a note, a conclusion and an action that start like formulas."""
    unit = make_unit(INJECTIONS[0], parent=tree["gamma"], code="INJ")
    person = make_staff(unit, "@Người", code="INJ1")
    a = services.assignment_create(
        actor=None, plan=plan, unit=unit, template_version=checklist, due_date=dt.date(2026, 6, 1), lead=team["lead"]
    )
    inspection = services.inspection_save(
        actor=None,
        assignment=a,
        submit=True,
        summary=INJECTIONS[1],
        answers=[
            AnswerInput("I1", "no", note=INJECTIONS[2]),
            AnswerInput("I2", "yes"),
            AnswerInput("I3", "4"),
            AnswerInput("I4", "100"),
            AnswerInput("I5", "1"),
            AnswerInput("I6", INJECTIONS[3]),
        ],
    )
    inspection = services.inspection_approve(actor=None, inspection=inspection)
    services.action_create(
        actor=None,
        finding=inspection.findings.get(),
        description=INJECTIONS[1],
        due_date=dt.date(2026, 1, 1),
        responsible_person=person,
    )
    return inspection


def test_the_inspection_report_writes_formula_like_text_as_text(login, injected, team):
    response = login(team["lead"]).get(reverse("inspections:report-xlsx", args=[injected.pk]))
    _assert_text(_sheet(response.content), INJECTIONS[:4])


def test_the_findings_register_writes_formula_like_text_as_text(login, injected, cast):
    response = login(cast["admin"]).get(reverse("inspections:finding-export"))
    _assert_text(_sheet(b"".join(response.streaming_content)), [INJECTIONS[0], INJECTIONS[1], "@Người"])


def test_the_results_per_unit_write_formula_like_text_as_text(login, injected, cast):
    response = login(cast["admin"]).get(reverse("inspections:results-export"), {"year": 2026})
    _assert_text(_sheet(b"".join(response.streaming_content)), [INJECTIONS[0]])


def test_the_actions_register_writes_formula_like_text_as_text(login, injected, cast):
    response = login(cast["admin"]).get(reverse("inspections:action-export"))
    wb = _sheet(b"".join(response.streaming_content))
    _assert_text(wb, [INJECTIONS[0], INJECTIONS[1], "@Người"])
    assert CorrectiveAction.objects.get().description == INJECTIONS[1]


def test_the_xlsform_export_writes_formula_like_text_as_text(db):
    template = services.template_create(
        actor=None, code="INJ", name_vi=INJECTIONS[0], kind="other", description=INJECTIONS[1]
    )
    version = template.versions.get()
    services.version_set_content(
        actor=None,
        version=version,
        sections=[
            SectionSpec(
                code="S1",
                title_vi=INJECTIONS[2],
                items=[
                    ItemSpec(
                        code="I1",
                        text_vi=INJECTIONS[3],
                        text_en=INJECTIONS[4],
                        legal_basis=INJECTIONS[5],
                        answer_type="yes_no_na",
                    )
                ],
            )
        ],
    )
    _assert_text(_sheet(xlsform_export(version=version)), INJECTIONS[:6])
