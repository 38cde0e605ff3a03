"""Classes: list, detail, edit, status, nominations (one by one, by unit, from Excel), enrollments,
closing, and the class's files (roster, attendance matrix, sign-in sheet)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
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
from core.xlsx import ImportRejected
from staff.models import Staff, StaffStatus
from staff.views import _add_errors
from training import exports, selectors, services
from training.filters import TrainingClassFilterSet
from training.forms import EnrollmentStatusForm, NominateForm, StatusForm, TrainingClassForm, UploadForm
from training.importers import nominations_apply, nominations_parse
from training.models import (
    CLASS_TRANSITIONS,
    READ_OR_OWN,
    ROLL_CALL_STATUSES,
    ClassSession,
    ClassStatus,
    EnrollmentStatus,
    TrainingClass,
)
from training.views.common import can_open_class, xlsx_response


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
            roll_call_ready=cls.status in ROLL_CALL_STATUSES,
            can_open=cls.status == ClassStatus.PLANNED and can_open_class(self.request.user, cls),
            today=timezone.localdate(),
            registration_closed=services.registration_closed(cls),
            transitions=[s for s in ClassStatus if s in CLASS_TRANSITIONS[cls.status] and s != ClassStatus.COMPLETED],
            planned_minutes=sum(s.planned_minutes for s in sessions),
            planned_periods=sum(s.periods for s in sessions),
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
                    version = data.pop("version", None)
                    cls = services.class_update(
                        actor=request.user,
                        training_class=cls,
                        trainer_users=trainers,
                        expected_version=version,
                        **data,
                    )
                messages.success(request, _("Changes saved."))
                return redirect("training:class-detail", pk=cls.pk)
            except services.StaleVersion as exc:
                form.show_stale(exc.obj)
                return self._render(request, form, cls, status=409)
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


class ClassFileView(ScopedViewMixin, View):
    required_perm = READ_OR_OWN
    kind = "roster"

    def get(self, request, pk):
        cls = selectors.class_get(user=request.user, pk=pk)
        if self.kind == "roster":
            return xlsx_response(exports.class_roster_xlsx(training_class=cls), f"danh-sach-lop-{cls.code}.xlsx")
        if self.kind == "matrix":
            return xlsx_response(exports.attendance_matrix_xlsx(training_class=cls), f"diem-danh-{cls.code}.xlsx")
        session = None
        if request.GET.get("session", "").isdigit():
            session = get_object_or_404(ClassSession, pk=int(request.GET["session"]), training_class=cls)
        if self.kind == "signin":
            return xlsx_response(
                exports.sign_in_sheet_xlsx(training_class=cls, session=session), f"ky-ten-{cls.code}.xlsx"
            )
        sessions, people, _marks = selectors.attendance_matrix(training_class=cls)
        if session is not None:
            sessions = [s for s in sessions if s.pk == session.pk]
        return render(request, "training/sign_in_print.html", {"cls": cls, "sessions": sessions, "people": people})


class NominationImportView(ScopedViewMixin, View):
    """Upload → preview (nothing written) → confirm (all or nothing), like the roster import."""

    required_perm = Perm.TRAINING_MANAGE
    template_name = "training/import.html"

    def _pending(self, token: str) -> Path:
        try:
            uuid.UUID(token)
        except ValueError:
            raise Http404 from None
        path = Path(settings.MEDIA_ROOT) / "pending-imports"
        path.mkdir(parents=True, exist_ok=True)
        return path / f"training-{self.request.user.pk}-{token}.xlsx"

    def get(self, request, pk):
        cls = selectors.class_get(user=request.user, pk=pk, perm=Perm.TRAINING_MANAGE)
        if request.GET.get("template"):
            return xlsx_response(exports.nomination_template_xlsx(), "mau-danh-sach-cu-di-hoc.xlsx")
        return render(request, self.template_name, {"cls": cls, "form": UploadForm()})

    def post(self, request, pk):
        cls = selectors.class_get(user=request.user, pk=pk, perm=Perm.TRAINING_MANAGE)
        token = request.POST.get("token")
        if token:
            path = self._pending(token)
            if not path.exists():
                messages.error(request, _("This preview has expired; upload the file again."))
                return redirect("training:class-import", pk=cls.pk)
            try:
                plan = nominations_parse(data=path.read_bytes(), training_class=cls, actor=request.user)
                result = nominations_apply(plan=plan, actor=request.user)
            except ImportRejected as exc:
                return render(
                    request, self.template_name, {"cls": cls, "form": UploadForm(), "errors": exc.errors}, status=400
                )
            finally:
                path.unlink(missing_ok=True)
            messages.success(
                request,
                _("%(confirmed)s confirmed, %(waitlisted)s on the waitlist.")
                % {"confirmed": result.confirmed, "waitlisted": result.waitlisted},
            )
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("training:class-detail", pk=cls.pk)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"cls": cls, "form": form}, status=400)
        data = form.cleaned_data["file"].read()
        try:
            plan = nominations_parse(data=data, training_class=cls, actor=request.user)
        except ImportRejected as exc:
            return render(request, self.template_name, {"cls": cls, "form": form, "errors": exc.errors}, status=400)
        token = str(uuid.uuid4())
        self._pending(token).write_bytes(data)
        return render(request, self.template_name, {"cls": cls, "form": UploadForm(), "plan": plan, "token": token})
