"""The corrective-actions register (filters, scope, constant queries, Excel with the screen's
filters, scorecard drill-down), change history on record pages, and formula injection in every
inspections workbook (issue #8)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.permissions import Role
from inspections import services
from inspections.exports import xlsform_export
from inspections.models import Assignment, CorrectiveAction, Finding, Inspection, InspectionStatus
from inspections.services import AnswerInput, ItemSpec, SectionSpec
from scorecards.links import criterion_links
from scorecards.periods import Period
from staff.access import system_actor
from tests.factories import UserFactory, grant, make_staff, make_unit
from tests.inspections.conftest import GOOD_ANSWERS, fill

FAILING = [AnswerInput("I1", "no", note="Không đeo thẻ"), AnswerInput("I2", "no"), *GOOD_ANSWERS[2:]]
INJECTIONS = ['=HYPERLINK("http://x","y")', "+1+2", "-3+4", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def _actions(plan, tree, checklist, team, units, *, due=dt.date(2026, 1, 1), person=None):
    """Two findings (I1, I2) per unit's inspection, one action each; the I2 action is done."""
    made = []
    for unit in units:
        a = services.assignment_create(
            actor=system_actor(),
            plan=plan,
            unit=unit,
            template_version=checklist,
            due_date=dt.date(2026, 6, 1),
            lead=team["lead"],
        )
        inspection = fill(a, FAILING)
        for finding in inspection.findings.order_by("item__code"):
            action = services.action_create(
                actor=system_actor(),
                finding=finding,
                description=f"Khắc phục {unit.code} {finding.item.code}",
                due_date=due,
                responsible_person=person,
            )
            if finding.item.code == "I2":
                action = services.action_update_progress(
                    actor=system_actor(), action=action, status="done", note="Xong"
                )
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


ACTION_LIST_QUERIES = 5


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
    links = criterion_links(unit=tree["alpha"], period=Period(year=2026))["actions_on_time"]
    base = reverse("inspections:action-list")
    span = f"unit={tree['alpha'].pk}&start=2026-01-01&end=2026-12-31"
    assert links["denominator"]["url"] == f"{base}?{span}"
    assert links["numerator"]["url"] == f"{base}?{span}&on_time=true"


# ------------------------------------------------ the findings register, inspection list, results
LONG = "Khắc phục việc niêm yết thủ tục hành chính tại bộ phận một cửa, kèm ảnh chụp bảng niêm yết mới"


@pytest.fixture
def varied(plan, tree, checklist, team, people):
    """Findings in every state: no action, open and overdue, open not yet due, done, verified, and a
    finding with a verified and two open actions (one overdue); plus a draft inspection (no total)."""
    system = system_actor()
    today = timezone.localdate()
    inspections = []
    for unit in (tree["alpha"], tree["beta"], tree["gamma_office"]):
        a = services.assignment_create(
            actor=system,
            plan=plan,
            unit=unit,
            template_version=checklist,
            due_date=dt.date(2026, 6, 1),
            lead=team["lead"],
        )
        inspections.append(fill(a, FAILING))
    findings = list(Finding.objects.filter(inspection__in=inspections).order_by("pk"))

    def act(finding, due, status=None, description="Khắc phục"):
        action = services.action_create(
            actor=system, finding=finding, description=description, due_date=due, responsible_person=people["an"]
        )
        if status in ("done", "verified"):
            action = services.action_update_progress(actor=system, action=action, status="done", note="Xong")
        if status == "verified":
            action = services.action_verify(actor=system, action=action)
        return action

    # findings[0]: no action
    act(findings[1], today - dt.timedelta(days=3), description=LONG)  # open, overdue
    act(findings[2], today + dt.timedelta(days=30))  # open, not due
    act(findings[3], today - dt.timedelta(days=3), "done")
    act(findings[4], today - dt.timedelta(days=3), "verified")
    act(findings[5], today - dt.timedelta(days=1), "verified")
    act(findings[5], today + dt.timedelta(days=9), description=LONG)
    act(findings[5], today - dt.timedelta(days=2))
    draft = services.assignment_create(
        actor=system,
        plan=plan,
        unit=tree["beta"],
        template_version=checklist,
        due_date=dt.date(2026, 6, 1),
        lead=team["lead"],
    )
    draft = fill(draft, GOOD_ANSWERS[:2], submit=False)
    Inspection.objects.filter(pk=draft.pk).update(total_percent=None, band="")  # not scored yet
    return findings


def _tbody(html):
    return html.split("<tbody>")[1].split("</tbody>")[0]


def test_findings_register_rows_show_state_actions_and_links(login, cast, varied):
    response = login(cast["admin"]).get(reverse("inspections:finding-list"))
    rows = _tbody(response.content.decode()).split("<tr>")[1:]
    assert len(rows) == len(varied) == response.context["page_obj"].paginator.count
    by_finding = {f.pk: f for f in response.context["object_list"]}
    mixed = by_finding[varied[5].pk]
    assert mixed.has_overdue is True and by_finding[varied[0].pk].has_overdue is False
    assert [a.get_status_display() for a in mixed.actions.all()] == ["Đang mở", "Đã xác minh", "Đang mở"]
    assert [a.is_overdue for a in mixed.actions.all()] == [True, False, False]
    html = "".join(rows)
    assert html.count(LONG[:59] + "…") == 2  # long actions cut at 60 characters
    assert html.count("Chưa có biện pháp khắc phục.") == 1
    assert html.count('<span class="badge bad">Quá hạn</span>') == 2 * 2  # two overdue findings, one action each
    overdue = CorrectiveAction.objects.get(finding=varied[1])
    assert f'href="{reverse("inspections:action-detail", args=[overdue.pk])}"' in html
    assert f'href="{reverse("inspections:inspection-detail", args=[varied[1].inspection_id])}">04/05/2026</a>' in html


def test_inspection_list_rows_show_total_band_and_status(login, cast, varied):
    response = login(cast["admin"]).get(reverse("inspections:inspection-list"))
    rows = _tbody(response.content.decode()).split("<tr>")[1:]
    assert len(rows) == 4
    draft = next(r for r in rows if '<td class="num">—</td>' in r)
    assert "Nháp" in draft and "<td>VH-TEST v1</td>" in draft and "badge ok" not in draft
    approved = [r for r in rows if r is not draft]
    assert all('<span class="badge ok">Đã phê duyệt (khóa)</span>' in r for r in approved)
    assert all('<td class="num">37,50</td>' in r for r in approved)  # localised as a Decimal
    newest = Inspection.objects.order_by("-inspected_on", "-pk")[0]
    assert f'href="{reverse("inspections:inspection-detail", args=[newest.pk])}"' in rows[0]


def test_results_per_unit_count_each_inspection_once(login, cast, plan, tree, checklist, team, varied):
    """A unit with a clean inspection (100 %, no finding) and one with two findings (37.5 %): the mean
    is the two inspections' mean, not weighted by their number of findings; drafts are left out."""
    clean = services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["alpha"],
        template_version=checklist,
        due_date=dt.date(2026, 6, 1),
        lead=team["lead"],
    )
    fill(clean, GOOD_ANSWERS, on=dt.date(2026, 5, 20))
    client = login(cast["admin"])
    response = client.get(reverse("inspections:results"), {"year": 2026})
    rows = {r["unit__code"]: r for r in response.context["object_list"]}
    assert list(rows) == ["ALPHA", "BETA", "GAMMA-VP"]  # in code order
    alpha = rows["ALPHA"]
    assert (alpha["inspections"], alpha["approved"], alpha["critical"], alpha["findings"]) == (2, 2, 1, 2)
    assert float(alpha["mean"]) == (100 + 37.5) / 2
    assert alpha["last_date"] == dt.date(2026, 5, 20)
    assert (rows["BETA"]["inspections"], rows["BETA"]["findings"]) == (1, 2)  # its draft left out
    assert '<td class="date">20/05/2026</td>' in response.content.decode()
    second = client.get(reverse("inspections:results"), {"year": 2026, "page_size": 2, "page": 2})
    assert [r["unit__code"] for r in second.context["object_list"]] == ["GAMMA-VP"]
    assert list(client.get(reverse("inspections:results"), {"year": 2025}).context["object_list"]) == []


def test_a_name_with_markup_shows_as_text_on_every_list(login, cast, plan, tree, checklist, team):
    unit = make_unit('<script>alert("x")</script>', parent=tree["alpha"], code="XSS")
    a = services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=unit,
        template_version=checklist,
        due_date=dt.date(2026, 6, 1),
        lead=team["lead"],
    )
    inspection = fill(a, FAILING)
    services.action_create(
        actor=system_actor(),
        finding=inspection.findings.first(),
        description="<b>Sửa</b> & làm",
        due_date=dt.date(2026, 1, 1),
    )
    client = login(cast["admin"])
    for name in ("inspection-list", "finding-list", "action-list", "assignment-list", "results"):
        html = client.get(reverse(f"inspections:{name}")).content.decode()
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html, name
        assert '<script>alert("x")' not in html, name
    for name in ("finding-list", "action-list"):
        html = client.get(reverse(f"inspections:{name}")).content.decode()
        assert "&lt;b&gt;Sửa&lt;/b&gt; &amp; làm" in html and "<b>Sửa" not in html, name


def _listed(client, name):
    response = client.get(reverse(f"inspections:{name}"), {"page_size": 200})
    return None if response.status_code == 404 else response.context["object_list"]


def test_every_list_shows_what_the_user_may_see(login, cast, tree, varied, team, django_user_model):
    """Each register lists exactly visible_to()'s records, for the cast, the team, a superuser and a
    unit head of a sub-unit made responsible for an action on its parent's finding (who sees that
    action through the responsible unit only)."""
    alpha_finding = next(f for f in varied if f.unit_id == tree["alpha"].pk)
    services.action_create(
        actor=system_actor(),
        finding=alpha_finding,
        description="Phòng làm",
        due_date=dt.date(2026, 2, 1),
        unit=tree["alpha1"],
    )
    sub_head = UserFactory(username="sub_head")
    grant(sub_head, Role.UNIT_HEAD, tree["alpha1"])
    root = django_user_model.objects.create_superuser("root", "root@example.org", "correct-horse-battery")
    opened = set()
    for user in [*cast.values(), *team.values(), sub_head, root]:
        client = login(user)
        for name, model in [
            ("inspection-list", Inspection),
            ("finding-list", Finding),
            ("action-list", CorrectiveAction),
            ("assignment-list", Assignment),
        ]:
            listed = _listed(client, name)
            if listed is not None:
                assert {r.pk for r in listed} == set(model.objects.visible_to(user).values_list("pk", flat=True))
                opened.add((user.username, name))
        results = _listed(client, "results")
        if results is not None:
            visible = Inspection.objects.visible_to(user).exclude(status=InspectionStatus.DRAFT)
            assert {r["unit_id"] for r in results} == set(visible.values_list("unit_id", flat=True)), user
            opened.add((user.username, "results"))
    assert [a.description for a in _listed(login(sub_head), "action-list")] == ["Phòng làm"]
    assert {("admin", "finding-list"), ("sub_head", "action-list"), ("stranger", "inspection-list")} <= opened
    assert ("nobody", "finding-list") not in opened


# ------------------------------------------------------------------------------- change history
def _history(html):
    return html.split('id="history-title"')[1]


def test_record_pages_show_who_changed_what(login, assignment, team, cast, plan):
    """Changes made on the screens are recorded with the user who made them."""
    inspection = services.inspection_save(
        actor=team["member"], assignment=assignment, answers=FAILING, submit=True, inspected_on=dt.date(2026, 5, 4)
    )
    client = login(team["lead"])
    client.post(reverse("inspections:review", args=[inspection.pk]), {"decision": "return", "comment": "Thiếu ảnh"})
    history = _history(client.get(reverse("inspections:inspection-detail", args=[inspection.pk])).content.decode())
    assert "<td>inspector</td>" in history and "Thiếu ảnh" in history and "Đã nộp → Bị trả lại" in history

    services.inspection_save(actor=team["member"], assignment=assignment, answers=FAILING, submit=True)
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
        actor=system_actor(),
        plan=plan,
        unit=unit,
        template_version=checklist,
        due_date=dt.date(2026, 6, 1),
        lead=team["lead"],
    )
    inspection = services.inspection_save(
        actor=system_actor(),
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
    inspection = services.inspection_approve(actor=system_actor(), inspection=inspection)
    services.action_create(
        actor=system_actor(),
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
        actor=system_actor(), code="INJ", name_vi=INJECTIONS[0], kind="other", description=INJECTIONS[1]
    )
    version = template.versions.get()
    services.version_set_content(
        actor=system_actor(),
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
