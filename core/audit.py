"""Bulk writes that keep the audit trail.

Signal-based history (django-simple-history) misses `bulk_create`, `bulk_update` and
`QuerySet.update`. Services that write many rows at once call these instead: when the model's history
is registered they write the history rows too, in bulk; otherwise they are plain bulk writes.
Never use `QuerySet.update()` on audited data in a service.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, models, router, transaction


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


def bulk_update(
    model: type[models.Model], objs: Sequence[models.Model], fields: list[str], *, actor=None, batch_size: int = 500
) -> int:
    """Like `QuerySet.bulk_update` (plus history rows when audited), but written as one prepared
    `UPDATE ... WHERE pk = %s` run for every object (`executemany`). Django's bulk_update builds a
    CASE WHEN expression per field and per object in Python, which made re-importing a province's roster
    take minutes."""
    if not objs:
        return 0
    objs = list(objs)
    with transaction.atomic(savepoint=False):
        updated = fast_bulk_update(model, objs, fields, batch_size=batch_size)
        if _audited(model):
            from simple_history.utils import get_history_manager_for_model

            user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
            get_history_manager_for_model(model).bulk_history_create(
                objs, batch_size=batch_size, update=True, default_user=user
            )
    return updated


def fast_bulk_update(
    model: type[models.Model], objs: list[models.Model], fields: list[str], *, batch_size: int = 500
) -> int:
    """Save `fields` of every object with one prepared statement. Values that are expressions (F(),
    Case...) go through Django's bulk_update instead."""
    concrete = [model._meta.get_field(name) for name in fields]
    if any(not f.concrete or f.primary_key or f.many_to_many for f in concrete):
        return model.objects.bulk_update(objs, fields, batch_size=batch_size)
    if any(hasattr(getattr(obj, f.attname), "resolve_expression") for obj in objs for f in concrete):
        return model.objects.bulk_update(objs, fields, batch_size=batch_size)
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in concrete)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"
    pk_field = model._meta.pk
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in concrete]
        + [pk_field.get_db_prep_value(obj.pk, connection)]
        for obj in objs
    ]
    updated = 0
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        for start in range(0, len(params), batch_size):
            cursor.executemany(sql, params[start : start + batch_size])
            updated += max(cursor.rowcount, 0)
    return updated
