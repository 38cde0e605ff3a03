"""People pickers in inspections: the team of an assignment and the person responsible for a corrective action
are chosen by name (diacritics optional) or staff code; the suggestions (/api/v1/people/ with the form's own
filters) hold exactly the people the form accepts, never anybody outside the user's scope."""

import datetime as dt

import pytest
from django.urls import reverse

from inspections import services
from inspections.models import Assignment, CorrectiveAction
from staff.access import system_actor
from tests.factories import make_staff
from tests.inspections.test_registers import FAILING, fill


@pytest.fixture
def gamma_plan(tree):
    """A plan on xã Gamma, which the cast's inspector (Inspector on Gamma) may plan."""
    return services.plan_create(actor=system_actor(), year=2026, name="Kiểm tra xã Gamma 2026", unit=tree["gamma"])


@pytest.fixture
def inspectors(team, tree):
    """Staff records for the team's accounts: Huy (the cast's inspector) and Tâm in xã Gamma; the stranger
    (Inspector on Sở Beta) works in Sở Beta, outside the Gamma inspector's scope."""
    return {
        "huy": make_staff(tree["gamma"], "Đỗ Quang Huy", code="G100", user=team["lead"]),
        "tam": make_staff(tree["gamma_office"], "Phạm Minh Tâm", code="G101", user=team["member"]),
        "la": make_staff(tree["beta"], "Vũ Thị Lạ", code="B100", user=team["stranger"]),
    }


def _suggested(client, url, q):
    path, _, query = url.partition("?")
    response = client.get(f"{path}?{query}&q={q}")
    assert response.status_code == 200
    return [r["staff_code"] for r in response.json()["results"]]


def _assignment_data(tree, checklist, **team):
    return {
        "unit": tree["gamma_office"].pk,
        "template_version": checklist.pk,
        "due_date": "30/06/2026",
        "announced": "on",
        **team,
    }


def test_the_team_is_picked_by_name_without_diacritics(login, team, inspectors, gamma_plan, tree, checklist):
    client = login(team["lead"])
    url = reverse("inspections:plan-detail", args=[gamma_plan.pk])
    response = client.post(url, _assignment_data(tree, checklist, lead="do quang huy", members="pham minh tam"))
    assert response.status_code == 302
    assignment = Assignment.objects.get(plan=gamma_plan)
    assert assignment.lead == team["lead"]
    assert [m.user for m in assignment.memberships.all()] == [team["member"]]


def test_team_suggestions_hold_the_people_the_form_accepts(login, api, team, inspectors, gamma_plan, tree, checklist):
    client = login(team["lead"])
    url = reverse("inspections:plan-detail", args=[gamma_plan.pk])
    form = client.get(url).context["form"]
    members_url = form.fields["members"].widget.lookup_url
    assert members_url == "/api/v1/people/?perm=inspection.fill"
    assert f'data-people-picker="{members_url}"' in client.get(url).content.decode()
    # the Beta inspector is an inspector too, but outside this planner's scope: not suggested, not accepted
    assert _suggested(api(team["lead"]), members_url, "vu thi") == []
    assert _suggested(api(team["lead"]), members_url, "pham") == ["G101"]
    refused = client.post(url, _assignment_data(tree, checklist, lead="G100", members="vu thi la\nstranger"))
    assert refused.status_code == 400
    assert refused.context["form"].errors["members"] == [
        "Không tìm thấy ai khớp với “vu thi la”.",
        "Không tìm thấy ai khớp với “stranger”.",
    ]
    assert not Assignment.objects.filter(plan=gamma_plan).exists()


@pytest.fixture
def finding(plan, tree, checklist, team, inspectors):
    assignment = services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["gamma_office"],
        template_version=checklist,
        due_date=dt.date(2026, 6, 1),
        lead=team["lead"],
        members=[team["member"]],
    )
    return fill(assignment, FAILING).findings.order_by("item__code").first()


def test_the_responsible_person_is_picked_among_the_inspected_units_people(login, api, team, people, finding):
    client = login(team["lead"])
    page = client.get(reverse("inspections:inspection-detail", args=[finding.inspection_id]))
    form = dict(page.context["finding_rows"])[finding]
    lookup = form.fields["responsible_person"].widget.lookup_url
    assert lookup == f"/api/v1/people/?within={finding.unit_id}"
    # Văn phòng xã Gamma: Dũng and Tâm; Huy works in xã Gamma itself (above the inspected office)
    assert _suggested(api(team["lead"]), lookup, "g") == ["G001", "G101"]
    assert _suggested(api(team["lead"]), lookup, "huy") == []
    add = reverse("inspections:action-create", args=[finding.pk])
    data = {"description": "Đeo thẻ công chức", "due_date": "31/07/2026"}
    client.post(add, {**data, "responsible_person": "do quang huy"})
    assert not CorrectiveAction.objects.exists()
    client.post(add, {**data, "responsible_person": "hoang duc dung"})
    assert CorrectiveAction.objects.get().responsible_person == people["dung"]
