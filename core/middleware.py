"""Request-level security: session time-outs, the TOTP second factor, and logging of refused access.

- `SessionTimeoutMiddleware`: a session ends after SESSION_IDLE_TIMEOUT seconds without a request
  and SESSION_ABSOLUTE_TIMEOUT seconds after login, whatever the activity.
- `SecondFactorMiddleware`: a user who enrolled a TOTP device (or an administrator when
  OTP_REQUIRED_FOR_ADMINS is on) must pass the code step before anything but that step.
- `NoStoreMiddleware`: every answer to a signed-in user (session or API token) carries
  `Cache-Control: no-store`, so no browser, proxy or shared computer keeps personal data or exports.
- `SecurityLogMiddleware`: 401/403/404 answers to signed-in users and refused API calls are logged
  on `congvu.security` with user, address, method and path (scope refusals are 404 on purpose).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from core.permissions import Perm, has_perm
from core.security import client_ip, log, username_of

SESSION_STARTED = "_congvu_started"
SESSION_SEEN = "_congvu_seen"
SEEN_RESOLUTION = 30  # seconds: the last-seen stamp is rewritten at most this often


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session") and _uses_session(request):
            now = int(time.time())
            started = request.session.get(SESSION_STARTED)
            seen = request.session.get(SESSION_SEEN)
            if started is None:
                request.session[SESSION_STARTED] = started = now
            if seen is None:
                seen = now
            idle = now - seen > settings.SESSION_IDLE_TIMEOUT
            expired = now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            if idle or expired:
                log.info(
                    "session-timeout user=%s ip=%s reason=%s",
                    username_of(user),
                    client_ip(request),
                    "idle" if idle else "absolute",
                )
                logout(request)
                if _is_api(request):
                    return JsonResponse({"detail": _("Your session has expired; log in again.")}, status=401)
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            if now - seen >= SEEN_RESOLUTION or SESSION_SEEN not in request.session:
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


def _uses_session(request) -> bool:
    """Token-authenticated API calls carry no session; only session logins time out here."""
    return bool(request.session.session_key) or request.session.modified


OTP_EXEMPT_PREFIXES = ("/static/", "/i18n/", "/jsi18n/", "/healthz", "/accounts/logout/")


OTP_ENROLLED = "_congvu_otp_enrolled"


def remember_login(request, user) -> None:
    """Called at login: stamp the session start and whether the user enrolled a TOTP device, so
    later requests decide time-outs and the second factor from the session alone (no query)."""
    from django_otp import user_has_device

    now = int(time.time())
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now
    request.session[OTP_ENROLLED] = user_has_device(user, confirmed=True)


def second_factor_needed(request) -> bool:
    """True when the signed-in user enrolled a device and has not passed the code step yet."""
    user = request.user
    if getattr(user, "is_verified", lambda: False)():
        return False
    return bool(request.session.get(OTP_ENROLLED))


def second_factor_enrolment_needed(request) -> bool:
    if not settings.OTP_REQUIRED_FOR_ADMINS or request.session.get(OTP_ENROLLED):
        return False
    return has_perm(request.user, Perm.ROLE_MANAGE)  # administrators


def second_factor_urls() -> tuple[str, str]:
    """(code step, enrolment) URLs."""
    return reverse("audit:otp-verify"), reverse("audit:otp-enrol")


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        path = request.path
        if user is not None and user.is_authenticated and not path.startswith(OTP_EXEMPT_PREFIXES):
            if _session_login(request):
                verify, enrol = second_factor_urls()
                if path not in (verify, enrol) and second_factor_needed(request):
                    return self._refuse(request, verify)
                if path not in (verify, enrol) and second_factor_enrolment_needed(request):
                    return self._refuse(request, enrol)
        return self.get_response(request)

    @staticmethod
    def _refuse(request, url):
        if _is_api(request):
            return JsonResponse({"detail": _("Enter your authenticator code first.")}, status=403)
        return redirect(f"{url}?next={request.get_full_path()}")


def _session_login(request) -> bool:
    return hasattr(request, "session") and bool(request.session.session_key)


class SecurityLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if status in (401, 403) or (
            status == 404 and getattr(getattr(request, "user", None), "is_authenticated", False)
        ):
            log.warning(
                "refused status=%s user=%s ip=%s method=%s path=%s",
                status,
                username_of(getattr(request, "user", None)),
                client_ip(request),
                request.method,
                request.path,
            )
        return response


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # DRF sets the token's user on the underlying request too, so API calls are covered.
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False) or "HTTP_AUTHORIZATION" in request.META:
            if "no-store" not in response.get("Cache-Control", ""):
                add_never_cache_headers(response)
        return response
