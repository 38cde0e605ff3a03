"""The on-screen template editor: one section or item added, changed, moved or deleted in a draft."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.permissions import Perm
from inspections.models import Item, TemplateVersion
from inspections.services.templates import (
    ITEM_FIELDS,
    ItemSpec,
    SectionSpec,
    _check_draft,
    _locked_version,
    content_problems,
    version_content,
    version_set_content,
)
from staff.access import require


def _apply_edit(
    actor,
    version: TemplateVersion,
    sections: list[SectionSpec],
    *,
    section_code=None,
    item_code=None,
    pass_threshold=None,
) -> None:
    """Validate the edited content and save it; problems of the edited section or item are raised
    by field (for the form), the others as a list."""
    problems = content_problems(sections)
    if problems:
        by_field: dict[str, list[str]] = {}
        for p in problems:
            own = (item_code is not None and p.item == item_code) or (
                item_code is None and section_code is not None and p.section == section_code and p.item is None
            )
            key = p.field if own and p.field else NON_FIELD_ERRORS
            by_field.setdefault(key, []).append(p.message if own else p.full)
        raise ValidationError(by_field)
    version_set_content(actor=actor, version=version, sections=sections, pass_threshold=pass_threshold)


def _editable(actor, version: TemplateVersion) -> tuple[TemplateVersion, list[SectionSpec]]:
    require(actor, Perm.TEMPLATE_MANAGE)
    version = _locked_version(version)
    _check_draft(version)
    return version, version_content(version)


def _find_section(sections, code) -> SectionSpec:
    for section in sections:
        if section.code == code:
            return section
    raise ValidationError(_("Section %(code)s is not in this version.") % {"code": code}, code="missing")


def _find_item(sections, code) -> tuple[SectionSpec, ItemSpec]:
    for section in sections:
        for item in section.items:
            if item.code == code:
                return section, item
    raise ValidationError(_("Item %(code)s is not in this version.") % {"code": code}, code="missing")


@transaction.atomic
def version_update_settings(
    *, actor, version: TemplateVersion, pass_threshold: Decimal, notes: str | None = None
) -> TemplateVersion:
    version, sections = _editable(actor, version)
    if pass_threshold is None or not Decimal(0) <= Decimal(pass_threshold) <= Decimal(100):
        raise ValidationError({"pass_threshold": _("The pass threshold is a percentage from 0 to 100.")})
    return version_set_content(
        actor=actor, version=version, sections=sections, pass_threshold=pass_threshold, notes=notes
    )


@transaction.atomic
def section_save(
    *, actor, version: TemplateVersion, code: str, title_vi: str, title_en: str = "", original_code: str | None = None
) -> None:
    """Add a section at the end (original_code None) or change one (its code too)."""
    version, sections = _editable(actor, version)
    code, title_vi, title_en = (code or "").strip(), (title_vi or "").strip(), (title_en or "").strip()
    if original_code is None:
        if any(s.code == code for s in sections):
            raise ValidationError(
                {"code": _("Another section of this version already has code %(code)s.") % {"code": code}}
            )
        sections.append(SectionSpec(code=code, title_vi=title_vi, title_en=title_en, items=[]))
    else:
        section = _find_section(sections, original_code)
        if code != original_code and any(s.code == code for s in sections):
            raise ValidationError(
                {"code": _("Another section of this version already has code %(code)s.") % {"code": code}}
            )
        section.code, section.title_vi, section.title_en = code, title_vi, title_en
    _apply_edit(actor, version, sections, section_code=code)


@transaction.atomic
def section_delete(*, actor, version: TemplateVersion, code: str) -> None:
    """Delete a section with its items."""
    version, sections = _editable(actor, version)
    section = _find_section(sections, code)
    sections.remove(section)
    _apply_edit(actor, version, sections)


def _move(seq: list, index: int, direction: str) -> None:
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(seq):
        raise ValidationError(_("It cannot move further."), code="edge")
    seq[index], seq[target] = seq[target], seq[index]


@transaction.atomic
def section_move(*, actor, version: TemplateVersion, code: str, direction: str) -> None:
    version, sections = _editable(actor, version)
    _move(sections, sections.index(_find_section(sections, code)), direction)
    _apply_edit(actor, version, sections)


@transaction.atomic
def item_save(
    *, actor, version: TemplateVersion, section_code: str, spec: ItemSpec, original_code: str | None = None
) -> None:
    """Add an item at the end of a section (original_code None) or change one; the item may move to
    another section (at its end). Every rule of the content is checked (validate_content)."""
    version, sections = _editable(actor, version)
    spec.code = (spec.code or "").strip()
    target = _find_section(sections, section_code)
    if original_code is None:
        target.items.append(spec)
    else:
        section, old = _find_item(sections, original_code)
        index = section.items.index(old)
        if section is target:
            section.items[index] = spec
        else:
            section.items.pop(index)
            target.items.append(spec)
    _apply_edit(actor, version, sections, item_code=spec.code)


@transaction.atomic
def item_delete(*, actor, version: TemplateVersion, code: str) -> None:
    version, sections = _editable(actor, version)
    section, item = _find_item(sections, code)
    section.items.remove(item)
    _apply_edit(actor, version, sections)


@transaction.atomic
def item_move(*, actor, version: TemplateVersion, code: str, direction: str) -> None:
    """Up or down within its section; at the section's edge, into the previous or next section."""
    version, sections = _editable(actor, version)
    section, item = _find_item(sections, code)
    index = section.items.index(item)
    s_index = sections.index(section)
    if direction == "up" and index == 0 and s_index > 0:
        section.items.pop(0)
        sections[s_index - 1].items.append(item)
    elif direction == "down" and index == len(section.items) - 1 and s_index < len(sections) - 1:
        section.items.pop()
        sections[s_index + 1].items.insert(0, item)
    else:
        _move(section.items, index, direction)
    _apply_edit(actor, version, sections)


@transaction.atomic
def item_update(*, actor, item: Item, **changes) -> Item:
    require(actor, Perm.TEMPLATE_MANAGE)
    unknown = set(changes) - set(ITEM_FIELDS) - {"order"}
    if unknown:
        raise ValidationError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    changes.pop("order", None)
    version = _locked_version(item.version)
    _check_draft(version)
    sections = version_content(version)
    for section in sections:
        for spec in section.items:
            if spec.code == item.code:
                for key, value in changes.items():
                    setattr(spec, key, value)
    _apply_edit(actor, version, sections, section_code=None, item_code=item.code)
    return Item.objects.get(pk=item.pk)
