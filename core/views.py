"""Views every app shares: the dashboard, health check, and the filtered list base."""

from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.views.generic import TemplateView

from core.permissions import ScopedViewMixin

MAX_PAGE_SIZE = 200


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure makes the app unhealthy
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def page_size_from(request, default: int = 50) -> int:
    try:
        size = int(request.GET.get("page_size", default))
    except ValueError:
        size = default
    return max(1, min(size, MAX_PAGE_SIZE))


class FilteredListView(ScopedViewMixin, TemplateView):
    """A list screen: the view's queryset (always from a selector, so already scoped) filtered by
    the app's one FilterSet and paged by Django's Paginator; `object_list` is the page's model
    instances. Exports reuse the same FilterSet and selector."""

    filterset_class = None
    paginate_by = 50

    def get_queryset(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset_class(self.request.GET or None, queryset=self.get_queryset(), request=self.request)
        paginator = Paginator(filterset.qs, page_size_from(self.request, self.paginate_by))
        page = paginator.get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter=filterset, page_obj=page, object_list=page.object_list, querystring=query.urlencode())
        return context
