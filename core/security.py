"""Security helpers shared by the middleware, the audit trail and login protection.

- `client_ip(request)`: the address a request came from. Behind a TLS proxy (BEHIND_TLS_PROXY)
  the right-most untrusted X-Forwarded-For entry, otherwise REMOTE_ADDR; axes and the audit trail
  use the same function so a lockout and a history row name the same address.
- `log`: the `congvu.security` logger (logins, failed logins, lockouts, refused accesses).
- `LoginBackend`: django-axes in front of the model backend; calls without a request (scripts,
  the test client's `login()`) skip the lockout check instead of failing.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets

from axes.backends import AxesStandaloneBackend
from django.conf import settings

log = logging.getLogger("congvu.security")


def _valid_ip(value: str) -> str | None:
    value = (value or "").strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    if request is None:
        return None
    meta = getattr(request, "META", {})
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [p for p in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            found = _valid_ip(forwarded[-proxies])
            if found:
                return found
    return _valid_ip(meta.get("REMOTE_ADDR", ""))


def username_of(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "-"
    return user.get_username()


class LoginBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


# ------------------------------------------------------------------------- API error responses
ERROR_CODES = {
    "400": "The request is not valid (field errors or filter errors).",
    "401": "Not authenticated, or the session expired.",
    "403": "Not allowed (missing permission, or the second login step is pending).",
    "404": "Not found, or outside your scope.",
}


def document_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: every operation can answer with these errors (they are
    real answers of the API), so the schema says so and clients/fuzzers can rely on it."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(
        "Error",
        {"type": "object", "additionalProperties": True, "description": "An error: `detail` or field → messages."},
    )
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_CODES.items():
                if code == "400" and method == "delete":
                    continue
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result


VERIFY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: read aloud or typed from paper
VERIFY_CODE_LENGTH = 12  # 31**12 ≈ 7.9e17 codes: not guessable, even at the rate limit for years


def new_verify_code() -> str:
    """A random code for a public verification link (a certificate's QR): unguessable, URL-safe."""
    return "".join(secrets.choice(VERIFY_ALPHABET) for _ in range(VERIFY_CODE_LENGTH))
