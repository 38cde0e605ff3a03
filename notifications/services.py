"""Every write on notifications. A notification row is created at most once per (recipient, kind,
object, occasion) — the database enforces it — and the e-mail goes out only for a row just created
(or one whose sending failed earlier), so a retried reminder job never notifies twice."""

from __future__ import annotations

import datetime as dt
import logging

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.models import EmailStatus, Notification
from notifications.reminders import SOURCES, Reminder

logger = logging.getLogger(__name__)


def notification_send(*, reminder: Reminder, email: str | None = None) -> Notification | None:
    """Create the notification and e-mail it. Returns None when it already existed."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient_id=reminder.recipient_id,
                kind=reminder.kind,
                object_ref=reminder.object_ref[:80],
                occasion=reminder.occasion[:40],
                title=reminder.title[:255],
                body=reminder.body,
                url=reminder.url[:255],
                email_status=EmailStatus.PENDING if email else EmailStatus.NONE,
            )
    except IntegrityError:
        return None
    if email:
        _email(notification, email)
    return notification


def absolute_url(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def _email(notification: Notification, address: str) -> bool:
    with translation.override(settings.LANGUAGE_CODE):
        lines = [notification.body] if notification.body else []
        if notification.url:
            lines.append(_("Open in CongVu: %(url)s") % {"url": absolute_url(notification.url)})
        lines.append("")
        lines.append(_("This message was sent by CongVu. You can see all your notifications in the app."))
        try:
            send_mail(
                subject=f"[CongVu] {notification.title}",
                message="\n".join(lines),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[address],
            )
        except Exception:  # SMTP failures of any kind: keep the row, retry on the next run
            logger.exception("E-mail for notification %s failed", notification.pk)
            Notification.objects.filter(pk=notification.pk).update(email_status=EmailStatus.FAILED)
            return False
    Notification.objects.filter(pk=notification.pk).update(email_status=EmailStatus.SENT, emailed_at=timezone.now())
    return True


def notification_retry_emails(*, now: dt.datetime | None = None, within_days: int = 3) -> int:
    """Send again the e-mails that failed (or were interrupted) in the last few days."""
    now = now or timezone.now()
    stale = now - dt.timedelta(minutes=10)
    rows = (
        Notification.objects.filter(created_at__gte=now - dt.timedelta(days=within_days))
        .filter(email_status__in=[EmailStatus.FAILED, EmailStatus.PENDING], created_at__lt=stale)
        .select_related("recipient")
    )
    sent = 0
    for notification in rows:
        if notification.recipient.email and _email(notification, notification.recipient.email):
            sent += 1
    return sent


def notification_mark_read(*, actor, notification: Notification) -> Notification:
    if notification.recipient_id != actor.pk:
        raise ValidationError(_("You do not have permission to do this."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, actor) -> int:
    return Notification.objects.visible_to(actor).unread().update(read_at=timezone.now())


def reminders_send(*, today: dt.date | None = None, now: dt.datetime | None = None, only=None) -> dict:
    """Run every reminder source (or those named in `only`) and notify. Returns per-source counts of
    notifications created; a source whose app is not installed reports None."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    counts: dict[str, int | None] = {}
    with translation.override(settings.LANGUAGE_CODE):
        for name, (app_label, source) in SOURCES.items():
            if only and name not in only:
                continue
            if not apps.is_installed(app_label):
                counts[name] = None
                continue
            created = 0
            for reminder, email in source(today, now):
                if notification_send(reminder=reminder, email=email) is not None:
                    created += 1
            counts[name] = created
    counts["emails_retried"] = notification_retry_emails(now=now)
    return counts
