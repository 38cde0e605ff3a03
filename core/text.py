"""Text helpers shared by every app.

`clean_text` is the one normaliser for text that enters the database: control characters other than
tab, newline and carriage return are dropped (a vertical tab, form feed or Unicode line separator, which
Word pastes for Shift+Enter, becomes a space on one-line fields and a newline in long texts), Unicode is
normalised to NFC (Vietnamese typed on different keyboards arrives as NFC or NFD), and the ends are
trimmed. `clean_instance_text` applies it to every CharField/TextField of a model instance before it is
saved (connected to `pre_save` for every model in `core.apps`: forms, API, admin and history rows all
save through it); Excel imports clean every cell in `core.xlsx.read_table` because they bulk-create.
`clean_app_rows` cleans rows stored before, for one data migration per app.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import models
from django.db.models import Q
from unidecode import unidecode

# C0 and C1 control characters except \t \n \r, DEL, and the BOM / zero-width no-break space.
CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff]")
# Characters that separate lines in some editors: kept as a line break, or a space on one-line fields.
LINE_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Rows that may need cleaning, as a database regular expression (PostgreSQL ARE and Python re agree on it):
# a control character, a combining mark (text not in NFC) or white space at either end.
DIRTY_SQL_REGEX = r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u0300-\u036f\u2028\u2029\ufeff]|^\s|\s$"
TEXT_FIELDS = (models.CharField, models.TextField)


def clean_text(value: str | None, *, multiline: bool = True) -> str | None:
    """The stored form of a text typed, pasted or imported: "  Tra\u0302\u0300n\u000bThị " → "Trần Thị".
    None stays None (a NULL column)."""
    if value is None or not isinstance(value, str):
        return value
    text = LINE_BREAKS.sub("\n" if multiline else " ", value)
    text = CONTROL_CHARS.sub("", text)
    return unicodedata.normalize("NFC", text).strip()


def fold(text: str | None) -> str:
    """Lower-case ASCII form used for diacritics-insensitive search: "Nguyễn Văn Đức" → "nguyen van duc".
    NFC and NFD spellings of a name fold to the same text."""
    if not text:
        return ""
    return " ".join(unidecode(unicodedata.normalize("NFC", str(text))).lower().split())


def text_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]


def clean_instance_text(sender, instance, raw=False, **kwargs) -> None:
    """pre_save receiver: clean every text field of the instance (not for fixtures loaded raw)."""
    if raw:
        return
    for field in text_fields(sender):
        value = getattr(instance, field.attname)
        if isinstance(value, str) and value:
            cleaned = clean_text(value, multiline=isinstance(field, models.TextField))
            if cleaned != value:
                setattr(instance, field.attname, cleaned)


def clean_app_rows(apps, app_label: str) -> int:
    """Clean the text of every row of every model of one app (history models included), with the
    historical models of a migration. Only rows that may need it are read (DIRTY_SQL_REGEX); each is
    written with an UPDATE of its changed columns. Returns the number of rows changed."""
    changed = 0
    for model in apps.get_app_config(app_label).get_models():
        fields = text_fields(model)
        if not fields or model._meta.proxy or not model._meta.managed:
            continue
        dirty = Q()
        for field in fields:
            dirty |= Q(**{f"{field.attname}__regex": DIRTY_SQL_REGEX})
        pk = model._meta.pk.attname
        for row in list(model._base_manager.filter(dirty).values(pk, *[f.attname for f in fields])):
            updates = {}
            for field in fields:
                value = row[field.attname]
                cleaned = clean_text(value, multiline=isinstance(field, models.TextField))
                if cleaned != value:
                    updates[field.attname] = cleaned
            if updates:
                model._base_manager.filter(**{pk: row[pk]}).update(**updates)
                changed += 1
    return changed


def migration_cleaner(app_label: str):
    """The RunPython function of an app's text-cleaning data migration."""

    def clean(apps, schema_editor) -> None:
        clean_app_rows(apps, app_label)

    clean.__name__ = f"clean_{app_label}_text"
    return clean
