"""HTML screens for the hours ledger, certificates, external training and rules; Excel files, the nominations
import and the calendar feeds."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.permissions import Perm, ScopedViewMixin, has_perm
from core.views import FilteredListView, page_size_from
from core.xlsx import XLSX_CONTENT_TYPE, ImportRejected
from staff.models import Staff
from staff.selectors import staff_for_user
from staff.views import _add_errors
from training import calendar, exports, selectors, services
from training.filters import (
    AttendanceRecordFilterSet,
    CertificateFilterSet,
    HoursFilterSet,
    TrainingClassFilterSet,
    year_from,
)
from training.forms import ExternalTrainingForm, RequirementForm, UploadForm
from training.importers import nominations_apply, nominations_parse
from training.models import TRAINING_READ, CalendarToken, ClassSession, ExternalTraining
from training.views import READ_OR_OWN


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ------------------------------------------------------------------------------------ hours ledger
class HoursView(ScopedViewMixin, TemplateView):
    """Per person per year, with a per-unit summary of who is behind; a constant number of queries."""

    required_perm = TRAINING_READ
    template_name = "training/hours.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = year_from(self.request.GET)
        filterset = HoursFilterSet(self.request.GET or None, queryset=Staff.objects.none(), request=self.request)
        rows = (
            selectors.hours_ledger(user=self.request.user, year=year, filters=self.request.GET, request=self.request)
            if filterset.is_valid() or not self.request.GET
            else []
        )
        page = Paginator(rows, page_size_from(self.request, 100)).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter=filterset,
            year=year,
            page_obj=page,
            object_list=page.object_list,
            querystring=query.urlencode(),
            units=selectors.hours_by_unit(rows),
            period_minutes=settings.TRAINING_PERIOD_MINUTES,
        )
        return context


class HoursExportView(ScopedViewMixin, View):
    required_perm = TRAINING_READ

    def get(self, request):
        year = year_from(request.GET)
        rows = selectors.hours_ledger(user=request.user, year=year, filters=request.GET, request=request)
        return _xlsx(exports.hours_xlsx(rows=rows, year=year), f"gio-boi-duong-{year}.xlsx")


class PersonRecordExportView(ScopedViewMixin, View):
    required_perm = READ_OR_OWN

    def get(self, request, pk):
        person = get_object_or_404(selectors.staff_in_scope(request.user, READ_OR_OWN).select_related("unit"), pk=pk)
        if not has_perm(request.user, TRAINING_READ) and person.user_id != request.user.pk:
            raise Http404
        year = year_from(request.GET)
        record = selectors.my_record(staff=person, year=year)
        return _xlsx(
            exports.person_record_xlsx(staff=person, record=record, year=year),
            f"qua-trinh-boi-duong-{person.staff_code}-{year}.xlsx",
        )


class PlanView(FilteredListView):
    required_perm = TRAINING_READ
    filterset_class = TrainingClassFilterSet
    template_name = "training/plan.html"
    paginate_by = 100

    def get_queryset(self):
        return selectors.year_plan(user=self.request.user, year=year_from(self.request.GET))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year"] = year_from(self.request.GET)
        return context


class PlanExportView(ScopedViewMixin, View):
    required_perm = TRAINING_READ

    def get(self, request):
        year = year_from(request.GET)
        classes = selectors.year_plan(user=request.user, year=year, filters=request.GET, request=request)
        return _xlsx(exports.plan_xlsx(classes=classes, year=year), f"ke-hoach-boi-duong-{year}.xlsx")


# ------------------------------------------------------------------------------------ class files
class ClassFileView(ScopedViewMixin, View):
    required_perm = READ_OR_OWN
    kind = "roster"

    def get(self, request, pk):
        cls = selectors.class_get(user=request.user, pk=pk)
        if self.kind == "roster":
            return _xlsx(exports.class_roster_xlsx(training_class=cls), f"danh-sach-lop-{cls.code}.xlsx")
        if self.kind == "matrix":
            return _xlsx(exports.attendance_matrix_xlsx(training_class=cls), f"diem-danh-{cls.code}.xlsx")
        session = None
        if request.GET.get("session", "").isdigit():
            session = get_object_or_404(ClassSession, pk=int(request.GET["session"]), training_class=cls)
        if self.kind == "signin":
            return _xlsx(exports.sign_in_sheet_xlsx(training_class=cls, session=session), f"ky-ten-{cls.code}.xlsx")
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
            return _xlsx(exports.nomination_template_xlsx(), "mau-danh-sach-cu-di-hoc.xlsx")
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


# ------------------------------------------------------------------------------------ certificates
class CertificateListView(FilteredListView):
    required_perm = READ_OR_OWN
    filterset_class = CertificateFilterSet
    template_name = "training/certificate_list.html"

    def get_queryset(self):
        return selectors.certificate_list(user=self.request.user)


# ------------------------------------------------------------------------------- attendance register
class AttendanceRecordListView(FilteredListView):
    """Every attendance mark in the user's scope, newest session first: who was marked what, in which class,
    by session date; filtered by person, unit, class, attendance and period; exported to Excel."""

    required_perm = READ_OR_OWN
    filterset_class = AttendanceRecordFilterSet
    template_name = "training/attendance_list.html"

    def get_queryset(self):
        # The count drops select_related (no column joins); the page reads its 50 rows with them in one query.
        return selectors.attendance_records(user=self.request.user).select_related(
            "session__training_class__course", "session__training_class__unit", "enrollment__staff__unit"
        )


class AttendanceRecordExportView(ScopedViewMixin, View):
    """The attendance register as it is filtered on screen, streamed to a workbook (the background export
    does the same for very large registers)."""

    required_perm = READ_OR_OWN

    def get(self, request):
        filterset = AttendanceRecordFilterSet(
            request.GET, queryset=selectors.attendance_records(user=request.user), request=request
        )
        if not filterset.is_valid():
            errors = "; ".join(
                f"{filterset.form.fields[name].label}: {' '.join(e)}" for name, e in filterset.errors.items()
            )
            messages.error(request, _("The filters are not valid: %(errors)s") % {"errors": errors})
            return redirect("training:attendance-list")
        handle = exports.attendance_records_xlsx(records=filterset.qs, handle_large=True)
        name = f"so-diem-danh-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


class CertificateDetailView(ScopedViewMixin, TemplateView):
    """Printable certificate."""

    required_perm = READ_OR_OWN
    template_name = "training/certificate_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cert = selectors.certificate_get(user=self.request.user, pk=kwargs["pk"])
        context.update(
            cert=cert,
            verify_url=self.request.build_absolute_uri(
                reverse("training:certificate-verify", kwargs={"year": cert.serial_year, "serial": cert.serial_no})
            ),
        )
        return context


def certificate_verify(request, year: int, serial: int):
    """Public on purpose: anyone holding a certificate number can check that it is genuine."""
    cert = selectors.certificate_public(year=year, serial=serial)
    return render(request, "training/certificate_verify.html", {"cert": cert})


# ------------------------------------------------------------------------------------ external training, rules
class ExternalListView(ScopedViewMixin, View):
    required_perm = READ_OR_OWN
    template_name = "training/external_list.html"

    def _render(self, request, form, status=200):
        rows = selectors.external_list(user=request.user).order_by("-end_date")[:200]
        return render(
            request,
            self.template_name,
            {"rows": rows, "form": form, "can_manage": has_perm(request.user, Perm.TRAINING_MANAGE)},
            status=status,
        )

    def get(self, request):
        return self._render(request, ExternalTrainingForm())

    def post(self, request):
        form = ExternalTrainingForm(request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            code = data.pop("staff_code").strip()
            staff = (
                selectors.staff_in_scope(request.user).filter(staff_code=code).first()
                if code
                else staff_for_user(user=request.user)
            )
            if staff is None:
                form.add_error("staff_code", _("No staff member with this code in your scope."))
            else:
                try:
                    services.external_record(actor=request.user, staff=staff, **data)
                    messages.success(request, _("External training recorded; it counts once approved."))
                    return redirect("training:external-list")
                except ValidationError as exc:
                    _add_errors(form, exc)
        return self._render(request, form, status=400)


class ExternalDecideView(ScopedViewMixin, View):
    required_perm = Perm.TRAINING_MANAGE

    def post(self, request, pk):
        external = get_object_or_404(selectors.external_list(user=request.user), pk=pk)
        try:
            services.external_decide(actor=request.user, external=external, approve=request.POST.get("approve") == "1")
            messages.success(request, _("Decision saved."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("training:external-list")


class RequirementListView(ScopedViewMixin, View):
    required_perm = TRAINING_READ
    template_name = "training/requirement_list.html"

    def _render(self, request, form, status=200):
        return render(
            request,
            self.template_name,
            {
                "rows": selectors.requirement_list(user=request.user),
                "form": form,
                "can_manage": has_perm(request.user, Perm.TRAINING_MANAGE),
                "default_minutes": selectors.default_requirement_minutes(),
                "periods": settings.TRAINING_YEARLY_PERIODS,
                "period_minutes": settings.TRAINING_PERIOD_MINUTES,
            },
            status=status,
        )

    def get(self, request):
        return self._render(request, RequirementForm(user=request.user))

    def post(self, request):
        if not has_perm(request.user, Perm.TRAINING_MANAGE):
            raise Http404
        form = RequirementForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.requirement_create(actor=request.user, **form.cleaned_data)
                messages.success(request, _("Rule saved."))
                return redirect("training:requirement-list")
            except ValidationError as exc:
                _add_errors(form, exc)
        return self._render(request, form, status=400)


# ------------------------------------------------------------------------------------ calendar feeds
class CalendarView(ScopedViewMixin, TemplateView):
    """Feed addresses with the user's secret token (calendar apps cannot log in)."""

    required_perm = READ_OR_OWN
    template_name = "training/calendar.html"

    def post(self, request):
        services.calendar_token_for(user=request.user, reset=True)
        messages.success(request, _("New calendar addresses made; the old ones no longer work."))
        return redirect("training:calendar")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        token = services.calendar_token_for(user=self.request.user).token
        me = self.request.build_absolute_uri(reverse("training:ics-person", kwargs={"token": token}))
        units = []
        if has_perm(self.request.user, TRAINING_READ):
            from staff.models import Unit

            for unit in (
                Unit.objects.visible_to(self.request.user, TRAINING_READ).filter(active=True).order_by("path")[:50]
            ):
                units.append(
                    (
                        unit,
                        self.request.build_absolute_uri(
                            reverse("training:ics-unit", kwargs={"token": token, "unit_id": unit.pk})
                        ),
                    )
                )
        context.update(person_url=me, unit_urls=units)
        return context


def _token_user(token: str):
    found = CalendarToken.objects.select_related("user").filter(token=token).first()
    if found is None or not found.user.is_active:
        raise Http404
    return found.user


def _ics(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def ics_person(request, token: str):
    """Public URL with a per-user secret token; the feed shows only the token owner's own sessions."""
    user = _token_user(token)
    return _ics(
        calendar.sessions_ics(sessions=selectors.calendar_sessions_for_user(user=user), name=_("My training")),
        "congvu-lich-hoc.ics",
    )


def ics_unit(request, token: str, unit_id: int):
    """Public URL with a per-user secret token; the token owner's scope still applies (404 outside it)."""
    user = _token_user(token)
    unit, sessions = selectors.calendar_sessions_for_unit(user=user, unit_id=unit_id)
    return _ics(
        calendar.sessions_ics(sessions=sessions, name=_("Training – %(unit)s") % {"unit": unit.name}),
        f"congvu-lich-hoc-{unit.code}.ics",
    )


__all__ = ["ExternalTraining"]
