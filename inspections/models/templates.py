"""Checklist templates, their versions (immutable once published), sections and items."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.permissions import Perm, has_perm
from inspections.models.choices import AnswerType, TemplateKind, VersionStatus


class ChecklistTemplateQuerySet(models.QuerySet):
    """Templates are shared by the whole province. Managers see everything; other readers see only
    templates with a published (or retired) version: a template still being built is not theirs."""

    def visible_to(self, user):
        if has_perm(user, Perm.TEMPLATE_MANAGE):
            return self.all()
        if has_perm(user, (Perm.TEMPLATE_VIEW, Perm.INSPECTION_PLAN)):
            released = TemplateVersion.objects.filter(template=OuterRef("pk")).exclude(status=VersionStatus.DRAFT)
            return self.filter(Exists(released))
        return self.none()


class ChecklistTemplate(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TemplateKind.choices, default=TemplateKind.OTHER)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("edit version"), default=1, editable=False)

    objects = ChecklistTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")

    def __str__(self) -> str:
        return f"{self.code} – {self.name_vi}"


class TemplateVersionQuerySet(models.QuerySet):
    def visible_to(self, user):
        if has_perm(user, Perm.TEMPLATE_MANAGE):
            return self.all()
        if has_perm(user, (Perm.TEMPLATE_VIEW, Perm.INSPECTION_PLAN)):
            return self.exclude(status=VersionStatus.DRAFT)
        return self.none()


class TemplateVersion(models.Model):
    """Immutable once published (services refuse edits); editing a published version makes a draft."""

    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    pass_threshold = models.DecimalField(_("pass threshold (%)"), max_digits=5, decimal_places=2, default=Decimal("50"))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = TemplateVersionQuerySet.as_manager()

    class Meta:
        ordering = ["template_id", "-number"]
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="insp_version_number_uniq"),
            models.UniqueConstraint(
                fields=["template"], condition=Q(status="draft"), name="insp_one_draft_per_template"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template.code} v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT


class Section(models.Model):
    version = models.ForeignKey(
        TemplateVersion, verbose_name=_("checklist version"), on_delete=models.CASCADE, related_name="sections"
    )
    code = models.CharField(_("code"), max_length=40)
    order = models.PositiveIntegerField(_("order"), default=0)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)

    class Meta:
        ordering = ["version_id", "order", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="insp_section_code_uniq")]

    def __str__(self) -> str:
        return self.title_vi


class Item(models.Model):
    version = models.ForeignKey(
        TemplateVersion, verbose_name=_("checklist version"), on_delete=models.CASCADE, related_name="items"
    )
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(_("order"), default=0)
    code = models.CharField(_("item code"), max_length=40, help_text=_("Stable across versions."))
    text_vi = models.TextField(_("text (Vietnamese)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    answer_type = models.CharField(_("answer type"), max_length=12, choices=AnswerType.choices)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal("1"))
    critical = models.BooleanField(_("critical"), default=False)
    failing_answers = models.JSONField(
        _("failing answers"),
        default=list,
        blank=True,
        help_text=_('Values that fail, e.g. "no", "0", or comparisons like "<50".'),
    )
    note_required_on_failure = models.BooleanField(_("note required on failure"), default=False)
    photo_required_on_failure = models.BooleanField(_("photo required on failure"), default=False)
    required = models.BooleanField(_("required"), default=True)
    relevant = models.CharField(_("relevant (XLSForm)"), max_length=500, blank=True)
    # select_one / select_multi items: [{"name", "label_vi", "label_en", "score"}], score a number as
    # text or None (for a scored list, None marks the "not applicable" choice); the XLSForm list name.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    choice_list = models.CharField(_("choice list"), max_length=64, blank=True)
    hint = models.TextField(_("guidance"), blank=True, help_text=_("Shown under the item (XLSForm hint)."))
    # XLSForm `constraint` on the item's own answer (". >= 0 and . <= 100"), checked on save with the
    # same safe parser as `relevant`; the message is what the inspector reads when it is not met.
    constraint = models.CharField(_("constraint (XLSForm)"), max_length=500, blank=True)
    constraint_message = models.CharField(_("constraint message"), max_length=500, blank=True)

    class Meta:
        ordering = ["version_id", "order", "pk"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="insp_item_code_uniq")]

    def __str__(self) -> str:
        return f"{self.code} {self.text_vi[:60]}"
