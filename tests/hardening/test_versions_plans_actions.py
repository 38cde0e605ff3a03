"""No lost update for inspection plans and corrective actions (issue 22): the edit names the version
it was based on (If-Match on the API, the hidden `version` on the plan form), a stale edit is refused
with what is there now, the service writes only the fields that changed, and someone outside the
record's scope gets the same 404 as for a record that does not exist."""

import datetime as dt

import pytest

from inspections import services
from inspections.models import CorrectiveAction, InspectionPlan
from tests.inspections.scope_cases import MISSING, _world


@pytest.fixture
def world(cast, tree):
    return _world({"cast": cast, "tree": tree})


def test_plan_patch_and_put_need_if_match_and_a_stale_one_is_412(api, cast, world):
    client = api(cast["inspector"])
    plan = world["plan_in"]
    url = f"/api/v1/inspection-plans/{plan.pk}/"
    detail = client.get(url)
    assert detail["ETag"] == '"1"' and detail.json()["version"] == 1
    assert client.patch(url, {"name": "KH 1"}, format="json").status_code == 428
    ok = client.patch(url, {"name": "KH 1"}, format="json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok["ETag"] == '"2"' and ok.json()["name"] == "KH 1"
    stale = client.patch(url, {"target_coverage": "35"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale["ETag"] == '"2"' and stale.json()["name"] == "KH 1"
    assert InspectionPlan.objects.get(pk=plan.pk).target_coverage == 20
    body = {"year": 2027, "name": "KH 2027", "unit": plan.unit_id, "target_coverage": "30"}
    assert client.put(url, body, format="json").status_code == 428
    put = client.put(url, body, format="json", HTTP_IF_MATCH='"2"')
    assert put.status_code == 200 and put["ETag"] == '"3"'
    saved = InspectionPlan.objects.get(pk=plan.pk)
    assert (saved.year, saved.name, saved.target_coverage, saved.version) == (2027, "KH 2027", 30, 3)


def test_a_plan_outside_the_scope_answers_like_a_missing_one(api, cast, world):
    client = api(cast["inspector"])
    out = world["plan_out"]
    for method, kwargs in (
        ("get", {}),
        ("patch", {"data": {"name": "X"}, "format": "json", "HTTP_IF_MATCH": '"1"'}),
        ("put", {"data": {"year": 2026, "name": "X", "unit": out.unit_id}, "format": "json", "HTTP_IF_MATCH": '"1"'}),
    ):
        foreign = getattr(client, method)(f"/api/v1/inspection-plans/{out.pk}/", **kwargs)
        missing = getattr(client, method)(f"/api/v1/inspection-plans/{MISSING}/", **kwargs)
        assert foreign.status_code == missing.status_code == 404, method
        assert foreign.json() == missing.json()
    assert InspectionPlan.objects.get(pk=out.pk).name == "Kế hoạch Beta"


def test_a_plan_cannot_move_its_scope_away_from_its_assignments(api, cast, tree, world):
    client = api(cast["admin"])
    plan = world["plan_in"]
    moved = client.patch(
        f"/api/v1/inspection-plans/{plan.pk}/", {"unit": tree["alpha"].pk}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert moved.status_code == 400 and "unit" in moved.content.decode()
    assert InspectionPlan.objects.get(pk=plan.pk).unit_id == tree["gamma"].pk


def test_a_stale_plan_form_is_refused_with_the_values_now(client, cast, world):
    plan = world["plan_in"]
    client.force_login(cast["inspector"])
    url = f"/inspections/plans/{plan.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="version" value="1"' in page.content.decode()
    services.plan_update(actor=cast["inspector"], plan=plan, target_coverage=45)  # someone else saves first
    form = {"year": 2026, "name": "Kế hoạch Gamma (sửa)", "unit": plan.unit_id, "target_coverage": "20", "version": "1"}
    refused = client.post(url, form)
    body = refused.content.decode()
    assert refused.status_code == 409
    assert "45" in body and 'name="version" value="2"' in body
    assert InspectionPlan.objects.get(pk=plan.pk).name == "Kế hoạch Gamma"
    saved = client.post(url, {**form, "target_coverage": "45", "version": "2"})
    assert saved.status_code == 302
    assert InspectionPlan.objects.get(pk=plan.pk).name == "Kế hoạch Gamma (sửa)"
    assert client.get(f"/inspections/plans/{world['plan_out'].pk}/edit/").status_code == 404


def test_an_unchanged_plan_save_keeps_the_version(cast, world):
    plan = world["plan_in"]
    services.plan_update(actor=cast["inspector"], plan=plan, name=plan.name, expected_version=1)
    assert InspectionPlan.objects.get(pk=plan.pk).version == 1


def test_action_corrections_are_versioned_and_written_field_by_field(api, cast, world):
    client = api(cast["inspector"])
    action = world["action_in"]
    url = f"/api/v1/corrective-actions/{action.pk}/"
    version = client.get(url).json()["version"]
    assert client.patch(url, {"description": "Sửa"}, format="json").status_code == 428
    ok = client.patch(url, {"description": "Nhắc nhở bằng văn bản"}, format="json", HTTP_IF_MATCH=f'"{version}"')
    assert ok.status_code == 200 and ok["ETag"] == f'"{version + 1}"'
    stale = client.patch(url, {"due_date": "2026-08-01"}, format="json", HTTP_IF_MATCH=f'"{version}"')
    assert stale.status_code == 412 and stale.json()["current"]["description"] == "Nhắc nhở bằng văn bản"
    row = CorrectiveAction.objects.get(pk=action.pk)
    assert row.due_date == dt.date(2026, 7, 1) and row.version == version + 1
    both = client.patch(url, {"status": "done", "description": "X"}, format="json", HTTP_IF_MATCH=f'"{version + 1}"')
    assert both.status_code == 400
    # a service call with the version read before another edit is refused, nothing written
    with pytest.raises(services.StaleVersion):
        services.action_update(
            actor=cast["inspector"], action=row, expected_version=version, due_date=dt.date(2026, 9, 1)
        )
    assert CorrectiveAction.objects.get(pk=action.pk).due_date == dt.date(2026, 7, 1)


def test_a_stale_progress_report_is_412_not_a_silent_overwrite(cast, world):
    action = world["action_in"]
    first = CorrectiveAction.objects.get(pk=action.pk)
    services.action_update(actor=cast["inspector"], action=first, expected_version=first.version, description="Mới")
    with pytest.raises(services.StaleVersion):
        services.action_update_progress(
            actor=cast["admin"], action=action, status="in_progress", note="Đang làm", base_version=action.version
        )
    assert CorrectiveAction.objects.get(pk=action.pk).status == "open"


def test_an_action_outside_the_scope_answers_like_a_missing_one(api, cast, world):
    client = api(cast["inspector"])
    out = world["action_out"]
    for body in ({"description": "X"}, {"status": "in_progress", "note": "X"}):
        foreign = client.patch(f"/api/v1/corrective-actions/{out.pk}/", body, format="json", HTTP_IF_MATCH='"1"')
        missing = client.patch(f"/api/v1/corrective-actions/{MISSING}/", body, format="json", HTTP_IF_MATCH='"1"')
        assert foreign.status_code == missing.status_code == 404
        assert foreign.json() == missing.json()
    assert CorrectiveAction.objects.get(pk=out.pk).description == "Nhắc nhở"


def test_a_stale_progress_form_is_refused_with_the_status_now(client, cast, world):
    action = world["action_in"]
    client.force_login(cast["admin"])
    url = f"/inspections/actions/{action.pk}/"
    assert f'name="version" value="{action.version}"' in client.get(url).content.decode()
    row = CorrectiveAction.objects.get(pk=action.pk)
    services.action_update_progress(actor=cast["admin"], action=row, status="in_progress", note="Bắt đầu")
    form = {"step": "progress", "status": "done", "note": "Xong", "version": str(action.version)}
    refused = client.post(url, form)
    assert refused.status_code == 409 and "Đang thực hiện" in refused.content.decode()
    assert CorrectiveAction.objects.get(pk=action.pk).status == "in_progress"
    saved = client.post(url, {**form, "version": str(action.version + 1)})
    assert saved.status_code == 302 and CorrectiveAction.objects.get(pk=action.pk).status == "done"
