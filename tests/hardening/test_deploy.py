"""Production settings pass `check --deploy`; every HTML page carries the security headers and a
strict Content-Security-Policy, and no page has an inline script, style or event handler."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_scope_walk import CASES, URLS, _url

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "SESSION_"))}
    env.update(
        DJANGO_DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="congvu.example.gov.vn",
        SECURE_SSL_REDIRECT="true",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_COOKIES="true",
        STATIC_MANIFEST="false",
        DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    env.update(extra)
    return env


def run_check(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def issues(output: str) -> list[str]:
    """Every check message (security, drf-spectacular schema warnings, ...): none is tolerated."""
    return [line for line in output.splitlines() if re.match(r"^\S*: \(\w+(\.\w+)?\.[EW]\d+\)", line)]


def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    result = run_check(production_env(tmp_path))
    output = result.stdout + result.stderr
    assert issues(output) == [], output
    assert "security." not in output


def test_check_deploy_catches_an_unsafe_setting(tmp_path):
    """The same command does fail on a weak production setting (the test above can fail)."""
    result = run_check(production_env(tmp_path, SECURE_COOKIES="false", SECURE_HSTS_SECONDS="0"))
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "security.W012" in output and "security.W004" in output


def test_production_settings_make_cookies_secure(tmp_path):
    code = (
        "import django;django.setup();from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_SSL_REDIRECT, s.X_FRAME_OPTIONS)"
    )
    env = production_env(tmp_path)
    env.pop("SECURE_COOKIES")
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["True", "True", "True", "31536000", "True", "DENY"], out.stderr


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
HTML_PAGES = sorted(n for n in URLS if ":" in n) + ["api-docs", "api-redoc", "login", "dashboard"]


def check_page(response, where):
    csp = response.headers.get("Content-Security-Policy", "")
    if "text/html" not in response.headers.get("Content-Type", "") and "sandbox" in csp:
        # an uploaded file served back (core.uploads.serve_file): nothing may run or load from it
        assert "default-src 'none'" in csp, where
    else:
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'self'" in csp, where
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    if "text/html" in response.headers.get("Content-Type", ""):
        html = response.content.decode()
        assert not INLINE_SCRIPT.findall(html), f"{where}: inline script {INLINE_SCRIPT.findall(html)[:2]}"
        assert not EVENT_HANDLER.findall(html), f"{where}: inline event handler {EVENT_HANDLER.findall(html)[:2]}"
        assert not STYLE_ATTR.findall(html), f"{where}: inline style {STYLE_ATTR.findall(html)[:2]}"


@pytest.mark.parametrize("name", HTML_PAGES)
def test_every_html_page_has_security_headers_and_no_inline_code(name, client, cast, tree, people):
    kwargs = None
    if name in URLS and URLS[name][1] and name not in CASES:
        pytest.skip("public page with arguments (checked by its app)")
    if name in CASES:
        case = CASES[name]({"cast": cast, "tree": tree, "people": people})
        if case.get("method", "get") != "get":
            pytest.skip("not a page (POST only)")
        kwargs = case["ok"]
        client.force_login(case["user"])
    elif name != "login":
        client.force_login(cast["admin"])
    if name == "audit:otp-verify":  # only for users who enrolled an authenticator
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.create(user=cast["admin"], name="t", confirmed=True)
    response = client.get(_url(name, kwargs))
    if response.status_code in (301, 302, 405) or (response.status_code == 404 and name not in CASES):
        pytest.skip(f"{name} answers {response.status_code}")
    assert response.status_code == 200, f"{name} answered {response.status_code}"
    check_page(response, name)


def test_error_pages_and_lockout_page_carry_the_headers_too(client, cast):
    client.force_login(cast["admin"])
    check_page(client.get("/no-such-page/"), "404")


def deploy_env_example(tmp_path) -> dict:
    """The values of deploy/congvu.env.example, with the data folders moved to tmp_path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "SESSION_", "DATABASE_"))}
    for line in (ROOT / "deploy" / "congvu.env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            env[key.strip()] = value.strip()
    env.update(DATA_DIR=str(tmp_path), MEDIA_ROOT=str(tmp_path / "media"), STATIC_ROOT=str(tmp_path / "static"))
    return env


def test_check_deploy_passes_with_the_deploy_env_example(tmp_path):
    """Issue 22: HSTS and the HTTPS redirect are on behind the TLS proxy with the shipped example."""
    env = deploy_env_example(tmp_path)
    assert env["BEHIND_TLS_PROXY"] == "true"
    result = run_check(env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert issues(output) == [], output


def test_behind_the_tls_proxy_hsts_and_the_redirect_default_to_on(tmp_path):
    env = deploy_env_example(tmp_path)
    env.pop("SECURE_SSL_REDIRECT")
    env.pop("SECURE_HSTS_SECONDS")
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    code = "import django;django.setup();from django.conf import settings as s;print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["31536000", "True"], out.stderr
