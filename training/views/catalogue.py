"""The training home, a person's own record, and the course catalogue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.permissions import Perm, ScopedViewMixin, has_perm
from core.views import FilteredListView
from staff.selectors import staff_for_user
from staff.views import _add_errors
from training import selectors, services
from training.dashboard import training_figures
from training.filters import CourseFilterSet, year_from
from training.forms import CourseForm
from training.models import TRAINING_READ, ClassStatus


class HomeView(ScopedViewMixin, TemplateView):
    required_perm = TRAINING_READ
    template_name = "training/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            figures=training_figures(self.request.user),
            can_manage=has_perm(self.request.user, Perm.TRAINING_MANAGE),
            upcoming=selectors.class_list(user=self.request.user)
            .filter(
                status__in=[ClassStatus.OPEN, ClassStatus.IN_PROGRESS, ClassStatus.PLANNED],
                end_date__gte=timezone.localdate(),
            )
            .order_by("start_date")[:10],
        )
        return context


class MyRecordView(ScopedViewMixin, TemplateView):
    required_perm = Perm.OWN_RECORD
    template_name = "training/my_record.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        me = staff_for_user(user=self.request.user)
        year = year_from(self.request.GET)
        context.update(me=me, year=year, record=selectors.my_record(staff=me, year=year) if me else None)
        return context


class CourseListView(FilteredListView):
    required_perm = TRAINING_READ
    filterset_class = CourseFilterSet
    template_name = "training/course_list.html"

    def get_queryset(self):
        return selectors.course_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = has_perm(self.request.user, Perm.TRAINING_MANAGE)
        return context


class CourseDetailView(ScopedViewMixin, TemplateView):
    required_perm = TRAINING_READ
    template_name = "training/course_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        course = selectors.course_get(user=self.request.user, pk=kwargs["pk"])
        context.update(
            course=course,
            classes=selectors.class_list(user=self.request.user).filter(course=course)[:50],
            can_manage=has_perm(self.request.user, Perm.TRAINING_MANAGE),
        )
        return context


class CourseEditView(ScopedViewMixin, View):
    required_perm = Perm.TRAINING_MANAGE
    template_name = "training/form.html"

    def _render(self, request, form, course, status=200):
        title = _("Edit course") if course else _("New course")
        return render(request, self.template_name, {"form": form, "title": title, "object": course}, status=status)

    def get(self, request, pk=None):
        course = selectors.course_get(user=request.user, pk=pk) if pk else None
        return self._render(request, CourseForm(instance=course, user=request.user), course)

    def post(self, request, pk=None):
        course = selectors.course_get(user=request.user, pk=pk) if pk else None
        form = CourseForm(request.POST, instance=course, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if course is None:
                    course = services.course_create(actor=request.user, **data)
                else:
                    version = data.pop("version", None)
                    course = services.course_update(actor=request.user, course=course, expected_version=version, **data)
                messages.success(request, _("Changes saved."))
                return redirect("training:course-detail", pk=course.pk)
            except services.StaleVersion as exc:
                form.show_stale(exc.obj)
                return self._render(request, form, course, status=409)
            except ValidationError as exc:
                _add_errors(form, exc)
        return self._render(request, form, course, status=400)
