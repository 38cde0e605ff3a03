"""HTML screens for the catalogue, classes, nominations, roll call and closing. Thin: parse, authorise, call a
selector or service, render. Reports, files and feeds are in views_reports.py."""

from __future__ import annotations

import hashlib
import json
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.permissions import Perm, ScopedViewMixin, has_perm
from core.views import FilteredListView
from staff.models import Staff, StaffStatus
from staff.selectors import staff_for_user
from staff.views import _add_errors
from training import selectors, services
from training.filters import CourseFilterSet, TrainingClassFilterSet, year_from
from training.forms import CourseForm, EnrollmentStatusForm, NominateForm, SessionForm, StatusForm, TrainingClassForm
from training.models import (
    CLASS_TRANSITIONS,
    TRAINING_READ,
    AttendanceStatus,
    ClassSession,
    ClassStatus,
    Enrollment,
    EnrollmentStatus,
    TrainingClass,
)

READ_OR_OWN = (*TRAINING_READ, Perm.OWN_RECORD)


class HomeView(ScopedViewMixin, TemplateView):
    required_perm = TRAINING_READ
    template_name = "training/home.html"

    def get_context_data(self, **kwargs):
        from training.dashboard import training_figures

        context = super().get_context_data(**kwargs)
        context.update(
            figures=training_figures(self.request.user),
            can_manage=has_perm(self.request.user, Perm.TRAINING_MANAGE),
            upcoming=selectors.class_list(user=self.request.user)
            .filter(
                status__in=[ClassStatus.OPEN, ClassStatus.IN_PROGRESS, ClassStatus.PLANNED],
                end_date__gte=timezone.localdate(),
            )
            .order_by("start_date")[:10],
        )
        return context


class MyRecordView(ScopedViewMixin, TemplateView):
    required_perm = Perm.OWN_RECORD
    template_name = "training/my_record.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        me = staff_for_user(user=self.request.user)
        year = year_from(self.request.GET)
        context.update(me=me, year=year, record=selectors.my_record(staff=me, year=year) if me else None)
        return context


# ------------------------------------------------------------------------------------ courses
class CourseListView(FilteredListView):
    required_perm = TRAINING_READ
    filterset_class = CourseFilterSet
    template_name = "training/course_list.html"

    def get_queryset(self):
        return selectors.course_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = has_perm(self.request.user, Perm.TRAINING_MANAGE)
        return context


class CourseDetailView(ScopedViewMixin, TemplateView):
    required_perm = TRAINING_READ
    template_name = "training/course_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        course = selectors.course_get(user=self.request.user, pk=kwargs["pk"])
        context.update(
            course=course,
            classes=selectors.class_list(user=self.request.user).filter(course=course)[:50],
            can_manage=has_perm(self.request.user, Perm.TRAINING_MANAGE),
        )
        return context


class CourseEditView(ScopedViewMixin, View):
    required_perm = Perm.TRAINING_MANAGE
    template_name = "training/form.html"

    def _render(self, request, form, course, status=200):
        title = _("Edit course") if course else _("New course")
        return render(request, self.template_name, {"form": form, "title": title, "object": course}, status=status)

    def get(self, request, pk=None):
        course = selectors.course_get(user=request.user, pk=pk) if pk else None
        return self._render(request, CourseForm(instance=course, user=request.user), course)

    def post(self, request, pk=None):
        course = selectors.course_get(user=request.user, pk=pk) if pk else None
        form = CourseForm(request.POST, instance=course, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if course is None:
                    course = services.course_create(actor=request.user, **data)
                else:
                    course.refresh_from_db()
                    course = services.course_update(actor=request.user, course=course, **data)
                messages.success(request, _("Changes saved."))
                return redirect("training:course-detail", pk=course.pk)
            except ValidationError as exc:
                _add_errors(form, exc)
        return self._render(request, form, course, status=400)


# ------------------------------------------------------------------------------------ classes
class ClassListView(FilteredListView):
    required_perm = READ_OR_OWN
    filterset_class = TrainingClassFilterSet
    template_name = "training/class_list.html"

    def get_queryset(self):
        return selectors.class_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = has_perm(self.request.user, Perm.TRAINING_MANAGE)
        return context


def _can_manage_class(user, cls) -> bool:
    return TrainingClass.objects.visible_to(user, Perm.TRAINING_MANAGE).filter(pk=cls.pk).exists()


class ClassDetailView(ScopedViewMixin, TemplateView):
    required_perm = READ_OR_OWN
    template_name = "training/class_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cls = selectors.class_get(user=self.request.user, pk=kwargs["pk"])
        can_manage = _can_manage_class(self.request.user, cls)
        can_attend = TrainingClass.objects.attendable_by(self.request.user).filter(pk=cls.pk).exists()
        sessions = selectors.class_sessions(training_class=cls)
        context.update(
            cls=cls,
            sessions=sessions,
            roster=selectors.class_roster(training_class=cls),
            can_manage=can_manage,
            can_attend=can_attend,
            today=timezone.localdate(),
            registration_closed=services.registration_closed(cls),
            transitions=[s for s in ClassStatus if s in CLASS_TRANSITIONS[cls.status] and s != ClassStatus.COMPLETED],
            planned_minutes=sum(s.planned_minutes for s in sessions),
            changes=selectors.attendance_changes(training_class=cls)[:50] if can_manage else [],
        )
        return context


class ClassEditView(ScopedViewMixin, View):
    required_perm = Perm.TRAINING_MANAGE
    template_name = "training/form.html"

    def _render(self, request, form, cls, status=200):
        title = _("Edit class") if cls else _("Schedule a class")
        return render(request, self.template_name, {"form": form, "title": title, "object": cls}, status=status)

    def get(self, request, pk=None):
        cls = selectors.class_get(user=request.user, pk=pk, perm=Perm.TRAINING_MANAGE) if pk else None
        initial = {"course": request.GET.get("course")} if not pk else None
        return self._render(request, TrainingClassForm(instance=cls, user=request.user, initial=initial), cls)

    def post(self, request, pk=None):
        cls = selectors.class_get(user=request.user, pk=pk, perm=Perm.TRAINING_MANAGE) if pk else None
        form = TrainingClassForm(request.POST, instance=cls, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            trainers = data.pop("trainer_usernames")
            try:
                if cls is None:
                    cls = services.class_create(actor=request.user, trainer_users=trainers, **data)
                else:
                    data.pop("code", None)
                    data.pop("course", None)
                    cls = services.class_update(actor=request.user, training_class=cls, trainer_users=trainers, **data)
                messages.success(request, _("Changes saved."))
                return redirect("training:class-detail", pk=cls.pk)
            except ValidationError as exc:
                _add_errors(form, exc)
        return self._render(request, form, cls, status=400)


class ClassStatusView(ScopedViewMixin, View):
    required_perm = Perm.TRAINING_MANAGE

    def post(self, request, pk):
        cls = selectors.class_get(user=request.user, pk=pk, perm=Perm.TRAINING_MANAGE)
        form = StatusForm(request.POST)
        if form.is_valid():
            try:
                services.class_set_status(actor=request.user, training_class=cls, **form.cleaned_data)
                messages.success(request, _("Class status changed."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        return redirect("training:class-detail", pk=cls.pk)


class NominateView(ScopedViewMixin, View):
    """One by one or several staff codes, or everyone active in a unit; all or nothing."""

    required_perm = Perm.TRAINING_MANAGE
    template_name = "training/nominate.html"

    def get(self, request, pk):
        cls = selectors.class_get(user=request.user, pk=pk, perm=Perm.TRAINING_MANAGE)
        return render(
            request,
            self.template_name,
            {
                "cls": cls,
                "form": NominateForm(user=request.user),
                "registration_closed": services.registration_closed(cls),
            },
        )

    def post(self, request, pk):
        cls = selectors.class_get(user=request.user, pk=pk, perm=Perm.TRAINING_MANAGE)
        form = NominateForm(request.POST, user=request.user)
        if form.is_valid():
            people = form.cleaned_data.get("people") or list(
                Staff.objects.filter(unit=form.cleaned_data["unit"], status=StaffStatus.ACTIVE).order_by(
                    "search_name", "staff_code"
                )
            )
            try:
                result = services.enrollment_nominate_many(actor=request.user, training_class=cls, staff_list=people)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(confirmed)s confirmed, %(waitlisted)s on the waitlist.")
                    % {"confirmed": result.confirmed, "waitlisted": result.waitlisted},
                )
                for warning in result.warnings:
                    messages.warning(request, warning)
                return redirect("training:class-detail", pk=cls.pk)
        return render(
            request,
            self.template_name,
            {"cls": cls, "form": form, "registration_closed": services.registration_closed(cls)},
            status=400,
        )


class EnrollmentStatusView(ScopedViewMixin, View):
    required_perm = (Perm.TRAINING_MANAGE, Perm.OWN_RECORD)

    def post(self, request, pk):
        enrollment = selectors.enrollment_get(user=request.user, pk=pk)
        form = EnrollmentStatusForm(request.POST)
        if form.is_valid():
            try:
                services.enrollment_set_status(actor=request.user, enrollment=enrollment, **form.cleaned_data)
                messages.success(request, _("Enrollment updated."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        if enrollment.staff.user_id == request.user.pk and not has_perm(request.user, Perm.TRAINING_MANAGE):
            return redirect("training:my-record")
        return redirect("training:class-detail", pk=enrollment.training_class_id)


class EnrollmentDetailView(ScopedViewMixin, TemplateView):
    required_perm = READ_OR_OWN
    template_name = "training/enrollment_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enrollment = selectors.enrollment_get(user=self.request.user, pk=kwargs["pk"])
        context.update(
            enrollment=enrollment,
            history=selectors.enrollment_history(enrollment=enrollment),
            marks=enrollment.marks.select_related("session").order_by("session__date", "session__start_time"),
        )
        return context


class CloseClassView(ScopedViewMixin, View):
    """Enter scores, then close: outcomes from attendance and score, certificates for those who qualify."""

    required_perm = Perm.TRAINING_MANAGE
    template_name = "training/close.html"

    def _context(self, cls, errors=None, scores=None):
        roster = [e for e in selectors.class_roster(training_class=cls) if e.status == EnrollmentStatus.CONFIRMED]
        planned = sum(s.planned_minutes for s in cls.sessions.all())
        for e in roster:
            e.form_score = (scores or {}).get(e.pk, "" if e.score is None else e.score)
            e.share = round(100 * e.marked_minutes / planned) if planned else 0
        return {"cls": cls, "roster": roster, "planned": planned, "errors": errors or []}

    def get(self, request, pk):
        cls = selectors.class_get(user=request.user, pk=pk, perm=Perm.TRAINING_MANAGE)
        return render(request, self.template_name, self._context(cls))

    def post(self, request, pk):
        cls = selectors.class_get(user=request.user, pk=pk, perm=Perm.TRAINING_MANAGE)
        scores = {
            int(k.split("-", 1)[1]): v.strip()
            for k, v in request.POST.items()
            if k.startswith("score-") and k[6:].isdigit()
        }
        try:
            summary = services.class_close(actor=request.user, training_class=cls, scores=scores)
        except ValidationError as exc:
            return render(request, self.template_name, self._context(cls, exc.messages, scores), status=400)
        messages.success(
            request,
            _(
                "Class closed: %(completed)s completed, %(not_completed)s not completed, %(no_show)s no-show; %(certs)s certificates issued."
            )
            % {
                "completed": summary.completed,
                "not_completed": summary.not_completed,
                "no_show": summary.no_show,
                "certs": len(summary.certificates),
            },
        )
        return redirect("training:class-detail", pk=cls.pk)


# ------------------------------------------------------------------------------------ sessions and roll call
class SessionEditView(ScopedViewMixin, View):
    required_perm = Perm.TRAINING_MANAGE
    template_name = "training/form.html"

    def _objects(self, request, pk, class_pk):
        if pk:
            session = get_object_or_404(ClassSession.objects.select_related("training_class"), pk=pk)
            cls = selectors.class_get(user=request.user, pk=session.training_class_id, perm=Perm.TRAINING_MANAGE)
            return cls, session
        return selectors.class_get(user=request.user, pk=class_pk, perm=Perm.TRAINING_MANAGE), None

    def _render(self, request, form, cls, session, status=200):
        title = _("Reschedule session") if session else _("Add a session")
        return render(
            request, self.template_name, {"form": form, "title": title, "object": cls, "cls": cls}, status=status
        )

    def get(self, request, pk=None, class_pk=None):
        cls, session = self._objects(request, pk, class_pk)
        return self._render(request, SessionForm(instance=session), cls, session)

    def post(self, request, pk=None, class_pk=None):
        cls, session = self._objects(request, pk, class_pk)
        form = SessionForm(request.POST, instance=session)
        if form.is_valid():
            try:
                if session is None:
                    services.session_create(actor=request.user, training_class=cls, **form.cleaned_data)
                else:
                    session.refresh_from_db()
                    services.session_update(actor=request.user, session=session, **form.cleaned_data)
                messages.success(request, _("Changes saved."))
                return redirect("training:class-detail", pk=cls.pk)
            except ValidationError as exc:
                _add_errors(form, exc)
        return self._render(request, form, cls, session, status=400)


class SessionDeleteView(ScopedViewMixin, View):
    """Delete a session without attendance (POST only); refused with a message when marks exist."""

    required_perm = Perm.TRAINING_MANAGE

    def post(self, request, pk):
        session = get_object_or_404(ClassSession.objects.select_related("training_class"), pk=pk)
        cls = selectors.class_get(user=request.user, pk=session.training_class_id, perm=Perm.TRAINING_MANAGE)
        try:
            services.session_delete(actor=request.user, session=session)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The session of %(date)s was deleted.") % {"date": f"{session.date:%d/%m/%Y}"})
        return redirect("training:class-detail", pk=cls.pk)


def _hash(payload) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class RollCallView(ScopedViewMixin, View):
    """The whole class on one screen. Works as a plain form; with JS, "everyone present" and big buttons. The
    form carries a client UUID made when the page was served, so a double submit is answered once."""

    required_perm = (Perm.TRAINING_ATTEND, Perm.OWN_RECORD)
    template_name = "training/roll_call.html"

    def _render(self, request, session, *, posted=None, errors=None, status=200, version=None, reason=""):
        rows = list(selectors.session_roll_call(session=session))
        for e in rows:
            e.checked, e.minutes = (posted or {}).get(e.pk) or (
                (e.mark_status, e.mark_minutes)
                if e.mark_status
                else (AttendanceStatus.PRESENT, session.planned_minutes)
            )
        context = {
            "session": session,
            "cls": session.training_class,
            "rows": rows,
            "statuses": AttendanceStatus.choices,
            "client_uuid": uuid.uuid4(),
            "version": session.attendance_version if version is None else version,
            "errors": errors or [],
            "future": session.date > timezone.localdate(),
            "completed": session.training_class.status == ClassStatus.COMPLETED,
            "reason": reason,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self._render(request, selectors.session_for_attendance(user=request.user, pk=pk))

    def post(self, request, pk):
        session = selectors.session_for_attendance(user=request.user, pk=pk)
        marks, posted = [], {}
        for key, status in request.POST.items():
            if not key.startswith("status-") or not key[7:].isdigit():
                continue
            enrollment_id = int(key[7:])
            minutes = request.POST.get(f"minutes-{enrollment_id}", "").strip()
            marks.append({"enrollment": enrollment_id, "status": status, "minutes": minutes or None})
            posted[enrollment_id] = (status, minutes)
        reason = request.POST.get("reason", "")
        try:
            client_uuid = uuid.UUID(request.POST.get("client_uuid", ""))
            version = int(request.POST.get("version", ""))
        except ValueError:
            raise Http404 from None
        try:
            services.attendance_save(
                actor=request.user,
                session_id=session.pk,
                marks=marks,
                expected_version=version,
                client_uuid=client_uuid,
                content_hash=_hash({"marks": marks, "reason": reason}),
                reason=reason,
            )
        except ClassSession.DoesNotExist:
            raise Http404 from None
        except services.SyncError as exc:
            messages.error(request, exc.message)
            return self._render(request, session, status=exc.status_code)
        except ValidationError as exc:
            return self._render(
                request, session, posted=posted, errors=exc.messages, status=400, version=version, reason=reason
            )
        counts = {s: sum(1 for m in marks if m["status"] == s) for s in AttendanceStatus.values}
        messages.success(
            request,
            _(
                "Attendance saved: %(present)s present, %(late)s late, %(left)s left early, %(excused)s excused, %(unexcused)s unexcused."
            )
            % {
                "present": counts["present"],
                "late": counts["late"],
                "left": counts["left_early"],
                "excused": counts["excused"],
                "unexcused": counts["unexcused"],
            },
        )
        return redirect("training:class-detail", pk=session.training_class_id)


__all__ = ["Enrollment"]
