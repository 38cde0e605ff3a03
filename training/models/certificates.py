"""Certificates issued when a class closes, and their yearly serial counter."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.security import VERIFY_ALPHABET, new_verify_code  # noqa: F401 - VERIFY_ALPHABET re-exported
from training.models.common import own_or_scoped_q
from training.models.enrollment import Enrollment


class CertificateQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(own_or_scoped_q(user, "enrollment__training_class__", "enrollment__staff__"))


class Certificate(models.Model):
    enrollment = models.OneToOneField(
        Enrollment, verbose_name=_("enrollment"), on_delete=models.PROTECT, related_name="certificate"
    )
    serial_year = models.PositiveSmallIntegerField(_("year"))
    serial_no = models.PositiveIntegerField(_("serial"))
    number = models.CharField(_("certificate number"), max_length=16, unique=True)
    verify_code = models.CharField(
        _("verification code"), max_length=24, unique=True, default=new_verify_code, editable=False
    )
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-serial_year", "-serial_no"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["serial_year", "serial_no"], name="training_certificate_unique_serial")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def status(self) -> str:
        """ "revoked" once revoked, else "valid" (an expired one is still "valid" here: see valid_until)."""
        return "revoked" if self.revoked_on else "valid"

    @staticmethod
    def format_number(year: int, serial: int) -> str:
        return f"{year}/{serial:06d}"


class CertificateCounter(models.Model):
    """The last serial issued per year; locked with select_for_update so serials have no gaps or duplicates."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last serial"), default=0)

    class Meta:
        verbose_name = _("certificate counter")
        verbose_name_plural = _("certificate counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
