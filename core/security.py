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
