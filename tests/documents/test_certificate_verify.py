"""Certificate verification by a random code (issue 22, point 4): unguessable, in the QR and the URL; the
public page shows the minimum; old sequential URLs say nothing; rate limited per address."""

import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.security import VERIFY_ALPHABET
from tests.training.scope_cases import _world as training_world
from training.models import Certificate
from training.views.reports import VERIFY_RATE, mask_name


@pytest.fixture
def cert(cast, tree, people):
    cache.clear()
    return training_world({"cast": cast, "tree": tree, "people": people})["in"]["certificate"]


def test_codes_are_long_random_and_distinct(cert):
    codes = set(Certificate.objects.values_list("verify_code", flat=True))
    assert len(codes) == Certificate.objects.count() == 2
    assert all(len(c) >= 10 and set(c) <= set(VERIFY_ALPHABET) for c in codes)


def test_public_page_shows_the_minimum(client, cert):
    page = client.get(reverse("training:certificate-verify", args=[cert.verify_code])).content.decode()
    assert "N. V. An" in page and "Nguyễn Văn An" not in page
    assert "Khóa in" in page and cert.number in page and "Chứng nhận hợp lệ" in page
    assert "Sở Alpha" not in page  # neither the holder's unit nor the organiser


def test_revoked_certificate_says_so(client, cert):
    cert.revoked_on = cert.issued_on
    cert.save(update_fields=["revoked_on"])
    page = client.get(reverse("training:certificate-verify", args=[cert.verify_code])).content.decode()
    assert "Chứng nhận đã bị thu hồi" in page and "Chứng nhận hợp lệ" not in page


def test_sequential_urls_and_wrong_codes_reveal_nothing(client, cert):
    assert client.get(f"/training/verify/{cert.serial_year}/{cert.serial_no}/").status_code == 404
    assert client.get(reverse("training:certificate-verify", args=["abcdefghjkmn"])).status_code == 404


def test_checks_are_rate_limited_per_address(client, cert):
    url = reverse("training:certificate-verify", args=[cert.verify_code])
    statuses = [client.get(url, REMOTE_ADDR="203.0.113.7").status_code for _ in range(VERIFY_RATE + 1)]
    assert statuses[:-1] == [200] * VERIFY_RATE and statuses[-1] == 429
    assert client.get(url, REMOTE_ADDR="203.0.113.8").status_code == 200


def test_certificate_page_carries_the_code_in_its_qr_link(login, cast, cert):
    page = login(cast["hr"]).get(reverse("training:certificate-detail", args=[cert.pk])).content.decode()
    assert f"/training/verify/{cert.verify_code}/" in page and 'src="data:image/svg+xml' in page


@pytest.mark.parametrize(
    "name,masked", [("Nguyễn Văn An", "N. V. An"), ("Trần Thị Thu Hà", "T. T. T. Hà"), ("Ánh", "Ánh")]
)
def test_mask_name_keeps_the_given_name(name, masked):
    assert mask_name(name) == masked


# ------------------------------------------------------------------------------------------- revoking
def _history(cert):
    return list(cert.history.order_by("history_date").values_list("revoked_on", "revoke_reason", "history_user"))


def test_hr_officer_revokes_with_a_reason_and_the_public_page_says_so(client, login, cast, cert):
    from docx import Document as Docx

    hr = login(cast["hr"])
    detail = reverse("training:certificate-detail", args=[cert.pk])
    assert 'data-testid="cert-revoke"' in hr.get(detail).content.decode()
    url = reverse("training:certificate-revoke", args=[cert.pk])
    refused = hr.post(url, {"reason": "  "}, follow=True).content.decode()
    assert "Hãy nêu lý do thu hồi chứng nhận." in refused
    cert.refresh_from_db()
    assert cert.revoked_on is None
    assert hr.post(url, {"reason": "Cấp nhầm người"}).status_code == 302
    cert.refresh_from_db()
    day = cert.revoked_on.strftime("%d/%m/%Y")
    assert cert.revoke_reason == "Cấp nhầm người" and cert.revoked_by == cast["hr"]
    assert _history(cert)[-1] == (cert.revoked_on, "Cấp nhầm người", cast["hr"].pk)  # audited, with who
    page = client.get(reverse("training:certificate-verify", args=[cert.verify_code])).content.decode()
    assert f"Chứng nhận đã bị thu hồi (thu hồi ngày {day})" in page and "Chứng nhận hợp lệ" not in page
    assert "Cấp nhầm người" not in page  # the reason stays inside the office
    detail_page = hr.get(detail).content.decode()
    assert f"ĐÃ THU HỒI NGÀY {day}" in detail_page and 'data-testid="cert-revoke"' not in detail_page
    word = hr.get(reverse("documents:record-docx", args=["certificate", cert.pk])).content
    assert f"ĐÃ THU HỒI ngày {day}" in "\n".join(p.text for p in Docx(io.BytesIO(word)).paragraphs)
    again = hr.post(url, {"reason": "Lần nữa"}, follow=True).content.decode()
    assert f"Chứng nhận này đã bị thu hồi ngày {day}." in again


def test_revoking_another_units_certificate_is_404_and_the_holder_may_not(login, cast, people, cert):
    other = Certificate.objects.exclude(pk=cert.pk).get()
    hr = login(cast["hr"])
    assert hr.post(reverse("training:certificate-revoke", args=[other.pk]), {"reason": "x"}).status_code == 404
    other.refresh_from_db()
    assert other.revoked_on is None


def test_api_status_and_revoke(api, cast, cert):
    rest = api(cast["hr"])
    detail = reverse("certificate-detail", args=[cert.pk])
    assert rest.get(detail).json()["status"] == "valid"
    other = Certificate.objects.exclude(pk=cert.pk).get()
    assert rest.post(reverse("certificate-revoke", args=[other.pk]), {"reason": "x"}).status_code == 404
    bad = rest.post(reverse("certificate-revoke", args=[cert.pk]), {"reason": ""}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()
    done = rest.post(reverse("certificate-revoke", args=[cert.pk]), {"reason": "Cấp nhầm"}, format="json")
    assert done.status_code == 200
    body = done.json()
    assert body["status"] == "revoked" and body["revoke_reason"] == "Cấp nhầm" and body["revoked_on"]
    assert rest.get(detail).json()["status"] == "revoked"
