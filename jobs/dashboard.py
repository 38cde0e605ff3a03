"""Dashboard card: the person's own background exports."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.permissions import Perm, has_perm
from jobs.models import ExportJob, ExportStatus


def cards(user) -> list[dict]:
    if not has_perm(user, Perm.OWN_RECORD):
        return []
    running = ExportJob.objects.visible_to(user).filter(status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]).count()
    return [
        {
            "title": _("My exports"),
            "value": running,
            "note": _("in progress"),
            "url": reverse("jobs:export-list") + "?in_progress=1",
        }
    ]
