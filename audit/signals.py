"""Receivers: the request's address on each history row; logins and failed logins logged."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from core.middleware import remember_login
from core.security import client_ip, log, username_of


@receiver(pre_create_historical_record)
def add_ip_address(sender, history_instance, **kwargs):
    if getattr(history_instance, "ip_address", None):
        return
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None and hasattr(history_instance, "ip_address"):
        history_instance.ip_address = client_ip(request)


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember_login(request, user)
    log.info("login user=%s ip=%s", username_of(user), client_ip(request))


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    log.info("logout user=%s ip=%s", username_of(user), client_ip(request))


@receiver(user_login_failed)
def log_login_failed(sender, credentials, request=None, **kwargs):
    log.warning("login-failed user=%s ip=%s", credentials.get("username", "-"), client_ip(request))
