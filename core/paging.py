"""Paging a list as plain rows."""

from __future__ import annotations

from django.db.models import QuerySet


class PagedRows:
    """A list's rows for a paginator (Django's or DRF's): counted on the scoped, filtered queryset itself
    (only the joins its filters need), each page read as `fields` values (the joins its columns need):
    dicts, or tuples with `tuples=True`. Counting a values() queryset would keep the columns' joins: at
    province scale the findings count took 220 ms with them instead of 120 ms."""

    def __init__(self, queryset: QuerySet, fields, *, tuples: bool = False):
        self.queryset, self.fields, self.tuples = queryset, fields, tuples
        self.ordered = queryset.ordered

    def _rows(self, queryset: QuerySet) -> QuerySet:
        return queryset.values_list(*self.fields) if self.tuples else queryset.values(*self.fields)

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self._rows(self.queryset[key])
        return self._rows(self.queryset)[key]
