"""The findings register as a background export (found by jobs.registry.autodiscover)."""

from django.utils.translation import gettext_lazy as _

from core.permissions import Perm
from inspections import selectors
from inspections.exports import findings_register_xlsx
from inspections.filters import FindingFilterSet

EXPORTS = [
    {
        "key": "findings_register",
        "label": _("Findings and corrective actions"),
        "perm": (Perm.INSPECTION_VIEW, Perm.ACTION_UPDATE),
        "filterset": lambda data, queryset, request: FindingFilterSet(data, queryset=queryset, request=request),
        # The register's scope and order, without the per-row state the workbook does not show.
        "queryset": lambda user: selectors.finding_list(user=user),
        "write": lambda queryset: findings_register_xlsx(findings=queryset),
        "filename": lambda day: f"so-theo-doi-phat-hien-{day:%Y%m%d}.xlsx",
        "list_url": "inspections:finding-list",
    },
]
