"""`{% load audit_tags %}{% record_history obj %}`: the history section of a record's page.

The page that includes it has already checked that the user may see the record."""

from django import template

from audit.selectors import record_history

register = template.Library()


@register.inclusion_tag("audit/includes/history.html")
def record_history_section(obj, limit=20):
    return {"entries": record_history(obj=obj, limit=limit)}


@register.filter
def minutes(delta) -> int:
    """A timedelta in whole minutes (rounded up)."""
    if delta is None:
        return 0
    return -(-int(delta.total_seconds()) // 60)
