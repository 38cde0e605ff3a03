"""Issue 22 (7): every error under /api/ is a JSON object (`detail`, or field → messages), ids that cannot
exist (text, out of range) are 404 or 400 and never 500, and HTML error pages stay for the rest of the site."""

import json

import pytest
from django.test import RequestFactory

from core.api import handler500
from tests.training.conftest import course, klass  # noqa: F401  (fixtures)


def detail(response) -> str:
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    return response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/sessions/abc/attendance/",
        f"/api/v1/sessions/{2**70}/attendance/",
        "/api/v1/staff/abc/",
        f"/api/v1/staff/{2**70}/",
        "/api/v1/no-such-resource/",
        "/api/v1/scorecards/abc/",
        f"/api/v1/scorecards/{2**70}/charts/hours.svg/",
    ],
)
def test_unknown_ids_and_paths_under_api_are_json_404(api, cast, people, path):
    response = api(cast["admin"]).get(path)
    assert response.status_code == 404
    assert detail(response)


def test_nominating_an_id_out_of_range_is_a_400_naming_the_field(api, cast, klass, people):  # noqa: F811
    response = api(cast["admin"]).post(f"/api/v1/classes/{klass.pk}/nominate/", {"staff": [2**70]}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["staff"]


def test_method_not_allowed_and_not_signed_in_are_json(api, cast, people):
    response = api(cast["admin"]).put("/api/v1/staff/", {}, format="json")
    assert response.status_code == 405 and detail(response)
    response = api().get("/api/v1/staff/")
    assert response.status_code in (401, 403) and detail(response)


def test_a_body_over_the_limit_is_a_json_413(client, cast, people, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(cast["admin"])
    response = client.put(f"/api/v1/evidence-uploads/{'a' * 64}/", b"x" * 5000, content_type="image/jpeg")
    assert response.status_code == 413
    assert detail(response)


def test_a_server_error_under_api_is_json_and_html_elsewhere():
    response = handler500(RequestFactory().get("/api/v1/staff/"))
    assert response.status_code == 500 and json.loads(response.content)["detail"]
    page = handler500(RequestFactory().get("/staff/"))
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


def test_an_unknown_page_outside_the_api_is_still_html(login, cast):
    response = login(cast["admin"]).get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
