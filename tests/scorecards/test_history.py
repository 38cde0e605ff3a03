"""The audit trail of scorecard models and publications: a criterion edit, addition or removal shows in
the model page's history with who did it; published snapshots are recorded too."""

from django.urls import reverse

from scorecards import services
from scorecards.models import Criterion, PublishedPeriod, ScorecardSnapshot
from scorecards.periods import Period


def _form_data(page):
    formset = page.context["formset"]
    data = {
        "name": "Bảng điểm 2026",
        "legal_basis": "NĐ 335/2025",
        "excellent_min": "90",
        "good_min": "70",
        "satisfactory_min": "50",
        "criteria-TOTAL_FORMS": str(len(formset.forms)),
        "criteria-INITIAL_FORMS": str(len(formset.initial_forms)),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for i, form in enumerate(formset.forms):
        for name in ("key", "pillar", "label_vi", "label_en", "formula", "direction", "weight", "target", "order"):
            value = form.initial.get(name, "")
            data[f"criteria-{i}-{name}"] = "" if value is None else str(value)
    return data


def test_a_criterion_edit_appears_in_the_history_section_of_the_model_page(login, cast, records):
    client = login(cast["admin"])
    # A model made on screen (copied from 2026), so its criteria have a history from their creation.
    assert client.post(reverse("scorecards:model-list"), {"year": "2027"}).status_code == 302
    url = reverse("scorecards:model-edit", args=[2027])
    page = client.get(url)
    assert "Tiêu chí: lịch sử thay đổi" in page.content.decode()
    data = _form_data(page)
    attendance = next(i for i in range(8) if data[f"criteria-{i}-key"] == "attendance")
    data[f"criteria-{attendance}-weight"] = "15"  # 10 → 15
    data["criteria-7-DELETE"] = "on"  # self-inspections removed
    before = {c.key: c.pk for c in Criterion.objects.filter(scorecard_model__year=2027)}
    assert client.post(url, data).status_code == 302
    # Edited in place: the attendance criterion keeps its row, so its history is one line of changes.
    after = {c.key: c.pk for c in Criterion.objects.filter(scorecard_model__year=2027)}
    assert after["attendance"] == before["attendance"] and "self_inspections" not in after

    page = client.get(url)
    entries = page.context["criteria_history"]
    newest = {(e.title, e.kind): e for e in entries[:2]}
    changed = newest[("attendance", "changed")]
    assert changed.user == "admin"
    assert [(c.label, c.before, c.after) for c in changed.changes] == [
        ("trọng số", "10,00", "15,00")
    ]  # decimal comma in Vietnamese
    assert ("self_inspections", "deleted") in newest
    html = page.content.decode()
    section = html[html.index('id="criteria-history-title"') :]
    assert "<strong>trọng số</strong>: 10,00 → 15,00" in section
    assert "attendance" in section and "self_inspections" in section
    # Unchanged criteria get no history line for this save.
    assert sum(1 for e in entries if e.kind == "changed") == 1
    # The model's own fields have the audit app's section on the same page.
    assert 'id="history-title"' in html


def test_a_new_model_records_its_criteria_as_created_by_the_administrator(login, cast, records):
    client = login(cast["admin"])
    assert client.post(reverse("scorecards:model-list"), {"year": "2027"}).status_code == 302
    entries = client.get(reverse("scorecards:model-edit", args=[2027])).context["criteria_history"]
    assert len(entries) == 8 and {(e.kind, e.user) for e in entries} == {("created", "admin")}


def test_published_snapshots_are_in_the_audit_trail(cast, records):
    publication = services.period_publish(actor=cast["admin"], period=Period(2026, quarter=2))
    snapshots = ScorecardSnapshot.objects.filter(publication=publication)
    history = ScorecardSnapshot.history.filter(publication_id=publication.pk)
    assert history.count() == snapshots.count() == 6
    assert set(history.values_list("history_type", "history_user__username")) == {("+", "admin")}
    assert PublishedPeriod.history.filter(id=publication.pk).count() == 1


def test_the_publication_page_shows_its_history(login, cast, records):
    services.period_publish(actor=cast["admin"], period=Period(2026, quarter=2))
    html = login(cast["unit_head"]).get(reverse("scorecards:publication", args=["2026-Q2"])).content.decode()
    section = html[html.index('id="history-title"') :]
    assert "<td>admin</td>" in section and "<td>tạo mới</td>" in section
    assert "Chưa có thay đổi nào được ghi nhận." not in section
