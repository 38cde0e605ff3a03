"""Screens for background exports: start one, follow its progress, download it ("My exports")."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.permissions import Perm, ScopedViewMixin, has_perm
from core.views import page_size_from
from core.xlsx import XLSX_CONTENT_TYPE
from jobs import selectors, services
from jobs.exports import request_for
from jobs.models import ExportStatus
from jobs.registry import EXPORTS, get_export

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _available(user):
    return [kind for kind in EXPORTS.values() if has_perm(user, kind.perm)]


class ExportListView(ScopedViewMixin, TemplateView):
    required_perm = Perm.OWN_RECORD
    template_name = "jobs/export_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = Paginator(
            selectors.export_list(user=self.request.user, in_progress=self.request.GET.get("in_progress") == "1"),
            page_size_from(self.request, 25),
        )
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            page_obj=page, object_list=page.object_list, kinds=_available(self.request.user), exports=EXPORTS
        )
        return context


class ExportStartView(ScopedViewMixin, View):
    """GET: the export's filters (pre-filled from the list screen's query string); POST: start it."""

    required_perm = Perm.OWN_RECORD
    template_name = "jobs/export_start.html"

    def _kind(self, request):
        kind = get_export(request.GET.get("kind") or request.POST.get("kind") or "")
        if kind is None or not has_perm(request.user, kind.perm):
            raise Http404
        return kind

    def get(self, request):
        kind = self._kind(request)
        filterset = kind.filterset(request.GET, kind.queryset(request.user), request_for(request.user))
        return render(request, self.template_name, {"kind": kind, "filter": filterset})

    def post(self, request):
        kind = self._kind(request)
        try:
            job = services.export_start(actor=request.user, kind=kind.key, filters=request.POST)
        except ValidationError as exc:
            filterset = kind.filterset(request.POST, kind.queryset(request.user), request_for(request.user))
            return render(
                request, self.template_name, {"kind": kind, "filter": filterset, "errors": exc.messages}, status=400
            )
        messages.success(request, _("The export has started; it keeps running if you leave this page."))
        return redirect("jobs:export-detail", pk=job.pk)


class ExportDetailView(ScopedViewMixin, TemplateView):
    required_perm = Perm.OWN_RECORD
    template_name = "jobs/export_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(job=selectors.export_get(user=self.request.user, pk=kwargs["pk"]), exports=EXPORTS)
        return context


def status_payload(job) -> dict:
    if job.rows_total is None:
        text = _("Waiting for a worker…") if job.status == ExportStatus.QUEUED else _("Counting rows…")
    else:
        text = _("%(done)s of %(total)s rows") % {"done": job.rows_done, "total": job.rows_total}
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": job.percent,
        "text": text,
        "finished": job.is_finished,
        "download_url": reverse("jobs:export-download", args=[job.pk]) if job.status == ExportStatus.DONE else None,
        "error": job.error if job.status == ExportStatus.FAILED else "",
    }


class ExportStatusView(ScopedViewMixin, View):
    """Polled by jobs/progress.js."""

    required_perm = Perm.OWN_RECORD

    def get(self, request, pk):
        job = selectors.export_get(user=request.user, pk=pk)
        response = JsonResponse(status_payload(job))
        response["Cache-Control"] = "no-store"
        return response


class ExportDownloadView(ScopedViewMixin, View):
    required_perm = Perm.OWN_RECORD

    def get(self, request, pk):
        job = selectors.export_get(user=request.user, pk=pk)
        if job.status != ExportStatus.DONE or not job.file:
            messages.warning(request, _("This export is not ready yet."))
            return redirect("jobs:export-detail", pk=job.pk)
        try:
            handle = job.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        # Official documents (documents app) are Word files; every other export is a workbook.
        content_type = DOCX_CONTENT_TYPE if job.filename.endswith(".docx") else XLSX_CONTENT_TYPE
        return FileResponse(handle, as_attachment=True, filename=job.filename, content_type=content_type)
