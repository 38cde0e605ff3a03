"""Training to Excel, from the same selectors and filters as the screens. Each export runs a constant number of
queries whatever the size of the class or unit."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from core.xlsx import XlsxWriter
from training.models import AttendanceStatus, EnrollmentStatus
from training.selectors import attendance_matrix, class_roster, minutes_to_periods

STATUS_SHORT = {
    AttendanceStatus.PRESENT: "x",
    AttendanceStatus.LATE: "M",
    AttendanceStatus.LEFT_EARLY: "S",
    AttendanceStatus.EXCUSED: "P",
    AttendanceStatus.UNEXCUSED: "K",
}


def status_legend() -> str:
    return _("x = present, M = late, S = left early, P = excused absence, K = unexcused absence")


def class_roster_xlsx(*, training_class) -> bytes:
    writer = XlsxWriter()
    writer.sheet(
        _("Roster"),
        [
            _("No."),
            _("Staff code"),
            _("Full name"),
            _("Unit"),
            _("Status"),
            _("Waitlist position"),
            _("Attended minutes"),
            _("Score"),
            _("Outcome"),
            _("Certificate number"),
        ],
        widths=[6, 14, 28, 36, 16, 10, 12, 8, 16, 16],
    )
    for index, e in enumerate(class_roster(training_class=training_class), 1):
        writer.row(
            [
                index,
                e.staff.staff_code,
                e.staff.full_name,
                e.staff.unit.name,
                e.get_status_display(),
                e.waitlist_position,
                e.attended_minutes or e.marked_minutes,
                float(e.score) if e.score is not None else None,
                e.get_outcome_display() if e.outcome else "",
                e.certificate_number or "",
            ]
        )
    return writer.save()


def attendance_matrix_xlsx(*, training_class) -> bytes:
    """People × sessions: the status code and minutes of each mark, then totals and completion %."""
    sessions, people, marks = attendance_matrix(training_class=training_class)
    planned_total = sum(s.planned_minutes for s in sessions)
    writer = XlsxWriter()
    headers = [_("Staff code"), _("Full name"), _("Unit")]
    headers += [f"{s.date:%d/%m} {s.start_time:%H:%M}" for s in sessions]
    headers += [_("Attended minutes"), _("Planned minutes"), _("Completion %"), _("Absences")]
    writer.sheet(_("Attendance"), headers, widths=[14, 28, 30, *[12] * len(sessions), 12, 12, 12, 10])
    for e in people:
        row = [e.staff.staff_code, e.staff.full_name, e.staff.unit.name]
        attended = absences = 0
        for s in sessions:
            mark = marks.get((e.pk, s.pk))
            if mark is None:
                row.append("")
                continue
            status, minutes = mark
            attended += minutes
            absences += status in (AttendanceStatus.EXCUSED, AttendanceStatus.UNEXCUSED)
            row.append(
                f"{STATUS_SHORT[status]} {minutes}'" if status != AttendanceStatus.PRESENT else STATUS_SHORT[status]
            )
        share = round(100 * attended / planned_total, 1) if planned_total else 0
        writer.row([*row, attended, planned_total, share, absences])
    writer.sheet(_("Legend"), [_("Code"), _("Meaning")], widths=[8, 40])
    for status, code in STATUS_SHORT.items():
        writer.row([code, str(AttendanceStatus(status).label)])
    return writer.save()


def sign_in_sheet_xlsx(*, training_class, session=None) -> bytes:
    """The paper fallback: one sheet per session, a row per confirmed person with an empty signature cell."""
    sessions, people, _marks = attendance_matrix(training_class=training_class)
    if session is not None:
        sessions = [s for s in sessions if s.pk == session.pk]
    writer = XlsxWriter()
    for s in sessions or [None]:
        title = f"{s.date:%d-%m-%Y} {s.start_time:%Hh%M}" if s else _("Sign-in")
        writer.sheet(
            title,
            [_("No."), _("Staff code"), _("Full name"), _("Unit"), _("Arrival time"), _("Signature"), _("Notes")],
            widths=[6, 14, 28, 34, 12, 22, 20],
        )
        for index, e in enumerate(people, 1):
            writer.row([index, e.staff.staff_code, e.staff.full_name, e.staff.unit.name, "", "", ""])
    return writer.save()


def hours_xlsx(*, rows, year: int) -> bytes:
    """Per-person (or per-unit when the rows are a unit's) training record for a year."""
    writer = XlsxWriter()
    writer.sheet(
        _("Training hours %(year)s") % {"year": year},
        [
            _("Staff code"),
            _("Full name"),
            _("Unit"),
            _("Course tiết"),
            _("External tiết"),
            _("Total tiết"),
            _("Required tiết"),
            _("Rule"),
            _("Legal basis"),
            _("Percent"),
            _("Status"),
            _("Attended minutes"),
        ],
        widths=[14, 28, 34, 10, 10, 10, 10, 28, 28, 8, 18, 12],
    )
    for r in rows:
        writer.row(
            [
                r.staff.staff_code,
                r.staff.full_name,
                r.staff.unit.name,
                float(r.course_periods),
                float(r.external_periods),
                float(r.periods),
                r.required_periods,
                r.rule.name,
                r.rule.legal_basis,
                r.percent,
                str(r.status_label),
                r.total_minutes,
            ]
        )
    return writer.save()


def person_record_xlsx(*, staff, record: dict, year: int) -> bytes:
    writer = XlsxWriter()
    writer.sheet(
        _("Training record"),
        [
            _("Class"),
            _("Course"),
            _("Content group"),
            _("From"),
            _("To"),
            _("Status"),
            _("Tiết"),
            _("Attended minutes"),
            _("Score"),
            _("Outcome"),
            _("Certificate number"),
        ],
        widths=[14, 36, 24, 12, 12, 14, 8, 12, 8, 16, 16],
    )
    for e in record["enrollments"]:
        cls = e.training_class
        if not (cls.start_date.year <= year <= cls.end_date.year):
            continue
        writer.row(
            [
                cls.code,
                cls.course.title,
                cls.course.get_category_display(),
                cls.start_date,
                cls.end_date,
                e.get_status_display(),
                float(e.attended_periods),
                e.attended_minutes,
                float(e.score) if e.score is not None else None,
                e.get_outcome_display() if e.outcome else "",
                e.certificate_number or "",
            ]
        )
    writer.sheet(
        _("External training"),
        [_("Title"), _("Provider"), _("From"), _("To"), _("Tiết"), _("Minutes"), _("Status")],
        widths=[36, 28, 12, 12, 8, 10, 16],
    )
    for x in record["external"]:
        if x.end_date.year == year:
            writer.row(
                [x.title, x.provider, x.start_date, x.end_date, float(x.periods), x.minutes, x.get_status_display()]
            )
    hours = record["hours"]
    writer.sheet(_("Summary"), [_("Item"), _("Value")], widths=[30, 30])
    for label, value in [
        (_("Staff member"), f"{staff.full_name} ({staff.staff_code})"),
        (_("Year"), year),
        (_("Course tiết"), float(hours.course_periods)),
        (_("External tiết"), float(hours.external_periods)),
        (_("Total tiết"), float(hours.periods)),
        (_("Required tiết"), hours.required_periods),
        (_("Rule"), hours.rule.name),
        (_("Legal basis"), hours.rule.legal_basis),
        (_("Status"), str(hours.status_label)),
    ]:
        writer.row([label, value])
    return writer.save()


def plan_xlsx(*, classes, year: int) -> bytes:
    """The year's training plan: every class in scope with its course, dates, unit, capacity and seats taken."""
    writer = XlsxWriter()
    writer.sheet(
        _("Training plan %(year)s") % {"year": year},
        [
            _("Class code"),
            _("Course"),
            _("Content group"),
            _("Mode"),
            _("Mandatory"),
            _("Organising unit"),
            _("Venue"),
            _("From"),
            _("To"),
            _("Sessions"),
            _("Planned hours"),
            _("Capacity"),
            _("Confirmed"),
            _("Waitlisted"),
            _("Status"),
        ],
        widths=[14, 36, 24, 12, 10, 32, 24, 12, 12, 10, 10, 10, 10, 10, 16],
    )
    for c in classes:
        writer.row(
            [
                c.code,
                c.course.title,
                c.course.get_category_display(),
                c.course.get_mode_display(),
                _("Yes") if c.course.is_mandatory else _("No"),
                c.unit.name,
                c.venue,
                c.start_date,
                c.end_date,
                c.session_count,
                round((c.session_minutes or 0) / 60, 1),
                c.capacity,
                c.confirmed_count,
                c.waitlist_count,
                c.get_status_display(),
            ]
        )
    return writer.save()


def nomination_template_xlsx() -> bytes:
    writer = XlsxWriter()
    writer.sheet(_("Nominations"), [_("Staff code"), _("Full name"), _("Notes")], widths=[16, 30, 30])
    return writer.save()


# The attendance register's columns in the workbook, in order (bench/bench_export.py reads the same for its floor).
ATTENDANCE_EXPORT_FIELDS = (
    "session__date",
    "session__start_time",
    "session__training_class__code",
    "session__training_class__course__title",
    "session__training_class__unit__name",
    "enrollment__staff__staff_code",
    "enrollment__staff__full_name",
    "enrollment__staff__unit__name",
    "status",
    "minutes",
    "marked_at",
)


def attendance_records_xlsx(*, records, handle_large: bool = False):
    """The attendance register (selectors.attendance_records, filtered): one row per mark, in the register's
    order. Rows are read as plain tuples in chunks (one query per 2,000 rows, no model instances), so a
    province's year streams in constant memory. `handle_large`: a file object at position 0, else bytes."""
    writer = XlsxWriter()
    writer.sheet(
        _("Attendance"),
        [
            _("Date"),
            _("Start"),
            _("Class code"),
            _("Course"),
            _("Organising unit"),
            _("Staff code"),
            _("Full name"),
            _("Unit"),
            _("Attendance"),
            _("Minutes attended"),
            _("Marked at"),
        ],
        widths=[12, 8, 22, 40, 32, 14, 28, 32, 18, 12, 18],
    )
    labels = {value: str(label) for value, label in AttendanceStatus.choices}
    rows = records.values_list(*ATTENDANCE_EXPORT_FIELDS)
    # Per row, only what differs: the start times (a handful) are printed once each, and the marking time is
    # put in local time with the zone read once (the writer would look it up for every row).
    tz, times = timezone.get_current_timezone(), {}
    for r in rows.iterator(chunk_size=2000):
        start = times.get(r[1])
        if start is None:
            start = times[r[1]] = r[1].strftime("%H:%M")
        marked = r[10].astimezone(tz).replace(tzinfo=None)
        writer.row([r[0], start, r[2], r[3], r[4], r[5], r[6], r[7], labels.get(r[8], r[8]), r[9], marked])
    return writer.save_to_tempfile() if handle_large else writer.save()


__all__ = ["EnrollmentStatus", "minutes_to_periods"]
