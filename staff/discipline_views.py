"""Screen: import discipline decisions from Excel (all or nothing)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.permissions import Perm, ScopedViewMixin
from core.xlsx import ImportRejected
from staff import discipline


class DisciplineUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))


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
        return redirect("staff:discipline-import")
