"""Training: course catalogue, classes and sessions, enrollments with history, attendance, certificates,
requirement rules and external training. One module per topic; every model is imported here, so migrations
and `from training.models import X` see them all.

Scope: a class belongs to its organising unit; users see classes of the units on which they hold a training
permission (subtree). A staff member sees their own enrollments, marks and certificates.
"""

from training.models.attendance import (
    ABSENT,
    Attendance,
    AttendanceChange,
    AttendanceQuerySet,
    AttendanceStatus,
    AttendanceSubmission,
)
from training.models.certificates import Certificate, CertificateCounter, CertificateQuerySet
from training.models.classes import (
    CLASS_TRANSITIONS,
    ROLL_CALL_STATUSES,
    ClassSession,
    ClassSessionQuerySet,
    ClassStatus,
    TrainingClass,
    TrainingClassQuerySet,
)
from training.models.common import READ_OR_OWN, TRAINING_READ, own_or_scoped_q, sees_all
from training.models.courses import CertificateKind, Course, CourseCategory, CourseMode, CourseQuerySet
from training.models.enrollment import (
    ACTIVE_ENROLLMENT,
    Enrollment,
    EnrollmentEvent,
    EnrollmentQuerySet,
    EnrollmentStatus,
    Outcome,
)
from training.models.hours import (
    ExternalStatus,
    ExternalTraining,
    ExternalTrainingQuerySet,
    RequirementQuerySet,
    TrainingRequirement,
)
from training.models.tokens import CalendarToken

__all__ = [
    "READ_OR_OWN",
    "ABSENT",
    "ACTIVE_ENROLLMENT",
    "Attendance",
    "AttendanceChange",
    "AttendanceQuerySet",
    "AttendanceStatus",
    "AttendanceSubmission",
    "CLASS_TRANSITIONS",
    "ROLL_CALL_STATUSES",
    "CalendarToken",
    "Certificate",
    "CertificateCounter",
    "CertificateQuerySet",
    "ClassSession",
    "ClassSessionQuerySet",
    "ClassStatus",
    "Course",
    "CertificateKind",
    "CourseCategory",
    "CourseMode",
    "CourseQuerySet",
    "Enrollment",
    "EnrollmentEvent",
    "EnrollmentQuerySet",
    "EnrollmentStatus",
    "ExternalStatus",
    "ExternalTraining",
    "ExternalTrainingQuerySet",
    "Outcome",
    "RequirementQuerySet",
    "TRAINING_READ",
    "TrainingClass",
    "TrainingClassQuerySet",
    "TrainingRequirement",
    "own_or_scoped_q",
    "sees_all",
]
