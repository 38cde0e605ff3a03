"""Bulk writes that keep the audit trail.

Signal-based history (django-simple-history) misses `bulk_create`, `bulk_update` and
`QuerySet.update`. Services that write many rows at once call these instead: when the model's history
is registered they write the history rows too, in bulk; otherwise they are plain bulk writes.
Never use `QuerySet.update()` on audited data in a service.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models


def _audited(model: type[models.Model]) -> bool:
    return hasattr(model, "history") and hasattr(model._meta, "simple_history_manager_attribute")


def bulk_create(model: type[models.Model], objs: Sequence[models.Model], *, actor=None, batch_size: int = 500):
    if not objs:
        return []
    if _audited(model):
        from simple_history.utils import bulk_create_with_history

        user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
        return bulk_create_with_history(list(objs), model, batch_size=batch_size, default_user=user)
    return model.objects.bulk_create(objs, batch_size=batch_size)


def bulk_update(model: type[models.Model], objs: Sequence[models.Model], fields: list[str], *, actor=None,
                batch_size: int = 500) -> int:
    if not objs:
        return 0
    if _audited(model):
        from simple_history.utils import bulk_update_with_history

        user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
        return bulk_update_with_history(list(objs), model, fields, batch_size=batch_size, default_user=user)
    return model.objects.bulk_update(objs, fields, batch_size=batch_size)
