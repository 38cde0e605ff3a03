"""Requirement rules (tiết per year, legal basis, years applied, retiring) through the API, with the screen's
service and scope: everyone with training access reads the rules of their scope, HR and administrators write them
for the units they manage; nothing is deleted."""

import pytest

from staff.access import system_actor
from training import services
from training.models import TrainingRequirement

URL = "/api/v1/training-requirements/"


@pytest.fixture
def rules(tree):
    def make(name, unit, periods):
        return services.requirement_create(
            actor=system_actor(), name=name, periods_per_year=periods, effective_year=2024, unit=unit
        )

    TrainingRequirement.objects.all().delete()  # the migrated default rule: this test sets its own
    return {
        "province": make("Định mức chung", None, 40),
        "alpha": make("Định mức Sở Alpha", tree["alpha"], 48),
        "beta": make("Định mức Sở Beta", tree["beta"], 32),
    }


def test_rules_are_read_within_scope(api, cast, rules):
    names = [r["name"] for r in api(cast["hr"]).get(URL).json()["results"]]
    assert sorted(names) == ["Định mức Sở Alpha", "Định mức chung"]
    alpha = api(cast["unit_head"]).get(f"{URL}{rules['alpha'].pk}/").json()
    assert (alpha["unit_code"], alpha["periods_per_year"], alpha["effective_year"], alpha["end_year"]) == (
        "ALPHA",
        48,
        2024,
        None,
    )
    assert api(cast["hr"]).get(f"{URL}{rules['beta'].pk}/").status_code == 404
    assert api(cast["member"]).get(URL).status_code == 403


def test_hr_creates_edits_and_retires_a_rule_of_their_units(api, cast, tree, rules):
    client = api(cast["hr"])
    created = client.post(
        URL,
        {
            "name": "Định mức Phòng Alpha-1",
            "unit": tree["alpha1"].pk,
            "periods_per_year": 40,
            "effective_year": 2025,
            "legal_basis": "Nghị định 101/2017/NĐ-CP, Điều 36",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    edited = client.patch(f"{URL}{pk}/", {"periods_per_year": 44}, format="json")
    assert (edited.status_code, edited.json()["periods_per_year"]) == (200, 44)
    too_early = client.post(f"{URL}{pk}/retire/", {"last_year": 2024}, format="json")
    assert too_early.status_code == 400
    assert "2025" in str(too_early.json())
    retired = client.post(f"{URL}{pk}/retire/", {"last_year": 2026}, format="json")
    assert (retired.status_code, retired.json()["end_year"]) == (200, 2026)
    rule = TrainingRequirement.objects.get(pk=pk)
    assert (rule.periods_per_year, rule.end_year, rule.legal_basis) == (44, 2026, "Nghị định 101/2017/NĐ-CP, Điều 36")


def test_writes_outside_the_managed_units_are_refused(api, cast, tree, rules):
    client = api(cast["hr"])
    province_wide = client.post(
        URL, {"name": "Định mức mới", "periods_per_year": 40, "effective_year": 2027}, format="json"
    )
    assert province_wide.status_code == 400
    assert province_wide.json()["unit"] == [
        "Chỉ cán bộ phụ trách toàn tỉnh mới được đặt định mức chung cho mọi đơn vị."
    ]
    assert client.post(
        URL, {"name": "Beta", "unit": tree["beta"].pk, "periods_per_year": 40, "effective_year": 2027}, format="json"
    ).status_code in (400, 403)
    assert client.patch(f"{URL}{rules['province'].pk}/", {"periods_per_year": 1}, format="json").status_code == 400
    assert (
        api(cast["unit_head"]).patch(f"{URL}{rules['alpha'].pk}/", {"periods_per_year": 1}, format="json").status_code
        == 403
    )
    assert TrainingRequirement.objects.get(pk=rules["province"].pk).periods_per_year == 40
    assert not TrainingRequirement.objects.filter(name__in=["Định mức mới", "Beta"]).exists()


def test_a_province_wide_rule_keeps_its_null_unit_in_a_patch_answer(api, cast, rules):
    answer = api(cast["admin"]).patch(f"{URL}{rules['province'].pk}/", {"legal_basis": "NĐ 101/2017"}, format="json")
    assert answer.status_code == 200
    assert (answer.json()["unit"], answer.json()["unit_code"], answer.json()["legal_basis"]) == (
        None,
        None,
        "NĐ 101/2017",
    )
