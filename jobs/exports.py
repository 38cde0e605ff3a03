"""Exports that can run in the background. Each one reuses its app's selector, FilterSet and
workbook writer, so a background file holds exactly what the screen (and the synchronous export)
shows to the same person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import QuerySet
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from core.permissions import Perm

PROGRESS_EVERY = 500


@dataclass(frozen=True)
class ExportKind:
    key: str
    label: str
    perm: str | tuple[str, ...]
    filterset: Callable  # (data, queryset, request) -> FilterSet
    queryset: Callable  # (user) -> scoped queryset (the list's selector, no filters)
    write: Callable  # (queryset-like) -> file object at position 0
    filename: Callable[[dt.date], str]
    list_url: str


class ProgressQuerySet:
    """Wraps a queryset for an exporter: `iterator()` reports every PROGRESS_EVERY rows."""

    def __init__(self, queryset, on_progress: Callable[[int], None], every: int = PROGRESS_EVERY):
        self._qs = queryset
        self._on_progress = on_progress
        self._every = every

    def iterator(self, chunk_size: int = 2000):
        done = 0
        for item in self._qs.iterator(chunk_size=chunk_size):
            yield item
            done += 1
            if done % self._every == 0:
                self._on_progress(done)
        self._on_progress(done)

    def __iter__(self):
        return self.iterator()

    def __getattr__(self, name):
        """Anything else goes to the queryset; a derived queryset (values_list(), only()...) stays
        wrapped, so progress is reported whichever way the exporter reads its rows."""
        attr = getattr(self._qs, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            result = attr(*args, **kwargs)
            if isinstance(result, QuerySet):
                return ProgressQuerySet(result, self._on_progress, self._every)
            return result

        return call


def as_data(filters: dict[str, list[str]]) -> MultiValueDict:
    return MultiValueDict({key: list(values) for key, values in filters.items()})


def request_for(user):
    """FilterSets only read `request.user` (to list the units a person may filter on)."""
    return SimpleNamespace(user=user)


def _staff_filterset(data, queryset, request):
    from staff.filters import StaffFilterSet

    return StaffFilterSet(data, queryset=queryset, request=request)


def _staff_queryset(user):
    from staff import selectors

    return selectors.staff_list(user=user)


def _staff_write(queryset):
    from staff.exports import staff_directory_xlsx

    return staff_directory_xlsx(staff_qs=queryset, handle_large=True)


def _findings_filterset(data, queryset, request):
    from inspections.filters import FindingFilterSet

    return FindingFilterSet(data, queryset=queryset, request=request)


def _findings_queryset(user):
    """The screen's export rows (finding_export_list: the register's scope, no per-row state subqueries)."""
    from inspections import selectors

    return selectors.finding_export_list(user=user)


def _findings_write(queryset):
    from inspections.exports import findings_register_xlsx

    return findings_register_xlsx(findings=queryset)


def _attendance_filterset(data, queryset, request):
    from training.filters import AttendanceRecordFilterSet

    return AttendanceRecordFilterSet(data, queryset=queryset, request=request)


def _attendance_queryset(user):
    from training import selectors

    return selectors.attendance_records(user=user)


def _attendance_write(queryset):
    from training.exports import attendance_records_xlsx

    return attendance_records_xlsx(records=queryset, handle_large=True)


EXPORTS: dict[str, ExportKind] = {
    "staff_directory": ExportKind(
        key="staff_directory",
        label=_("Staff directory"),
        perm=(Perm.STAFF_VIEW, Perm.OWN_RECORD),
        filterset=_staff_filterset,
        queryset=_staff_queryset,
        write=_staff_write,
        filename=lambda day: f"danh-ba-can-bo-{day:%Y%m%d}.xlsx",
        list_url="staff:staff-list",
    ),
    "findings_register": ExportKind(
        key="findings_register",
        label=_("Findings and corrective actions"),
        perm=(Perm.INSPECTION_VIEW, Perm.ACTION_UPDATE),
        filterset=_findings_filterset,
        queryset=_findings_queryset,
        write=_findings_write,
        filename=lambda day: f"so-theo-doi-phat-hien-{day:%Y%m%d}.xlsx",
        list_url="inspections:finding-list",
    ),
    "attendance_records": ExportKind(
        key="attendance_records",
        label=_("Attendance register"),
        perm=(Perm.TRAINING_VIEW, Perm.TRAINING_MANAGE, Perm.TRAINING_ATTEND, Perm.OWN_RECORD),
        filterset=_attendance_filterset,
        queryset=_attendance_queryset,
        write=_attendance_write,
        filename=lambda day: f"so-diem-danh-{day:%Y%m%d}.xlsx",
        list_url="training:attendance-list",
    ),
}


def register(kind: ExportKind) -> None:
    EXPORTS[kind.key] = kind
