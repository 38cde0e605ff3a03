"""The on-screen checklist template editor: a template built entirely with forms, published, filled
and scored; errors next to their field; published versions read-only; permissions; constant queries
on the version page; the change history on the version page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections import services
from inspections.models import ChecklistTemplate, Item, TemplateVersion, VersionStatus
from inspections.services import AnswerInput
from staff.access import system_actor

ITEM = {
    "section": "S1",
    "code": "",
    "text_vi": "",
    "text_en": "",
    "legal_basis": "",
    "answer_type": "yes_no_na",
    "weight": "1",
    "failing_answers": "",
    "relevant": "",
    "required": "on",
}


def _item(**fields):
    return {**ITEM, **fields}


def _draft(client):
    response = client.post(
        reverse("inspections:template-list"),
        {
            "kind": "discipline",
            "code": "KL-SCREEN",
            "name_vi": "Phiếu dựng trên màn hình",
            "name_en": "Checklist built on screen",
            "pass_threshold": "60",
            "description": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    version = ChecklistTemplate.objects.get(code="KL-SCREEN").versions.get()
    assert response["Location"] == reverse("inspections:version-detail", args=[version.pk])
    return version


def _codes(version):
    return list(Item.objects.filter(version=version).order_by("order").values_list("code", flat=True))


def test_a_template_built_on_screen_is_published_filled_and_scored(login, cast, tree, team):
    client = login(cast["admin"])
    version = _draft(client)
    assert (version.template.kind, version.pass_threshold) == ("discipline", Decimal("60"))
    for code, title in (("S1", "Giờ giấc"), ("S2", "Trang phục")):
        response = client.post(
            reverse("inspections:section-new", args=[version.pk]), {"code": code, "title_vi": title, "title_en": ""}
        )
        assert response.status_code == 302
    new_item = reverse("inspections:item-new", args=[version.pk])
    assert client.get(new_item, {"section": "S2"}).context["form"].initial["section"] == "S2"
    for fields in (
        _item(
            code="GIO-1",
            text_vi="Đúng giờ",
            weight="2",
            critical="on",
            note_required_on_failure="on",
            legal_basis="QĐ 129/2007/QĐ-TTg",
        ),
        _item(code="GIO-2", text_vi="Lý do đi muộn", answer_type="text", relevant="${GIO-1} = 'no'"),
        _item(
            section="S2", code="TP-1", text_vi="Đồng phục", answer_type="scale_0_4", weight="3", failing_answers="0;1"
        ),
        _item(section="S2", code="TP-2", text_vi="Tỷ lệ đeo thẻ", answer_type="percent", failing_answers="<80"),
    ):
        response = client.post(new_item, fields)
        assert response.status_code == 302, response.context["form"].errors
    assert _codes(version) == ["GIO-1", "GIO-2", "TP-1", "TP-2"]
    # Move TP-2 up inside S2, then edit it; delete then re-add a section.
    client.post(reverse("inspections:item-action", args=[version.pk, "TP-2", "up"]))
    assert _codes(version) == ["GIO-1", "GIO-2", "TP-2", "TP-1"]
    edit = client.get(reverse("inspections:item-edit", args=[version.pk, "TP-2"]))
    assert edit.context["form"].initial["failing_answers"] == "<80"
    assert "<h1>Tiêu chí TP-2</h1>" in edit.content.decode()
    client.post(
        reverse("inspections:item-edit", args=[version.pk, "TP-2"]),
        _item(
            section="S2",
            code="TP-2",
            text_vi="Tỷ lệ đeo thẻ đúng quy định",
            answer_type="percent",
            weight="1.5",
            failing_answers="<90",
        ),
    )
    tp2 = Item.objects.get(version=version, code="TP-2")
    assert (tp2.text_vi, tp2.weight, tp2.failing_answers) == ("Tỷ lệ đeo thẻ đúng quy định", Decimal("1.5"), ["<90"])
    client.post(reverse("inspections:section-new", args=[version.pk]), {"code": "S3", "title_vi": "Tạm"})
    client.post(reverse("inspections:section-action", args=[version.pk, "S3", "delete"]))
    client.post(reverse("inspections:section-action", args=[version.pk, "S2", "up"]))
    assert _codes(version) == ["TP-2", "TP-1", "GIO-1", "GIO-2"]
    page = client.get(reverse("inspections:version-detail", args=[version.pk])).content.decode()
    assert "<script" not in page.split("</main>")[0]
    assert page.count('class="inline-form"') >= 12  # up / down / delete buttons, plain forms
    # Publish, then fill: GIO-1 = yes hides GIO-2 (not required), TP-1 = 2, TP-2 = 95.
    assert client.post(reverse("inspections:version-action", args=[version.pk, "publish"])).status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    plan = services.plan_create(actor=system_actor(), year=2026, name="KH", unit=tree["province"])
    assignment = services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["gamma_office"],
        template_version=version,
        due_date=dt.date(2026, 6, 30),
        lead=team["lead"],
    )
    inspection = services.inspection_save(
        actor=team["lead"],
        assignment=assignment,
        submit=True,
        answers=[AnswerInput("GIO-1", "yes"), AnswerInput("TP-1", "2"), AnswerInput("TP-2", "95")],
    )
    # 2×1 + 3×0.5 + 1.5×0.95 = 4.925 of 6.5
    assert (inspection.max_score, inspection.total_percent, inspection.critical_failed) == (
        Decimal("6.5"),
        Decimal("75.77"),
        False,
    )


def test_errors_are_shown_next_to_their_field_and_nothing_changes(login, cast):
    client = login(cast["admin"])
    version = _draft(client)
    client.post(reverse("inspections:section-new", args=[version.pk]), {"code": "S1", "title_vi": "Một"})
    url = reverse("inspections:item-new", args=[version.pk])
    assert client.post(url, _item(code="A1", text_vi="Một")).status_code == 302
    cases = [
        (_item(code="A1", text_vi="Lặp mã"), "code", "Một tiêu chí khác của phiên bản này đã có mã A1."),
        (_item(code="A2", text_vi="Sai loại", answer_type="sms"), "answer_type", None),
        (_item(code="A2", text_vi="Sai", failing_answers="maybe"), "failing_answers", None),
        (_item(code="A2", text_vi="Sai", answer_type="percent", failing_answers="ít"), "failing_answers", None),
        (_item(code="A2", text_vi="Nặng", weight="0"), "weight", None),
        (_item(code="A2", text_vi="Điều kiện", relevant="${ZZ} = 'yes'"), "relevant", None),
        (_item(code="A2", text_vi="Điều kiện", relevant="${A1} = "), "relevant", None),
        (_item(code="2 bad", text_vi="Mã sai"), "code", None),
    ]
    for fields, field, message in cases:
        response = client.post(url, fields)
        assert response.status_code == 400, fields
        errors = response.context["form"].errors
        assert list(errors) == [field], (fields, errors)
        if message:
            assert errors[field] == [message]
        assert 'class="field has-error"' in response.content.decode()
    assert _codes(version) == ["A1"]
    section = client.post(reverse("inspections:section-new", args=[version.pk]), {"code": "S1", "title_vi": "Lặp"})
    assert list(section.context["form"].errors) == ["code"]


def test_a_published_version_is_read_only_and_edit_makes_a_new_draft(login, cast, checklist):
    client = login(cast["admin"])
    page = client.get(reverse("inspections:version-detail", args=[checklist.pk])).content.decode()
    assert reverse("inspections:item-edit", args=[checklist.pk, "I1"]) not in page
    response = client.post(reverse("inspections:item-action", args=[checklist.pk, "I1", "delete"]))
    assert response.status_code == 302
    assert Item.objects.filter(version=checklist, code="I1").exists()
    response = client.get(reverse("inspections:item-edit", args=[checklist.pk, "I1"]), follow=True)
    assert "đã ban hành" in response.content.decode()
    response = client.post(reverse("inspections:version-action", args=[checklist.pk, "new-draft"]))
    draft = TemplateVersion.objects.get(template=checklist.template, status=VersionStatus.DRAFT)
    assert response["Location"] == reverse("inspections:version-detail", args=[draft.pk])
    assert client.post(reverse("inspections:item-action", args=[draft.pk, "I1", "delete"])).status_code == 302
    assert _codes(draft) == ["I2", "I3", "I4", "I5", "I6", "I7"]
    assert Item.objects.filter(version=checklist).count() == 7


def test_the_editor_is_for_template_managers_only(login, cast, team):
    draft = services.template_create(actor=system_actor(), code="D", name_vi="Nháp", kind="other").versions.get()
    services.section_save(actor=system_actor(), version=draft, code="S1", title_vi="Một")
    for user in (team["lead"], cast["unit_head"], cast["nobody"]):
        client = login(user)
        assert client.get(reverse("inspections:item-new", args=[draft.pk])).status_code == 404
        assert (
            client.post(
                reverse("inspections:section-new", args=[draft.pk]), {"code": "S2", "title_vi": "Hai"}
            ).status_code
            == 404
        )
        assert client.post(reverse("inspections:section-action", args=[draft.pk, "S1", "delete"])).status_code == 404
    assert list(draft.sections.values_list("code", flat=True)) == ["S1"]
    admin = login(cast["admin"])
    assert admin.get(reverse("inspections:item-edit", args=[draft.pk, "NOPE"])).status_code == 404
    assert admin.get(reverse("inspections:section-edit", args=[999_999, "S1"])).status_code == 404


@pytest.mark.parametrize("kind", ["draft", "published"])
def test_version_page_runs_the_same_queries_with_3_and_30_items(login, cast, kind):
    template = services.template_create(actor=system_actor(), code="Q", name_vi="Đếm", kind="other")
    version = template.versions.get()
    services.section_save(actor=system_actor(), version=version, code="S1", title_vi="Một")
    services.section_save(actor=system_actor(), version=version, code="S2", title_vi="Hai")

    def grow(n):
        for i in range(Item.objects.filter(version=version).count(), n):
            services.item_save(
                actor=system_actor(),
                version=version,
                section_code=f"S{1 + i % 2}",
                spec=services.ItemSpec(
                    code=f"Q{i:02d}",
                    text_vi=f"Tiêu chí {i}",
                    answer_type="yes_no_na",
                    relevant="${Q00} = 'yes'" if i else "",
                ),
            )

    client = login(cast["admin"])
    url = reverse("inspections:version-detail", args=[version.pk])
    counts = []
    for n in (3, 30):
        if version.status == VersionStatus.PUBLISHED:
            version = services.version_new_draft(actor=system_actor(), template=template)
        grow(n)
        if kind == "published":
            version = services.version_publish(actor=system_actor(), version=version)
        url = reverse("inspections:version-detail", args=[version.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    assert response.content.decode().count('<tr id="item-') == 30


def test_an_edit_shows_in_the_version_pages_history(login, cast):
    client = login(cast["admin"])
    version = _draft(client)
    response = client.post(
        reverse("inspections:version-detail", args=[version.pk]), {"pass_threshold": "75", "notes": "Sửa ngưỡng"}
    )
    assert response.status_code == 302
    page = client.get(reverse("inspections:version-detail", args=[version.pk])).content.decode()
    history = page.split('id="history-title"')[1]
    assert "admin" in history
    assert "60" in history and "75" in history
