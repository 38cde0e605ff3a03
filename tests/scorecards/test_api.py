"""The scorecards API against its own OpenAPI schema: one object for `GET /scorecards/`, JSON 404s for charts."""

import pytest
from drf_spectacular.generators import SchemaGenerator

Q2 = {"period": "2026-Q2"}


@pytest.fixture
def schema(db):
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_scorecard_of_a_unit_is_documented_as_one_object(schema, api, cast, tree, records):
    documented = schema["paths"]["/api/v1/scorecards/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert documented["schema"] == {"$ref": "#/components/schemas/Scorecard"}
    body = api(cast["unit_head"]).get("/api/v1/scorecards/", {"unit": tree["alpha"].pk, **Q2}).json()
    assert isinstance(body, dict)
    properties = schema["components"]["schemas"]["Scorecard"]["properties"]
    assert set(body) == set(properties)
    assert body["unit_code"] == "ALPHA" and [s["unit_code"] for s in body["sub_units"]] == ["ALPHA-1"]


@pytest.mark.parametrize(
    "tail",
    [
        "charts/nosuch.png/",
        "charts/criteria.gif/",
        "charts/Criteria.png/",
        "charts/criteria.png5/",
        "charts/peers-1.svg/",
    ],
)
def test_an_unknown_chart_is_a_json_404(api, cast, tree, records, tail):
    response = api(cast["unit_head"]).get(f"/api/v1/scorecards/{tree['alpha'].pk}/{tail}", Q2)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"detail"}


def test_a_chart_outside_the_scope_is_the_same_json_404(api, cast, tree, records):
    response = api(cast["unit_head"]).get(f"/api/v1/scorecards/{tree['beta'].pk}/charts/peers.svg/", Q2)
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_the_chart_404_and_the_chart_names_are_documented(schema):
    operation = schema["paths"]["/api/v1/scorecards/{id}/charts/{name}.{fmt}/"]["get"]
    params = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert params["name"]["enum"] == ["criteria", "peers", "trend"]
    assert params["fmt"]["enum"] == ["png", "svg"]
    assert "application/json" in operation["responses"]["404"]["content"]
    assert set(operation["responses"]["200"]["content"]) == {"image/png", "image/svg+xml"}
