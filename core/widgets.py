"""Form widgets every app may share.

`FastSelect` renders the same HTML as Django's `Select` for a single choice, but builds the options in
Python instead of one template render per option. A filter over the unit tree has ≈1,500 options at
province scale: Django's template path took ≈250 ms per page for them. With `label_field`, a model
choice field's options are read with one `values_list(pk, label_field)` instead of building 1,500 model
instances (which cost more than rendering them): a few ms in all.
"""

from functools import lru_cache
from html import escape

from django.forms import Select
from django.forms.renderers import DjangoTemplates as DjangoTemplatesRenderer
from django.forms.utils import flatatt
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, mark_safe


class FastSelect(Select):
    def __init__(self, attrs=None, choices=(), label_field: str | None = None):
        super().__init__(attrs, choices)
        self.label_field = label_field

    def _options(self):
        choices = self.choices
        queryset = getattr(choices, "queryset", None)
        field = getattr(choices, "field", None)
        if self.label_field is None or queryset is None or field is None:
            yield from choices
            return
        if field.empty_label is not None:
            yield "", field.empty_label
        null_label = getattr(field, "null_label", None)  # django-filter's "null" choice
        if null_label is not None:
            yield field.null_value, null_label
        yield from queryset.values_list(field.to_field_name or "pk", self.label_field)

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        selected = set(self.format_value(value))
        options = tuple((v, label if type(label) is str else str(label)) for v, label in self._options())
        html = _options_html(options)
        for option_value, _label in options:  # the first option whose value is selected
            key = "" if option_value is None else str(option_value)
            if key in selected:
                marker = f'<option value="{escape(key)}">'
                html = html.replace(marker, f"{marker[:-1]} selected>", 1)
                break
        opening = format_html('<select name="{}"{}>', name, flatatt(final_attrs))
        return mark_safe(f"{opening}\n{html}</select>")


@lru_cache(maxsize=32)
def _options_html(options: tuple) -> str:
    """The <option> lines of a select, none selected, kept per distinct list of (value, label): the unit
    filters of every list page show the same ≈1,500 units to everyone with the same scope, and escaping
    them cost ≈3 ms per select at province scale. The key is the options themselves (read from the
    database on every request), so a renamed or new unit is a new key: nothing can be stale."""
    lines = []
    for option_value, label in options:
        key = "" if option_value is None else str(option_value)
        lines.append(f'<option value="{escape(key)}">{escape(label)}</option>\n')
    return "".join(lines)


# Django renders every widget through its template engine: a text box costs ≈0.2 ms and a select ≈0.1 ms
# plus ≈25 µs per option, so a filter form with six fields cost ≈2.5 ms on every list page. The functions
# below print the same HTML as Django's built-in templates (django/forms/widgets/input.html, select.html,
# select_option.html, attrs.html) from the same widget context; `FastWidgetRenderer` uses them for those
# templates and hands any other template to the renderer it wraps.

_PLAIN = Context(autoescape=True)  # what a widget template is rendered with: no l10n or tz override


def _shown(value) -> str:
    """`{{ value }}`."""
    return render_value_in_context(value, _PLAIN)


def _as_string(value) -> str:
    """`{{ value|stringformat:'s' }}`."""
    text = stringformat(value, "s")
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs(attrs) -> str:
    """django/forms/widgets/attrs.html"""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(f" {_shown(name)}" if value is True else f' {_shown(name)}="{_as_string(value)}"')
    return "".join(parts)


def _input(widget) -> str:
    value = f' value="{_as_string(widget["value"])}"' if widget["value"] is not None else ""
    return f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _select(widget) -> str | None:
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != SELECT_OPTION_TEMPLATE:
                return None
            parts.append(
                f'\n  <option value="{_as_string(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_shown(option['label'])}</option>\n"  # the option template ends with a newline
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


SELECT_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
INPUT_TEMPLATES = {
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "input checkbox color date datetime email file hidden number password search tel text time url".split()
    )
}


class FastWidgetRenderer:
    """Wraps a form's renderer: Django's built-in input and select templates are printed in Python (same
    HTML), anything else goes to the wrapped renderer. Only wraps Django's default renderer, whose
    built-in widget templates cannot be overridden by a project's templates."""

    def __init__(self, fallback):
        self.fallback = fallback

    def __getattr__(self, name):
        return getattr(self.fallback, name)

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if widget is not None:
            if template_name in INPUT_TEMPLATES:
                return _input(widget)
            if template_name == "django/forms/widgets/select.html":
                html = _select(widget)
                if html is not None:
                    return html
        return self.fallback.render(template_name, context, request)


def with_fast_widgets(form):
    """The same form, its widgets rendered by `FastWidgetRenderer` (when it uses Django's default renderer)."""
    if type(form.renderer) is DjangoTemplatesRenderer:
        form.renderer = FastWidgetRenderer(form.renderer)
    return form
