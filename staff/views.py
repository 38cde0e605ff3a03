"""HTML screens for the organisation, staff directory and roles. Thin: parse, authorise, call a
selector or service, render."""

import importlib
import uuid
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.concurrency import StaleVersion
from core.permissions import Perm, ScopedViewMixin, has_perm
from core.views import FilteredListView
from core.xlsx import XLSX_CONTENT_TYPE, ImportRejected
from staff import selectors, services
from staff.access import user_roles
from staff.exports import staff_directory_xlsx
from staff.filters import RoleAssignmentFilterSet, StaffFilterSet, UnitFilterSet
from staff.forms import RoleAssignmentForm, RosterUploadForm, StaffForm
from staff.importers import COLUMNS as ROSTER_COLUMNS
from staff.importers import (
    MappingNeeded,
    roster_import,
    roster_mapping_get,
    roster_mapping_save,
    roster_parse,
    roster_template_xlsx,
)
from staff.models import RoleAssignment


@login_required
def dashboard(request):
    """The landing page: each app may add cards through `<app>/dashboard.py: cards(user)`."""
    cards = []
    for config in apps.get_app_configs():
        if not Path(config.path, "dashboard.py").exists():
            continue
        module = importlib.import_module(f"{config.name}.dashboard")
        cards.extend(module.cards(request.user))
    context = {
        "cards": cards,
        "roles": sorted(user_roles(request.user)),
        "me": selectors.staff_for_user(user=request.user),
    }
    return render(request, "core/dashboard.html", context)


class UnitListView(FilteredListView):
    required_perm = Perm.UNIT_VIEW
    filterset_class = UnitFilterSet
    template_name = "staff/unit_list.html"
    paginate_by = 100

    def get_queryset(self):
        return selectors.unit_list(user=self.request.user)


class UnitDetailView(ScopedViewMixin, TemplateView):
    required_perm = Perm.UNIT_VIEW
    template_name = "staff/unit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = selectors.unit_get(user=self.request.user, pk=kwargs["pk"])
        context.update(
            unit=unit,
            ancestors=selectors.unit_ancestors(unit=unit),
            children=selectors.unit_list(user=self.request.user).filter(parent=unit),
            counts=selectors.unit_subtree_counts(unit=unit),
        )
        return context


class StaffListView(FilteredListView):
    required_perm = (Perm.STAFF_VIEW, Perm.OWN_RECORD)
    filterset_class = StaffFilterSet
    template_name = "staff/staff_list.html"

    def get_queryset(self):
        return selectors.staff_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = has_perm(self.request.user, Perm.STAFF_MANAGE)
        return context


class StaffExportView(ScopedViewMixin, View):
    required_perm = (Perm.STAFF_VIEW, Perm.OWN_RECORD)

    def get(self, request):
        qs = selectors.staff_list(user=request.user, filters=request.GET, request=request)
        handle = staff_directory_xlsx(staff_qs=qs, handle_large=True)
        name = f"danh-ba-can-bo-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


class StaffDetailView(ScopedViewMixin, TemplateView):
    required_perm = (Perm.STAFF_VIEW, Perm.OWN_RECORD)
    template_name = "staff/staff_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = selectors.staff_get(user=self.request.user, pk=kwargs["pk"])
        context.update(
            person=person,
            history=selectors.staff_history(staff=person),
            can_manage=selectors.staff_can_manage(user=self.request.user, staff=person),
            discipline=selectors.discipline_for_person(user=self.request.user, staff=person),
        )
        return context


class StaffEditView(ScopedViewMixin, View):
    required_perm = Perm.STAFF_MANAGE
    template_name = "staff/staff_form.html"

    def get_object(self, pk):
        if pk is None:
            return None
        return selectors.staff_get(user=self.request.user, pk=pk)

    def get(self, request, pk=None):
        form = StaffForm(instance=self.get_object(pk), user=request.user)
        return render(request, self.template_name, {"form": form, "person": form.instance if pk else None})

    def post(self, request, pk=None):
        person = self.get_object(pk)
        form = StaffForm(request.POST, instance=person, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            effective = data.pop("effective_date", None)
            try:
                if person is None:
                    person = services.staff_create(actor=request.user, **data)
                    messages.success(request, _("Staff member created."))
                else:
                    data.pop("staff_code", None)
                    unit = data.pop("unit")
                    version = data.pop("version", None)
                    person = services.staff_update(
                        actor=request.user,
                        staff=person,
                        unit=unit,
                        effective_date=effective,
                        expected_version=version,
                        **data,
                    )
                    messages.success(request, _("Changes saved."))
                return redirect("staff:staff-detail", pk=person.pk)
            except StaleVersion as exc:
                form.show_stale(exc.obj)
                return render(request, self.template_name, {"form": form, "person": person}, status=409)
            except ValidationError as exc:
                _add_errors(form, exc)
        return render(request, self.template_name, {"form": form, "person": person}, status=400)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class StaffImportView(ScopedViewMixin, View):
    """Upload → column check (the user maps columns when needed) → preview (nothing written) →
    confirm (all or nothing). The mapping a user confirms is kept and offered next time."""

    required_perm = Perm.STAFF_MANAGE
    template_name = "staff/staff_import.html"

    def _pending_dir(self) -> Path:
        path = Path(settings.MEDIA_ROOT) / "pending-imports"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _pending_file(self, token: str) -> Path:
        try:
            uuid.UUID(token)
        except ValueError:
            raise Http404 from None
        return self._pending_dir() / f"{self.request.user.pk}-{token}.xlsx"

    def _context(self, **extra):
        return {"form": RosterUploadForm(), "fields": ROSTER_COLUMNS, **extra}

    def _posted_mapping(self) -> dict[str, str] | None:
        """{header text: field} from the mapping form (col-N holds the header, map-N the field)."""
        post = self.request.POST
        numbers = [k[4:] for k in post if k.startswith("col-")]
        if not numbers:
            return None
        return {post[f"col-{n}"]: post.get(f"map-{n}", "") for n in numbers if post.get(f"col-{n}")}

    def _check(self, request, data: bytes, token: str, mapping, *, form=None):
        """Parse and render the preview, the mapping form or the errors."""
        try:
            plan = roster_parse(
                data=data, actor=request.user, mapping=mapping, saved=roster_mapping_get(user=request.user)
            )
        except MappingNeeded as exc:
            return render(
                request,
                self.template_name,
                self._context(errors=exc.errors, scan=exc.scan, token=token, mapping_needed=True),
                status=400,
            )
        except ImportRejected as exc:  # a refused file is not kept
            self._pending_file(token).unlink(missing_ok=True)
            return render(
                request,
                self.template_name,
                self._context(form=form or RosterUploadForm(), errors=exc.errors),
                status=400,
            )
        return render(
            request,
            self.template_name,
            self._context(plan=plan, scan=plan.scan, preview=plan.preview, token=token),
        )

    def get(self, request):
        return render(request, self.template_name, self._context())

    def post(self, request):
        token = request.POST.get("token")
        if token:  # a mapping, or the confirmation of an earlier preview
            path = self._pending_file(token)
            if not path.exists():
                messages.error(request, _("This preview has expired; upload the file again."))
                return redirect("staff:staff-import")
            data = path.read_bytes()
            mapping = self._posted_mapping()
            if "confirm" not in request.POST and mapping is not None:  # the mapping form: check again
                return self._check(request, data, token, mapping)
            try:
                plan = roster_import(
                    data=data, actor=request.user, mapping=mapping, saved=roster_mapping_get(user=request.user)
                )
            except ImportRejected as exc:
                return render(request, self.template_name, self._context(errors=exc.errors), status=400)
            finally:
                path.unlink(missing_ok=True)
            if mapping:
                roster_mapping_save(actor=request.user, mapping=mapping)
            messages.success(
                request,
                _("Import finished: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                % {"created": plan.created, "updated": plan.updated, "unchanged": plan.unchanged},
            )
            return redirect("staff:staff-list")
        form = RosterUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, self._context(form=form), status=400)
        upload = form.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            errors = [
                _("The file is %(size).1f MB; the limit is %(limit).1f MB.")
                % {"size": upload.size / 1048576, "limit": settings.UPLOAD_MAX_BYTES / 1048576}
            ]
            return render(request, self.template_name, self._context(form=form, errors=errors), status=400)
        data = upload.read()
        token = str(uuid.uuid4())
        self._pending_file(token).write_bytes(data)
        return self._check(request, data, token, None, form=form)


class StaffImportTemplateView(ScopedViewMixin, View):
    """The roster workbook to fill in: the recognised headers, one example row."""

    required_perm = Perm.STAFF_MANAGE

    def get(self, request):
        response = HttpResponse(roster_template_xlsx(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-can-bo.xlsx"'
        return response


class RoleListView(FilteredListView):
    required_perm = Perm.ROLE_MANAGE
    filterset_class = RoleAssignmentFilterSet
    template_name = "staff/role_list.html"

    def get_queryset(self):
        return selectors.role_assignment_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or self.role_form()
        return context

    def role_form(self, data=None):
        people = selectors.people_pick(user=self.request.user, filters=RoleAssignmentForm.PEOPLE)
        return RoleAssignmentForm(data, user=self.request.user, people=people)

    def post(self, request):
        form = self.role_form(request.POST)
        if form.is_valid():
            try:
                services.role_assign(
                    actor=request.user,
                    user=form.cleaned_data["username"],
                    role=form.cleaned_data["role"],
                    unit=form.cleaned_data["unit"],
                    include_subunits=form.cleaned_data["include_subunits"],
                )
                messages.success(request, _("Role granted."))
                return redirect("staff:role-list")
            except ValidationError as exc:
                _add_errors(form, exc)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class RoleRevokeView(ScopedViewMixin, View):
    required_perm = Perm.ROLE_MANAGE

    def post(self, request, pk):
        assignment = get_object_or_404(
            RoleAssignment.objects.visible_to(request.user).select_related("user", "unit"), pk=pk
        )
        services.role_revoke(actor=request.user, assignment=assignment)
        messages.success(request, _("Role withdrawn."))
        return redirect("staff:role-list")
