"""Every write in training. Keyword-only, atomic, validated; every enrollment change leaves an event.

Bulk writes go through `core.audit` so the audit trail is kept; no `QuerySet.update()` on audited data.
One module per topic; the public names are re-exported here (`from training import services`).
"""

from training.services.attendance import (
    AttendanceSave,
    SyncConflict,
    SyncError,
    SyncForbidden,
    SyncStale,
    attendance_save,
    default_minutes,
    session_attendance_body,
    session_attendance_current,
)
from training.services.classes import CLASS_FIELDS, class_create, class_set_status, class_update
from training.services.closing import CloseSummary, certificate_revoke, class_close, enrollment_outcome
from training.services.common import StaleVersion, bump_version
from training.services.courses import COURSE_FIELDS, course_create, course_update
from training.services.enrollment import (
    Nomination,
    check_registration_open,
    enrollment_nominate,
    enrollment_nominate_many,
    enrollment_set_score,
    enrollment_set_status,
    lock_class,
    overlap_warnings,
    registration_closed,
)
from training.services.external import (
    calendar_token_for,
    external_decide,
    external_record,
    requirement_create,
    requirement_retire,
    requirement_update,
)
from training.services.sessions import SESSION_FIELDS, session_create, session_delete, session_update

__all__ = [
    "certificate_revoke",
    "AttendanceSave",
    "CLASS_FIELDS",
    "COURSE_FIELDS",
    "CloseSummary",
    "Nomination",
    "SESSION_FIELDS",
    "StaleVersion",
    "SyncConflict",
    "SyncError",
    "SyncForbidden",
    "SyncStale",
    "attendance_save",
    "bump_version",
    "calendar_token_for",
    "check_registration_open",
    "class_close",
    "class_create",
    "class_set_status",
    "class_update",
    "course_create",
    "course_update",
    "default_minutes",
    "enrollment_nominate",
    "enrollment_nominate_many",
    "enrollment_outcome",
    "enrollment_set_score",
    "enrollment_set_status",
    "external_decide",
    "external_record",
    "lock_class",
    "overlap_warnings",
    "registration_closed",
    "requirement_create",
    "requirement_retire",
    "requirement_update",
    "session_attendance_body",
    "session_attendance_current",
    "session_create",
    "session_delete",
    "session_update",
]
