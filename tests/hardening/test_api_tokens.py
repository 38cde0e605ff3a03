"""Issue 22 (8): API tokens expire (API_TOKEN_DAYS), are revoked when the password changes, and an
administrator gets one only with the current code of their authenticator app."""

import datetime as dt

from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

TOKEN_URL = "/api/v1/auth/token/"
PASSWORD = "mật-khẩu-đủ-dài-123"


def with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


def issue(client, user, **extra):
    return client.post(
        TOKEN_URL, {"username": user.username, "password": PASSWORD, **extra}, content_type="application/json"
    )


def call(client, key):
    return client.get("/api/v1/units/", HTTP_AUTHORIZATION=f"Token {key}")


def test_a_token_is_issued_works_and_expires_after_the_configured_days(client, cast, settings):
    settings.API_TOKEN_DAYS = 30
    hr = with_password(cast["hr"])
    response = issue(client, hr)
    assert response.status_code == 200, response.content
    key = response.json()["token"]
    assert call(client, key).status_code == 200
    Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(days=31))
    expired = call(client, key)
    assert expired.status_code in (401, 403)  # 403: DRF's answer when session authentication comes first
    assert expired.json()["detail"] == "API token này đã hết hạn; hãy xin token mới."
    assert not Token.objects.filter(key=key).exists()


def test_a_wrong_password_gets_no_token(client, cast):
    hr = with_password(cast["hr"])
    response = client.post(TOKEN_URL, {"username": hr.username, "password": "sai"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"]
    assert not Token.objects.filter(user=hr).exists()


def test_changing_the_password_revokes_the_token(client, cast):
    hr = with_password(cast["hr"])
    key = issue(client, hr).json()["token"]
    hr.set_password("một-mật-khẩu-mới-456")
    hr.save()
    assert call(client, key).status_code in (401, 403)
    assert not Token.objects.filter(user=hr).exists()
    hr.first_name = "Bình"  # other changes leave a new token alone
    key = Token.objects.create(user=hr).key
    hr.save()
    assert call(client, key).status_code == 200


def test_an_administrator_needs_the_second_factor_for_a_token(client, cast):
    admin = with_password(cast["admin"])
    response = issue(client, admin)
    assert response.status_code == 403 and response.json()["code"] == "otp_enrol"
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    assert issue(client, admin).json()["code"] == "otp_required"
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    response = issue(client, admin, otp=f"{code:06d}")
    assert response.status_code == 200, response.content
    assert call(client, response.json()["token"]).status_code == 200
    wrong = f"{(code + 1) % 10**6:06d}"
    assert issue(client, admin, otp=wrong).status_code == 403
    assert list(Token.objects.filter(user=admin).values_list("key", flat=True)) == [response.json()["token"]]


def test_repeated_wrong_passwords_lock_the_token_endpoint_with_a_json_answer(client, cast, settings):
    hr = with_password(cast["hr"])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(TOKEN_URL, {"username": hr.username, "password": "sai"}, content_type="application/json")
    response = issue(client, hr)  # even the right password, while locked out
    assert response.status_code == 429
    assert response.json()["detail"] == "Đăng nhập sai quá nhiều lần; hãy thử lại sau 15 phút."
    assert not Token.objects.filter(user=hr).exists()
