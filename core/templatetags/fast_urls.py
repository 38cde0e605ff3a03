"""`{% url_pk "staff:staff-detail" person.pk %}`: the URL `{% url "staff:staff-detail" person.pk %}` gives, for a
view whose one argument is a record id, without a reverse() per row.

reverse() costs ≈25 µs; a list of 100 rows spent ≈2.5 ms on its links. Here a view's URL is reversed once per
process (and script prefix and URLconf) with a marker id, and each row's id takes the marker's place. Anything
other than a non-negative int goes through reverse() as before, so errors stay the same.
"""

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

MARKER = 987_654_321_012_345
_shapes: dict[tuple, tuple[str, str] | None] = {}


def url_for_pk(viewname: str, pk) -> str:
    if type(pk) is not int or pk < 0:
        return reverse(viewname, args=[pk])
    key = (viewname, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    try:
        shape = _shapes[key]
    except KeyError:
        head, found, tail = reverse(viewname, args=[MARKER]).partition(str(MARKER))
        shape = _shapes[key] = (head, tail) if found and str(MARKER) not in tail else None
    if shape is None:
        return reverse(viewname, args=[pk])
    return f"{shape[0]}{pk}{shape[1]}"


@register.simple_tag
def url_pk(viewname: str, pk) -> str:
    return url_for_pk(viewname, pk)
