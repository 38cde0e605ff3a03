"""Sessions, the roll call, and the attendance register with its export."""

from __future__ import annotations

import hashlib
import json
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.permissions import Perm, ScopedViewMixin
from core.views import FilteredListView
from core.xlsx import XLSX_CONTENT_TYPE
from staff.views import _add_errors
from training import exports, selectors, services
from training.filters import AttendanceRecordFilterSet
from training.forms import SessionForm
from training.models import READ_OR_OWN, ROLL_CALL_STATUSES, AttendanceStatus, ClassSession, ClassStatus
from training.views.common import can_open_class


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
    form carries a client UUID made when the page was served, so a double submit is answered once.
    A planned class cannot take attendance yet: the page says so and, for whoever manages the class, the save
    button opens the class and saves the marks in one step (both or neither); nothing typed is lost."""

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
        cls = session.training_class
        context = {
            "session": session,
            "cls": cls,
            "needs_opening": cls.status == ClassStatus.PLANNED,
            "can_open": cls.status == ClassStatus.PLANNED and can_open_class(request.user, cls),
            "cancelled": cls.status not in ROLL_CALL_STATUSES and cls.status != ClassStatus.PLANNED,
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
        open_class = "open_class" in request.POST and session.training_class.status == ClassStatus.PLANNED
        if open_class and not can_open_class(request.user, session.training_class):
            return self._render(
                request,
                session,
                posted=posted,
                errors=[_("Only the organising unit can open the class.")],
                status=403,
                version=version,
                reason=reason,
            )
        try:
            with transaction.atomic():
                if open_class:
                    services.class_set_status(
                        actor=request.user, training_class=session.training_class, status=ClassStatus.OPEN
                    )
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
        if open_class:
            messages.success(request, _("The class is now open for registration."))
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


class AttendanceRecordListView(FilteredListView):
    """Every attendance mark in the user's scope, newest session first: who was marked what, in which class,
    by session date; filtered by person, unit, class, attendance and period; exported to Excel."""

    required_perm = READ_OR_OWN
    filterset_class = AttendanceRecordFilterSet
    template_name = "training/attendance_list.html"

    def get_queryset(self):
        return selectors.attendance_records(user=self.request.user)


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
