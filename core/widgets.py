"""Form widgets every app may share.

`FastSelect` renders the same HTML as Django's `Select` for a single choice, but builds the options in
Python instead of one template render per option. A filter over the unit tree has ≈1,500 options at
province scale: Django's template path took ≈250 ms per page for them. With `label_field`, a model
choice field's options are read with one `values_list(pk, label_field)` instead of building 1,500 model
instances (which cost more than rendering them): a few ms in all.
"""

from html import escape

from django.forms import Select
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


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
        parts = [format_html('<select name="{}"{}>', name, flatatt(final_attrs))]
        chosen = False
        for option_value, label in self._options():
            key = "" if option_value is None else str(option_value)
            is_selected = not chosen and key in selected
            chosen = chosen or is_selected
            mark = " selected" if is_selected else ""
            parts.append(f'<option value="{escape(key)}"{mark}>{escape(str(label))}</option>')
        parts.append("</select>")
        return mark_safe("\n".join(parts))
