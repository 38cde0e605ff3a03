"""Reads of the audit trail: the history of one record, and the administrator's log across every
audited model (one UNION query per page, each part filtered in the database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import CharField, F, OuterRef, Subquery, Value
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from audit.models import AUDITED

TYPES = {"+": "created", "~": "changed", "-": "deleted"}


def audited_models() -> list[type[models.Model]]:
    """Every model with a history, in registration order (see audit/models.py)."""
    result = []
    for app_label, name, _excluded in AUDITED:
        model = apps.get_model(app_label, name)
        if hasattr(model._meta, "simple_history_manager_attribute"):
            result.append(model)
    return result


def model_key(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def model_by_key(key: str):
    for model in audited_models():
        if model_key(model) == key:
            return model
    return None


@dataclass
class Change:
    field: str
    label: str
    before: str
    after: str


@dataclass
class Entry:
    model: Any
    history_id: int
    object_id: int
    when: dt.datetime
    kind: str  # created / changed / deleted
    user: str
    ip_address: str | None
    title: str = ""
    changes: list[Change] = field(default_factory=list)

    @property
    def model_label(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def kind_label(self) -> str:
        return {"created": _("created"), "changed": _("changed"), "deleted": _("deleted")}[self.kind]


# Bookkeeping columns a person never edits: timestamps, folded search keys, the stored reply to a synced
# submission. An integer `version` is the edit counter of optimistic locking (a `version` relation, the
# checklist version an inspection was filled with, is shown).
HIDDEN_FIELDS = {"updated_at", "created_at", "search_name", "search_title", "sync_response"}


def _tracked_fields(history_model) -> list:
    return [
        f
        for f in history_model.tracked_fields
        if f.name not in HIDDEN_FIELDS and not (f.name == "version" and not f.is_relation)
    ]


def _name_of(obj) -> str:
    if hasattr(obj, "get_username"):  # a user: the name they are known by, else the login
        return obj.get_full_name() or obj.get_username()
    return str(obj)


def related_names(history_model, rows) -> dict[tuple[type, Any], str]:
    """Names of the records the relation fields of these history rows point to, so a change reads
    "nominated by: hr.tinh" rather than "#2": one query per related model, whatever the number of rows."""
    wanted: dict[type, set] = {}
    for fld in _tracked_fields(history_model):
        if fld.is_relation and fld.related_model is not None:
            ids = {getattr(r, fld.attname) for r in rows if r is not None} - {None}
            if ids:
                wanted.setdefault(fld.related_model, set()).update(ids)
    names = {}
    for model, ids in wanted.items():
        for pk, obj in model._default_manager.in_bulk(ids).items():
            names[(model, pk)] = _name_of(obj)
    return names


def _display(fld, value, names: dict | None = None) -> str:
    if value is None or value == "":
        return "—"
    if fld.choices:
        return str(dict(fld.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "d/m/Y H:i")
    if isinstance(value, dt.date):
        return formats.date_format(value, "d/m/Y")
    if isinstance(value, (Decimal, float)):
        return formats.number_format(value, use_l10n=True)  # 2,50 in Vietnamese
    if fld.is_relation:
        name = (names or {}).get((fld.related_model, value))
        return name if name is not None else f"#{value}"  # a record deleted since shows its number
    return str(value)


def diff(history_model, before, after, names: dict | None = None) -> list[Change]:
    """Field-by-field difference between two historical rows (before may be None: created)."""
    changes = []
    for fld in _tracked_fields(history_model):
        new = getattr(after, fld.attname)
        old = getattr(before, fld.attname) if before is not None else None
        if before is not None and old == new:
            continue
        if before is None and new in (None, ""):
            continue
        changes.append(Change(fld.attname, str(fld.verbose_name), _display(fld, old, names), _display(fld, new, names)))
    return changes


def _entries(model, rows, title=None) -> list[Entry]:
    """Historical rows (with `prev_history_id` annotated) → entries with their differences."""
    history_model = model.history.model
    prev_ids = [r.prev_history_id for r in rows if r.prev_history_id]
    previous = history_model.objects.in_bulk(prev_ids) if prev_ids else {}
    names = related_names(history_model, [*rows, *previous.values()])
    entries = []
    for row in rows:
        before = previous.get(row.prev_history_id)
        entries.append(
            Entry(
                model=model,
                history_id=row.history_id,
                object_id=row.id,
                when=row.history_date,
                kind=TYPES.get(row.history_type, row.history_type),
                user=row.history_user.get_username() if row.history_user_id else _("system"),
                ip_address=row.ip_address,
                title=title(row) if title else _title(model, row),
                changes=[] if row.history_type == "-" else diff(history_model, before, row, names),
            )
        )
    return entries


def _title(model, row) -> str:
    for name in ("full_name", "name", "title", "code", "staff_code"):
        value = getattr(row, name, None)
        if value:
            return str(value)
    return f"#{row.id}"


def _with_previous(qs):
    history_model = qs.model
    previous = history_model.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id")).order_by(
        "-history_id"
    )
    return qs.annotate(prev_history_id=Subquery(previous.values("history_id")[:1]))


def history_entries(qs, *, limit: int = 50, title=None) -> list[Entry]:
    """Entries for a queryset of historical rows (of one model), newest first, each with what changed:
    `title(row)` names the record of each entry (default: its name, title or code)."""
    rows = list(_with_previous(qs.select_related("history_user").order_by("-history_id"))[:limit])
    return _entries(qs.model.instance_type, rows, title)


def record_history(*, obj, limit: int = 50) -> list[Entry]:
    """The history of one record, newest first, with what changed at each step."""
    model = type(obj)
    if not hasattr(model._meta, "simple_history_manager_attribute"):
        return []
    return history_entries(model.history.model.objects.filter(id=obj.pk), limit=limit)


# ---------------------------------------------------------------------------------- the log
def _filtered(model, *, user=None, date_from=None, date_to=None, object_id=None):
    qs = model.history.model.objects.all()
    if user is not None:
        qs = qs.filter(history_user=user)
    if date_from is not None:
        qs = qs.filter(history_date__gte=_start_of(date_from))
    if date_to is not None:
        qs = qs.filter(history_date__lt=_start_of(date_to + dt.timedelta(days=1)))
    if object_id is not None:
        qs = qs.filter(id=object_id)
    return qs


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def log_queryset(*, model_key_value: str | None = None, user=None, date_from=None, date_to=None, object_id=None):
    """A values() queryset over all audited models: (key, history_id, history_date), newest first."""
    models_ = [model_by_key(model_key_value)] if model_key_value else audited_models()
    parts = []
    for model in models_:
        if model is None:
            continue
        parts.append(
            _filtered(model, user=user, date_from=date_from, date_to=date_to, object_id=object_id)
            .annotate(model_key=Value(model_key(model), output_field=CharField()), at=F("history_date"))
            .values("model_key", "history_id", "at")
            .order_by()
        )
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0].order_by("-at", "-history_id")
    return parts[0].union(*parts[1:], all=True).order_by("-at", "-history_id")


def log_entries(keys: list[dict]) -> list[Entry]:
    """Load the page's rows (one query per model present on the page, plus their previous rows)."""
    by_model: dict[str, list[int]] = {}
    for key in keys:
        by_model.setdefault(key["model_key"], []).append(key["history_id"])
    loaded: dict[tuple[str, int], Entry] = {}
    for key, ids in by_model.items():
        model = model_by_key(key)
        qs = model.history.model.objects.filter(history_id__in=ids).select_related("history_user")
        for entry in _entries(model, list(_with_previous(qs))):
            loaded[(key, entry.history_id)] = entry
    return [loaded[(k["model_key"], k["history_id"])] for k in keys if (k["model_key"], k["history_id"]) in loaded]
