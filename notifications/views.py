"""My notifications: the person's own list, newest first; mark one or all as read."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.permissions import Perm, ScopedViewMixin
from core.views import page_size_from
from notifications import selectors, services


class NotificationListView(ScopedViewMixin, TemplateView):
    required_perm = Perm.OWN_RECORD
    template_name = "notifications/notification_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unread_only = self.request.GET.get("unread") == "1"
        qs = selectors.notification_list(user=self.request.user, unread_only=unread_only)
        page = Paginator(qs, page_size_from(self.request, 25)).get_page(self.request.GET.get("page"))
        context.update(
            page_obj=page,
            object_list=page.object_list,
            unread_only=unread_only,
            unread_count=selectors.notification_unread_count(user=self.request.user),
            querystring="unread=1" if unread_only else "",
        )
        return context


class NotificationOpenView(ScopedViewMixin, View):
    """POST: mark as read, then go to the record it is about (or back to the list)."""

    required_perm = Perm.OWN_RECORD

    def post(self, request, pk):
        notification = selectors.notification_get(user=request.user, pk=pk)
        services.notification_mark_read(actor=request.user, notification=notification)
        target = notification.url
        if (
            request.POST.get("stay")
            or not target
            or not url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
        ):
            return redirect("notifications:list")
        return redirect(target)


class NotificationReadAllView(ScopedViewMixin, View):
    required_perm = Perm.OWN_RECORD

    def post(self, request):
        count = services.notification_mark_all_read(actor=request.user)
        messages.success(request, _("%(n)s notifications marked as read.") % {"n": count})
        return redirect("notifications:list")
