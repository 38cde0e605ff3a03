"""Login protection: lockout on (user name, address) together, cool-off, release by an
administrator, strong passwords, idle and absolute session time-outs, security log, TOTP."""

import datetime as dt
import logging

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct-horse-battery"  # tests/factories.py


def attempt(client, username, password, ip):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def fresh(client):
    """A new anonymous client for each attempt (no session carried over)."""
    from django.test import Client

    return lambda: Client()


def test_lockout_is_keyed_on_user_name_and_address_together(cast, fresh):
    for _ in range(4):
        assert attempt(fresh(), "hr", "wrong-password-1", "203.0.113.5").status_code == 200
    assert attempt(fresh(), "hr", "wrong-password-1", "203.0.113.5").status_code == 429  # the fifth failure locks
    locked = attempt(fresh(), "hr", PASSWORD, "203.0.113.5")
    assert locked.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in locked.content.decode()
    assert "15 phút" in locked.content.decode()
    # the same person from another office, and a colleague behind the same public address, are not locked
    assert attempt(fresh(), "hr", PASSWORD, "198.51.100.9").status_code == 302
    assert attempt(fresh(), "admin", PASSWORD, "203.0.113.5").status_code == 302


def test_lockout_ends_after_the_cool_off(cast, fresh):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            attempt(fresh(), "hr", "wrong-password-1", "203.0.113.5")
        assert attempt(fresh(), "hr", PASSWORD, "203.0.113.5").status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert attempt(fresh(), "hr", PASSWORD, "203.0.113.5").status_code == 302


def test_an_administrator_releases_a_locked_user(cast, fresh):
    for _ in range(5):
        attempt(fresh(), "hr", "wrong-password-1", "203.0.113.5")
    assert attempt(fresh(), "hr", PASSWORD, "203.0.113.5").status_code == 429
    call_command("axes_reset_username", "hr")
    assert attempt(fresh(), "hr", PASSWORD, "203.0.113.5").status_code == 302


@pytest.mark.parametrize(
    "password",
    ["ngan9chu", "1234567890123", "password123", "hr.example.org", "matkhau"],
)
def test_weak_passwords_are_refused(password, cast):
    with pytest.raises(ValidationError):
        validate_password(password, user=cast["hr"])


def test_a_long_unusual_password_is_accepted(cast):
    validate_password("Bình minh trên núi Pia Oắc 2026", user=cast["hr"])


def test_idle_session_ends(login, cast):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = login(cast["hr"])
        assert client.get(reverse("staff:staff-list")).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert client.get(reverse("staff:staff-list")).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=29 + 31), tick=False):
        response = client.get(reverse("staff:staff-list"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert client.get(reverse("staff:staff-list")).status_code == 302  # logged out for good


def test_absolute_session_limit_ends_even_an_active_session(login, cast, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = login(cast["hr"])
    for minutes in range(20, 10 * 60, 20):  # a request every 20 minutes for ten hours
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("staff:staff-list")).status_code == 200, minutes
    with time_machine.travel(start + dt.timedelta(hours=10, minutes=1), tick=False):
        assert client.get(reverse("staff:staff-list")).status_code == 302


def test_an_expired_session_gets_401_on_the_api(login, cast):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = login(cast["hr"])
    with time_machine.travel(start + dt.timedelta(hours=1), tick=False):
        response = client.get("/api/v1/staff/")
        assert response.status_code == 401


def test_logins_failures_and_refusals_are_logged(cast, people, fresh, login, api, caplog):
    caplog.set_level(logging.INFO, logger="congvu.security")
    attempt(fresh(), "hr", "wrong-password-1", "203.0.113.5")
    attempt(fresh(), "hr", PASSWORD, "203.0.113.5")
    client = login(cast["hr"])
    client.get(reverse("staff:staff-detail", args=[people["cuong"].pk]), REMOTE_ADDR="203.0.113.5")  # outside scope
    login(cast["member"]).get("/api/v1/units/", REMOTE_ADDR="203.0.113.6")  # no permission: 403
    messages = [r.getMessage() for r in caplog.records if r.name == "congvu.security"]
    assert "login-failed user=hr ip=203.0.113.5" in messages
    assert "login user=hr ip=203.0.113.5" in messages
    assert f"refused status=404 user=hr ip=203.0.113.5 method=GET path=/staff/people/{people['cuong'].pk}/" in messages
    assert "refused status=403 user=member ip=203.0.113.6 method=GET path=/api/v1/units/" in messages


# ------------------------------------------------------------------------------------ TOTP
def code_for(device, at=None):
    with time_machine.travel(at or timezone.now(), tick=False):
        return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_an_administrator_enrols_then_needs_the_code_at_each_login(cast, login, fresh):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = login(cast["admin"])
        page = client.get(reverse("audit:otp-enrol"))
        assert page.status_code == 200 and "otpauth://totp/" in page.content.decode()
        device = TOTPDevice.objects.get(user=cast["admin"], confirmed=False)
        assert (
            client.post(
                reverse("audit:otp-enrol"), {"token": "000000" if code_for(device) != "000000" else "111111"}
            ).status_code
            == 400
        )
    with time_machine.travel(start + dt.timedelta(seconds=3), tick=False):  # django-otp throttles after a failure
        ok = client.post(reverse("audit:otp-enrol"), {"token": code_for(device, start + dt.timedelta(seconds=3))})
        assert ok.status_code == 302
    device.refresh_from_db()
    assert device.confirmed

    later = start + dt.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        browser = fresh()
        assert attempt(browser, "admin", PASSWORD, "203.0.113.5").status_code == 302
        blocked = browser.get(reverse("staff:staff-list"))
        assert blocked.status_code == 302 and blocked["Location"].startswith(reverse("audit:otp-verify"))
        assert browser.get("/api/v1/staff/").status_code == 403
        assert browser.post(reverse("audit:otp-verify"), {"token": "12345"}).status_code == 400
        assert browser.get(reverse("staff:staff-list")).status_code == 302
        ok = browser.post(reverse("audit:otp-verify"), {"token": code_for(device, later), "next": "/staff/people/"})
        assert ok.status_code == 302 and ok["Location"] == "/staff/people/"
        assert browser.get(reverse("staff:staff-list")).status_code == 200


def test_users_without_a_device_log_in_with_the_password_alone(cast, fresh):
    browser = fresh()
    assert attempt(browser, "inspector", PASSWORD, "203.0.113.5").status_code == 302
    assert browser.get(reverse("dashboard")).status_code == 200
    assert browser.get(reverse("audit:otp-verify")).status_code == 404


def test_only_administrators_and_inspectors_may_enrol(cast, login):
    assert login(cast["inspector"]).get(reverse("audit:otp-enrol")).status_code == 200
    for name in ("hr", "member", "unit_head", "nobody"):
        assert login(cast[name]).get(reverse("audit:otp-enrol")).status_code == 404, name


def test_the_second_factor_can_be_required_for_administrators(cast, fresh, settings):
    settings.OTP_REQUIRED_FOR_ADMINS = True
    browser = fresh()
    assert attempt(browser, "admin", PASSWORD, "203.0.113.5").status_code == 302
    response = browser.get(reverse("staff:staff-list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("audit:otp-enrol"))
    # other roles are not forced
    other = fresh()
    attempt(other, "hr", PASSWORD, "203.0.113.5")
    assert other.get(reverse("staff:staff-list")).status_code == 200
