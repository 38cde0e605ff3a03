"""Dashboard cards for training."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.permissions import Perm, has_perm
from training.models import TRAINING_READ, ClassStatus, TrainingClass


def training_figures(user) -> dict:
    """Classes in scope by status, in one query."""
    today = timezone.localdate()
    return TrainingClass.objects.visible_to(user).aggregate(
        open=Count("pk", filter=Q(status=ClassStatus.OPEN)),
        in_progress=Count("pk", filter=Q(status=ClassStatus.IN_PROGRESS)),
        completed_this_year=Count("pk", filter=Q(status=ClassStatus.COMPLETED, end_date__year=today.year)),
        planned=Count("pk", filter=Q(status=ClassStatus.PLANNED)),
    )


def cards(user) -> list[dict]:
    result = []
    if has_perm(user, TRAINING_READ):
        figures = training_figures(user)
        result.append(
            {
                "title": _("Classes open for registration"),
                "value": figures["open"],
                "url": reverse("training:class-list") + "?status=open",
            }
        )
        result.append(
            {
                "title": _("Classes in progress"),
                "value": figures["in_progress"],
                "url": reverse("training:class-list") + "?status=in_progress",
            }
        )
        result.append(
            {
                "title": _("Training hours"),
                "value": None,
                "note": _("Who is behind this year"),
                "url": reverse("training:hours") + "?status=at_risk",
            }
        )
    if has_perm(user, Perm.OWN_RECORD):
        result.append(
            {
                "title": _("My training"),
                "value": None,
                "note": _("Classes, hours and certificates"),
                "url": reverse("training:my-record"),
            }
        )
    return result
