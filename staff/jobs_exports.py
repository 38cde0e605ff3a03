"""The staff directory as a background export (found by jobs.registry.autodiscover)."""

from django.utils.translation import gettext_lazy as _

from core.permissions import Perm
from staff import selectors
from staff.exports import staff_directory_xlsx
from staff.filters import StaffFilterSet

EXPORTS = [
    {
        "key": "staff_directory",
        "label": _("Staff directory"),
        "perm": (Perm.STAFF_VIEW, Perm.OWN_RECORD),
        "filterset": lambda data, queryset, request: StaffFilterSet(data, queryset=queryset, request=request),
        "queryset": lambda user: selectors.staff_list(user=user),
        "write": lambda queryset: staff_directory_xlsx(staff_qs=queryset, handle_large=True),
        "filename": lambda day: f"danh-ba-can-bo-{day:%Y%m%d}.xlsx",
        "list_url": "staff:staff-list",
    },
]
