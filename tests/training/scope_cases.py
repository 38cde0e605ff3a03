"""Scope cases for the training app's URLs (see tests/test_scope_walk.py). A class of Sở Alpha is in scope
for the Alpha HR officer; the same for Sở Beta is outside it."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from staff.access import system_actor
from training import services
from training.models import ClassStatus, CourseCategory


def _world(ctx):
    cached = ctx.get("_training")
    if cached:
        return cached
    tree, people = ctx["tree"], ctx["people"]
    world = {}
    for key, unit, person in (("in", tree["alpha"], people["an"]), ("out", tree["beta"], people["cuong"])):
        course = services.course_create(
            actor=system_actor(),
            code=f"C-{key}",
            title=f"Khóa {key}",
            category=CourseCategory.DIGITAL,
            planned_minutes=240,
            owner_unit=unit,
        )
        start = dt.date.today() - dt.timedelta(days=2)
        cls = services.class_create(
            actor=system_actor(),
            course=course,
            code=f"L-{key}",
            unit=unit,
            capacity=5,
            start_date=start,
            end_date=start,
        )
        session = services.session_create(
            actor=system_actor(), training_class=cls, date=start, start_time=dt.time(8), end_time=dt.time(12)
        )
        services.class_set_status(actor=system_actor(), training_class=cls, status=ClassStatus.OPEN)
        services.class_set_status(actor=system_actor(), training_class=cls, status=ClassStatus.IN_PROGRESS)
        enrollment = services.enrollment_nominate(actor=system_actor(), training_class=cls, staff=person).enrollments[0]
        services.attendance_save(
            actor=system_actor(), session_id=session.pk, marks=[{"enrollment": enrollment.pk, "status": "present"}]
        )
        services.class_close(actor=system_actor(), training_class=cls, scores={enrollment.pk: 8})
        external = services.external_record(
            actor=system_actor(),
            staff=person,
            title="Ngoài",
            provider="Học viện",
            start_date=start,
            end_date=start,
            periods=2,
            minutes=60,
            evidence=SimpleUploadedFile("minh-chung.pdf", b"%PDF-1.4\n%%EOF\n"),
        )
        open_cls = services.class_create(
            actor=system_actor(),
            course=course,
            code=f"L-{key}-2",
            unit=unit,
            capacity=5,
            start_date=start,
            end_date=start + dt.timedelta(days=30),
        )
        open_session = services.session_create(
            actor=system_actor(), training_class=open_cls, date=start, start_time=dt.time(8), end_time=dt.time(12)
        )
        services.class_set_status(actor=system_actor(), training_class=open_cls, status=ClassStatus.OPEN)
        open_enrollment = services.enrollment_nominate(
            actor=system_actor(), training_class=open_cls, staff=person
        ).enrollments[0]
        requirement = services.requirement_create(
            actor=system_actor(), name=f"Định mức {key}", periods_per_year=40, effective_year=2026, unit=unit
        )
        world[key] = {
            "requirement": requirement,
            "course": course,
            "cls": cls,
            "session": session,
            "enrollment": enrollment,
            "certificate": enrollment.certificate,
            "external": external,
            "open": open_cls,
            "open_session": open_session,
            "open_enrollment": open_enrollment,
            "person": person,
        }
    ctx["_training"] = world
    return world


def _case(getter, *, method="get", ok_status=(200, 302), kw="pk"):
    def build(ctx):
        world = _world(ctx)
        return {
            "user": ctx["cast"]["hr"],
            "ok": {kw: getter(world["in"]).pk},
            "out": {kw: getter(world["out"]).pk},
            "method": method,
            "ok_status": ok_status,
        }

    return build


CASES = {
    "training:course-detail": _case(lambda w: w["course"]),
    "training:course-edit": _case(lambda w: w["course"]),
    "training:class-detail": _case(lambda w: w["cls"]),
    "training:class-edit": _case(lambda w: w["open"]),
    "training:class-status": _case(lambda w: w["open"], method="post"),
    "training:class-nominate": _case(lambda w: w["open"]),
    "training:class-import": _case(lambda w: w["open"]),
    "training:class-close": _case(lambda w: w["open"]),
    "training:session-create": _case(lambda w: w["open"], kw="class_pk"),
    "training:class-roster-xlsx": _case(lambda w: w["cls"]),
    "training:class-matrix-xlsx": _case(lambda w: w["cls"]),
    "training:class-signin-xlsx": _case(lambda w: w["cls"]),
    "training:class-signin-print": _case(lambda w: w["cls"]),
    "training:session-edit": _case(lambda w: w["open_session"]),
    "training:session-delete": _case(lambda w: w["open_session"], method="post"),
    "training:roll-call": _case(lambda w: w["open_session"]),
    "training:enrollment-detail": _case(lambda w: w["enrollment"]),
    "training:enrollment-status": _case(lambda w: w["open_enrollment"], method="post"),
    "training:person-record-xlsx": _case(lambda w: w["person"]),
    "training:certificate-detail": _case(lambda w: w["certificate"]),
    "training:certificate-revoke": _case(lambda w: w["certificate"], method="post"),
    "training:external-decide": _case(lambda w: w["external"], method="post"),
    "training:external-evidence": _case(lambda w: w["external"]),
    "training:person-record": _case(lambda w: w["person"]),
    "training:requirement-edit": _case(lambda w: w["requirement"]),
    "course-detail": _case(lambda w: w["course"]),
    "training-requirement-detail": _case(lambda w: w["requirement"]),
    "training-requirement-retire": _case(lambda w: w["requirement"], method="post", ok_status=(400,)),
    "class-detail": _case(lambda w: w["cls"]),
    "class-status": _case(lambda w: w["open"], method="post", ok_status=(400,)),
    "class-nominate": _case(lambda w: w["open"], method="post", ok_status=(400,)),
    "class-close": _case(lambda w: w["open"], method="post", ok_status=(400,)),
    "session-detail": _case(lambda w: w["session"]),
    "session-attendance": _case(lambda w: w["session"]),
    "enrollment-detail": _case(lambda w: w["enrollment"]),
    "enrollment-status": _case(lambda w: w["open_enrollment"], method="post", ok_status=(400,)),
    "enrollment-score": _case(lambda w: w["open_enrollment"], method="post", ok_status=(400,)),
    "certificate-detail": _case(lambda w: w["certificate"]),
    "certificate-revoke": _case(lambda w: w["certificate"], method="post", ok_status=(400,)),
}

PUBLIC = {
    # Public verification of a certificate by its number: printed on the certificate for anyone to check.
    "training:certificate-verify",
    # The old sequential verification URLs: public, and always 404 (they no longer reveal holders).
    "training:certificate-verify-legacy",
    # Calendar feeds: calendar apps cannot log in, so a per-user secret token in the URL authenticates them; the
    # token owner's scope still applies (tests/training/test_calendar.py).
    "training:ics-person",
    "training:ics-unit",
}
