"""Filters shared by every FilterSet: numbers the database can hold, so a malformed query string
("?course=-5e116", "?year=0.42") is a 400 naming the filter, never an overflow in the database driver."""

from __future__ import annotations

import django_filters
from django import forms

BIGGEST_ID = 2**63 - 1  # the largest integer SQLite and PostgreSQL bigint columns hold


class IdFilter(django_filters.NumberFilter):
    """A record id: a whole number from 1 to the largest the database holds."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGGEST_ID)
        super().__init__(*args, **kwargs)


class YearFilter(django_filters.NumberFilter):
    """A calendar year (1900–2200)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2200)
        super().__init__(*args, **kwargs)
