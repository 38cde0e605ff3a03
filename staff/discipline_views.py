"""Screens of discipline decisions: the list (the same FilterSet as the API), record or correct one, and the
import from Excel (all or nothing). Rows come from `selectors.discipline_list` (scoped): another unit's
decision is 404."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.permissions import Perm, ScopedViewMixin, has_perm
from core.views import FilteredListView
from core.xlsx import ImportRejected
from staff import discipline, selectors
from staff.filters import DisciplineFilterSet
from staff.forms import DisciplineDecisionForm
from staff.models import Staff


class DisciplineUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))


class DisciplineListView(FilteredListView):
    """Discipline decisions about the people in the user's scope, newest first."""

    required_perm = Perm.DISCIPLINE_VIEW
    filterset_class = DisciplineFilterSet
    template_name = "staff/discipline_list.html"

    def get_queryset(self):
        return selectors.discipline_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = has_perm(self.request.user, Perm.DISCIPLINE_MANAGE)
        return context


class DisciplineEditView(ScopedViewMixin, View):
    """Record a decision, or correct one (pk): the person picked by name or staff code among those the user
    may discipline."""

    required_perm = Perm.DISCIPLINE_MANAGE
    template_name = "staff/discipline_form.html"

    def get_object(self, pk):
        if pk is None:
            return None
        return get_object_or_404(
            selectors.discipline_list(user=self.request.user).filter(
                staff__in=Staff.objects.visible_to(self.request.user, Perm.DISCIPLINE_MANAGE)
            ),
            pk=pk,
        )

    def _form(self, data=None, instance=None):
        # The picker suggests and the form accepts the same people: those the user may discipline (active
        # ones for a new decision; a correction keeps its person whatever their status now).
        picker = {"scope": Perm.DISCIPLINE_MANAGE}
        if instance is None:
            people = selectors.people_pick(user=self.request.user, filters=picker)
        else:
            people = Staff.objects.visible_to(self.request.user, Perm.DISCIPLINE_MANAGE)
        form = DisciplineDecisionForm(data, instance=instance, people=people)
        form.fields["person"].narrow(people, filters=picker)
        return form

    def get(self, request, pk=None):
        decision = self.get_object(pk)
        return render(request, self.template_name, {"form": self._form(instance=decision), "decision": decision})

    def post(self, request, pk=None):
        decision = self.get_object(pk)
        form = self._form(request.POST, instance=decision)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["staff"] = data.pop("person")
            try:
                if decision is None:
                    discipline.discipline_create(actor=request.user, **data)
                    messages.success(request, _("Discipline decision recorded."))
                else:
                    discipline.discipline_update(actor=request.user, decision=decision, **data)
                    messages.success(request, _("Changes saved."))
                return redirect("staff:discipline-list")
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
        return render(request, self.template_name, {"form": form, "decision": decision}, status=400)


class DisciplineImportView(ScopedViewMixin, View):
    required_perm = Perm.DISCIPLINE_MANAGE
    template_name = "staff/discipline_import.html"

    def get(self, request):
        return render(request, self.template_name, {"form": DisciplineUploadForm()})

    def post(self, request):
        form = DisciplineUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        try:
            plan = discipline.discipline_import(data=form.cleaned_data["file"].read(), actor=request.user)
        except ImportRejected as exc:
            return render(request, self.template_name, {"form": form, "errors": exc.errors}, status=400)
        messages.success(request, _("%(n)s discipline decisions recorded.") % {"n": plan.total})
        return redirect("staff:discipline-list")
