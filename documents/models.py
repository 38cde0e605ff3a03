"""Registers of document numbers, the documents issued from them, and the templates units upload."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from staff.access import unit_scope_q
from staff.models import Unit


class DocumentRegister(models.Model):
    """The yearly register of one issuing body for one kind of document: `last` is the last number
    taken; issuing locks this row (select_for_update), so two issuers never get the same number."""

    unit = models.ForeignKey(Unit, verbose_name=_("issuing body"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("document kind"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document register")
        verbose_name_plural = _("document registers")
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "year"], name="documents_register_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.kind}/{self.year}: {self.last}"


class IssuedDocumentQuerySet(models.QuerySet):
    def visible_to(self, user, perm):
        return self.filter(unit_scope_q(user, perm, "unit__"))


class IssuedDocument(models.Model):
    """One numbered document: the number a record got for a kind. Asking again for the same record and
    kind returns this row, so a retry never takes a second number."""

    kind = models.CharField(_("document kind"), max_length=40)
    record_key = models.CharField(_("record"), max_length=80)
    unit = models.ForeignKey(Unit, verbose_name=_("issuing body"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("number in the register"))
    number = models.CharField(_("number"), max_length=40)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = IssuedDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "record_key"], name="documents_issued_once_per_record"),
            models.UniqueConstraint(fields=["unit", "kind", "year", "seq"], name="documents_number_unique"),
        ]

    def __str__(self) -> str:
        return self.number


class DocumentTemplate(models.Model):
    """A Word template a unit uploaded for its subtree. Every upload is a new row (version); the newest
    one is used, the older ones are kept."""

    kind = models.CharField(_("document kind"), max_length=40)
    unit = models.ForeignKey(Unit, verbose_name=_("for the subtree of"), on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(_("version"))
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    placeholders = models.JSONField(_("placeholders"), default=list)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "unit", "-version"]
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        constraints = [
            models.UniqueConstraint(fields=["kind", "unit", "version"], name="documents_template_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.unit_id} · v{self.version}"


class DocumentDetails(models.Model):
    """What a document needs that its record does not hold (a biên bản's times, place and people
    present), filled on the document's page before it is printed."""

    kind = models.CharField(_("document kind"), max_length=40)
    record_key = models.CharField(_("record"), max_length=80)
    data = models.JSONField(_("details"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("document details")
        verbose_name_plural = _("document details")
        constraints = [models.UniqueConstraint(fields=["kind", "record_key"], name="documents_details_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_key}"
