"""In-app notifications, also sent by e-mail. One row per (recipient, kind, object, occasion): the
database refuses a second one, so a retried reminder job never notifies twice."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    CLASS_WEEK = "class_week", _("Class starts in a week")
    CLASS_DAY = "class_day", _("Class starts tomorrow")
    ENROLLMENT = "enrollment", _("Nomination or waitlist change")
    ACTION_DUE = "action_due", _("Corrective action due soon")
    ACTION_OVERDUE = "action_overdue", _("Corrective action overdue")
    INSPECTION_DUE = "inspection_due", _("Assigned inspection due")
    EXPORT_READY = "export_ready", _("Export ready")
    OTHER = "other", _("Other")


class EmailStatus(models.TextChoices):
    NONE = "none", _("No e-mail address")
    PENDING = "pending", _("To be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Sending failed")


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Notifications are personal: each person sees only their own."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(recipient_id=user.pk)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    object_ref = models.CharField(_("about"), max_length=80, help_text=_("app.model:id of the record concerned"))
    occasion = models.CharField(_("occasion"), max_length=40, help_text=_("e.g. the date or the change reminded of"))
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "object_ref", "occasion"], name="notifications_once_per_occasion"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_read_idx"),
            models.Index(fields=["email_status"], name="notif_email_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind} {self.object_ref} {self.occasion}"
