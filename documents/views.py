"""HTML: the documents home (kinds, report form), a record's document (print page and Word file), reports,
and the template pages (placeholders, download, upload, versions). Thin: parse, authorise, build, render."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.permissions import Perm, has_perm
from documents import services
from documents.forms import MinutesDetailsForm, ReportForm, TemplateUploadForm
from documents.generate import PERMS, document_build, document_docx, document_html_blocks
from documents.kinds import KINDS, get_kind
from documents.models import DocumentTemplate
from documents.selectors import details_get, shipped_path, template_versions
from staff.access import unit_scope_q
from staff.models import Unit

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_response(data: bytes, filename: str, document=None) -> HttpResponse:
    """The Word file as a download; for a numbered document, its number (or "preview") in a header too."""
    if document is not None and document.is_preview:
        filename = f"ban-xem-truoc-{filename}"
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    if document is not None and document.kind.numbered:
        response["X-Document-Number"] = quote(document.issued.number) if document.issued else "preview"
    return response


def kind_or_404(user, code: str, *, report: bool | None = None):
    kind = get_kind(code)
    if kind is None or (report is not None and kind.is_report != report) or not has_perm(user, PERMS[kind.code]):
        raise Http404
    return kind


def kinds_for(user) -> list:
    """The kinds the user may ask for; none at all: the documents pages are 404, like any page without a role."""
    kinds = [k for k in KINDS.values() if has_perm(user, PERMS[k.code])]
    if not kinds:
        raise Http404
    return kinds


def report_units(user, kind):
    return Unit.objects.filter(unit_scope_q(user, PERMS[kind.code]), active=True).order_by("path")


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "documents/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        kinds = kinds_for(user)
        context.update(
            record_kinds=[k for k in kinds if not k.is_report],
            reports=[
                (k, ReportForm(units=report_units(user, k), initial={"period": k.period_hint}))
                for k in kinds
                if k.is_report
            ],
            can_manage=has_perm(user, Perm.DOCUMENT_TEMPLATE_MANAGE),
        )
        return context


class RecordDocxView(LoginRequiredMixin, View):
    """The Word file of a record's document ("Tải văn bản (Word)"). A GET takes no number: an issued
    document comes with its number, one not issued yet is an unnumbered preview ("Số: …/BB-…")."""

    def get(self, request, kind, pk):
        kind = kind_or_404(request.user, kind, report=False)
        document = document_build(kind=kind, user=request.user, record_id=pk, base_url=request.build_absolute_uri("/"))
        return docx_response(document_docx(document), document.filename, document)


class RecordIssueView(LoginRequiredMixin, View):
    """ "Cấp số và tải văn bản": takes the document's number (once per record and kind: a second click or
    a retry gets the same number), then sends the browser to the numbered Word file."""

    def post(self, request, kind, pk):
        kind = kind_or_404(request.user, kind, report=False)
        if not kind.numbered:
            raise Http404
        document = document_build(kind=kind, user=request.user, record_id=pk, issue=True)
        messages.success(request, _("Document number %(number)s issued.") % {"number": document.issued.number})
        return redirect("documents:record-docx", kind=kind.code, pk=pk)


class RecordPrintView(LoginRequiredMixin, TemplateView):
    """The print-ready page of a record's document; the biên bản also takes its times, place and people present."""

    template_name = "documents/print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = kind_or_404(self.request.user, kwargs["kind"], report=False)
        document = document_build(
            kind=kind, user=self.request.user, record_id=kwargs["pk"], base_url=self.request.build_absolute_uri("/")
        )
        context.update(
            document=document,
            blocks=document_html_blocks(document),
            docx_url=reverse("documents:record-docx", args=[kind.code, kwargs["pk"]]),
            issue_url=reverse("documents:record-issue", args=[kind.code, kwargs["pk"]]),
        )
        if kind.code == "inspection_minutes" and "details_form" not in context:
            context["details_form"] = MinutesDetailsForm(initial=details_get(kind=kind, record_key=str(kwargs["pk"])))
        return context

    def post(self, request, kind, pk):
        kind = kind_or_404(request.user, kind, report=False)
        if kind.code != "inspection_minutes":
            raise Http404
        document_build(kind=kind, user=request.user, record_id=pk)  # 404 outside the user's scope
        form = MinutesDetailsForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(kind=kind.code, pk=pk, details_form=form))
        services.details_save(actor=request.user, kind=kind, record_key=str(pk), data=form.cleaned_data)
        messages.success(request, _("The details of the record were saved."))
        return redirect("documents:record-print", kind=kind.code, pk=pk)


class ReportView(LoginRequiredMixin, TemplateView):
    """A report of a unit subtree for a period: the print page, or its Word file with `?format=docx`."""

    template_name = "documents/print.html"

    def get(self, request, *args, **kwargs):
        kind = kind_or_404(request.user, kwargs["kind"], report=True)
        units = report_units(request.user, kind)
        code = request.GET.get("unit", "")
        if code and not units.filter(code=code).exists():
            raise Http404  # another unit's report: as for another unit's record
        form = ReportForm(request.GET, units=units)
        if not form.is_valid():
            return self.render_to_response({"kind": kind, "report_form": form, "form_errors": True})
        document = document_build(
            kind=kind,
            user=request.user,
            code=form.cleaned_data["unit"].code,
            period=form.cleaned_data["period"],
            base_url=request.build_absolute_uri("/"),
        )
        if request.GET.get("format") == "docx":
            return docx_response(document_docx(document), document.filename, document)
        return self.render_to_response(
            {
                "document": document,
                "blocks": document_html_blocks(document),
                "docx_url": self.docx_url(form.cleaned_data),
                "issue_url": request.path,
                "issue_fields": {"unit": form.cleaned_data["unit"].code, "period": form.cleaned_data["period"]},
                "report_form": form,
            }
        )

    def docx_url(self, data) -> str:
        return (
            f"{self.request.path}?{urlencode({'unit': data['unit'].code, 'period': data['period'], 'format': 'docx'})}"
        )

    def post(self, request, *args, **kwargs):
        """ "Cấp số và tải văn bản" for a report: takes its number (once per unit, kind and period), then
        sends the browser to the numbered Word file."""
        kind = kind_or_404(request.user, kwargs["kind"], report=True)
        units = report_units(request.user, kind)
        code = request.POST.get("unit", "")
        if code and not units.filter(code=code).exists():
            raise Http404
        form = ReportForm(request.POST, units=units)
        if not form.is_valid():
            return self.render_to_response({"kind": kind, "report_form": form, "form_errors": True}, status=400)
        document = document_build(
            kind=kind,
            user=request.user,
            code=form.cleaned_data["unit"].code,
            period=form.cleaned_data["period"],
            issue=True,
        )
        messages.success(request, _("Document number %(number)s issued.") % {"number": document.issued.number})
        return redirect(self.docx_url(form.cleaned_data))


class TemplateListView(LoginRequiredMixin, TemplateView):
    template_name = "documents/template_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["kinds"] = kinds_for(user)
        return context


class TemplateDetailView(LoginRequiredMixin, TemplateView):
    """A kind's template page: its placeholders, the shipped and uploaded versions, and the upload form."""

    template_name = "documents/template_detail.html"

    def manage_units(self):
        return Unit.objects.filter(unit_scope_q(self.request.user, Perm.DOCUMENT_TEMPLATE_MANAGE), active=True)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = kind_or_404(self.request.user, kwargs["kind"])
        units = self.manage_units()
        context.update(
            kind=kind,
            placeholders=sorted(kind.all_placeholders.items()),
            versions=template_versions(kind=kind, units=units),
            can_manage=units.exists(),
        )
        if "form" not in context and context["can_manage"]:
            context["form"] = TemplateUploadForm(units=units)
        return context

    def post(self, request, kind):
        kind = kind_or_404(request.user, kind)
        if "restore" in request.POST:
            return self.restore(request, kind)
        form = TemplateUploadForm(request.POST, request.FILES, units=self.manage_units())
        if form.is_valid():
            upload = form.cleaned_data["file"]
            limit = services.max_template_bytes()
            content = upload.read(limit + 1)
            try:
                row = services.template_upload(
                    actor=request.user, kind=kind, unit=form.cleaned_data["unit"], filename=upload.name, content=content
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                messages.success(
                    request,
                    _("Template version %(version)s is now used for %(unit)s and its sub-units.")
                    % {"version": row.version, "unit": row.unit.name},
                )
                return redirect("documents:template-detail", kind=kind.code)
        return self.render_to_response(self.get_context_data(kind=kind.code, form=form), status=400)

    def restore(self, request, kind):
        """ "Dùng lại phiên bản này": an older version of a unit the user manages becomes the current one."""
        version = request.POST.get("restore", "")
        if not version.isdigit():
            raise Http404
        row = get_object_or_404(DocumentTemplate, pk=int(version), kind=kind.code, unit__in=self.manage_units())
        try:
            new = services.template_restore(actor=request.user, kind=kind, version=row)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Version %(old)s is in use again for %(unit)s, as version %(version)s.")
                % {"old": row.version, "unit": row.unit.name, "version": new.version},
            )
        return redirect("documents:template-detail", kind=kind.code)


class TemplateDownloadView(LoginRequiredMixin, View):
    """The shipped template, or an uploaded version the user may see (`?version=<id>`)."""

    def get(self, request, kind):
        kind = kind_or_404(request.user, kind)
        version = request.GET.get("version", "")
        if version:
            if not version.isdigit():
                raise Http404
            units = Unit.objects.filter(unit_scope_q(request.user, PERMS[kind.code]))
            row = get_object_or_404(DocumentTemplate, pk=int(version), kind=kind.code, unit__in=units)
            return docx_response(bytes(row.content), f"{kind.code}-v{row.version}.docx")
        return docx_response(shipped_path(kind).read_bytes(), f"{kind.code}.docx")
