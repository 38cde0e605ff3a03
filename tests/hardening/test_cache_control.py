"""Issue 22 (8): pages, API answers and exports for a signed-in user carry `Cache-Control: no-store`."""

from django.urls import reverse
from rest_framework.authtoken.models import Token


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_html_page_api_answer_and_export_are_not_stored(client, login, cast, people):
    c = login(cast["hr"])
    page = c.get(reverse("staff:staff-list"))
    export = c.get(reverse("staff:staff-export"))
    api_session = c.get("/api/v1/staff/")
    assert [page.status_code, export.status_code, api_session.status_code] == [200, 200, 200]
    assert no_store(page) and no_store(export) and no_store(api_session)
    client.logout()
    token = Token.objects.create(user=cast["hr"])
    api_token = client.get("/api/v1/staff/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_token.status_code == 200 and no_store(api_token)


def test_public_static_answers_keep_their_caching(client, db):
    response = client.get("/healthz")
    assert not no_store(response)
