"""Separation of duties: the lead of the team approves, nobody approves a checklist they filled
(unless the administrator allows it), and the dashboard's "to review" figure opens exactly the list
it counts."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from inspections import services
from inspections.models import InspectionStatus
from staff.access import system_actor
from tests.inspections.conftest import GOOD_ANSWERS, fill


def _submitted(assignment, actor):
    return services.inspection_save(
        actor=actor, assignment=assignment, answers=GOOD_ANSWERS, submit=True, inspected_on=dt.date(2026, 5, 4)
    )


def test_the_lead_approves_what_a_member_filled(assignment, team):
    inspection = _submitted(assignment, team["member"])
    with pytest.raises(ValidationError) as refused:
        services.inspection_approve(actor=team["member"], inspection=inspection)
    assert refused.value.messages == ["Chỉ trưởng đoàn mới được phê duyệt hoặc trả lại phiếu này."]
    approved = services.inspection_approve(actor=team["lead"], inspection=inspection)
    assert (approved.status, approved.approved_by) == (InspectionStatus.APPROVED, team["lead"])


def test_nobody_approves_a_checklist_they_filled(assignment, team):
    inspection = _submitted(assignment, team["lead"])
    with pytest.raises(ValidationError) as refused:
        services.inspection_approve(actor=team["lead"], inspection=inspection)
    assert refused.value.messages == ["Bạn đã điền phiếu này; thành viên khác của đoàn sẽ duyệt."]
    with pytest.raises(ValidationError):
        services.inspection_return(actor=team["lead"], inspection=inspection, comment="Sai")
    # The lead filled it: another member of the team reviews.
    approved = services.inspection_approve(actor=team["member"], inspection=inspection)
    assert approved.approved_by == team["member"]


def test_an_administrator_may_allow_approving_ones_own_checklist(assignment, team, settings):
    settings.INSPECTION_SELF_APPROVAL = True
    inspection = _submitted(assignment, team["lead"])
    approved = services.inspection_approve(actor=team["lead"], inspection=inspection)
    assert approved.approved_by == team["lead"]


def test_the_detail_page_offers_review_only_to_the_reviewer(login, assignment, team):
    inspection = _submitted(assignment, team["lead"])
    url = reverse("inspections:inspection-detail", args=[inspection.pk])
    lead_page = login(team["lead"]).get(url).content.decode()
    assert "Phê duyệt và khóa" not in lead_page
    assert "Bạn đã điền phiếu này; thành viên khác của đoàn sẽ duyệt." in lead_page
    member_page = login(team["member"]).get(url).content.decode()
    assert "Phê duyệt và khóa" in member_page


def _count_on_card(html: str, title: str) -> tuple[int, str]:
    m = re.search(
        r'<a class="card tile" href="([^"]+)">\s*<span class="tile-title">' + re.escape(title) + r"</span>\s*"
        r'<span class="tile-value">(\d+)</span>',
        html,
    )
    assert m, title
    return int(m.group(2)), m.group(1).replace("&amp;", "&")


def test_the_dashboard_count_to_review_opens_exactly_that_list(login, plan, tree, checklist, team):
    """Three submitted team checklists: two filled by the member (the lead approves them), one filled
    by the lead (not the lead's to approve); a fourth is approved already."""
    made = []
    for unit in (tree["gamma_office"], tree["alpha"], tree["beta"], tree["alpha1"]):
        made.append(
            services.assignment_create(
                actor=system_actor(),
                plan=plan,
                unit=unit,
                template_version=checklist,
                due_date=dt.date(2026, 6, 30),
                lead=team["lead"],
                members=[team["member"]],
            )
        )
    _submitted(made[0], team["member"])
    _submitted(made[1], team["member"])
    _submitted(made[2], team["lead"])
    fill(made[3])
    client = login(team["lead"])
    value, url = _count_on_card(client.get(reverse("dashboard")).content.decode(), "Phiếu chờ duyệt")
    assert value == 2
    listed = client.get(url).content.decode()
    rows = re.findall(r"<tr[ >].*?</tr>", listed.split("<tbody>")[1], flags=re.S)
    assert len(rows) == 2
    assert "Văn phòng xã Gamma" in rows[0] + rows[1] and "Sở Alpha" in rows[0] + rows[1]
    member_value, member_url = _count_on_card(
        login(team["member"]).get(reverse("dashboard")).content.decode(), "Phiếu chờ duyệt"
    )
    assert member_value == 1  # the one the lead filled
