"""The choices the inspection models share."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TemplateKind(models.TextChoices):
    DISCIPLINE = "discipline", _("Discipline")
    SELF_INSPECTION = "self_inspection", _("Self-inspection")
    SERVICE_CULTURE = "service_culture", _("Public-service culture")
    OTHER = "other", _("Other")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class AnswerType(models.TextChoices):
    YES_NO_NA = "yes_no_na", _("Yes / no / not applicable")
    SCALE_0_4 = "scale_0_4", _("Scale 0–4")
    PERCENT = "percent", _("Percentage")
    NUMBER = "number", _("Number")
    INTEGER = "integer", _("Whole number")
    TEXT = "text", _("Text")
    DATE = "date", _("Date")
    PHOTO = "photo", _("Photo")
    SELECT_ONE = "select_one", _("One choice from a list")
    SELECT_MULTIPLE = "select_multi", _("Several choices from a list")
    NOTE = "note", _("Guidance (no answer)")


class Band(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    SATISFACTORY = "satisfactory", _("Satisfactory")
    NOT_SATISFACTORY = "not_satisfactory", _("Not satisfactory")


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved (locked)")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", pgettext_lazy("corrective action", "In progress")  # not a training class's
    DONE = "done", _("Done")
    VERIFIED = "verified", _("Verified")


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
