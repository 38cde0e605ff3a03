"""The hours ledger, the year plan and certificates, with their Excel files; the public certificate check."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from core.permissions import ScopedViewMixin, has_perm
from core.views import FilteredListView, page_size_from
from staff.models import Staff
from training import exports, selectors
from training.filters import CertificateFilterSet, HoursFilterSet, TrainingClassFilterSet, year_from
from training.models import READ_OR_OWN, TRAINING_READ
from training.views.common import xlsx_response


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
        )
        return context


class HoursExportView(ScopedViewMixin, View):
    required_perm = TRAINING_READ

    def get(self, request):
        year = year_from(request.GET)
        rows = selectors.hours_ledger(user=request.user, year=year, filters=request.GET, request=request)
        return xlsx_response(exports.hours_xlsx(rows=rows, year=year), f"gio-boi-duong-{year}.xlsx")


class PersonRecordView(ScopedViewMixin, TemplateView):
    """A person's training record: each year's tiết against the rule in force (with its legal basis), classes with
    attendance and outcome, certificates, external training declared. People in the user's training scope, or the
    user themself; anyone else is a 404. A constant number of queries."""

    required_perm = READ_OR_OWN
    template_name = "training/person_record.html"
    years_shown = 5

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        person = get_object_or_404(
            selectors.staff_in_scope(request.user, READ_OR_OWN).select_related("unit"), pk=self.kwargs["pk"]
        )
        if not has_perm(request.user, TRAINING_READ) and person.user_id != request.user.pk:
            raise Http404
        year = year_from(request.GET)
        context.update(
            person=person,
            year=year,
            years=selectors.person_years(staff=person, years=list(range(year - self.years_shown + 1, year + 1))),
            record=selectors.my_record(staff=person, year=year),
        )
        return context


class PersonRecordExportView(ScopedViewMixin, View):
    required_perm = READ_OR_OWN

    def get(self, request, pk):
        person = get_object_or_404(selectors.staff_in_scope(request.user, READ_OR_OWN).select_related("unit"), pk=pk)
        if not has_perm(request.user, TRAINING_READ) and person.user_id != request.user.pk:
            raise Http404
        year = year_from(request.GET)
        record = selectors.my_record(staff=person, year=year)
        return xlsx_response(
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
        return xlsx_response(exports.plan_xlsx(classes=classes, year=year), f"ke-hoach-boi-duong-{year}.xlsx")


class CertificateListView(FilteredListView):
    required_perm = READ_OR_OWN
    filterset_class = CertificateFilterSet
    template_name = "training/certificate_list.html"

    def get_queryset(self):
        return selectors.certificate_list(user=self.request.user)


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
