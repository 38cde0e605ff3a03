"""Dashboard cards for inspections: open assignments, inspections to review, overdue corrective
actions (shown as overdue everywhere), and the year's coverage of the plans in scope."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.permissions import Perm, has_perm
from inspections import selectors
from inspections.models import CorrectiveAction, Inspection, InspectionStatus


def cards(user) -> list[dict]:
    result = []
    if has_perm(user, (Perm.INSPECTION_FILL, Perm.INSPECTION_SELF)):
        result.append(
            {
                "title": _("My open assignments"),
                "value": selectors.my_assignments(user=user).count(),
                "url": reverse("inspections:home"),
                "note": _("checklists to fill"),
            }
        )
    if has_perm(user, Perm.INSPECTION_REVIEW):
        waiting = Inspection.objects.visible_to(user).awaiting_approval_by(user).count()
        result.append(
            {
                "title": _("Inspections to review"),
                "value": waiting,
                "url": reverse("inspections:inspection-list") + "?to_approve=true",
                "note": _("as lead inspector"),
            }
        )
    if has_perm(user, (Perm.INSPECTION_VIEW, Perm.ACTION_UPDATE)):
        overdue = CorrectiveAction.objects.visible_to(user).overdue(timezone.localdate()).count()
        result.append(
            {
                "title": _("Overdue corrective actions"),
                "value": overdue,
                "url": reverse("inspections:action-list") + "?status=overdue",
                "note": _("past their due date, not done"),
            }
        )
    if has_perm(user, Perm.INSPECTION_VIEW):
        year = timezone.localdate().year
        approved = (
            Inspection.objects.visible_to(user)
            .filter(status=InspectionStatus.APPROVED, inspected_on__year=year)
            .count()
        )
        result.append(
            {
                "title": _("Approved inspections this year"),
                "value": approved,
                "url": reverse("inspections:inspection-list") + f"?year={year}&status=approved",
                "note": _("results per unit in the register"),
            }
        )
    return result
