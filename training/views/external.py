"""External training (recorded, then approved) and the requirement rules."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.permissions import Perm, ScopedViewMixin, has_perm
from core.uploads import serve_file
from staff.selectors import staff_for_user
from staff.views import _add_errors
from training import selectors, services
from training.forms import ExternalTrainingForm, RequirementForm
from training.models import READ_OR_OWN, TRAINING_READ, TrainingRequirement


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


class ExternalEvidenceView(ScopedViewMixin, View):
    """The evidence file of an external training record, for whoever may see the record (the person,
    the HR officers of their unit); 404 for anyone else."""

    required_perm = READ_OR_OWN

    def get(self, request, pk):
        external = get_object_or_404(selectors.external_list(user=request.user), pk=pk)
        if not external.evidence:
            raise Http404
        return serve_file(
            external.evidence, download_name=f"minh-chung-{external.pk}{PurePath(external.evidence.name).suffix}"
        )


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


class RequirementEditView(ScopedViewMixin, View):
    """Edit a rule, or retire it from a year on (it keeps applying to the years before)."""

    required_perm = Perm.TRAINING_MANAGE
    template_name = "training/requirement_edit.html"

    def _rule(self, request, pk):
        return get_object_or_404(selectors.requirement_list(user=request.user), pk=pk)

    def _render(self, request, rule, form, status=200):
        return render(request, self.template_name, {"rule": rule, "form": form}, status=status)

    def get(self, request, pk):
        rule = self._rule(request, pk)
        return self._render(request, rule, RequirementForm(instance=rule, user=request.user))

    def post(self, request, pk):
        rule = self._rule(request, pk)
        if "retire" in request.POST:
            try:
                last_year = int(request.POST.get("last_year", ""))
            except ValueError:
                messages.error(request, _("Give the last year the rule applies, e.g. 2026."))
                return redirect("training:requirement-edit", pk=rule.pk)
            try:
                services.requirement_retire(actor=request.user, requirement=rule, last_year=last_year)
                messages.success(request, _("Rule retired: it applies up to %(year)s.") % {"year": last_year})
                return redirect("training:requirement-list")
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("training:requirement-edit", pk=rule.pk)
        form = RequirementForm(request.POST, instance=TrainingRequirement.objects.get(pk=rule.pk), user=request.user)
        if form.is_valid():
            try:
                services.requirement_update(actor=request.user, requirement=rule, **form.cleaned_data)
                messages.success(request, _("Rule saved."))
                return redirect("training:requirement-list")
            except ValidationError as exc:
                _add_errors(form, exc)
        return self._render(request, rule, form, status=400)
