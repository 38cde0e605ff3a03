"""The hours ledger, the year plan and certificates, with their Excel files; the public certificate check."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.permissions import Perm, ScopedViewMixin, has_perm
from core.security import client_ip
from core.views import FilteredListView, page_size_from
from staff.access import unit_in_scope
from staff.models import Staff
from training import exports, selectors, services
from training.filters import CertificateFilterSet, HoursFilterSet, TrainingClassFilterSet, year_from
from training.forms import CertificateRevokeForm
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
    """Printable certificate (giấy chứng nhận or chứng chỉ, as the course says), with the QR of its check page."""

    required_perm = READ_OR_OWN
    template_name = "training/certificate_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cert = selectors.certificate_get(user=self.request.user, pk=kwargs["pk"])
        verify_url = self.request.build_absolute_uri(reverse("training:certificate-verify", args=[cert.verify_code]))
        context.update(
            cert=cert,
            verify_url=verify_url,
            qr_svg_uri=qr_data_uri(verify_url),
            place=getattr(settings, "DOCUMENT_PLACE", "Cao Bằng"),
        )
        if not cert.revoked_on and unit_in_scope(
            self.request.user, Perm.TRAINING_MANAGE, cert.enrollment.training_class.unit
        ):
            context["revoke_form"] = CertificateRevokeForm()
        return context


class CertificateRevokeView(ScopedViewMixin, View):
    """Revoking a certificate, with a reason (audited): its verification page then says so. Another
    unit's certificate is 404; one the user sees but may not manage (their own) is 403."""

    required_perm = Perm.TRAINING_MANAGE

    def post(self, request, pk):
        cert = selectors.certificate_get(user=request.user, pk=pk)
        form = CertificateRevokeForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            services.certificate_revoke(actor=request.user, certificate=cert, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The certificate was revoked."))
        return redirect("training:certificate-detail", pk=cert.pk)


def qr_data_uri(text: str) -> str:
    """The QR code of `text` as an SVG data URI (an <img> source; no markup built here)."""
    return segno.make(text, error="m").svg_data_uri(scale=3, border=2)


VERIFY_RATE = 20  # checks per address per window
VERIFY_WINDOW = 60  # seconds


def _verify_allowed(request) -> bool:
    """At most VERIFY_RATE checks per client address per minute, counted in the shared cache."""
    key = f"cert-verify:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, VERIFY_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, VERIFY_WINDOW)
        count = 1
    return count <= VERIFY_RATE


def mask_name(full_name: str) -> str:
    """ "Nguyễn Văn An" → "N. V. An": the given name, the other parts as initials."""
    parts = full_name.split()
    if len(parts) <= 1:
        return full_name
    return " ".join([f"{p[0]}." for p in parts[:-1]] + [parts[-1]])


def certificate_verify(request, code: str):
    """Public on purpose: whoever holds the certificate (its QR or printed link) can check that it is
    genuine. Shows the minimum, and answers 429 to an address that checks too many."""
    if not _verify_allowed(request):
        response = render(request, "training/certificate_verify_limited.html", status=429)
        response["Retry-After"] = str(VERIFY_WINDOW)
        return response
    cert = selectors.certificate_public(code=code)
    return render(
        request,
        "training/certificate_verify.html",
        {"cert": cert, "holder": mask_name(cert.enrollment.staff.full_name), "today": timezone.localdate()},
    )


def certificate_verify_legacy(request, year: int, serial: int):
    """The old sequential URLs: they no longer say anything about anyone."""
    raise Http404
