"""Certificate verification by a random code (issue 22, point 4): unguessable, in the QR and the URL; the
public page shows the minimum; old sequential URLs say nothing; rate limited per address."""

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
