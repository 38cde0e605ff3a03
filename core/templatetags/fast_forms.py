"""`{% for field in filter.form|fast_widgets %}`: the form's widgets print the same HTML without a template
render each (see core.widgets.FastWidgetRenderer)."""

from django import template

from core.widgets import with_fast_widgets

register = template.Library()


@register.filter
def fast_widgets(form):
    return with_fast_widgets(form)
