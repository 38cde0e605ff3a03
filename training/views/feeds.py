"""Calendar feeds: addresses with the user's secret token (calendar apps cannot log in)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.permissions import ScopedViewMixin, has_perm
from staff.models import Unit
from training import calendar, selectors, services
from training.models import READ_OR_OWN, TRAINING_READ, CalendarToken


class CalendarView(ScopedViewMixin, TemplateView):
    """Feed addresses with the user's secret token (calendar apps cannot log in)."""

    required_perm = READ_OR_OWN
    template_name = "training/calendar.html"

    def post(self, request):
        services.calendar_token_for(user=request.user, reset=True)
        messages.success(request, _("New calendar addresses made; the old ones no longer work."))
        return redirect("training:calendar")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        token = services.calendar_token_for(user=self.request.user).token
        me = self.request.build_absolute_uri(reverse("training:ics-person", kwargs={"token": token}))
        units = []
        if has_perm(self.request.user, TRAINING_READ):
            for unit in (
                Unit.objects.visible_to(self.request.user, TRAINING_READ).filter(active=True).order_by("path")[:50]
            ):
                units.append(
                    (
                        unit,
                        self.request.build_absolute_uri(
                            reverse("training:ics-unit", kwargs={"token": token, "unit_id": unit.pk})
                        ),
                    )
                )
        context.update(person_url=me, unit_urls=units)
        return context


def _token_user(token: str):
    found = CalendarToken.objects.select_related("user").filter(token=token).first()
    if found is None or not found.user.is_active:
        raise Http404
    return found.user


def _ics(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def ics_person(request, token: str):
    """Public URL with a per-user secret token; the feed shows only the token owner's own sessions."""
    user = _token_user(token)
    return _ics(
        calendar.sessions_ics(sessions=selectors.calendar_sessions_for_user(user=user), name=_("My training")),
        "congvu-lich-hoc.ics",
    )


def ics_unit(request, token: str, unit_id: int):
    """Public URL with a per-user secret token; the token owner's scope still applies (404 outside it)."""
    user = _token_user(token)
    unit, sessions = selectors.calendar_sessions_for_unit(user=user, unit_id=unit_id)
    return _ics(
        calendar.sessions_ics(sessions=sessions, name=_("Training – %(unit)s") % {"unit": unit.name}),
        f"congvu-lich-hoc-{unit.code}.ics",
    )
