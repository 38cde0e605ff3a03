"""What every background export shares: progress reported while the rows are read, and the filters
kept on the job read back as a FilterSet's data, as the job's owner."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from django.db.models import QuerySet
from django.utils.datastructures import MultiValueDict

PROGRESS_EVERY = 500


class ProgressQuerySet:
    """Wraps a queryset for an exporter: `iterator()` reports every PROGRESS_EVERY rows."""

    def __init__(self, queryset, on_progress: Callable[[int], None], every: int = PROGRESS_EVERY):
        self._qs = queryset
        self._on_progress = on_progress
        self._every = every

    def iterator(self, chunk_size: int = 2000):
        done = 0
        for item in self._qs.iterator(chunk_size=chunk_size):
            yield item
            done += 1
            if done % self._every == 0:
                self._on_progress(done)
        self._on_progress(done)

    def __iter__(self):
        return self.iterator()

    def __getattr__(self, name):
        """Anything else goes to the queryset; a derived queryset (values_list(), only()...) stays
        wrapped, so progress is reported whichever way the exporter reads its rows."""
        attr = getattr(self._qs, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            result = attr(*args, **kwargs)
            if isinstance(result, QuerySet):
                return ProgressQuerySet(result, self._on_progress, self._every)
            return result

        return call


def as_data(filters: dict[str, list[str]]) -> MultiValueDict:
    return MultiValueDict({key: list(values) for key, values in filters.items()})


def request_for(user):
    """FilterSets only read `request.user` (to list the units a person may filter on)."""
    return SimpleNamespace(user=user)


def filter_errors(filterset) -> str:
    return "; ".join(f"{key}: {' '.join(messages)}" for key, messages in filterset.errors.items())
