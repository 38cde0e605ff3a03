"""API tokens: issued by `POST /api/v1/auth/token/` (core.views.TokenIssueView), valid API_TOKEN_DAYS days, revoked when the
password changes; administrators (and anyone who enrolled an authenticator app) must give the current
TOTP code to get one, as at the login screen.

One token per user (DRF's authtoken model): issuing a new one replaces the old. `ExpiringTokenAuthentication`
refuses (and deletes) a token older than API_TOKEN_DAYS; `revoke_tokens_on_password_change` is connected
to the user model's pre_save in core.apps.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_expires(token: Token) -> dt.datetime:
    return token.created + dt.timedelta(days=settings.API_TOKEN_DAYS)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expires(token) <= timezone.now():
            token.delete()
            raise AuthenticationFailed(_("This API token has expired; ask for a new one."))
        return user, token


def revoke_tokens_on_password_change(sender, instance, raw=False, **kwargs) -> None:
    """pre_save of the user model: set_password() leaves the new raw password in `_password` until the
    save, so a changed password is seen without a query; the user's API token is deleted."""
    if not raw and instance.pk and getattr(instance, "_password", None) is not None:
        Token.objects.filter(user_id=instance.pk).delete()
