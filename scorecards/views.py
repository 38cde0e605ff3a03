"""HTML screens for scorecards. Thin: parse the period, check scope, call selectors, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.charts import CONTENT_TYPES
from core.permissions import Perm, ScopedViewMixin, has_perm
from core.views import page_size_from
from core.xlsx import XLSX_CONTENT_TYPE
from scorecards import charts, explain, links, selectors, services, tasks
from scorecards.exports import scorecard_xlsx
from scorecards.forms import CriterionFormSet, ModelCreateForm, ModelForm, PublishForm
from scorecards.models import Band, PublishStatus
from scorecards.periods import Period
from staff.models import UnitKind
from training import selectors as training_selectors
from training.filters import EnrollmentFilterSet


def period_from(request) -> Period:
    """The `period` query parameter (2026, 2026-Q3, 2026-07); the current year when absent or wrong."""
    raw = request.GET.get("period")
    if raw:
        try:
            return Period.parse(raw)
        except ValueError as exc:
            messages.error(request, str(exc))
    return Period.current_year(timezone.localdate())


class HomeView(ScopedViewMixin, View):
    """The scorecard of the user's own unit (the province for an administrator)."""

    required_perm = Perm.SCORECARD_VIEW

    def get(self, request):
        unit = selectors.home_unit(user=request.user)
        if unit is None:
            raise Http404
        url = reverse("scorecards:unit", args=[unit.pk])
        if request.GET.get("period"):
            url += "?" + urlencode({"period": request.GET["period"]})
        return redirect(url)


class UnitScorecardView(ScopedViewMixin, TemplateView):
    required_perm = Perm.SCORECARD_VIEW
    template_name = "scorecards/unit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = period_from(self.request)
        card = selectors.unit_scorecard(user=self.request.user, pk=kwargs["pk"], period=period)
        score = card.score
        rows = explain.criterion_rows(
            score, links.criterion_links(unit=card.unit, period=period, formulas=[c.formula for c in score.criteria])
        )
        context.update(
            unit=card.unit,
            period=period,
            as_of=card.as_of,
            table=card.table,
            score=score,
            live=card.live,
            differences=card.differences,
            children=card.children,
            trend=card.trend,
            chart_criteria=card.charts["criteria"],
            chart_trend=card.charts["trend"],
            chart_peers=card.charts["peers"],
            capability=[r for r in rows if r["pillar"] == "capability"],
            service_culture=[r for r in rows if r["pillar"] == "service_culture"],
            total_text=explain.total_text(score),
            rules=explain.rules(card.table),
            previous_period=period.previous(),
            ancestors=card.ancestors,
            periods=period.choices_around(),
            band_label=Band(score.band).label,
            can_manage=has_perm(self.request.user, Perm.SCORECARD_MANAGE),
            charts=[(name, card.charts[name]) for name in charts.CHARTS],
        )
        return context


class ChartView(ScopedViewMixin, View):
    required_perm = Perm.SCORECARD_VIEW

    def get(self, request, pk, name, fmt):
        if name not in charts.CHARTS or fmt not in charts.FORMATS:
            raise Http404
        content = selectors.unit_chart(user=request.user, pk=pk, period=period_from(request), name=name, fmt=fmt)
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
        response["Cache-Control"] = "private, no-cache"  # the image follows the records; the server caches it
        return response


class ExportView(ScopedViewMixin, View):
    required_perm = Perm.SCORECARD_VIEW

    def get(self, request, pk):
        period = period_from(request)
        card = selectors.unit_scorecard(user=request.user, pk=pk, period=period, current=True)
        content = scorecard_xlsx(card, user=request.user, base_url=request.build_absolute_uri("/")[:-1])
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="bang-diem-{card.unit.code}-{period.key}.xlsx"'
        return response


class TableView(ScopedViewMixin, TemplateView):
    """Every unit in scope for one period, sorted by score, with rank within kind and change."""

    required_perm = Perm.SCORECARD_VIEW
    template_name = "scorecards/table.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = period_from(self.request)
        kind = self.request.GET.get("kind") or ""
        if kind not in UnitKind.values:
            kind = ""
        table, rows, as_of = selectors.province_rows(user=self.request.user, period=period, kind=kind)
        page = Paginator(rows, page_size_from(self.request, 100)).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            period=period,
            table=table,
            as_of=as_of,
            rows=page.object_list,
            count=len(rows),
            page_obj=page,
            querystring=query.urlencode(),
            kind=kind,
            kinds=UnitKind.choices,
            periods=period.choices_around(),
        )
        return context


# ------------------------------------------------------------------------------ administration
class ModelListView(ScopedViewMixin, TemplateView):
    required_perm = Perm.SCORECARD_MANAGE
    template_name = "scorecards/model_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ModelCreateForm(initial={"year": timezone.localdate().year + 1}))
        context.update(
            models=selectors.scorecard_model_list(),
            publications=selectors.publication_list(),
            runs=selectors.publish_run_list(user=self.request.user),
            publish_form=kwargs.get("publish_form") or PublishForm(),
        )
        return context

    def post(self, request):
        form = ModelCreateForm(request.POST)
        if form.is_valid():
            year = form.cleaned_data["year"]
            try:
                services.scorecard_model_create(
                    actor=request.user, year=year, copy_from=selectors.scorecard_model_for_year(year=year)
                )
                messages.success(request, _("Scorecard model created."))
                return redirect("scorecards:model-edit", year=year)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ModelEditView(ScopedViewMixin, View):
    required_perm = Perm.SCORECARD_MANAGE
    template_name = "scorecards/model_form.html"

    def _initial(self, model):
        form = ModelForm(
            initial={
                f: getattr(model, f) for f in ("name", "legal_basis", "excellent_min", "good_min", "satisfactory_min")
            }
        )
        formset = CriterionFormSet(
            prefix="criteria",
            initial=[
                {
                    f: getattr(c, f)
                    for f in (
                        "key",
                        "pillar",
                        "label_vi",
                        "label_en",
                        "formula",
                        "direction",
                        "weight",
                        "target",
                        "order",
                        "indicator",
                        "checklist_items",
                    )
                }
                for c in model.criteria.all()
            ],
        )
        return form, formset

    def get(self, request, year):
        model = selectors.scorecard_model_get(year=year)
        form, formset = self._initial(model)
        return render(request, self.template_name, self._context(model, form, formset))

    def _context(self, model, form, formset) -> dict:
        return {
            "model": model,
            "form": form,
            "formset": formset,
            "criteria_history": selectors.criteria_history(model=model),
        }

    def post(self, request, year):
        model = selectors.scorecard_model_get(year=year)
        form = ModelForm(request.POST)
        formset = CriterionFormSet(request.POST, prefix="criteria")
        if form.is_valid() and formset.is_valid():
            rows = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            try:
                services.scorecard_model_update(actor=request.user, model=model, criteria=rows, **form.cleaned_data)
                messages.success(request, _("Scorecard model saved."))
                return redirect("scorecards:model-edit", year=year)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        return render(request, self.template_name, self._context(model, form, formset), status=400)


class PublishView(ScopedViewMixin, View):
    """Starts the background publication of a period and shows its run. A second click while a run of
    the period waits or runs leads to that run; nothing is queued twice."""

    required_perm = Perm.SCORECARD_MANAGE

    def post(self, request):
        form = PublishForm(request.POST)
        if form.is_valid():
            period = form.cleaned_data["period"]
            try:
                run = tasks.publish_start(actor=request.user, period_key=period.key, note=form.cleaned_data["note"])
            except services.PublishInProgress as exc:
                messages.info(request, exc.messages[0])
                return redirect("scorecards:publish-run", pk=exc.run.pk)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(
                    request,
                    _("Publishing %(period)s has started; it goes on if you leave this page.")
                    % {"period": period.label},
                )
                return redirect("scorecards:publish-run", pk=run.pk)
        view = ModelListView()
        view.setup(request)
        return view.render_to_response(view.get_context_data(publish_form=form), status=400)


def run_payload(run) -> dict:
    """What the publishing screen shows of a run, for the page and for its polling script."""
    period = Period.parse(run.period)
    texts = {
        PublishStatus.QUEUED: _("Waiting for a background worker…"),
        PublishStatus.RUNNING: _("Computing and freezing the scorecards of every unit…"),
        PublishStatus.DONE: _("%(period)s is published; its scorecards are frozen.") % {"period": period.label},
        PublishStatus.FAILED: _("Publishing failed; nothing was published. You can try again."),
    }
    publication = run.publication
    return {
        "id": run.pk,
        "period": run.period,
        "status": run.status,
        "status_label": str(run.get_status_display()),
        "text": str(texts[run.status]),
        "finished": run.is_finished,
        "error": run.error if run.status == PublishStatus.FAILED else "",
        "units": publication.snapshot_count if publication is not None else None,
        "publication_url": reverse("scorecards:publication", args=[publication.period])
        if publication is not None and run.status == PublishStatus.DONE
        else None,
    }


class PublishRunView(ScopedViewMixin, TemplateView):
    required_perm = Perm.SCORECARD_MANAGE
    template_name = "scorecards/publish_run.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = selectors.publish_run_get(user=self.request.user, pk=kwargs["pk"])
        context.update(run=run, state=run_payload(run), period=Period.parse(run.period))
        return context


class PublishRunStatusView(ScopedViewMixin, View):
    """Polled by scorecards/publish.js."""

    required_perm = Perm.SCORECARD_MANAGE

    def get(self, request, pk):
        response = JsonResponse(run_payload(selectors.publish_run_get(user=request.user, pk=pk)))
        response["Cache-Control"] = "no-store"
        return response


class PublicationView(ScopedViewMixin, TemplateView):
    """A published period: who froze it, when, with which model, and the frozen figures of the units in
    the user's scope, with the change history of the publication."""

    required_perm = Perm.SCORECARD_VIEW
    template_name = "scorecards/publication.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        publication = selectors.publication_get(user=self.request.user, period=kwargs["period"])
        snapshots = selectors.publication_snapshots(user=self.request.user, publication=publication)
        page = Paginator(snapshots, page_size_from(self.request, 100)).get_page(self.request.GET.get("page"))
        context.update(
            publication=publication,
            period=Period.parse(publication.period),
            page_obj=page,
            snapshots=page.object_list,
            count=page.paginator.count,
            querystring="",
            can_manage=has_perm(self.request.user, Perm.SCORECARD_MANAGE),
        )
        return context


class EnrollmentRecordsView(ScopedViewMixin, TemplateView):
    """Enrollments behind a training figure (mandatory courses, certificates, attendance): the training
    app's EnrollmentFilterSet, shown with its filters, over the enrollments the user may see."""

    required_perm = Perm.SCORECARD_VIEW
    template_name = "scorecards/enrollments.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queryset = training_selectors.enrollment_list(user=self.request.user)
        filterset = EnrollmentFilterSet(self.request.GET or None, queryset=queryset, request=self.request)
        if filterset.is_bound and not filterset.is_valid():
            if {"unit", "member_unit"} & set(filterset.errors):
                raise Http404  # a unit outside the user's scope
            queryset = queryset.none()
        else:
            queryset = filterset.qs
        rows = queryset.order_by("training_class__end_date", "staff__staff_code", "pk")
        page = Paginator(rows, page_size_from(self.request, 50)).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter=filterset, page_obj=page, object_list=page.object_list, querystring=query.urlencode())
        return context
