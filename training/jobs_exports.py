"""The attendance register as a background export (found by jobs.registry.autodiscover)."""

from django.utils.translation import gettext_lazy as _

from core.permissions import Perm
from training import selectors
from training.exports import attendance_records_xlsx
from training.filters import AttendanceRecordFilterSet

EXPORTS = [
    {
        "key": "attendance_records",
        "label": _("Attendance register"),
        "perm": (Perm.TRAINING_VIEW, Perm.TRAINING_MANAGE, Perm.TRAINING_ATTEND, Perm.OWN_RECORD),
        "filterset": lambda data, queryset, request: AttendanceRecordFilterSet(
            data, queryset=queryset, request=request
        ),
        "queryset": lambda user: selectors.attendance_records(user=user),
        "write": lambda queryset: attendance_records_xlsx(records=queryset, handle_large=True),
        "filename": lambda day: f"so-diem-danh-{day:%Y%m%d}.xlsx",
        "list_url": "training:attendance-list",
    },
]
