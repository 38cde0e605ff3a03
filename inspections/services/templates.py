"""Checklist templates and their versions: content (validated, matched by code), publish, retire, new draft."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.concurrency import apply_changes, check_version, copy_into, save_changed
from core.permissions import Perm
from inspections import relevance, scoring
from inspections.models import AnswerType, ChecklistTemplate, Item, Section, TemplateVersion, VersionStatus
from staff.access import require


@dataclass
class ItemSpec:
    code: str
    text_vi: str
    answer_type: str
    text_en: str = ""
    legal_basis: str = ""
    weight: Decimal = Decimal("1")
    critical: bool = False
    failing_answers: list | None = None
    note_required_on_failure: bool = False
    photo_required_on_failure: bool = False
    required: bool = True
    relevant: str = ""
    # None keeps what the item has (the on-screen editor does not edit them).
    choices: list | None = None
    choice_list: str | None = None
    hint: str | None = None
    constraint: str | None = None
    constraint_message: str | None = None


SELECT_TYPES = (AnswerType.SELECT_ONE, AnswerType.SELECT_MULTIPLE)
KEEP_FIELDS = {"choices": list, "choice_list": str, "hint": str, "constraint": str, "constraint_message": str}


@dataclass
class SectionSpec:
    code: str
    title_vi: str
    title_en: str = ""
    items: list | None = None


@transaction.atomic
def template_create(
    *,
    actor,
    code: str,
    name_vi: str,
    kind: str,
    name_en: str = "",
    description: str = "",
    pass_threshold: Decimal = Decimal("50"),
) -> ChecklistTemplate:
    require(actor, Perm.TEMPLATE_MANAGE)
    code = code.strip()
    if ChecklistTemplate.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A template with code %(code)s already exists.") % {"code": code}})
    template = ChecklistTemplate(
        code=code, name_vi=name_vi.strip(), name_en=name_en.strip(), kind=kind, description=description
    )
    template.full_clean()
    template.save()
    TemplateVersion.objects.create(template=template, number=1, pass_threshold=pass_threshold, created_by=actor)
    return template


@transaction.atomic
def template_update(
    *, actor, template: ChecklistTemplate, expected_version: int | None = None, **changes
) -> ChecklistTemplate:
    """Lock the row, check the version the editor started from (StaleVersion), write what changed."""
    require(actor, Perm.TEMPLATE_MANAGE)
    row = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    check_version(row, expected_version)
    changed = apply_changes(row, {k: changes[k] for k in ("name_vi", "name_en", "kind", "description") if k in changes})
    row.full_clean()
    save_changed(row, changed)
    copy_into(template, row)
    return template


def _check_draft(version: TemplateVersion) -> None:
    if version.status == VersionStatus.PUBLISHED:
        raise ValidationError(
            _("Version %(number)s is published and cannot change; edit the template to make a new draft version.")
            % {"number": version.number}
        )
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(
            _("Version %(number)s is retired and cannot change; edit the template to make a new draft version.")
            % {"number": version.number}
        )


def _locked_version(version: TemplateVersion) -> TemplateVersion:
    """Re-read the version under a row lock so two edits cannot race a publish."""
    return TemplateVersion.objects.select_for_update().select_related("template").get(pk=version.pk)


CODE_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
MAX_WEIGHT = Decimal("9999.99")


@dataclass(frozen=True)
class Problem:
    """One problem in a template's content: where (section or item code, field) and what."""

    section: str | None
    item: str | None
    field: str | None
    message: str  # for a form field
    full: str  # for a list of errors (names the section or item)


def _item_problems(item: ItemSpec, *, earlier: list[str]) -> list[tuple[str, str, str]]:
    """(field, message for the field, message naming the item) for one item."""
    code = item.code
    found = []

    def add(field, short, full=None):
        found.append((field, short, full or _("Item %(code)s: %(error)s") % {"code": code, "error": short}))

    if item.answer_type not in AnswerType.values:
        add(
            "answer_type",
            _("Unknown answer type “%(type)s”.") % {"type": item.answer_type},
            _("Item %(code)s: unknown answer type “%(type)s”.") % {"code": code, "type": item.answer_type},
        )
    if item.answer_type in SELECT_TYPES and item.choices is not None and not item.choices:
        add("answer_type", _("A choice item needs its list of choices."))
    if not (item.text_vi or "").strip():
        add(
            "text_vi",
            _("Write the item's text in Vietnamese."),
            _("Item %(code)s has no Vietnamese text.") % {"code": code},
        )
    try:
        weight = Decimal(item.weight)
    except (InvalidOperation, TypeError, ValueError):
        weight = None
    if weight is None or not weight.is_finite():
        add("weight", _("The weight must be a number."))
    elif weight < 0:
        add(
            "weight",
            _("The weight must be greater than 0."),
            _("Item %(code)s: the weight cannot be negative.") % {"code": code},
        )
    elif weight == 0 or weight > MAX_WEIGHT:
        add("weight", _("The weight must be greater than 0 and at most %(max)s.") % {"max": MAX_WEIGHT})
    if item.answer_type in AnswerType.values and item.failing_answers:
        problem = scoring.failing_answers_problem(item.answer_type, item.failing_answers)
        if problem:
            add("failing_answers", problem)
    if (item.relevant or "").strip():
        try:
            relevance.check(item.relevant, code=code, earlier=earlier)
        except relevance.RelevanceError as exc:
            add("relevant", str(exc), _("Item %(code)s, relevant: %(error)s") % {"code": code, "error": exc})
    if (item.constraint or "").strip():
        try:
            relevance.check_constraint(item.constraint, code=code, earlier=earlier)
        except relevance.RelevanceError as exc:
            add("constraint", str(exc), _("Item %(code)s, constraint: %(error)s") % {"code": code, "error": exc})
    if item.answer_type in SELECT_TYPES and item.choices:
        for short in choice_problems(item.choices):
            add("choices", short)
    return found


def choice_problems(choices: list) -> list[str]:
    """What is wrong with a list of choices ({name, label_vi, label_en, score}), in order."""
    problems, seen = [], set()
    for number, c in enumerate(choices, 1):
        name = str(c.get("name") or "").strip()
        if not name:
            problems.append(_("Choice %(n)s has no name.") % {"n": number})
        elif re.search(r"\s", name) or len(name) > 64:
            problems.append(_("Choice name “%(name)s” must be one word, 64 characters at most.") % {"name": name})
        elif name in seen:
            problems.append(_("Choice name “%(name)s” appears twice.") % {"name": name})
        seen.add(name)
        if not str(c.get("label_vi") or "").strip():
            problems.append(_("Choice %(name)s has no Vietnamese label.") % {"name": name or number})
        score = c.get("score")
        if score not in (None, ""):
            try:
                ok = Decimal(str(score).replace(",", ".")).is_finite()
            except InvalidOperation:
                ok = False
            if not ok:
                problems.append(_("The score of choice %(name)s is not a number.") % {"name": name or number})
    return problems


def content_problems(sections: list[SectionSpec]) -> list[Problem]:
    """Every problem in a template's content, in order."""
    problems: list[Problem] = []
    seen_items: set[str] = set()
    seen_sections: set[str] = set()
    earlier: list[str] = []
    for section in sections:
        scode = section.code
        if not scode or not (section.title_vi or "").strip():
            field = "code" if not scode else "title_vi"
            problems.append(
                Problem(
                    scode,
                    None,
                    field,
                    _("Every section needs a code and a Vietnamese title."),
                    _("Every section needs a code and a Vietnamese title."),
                )
            )
        elif not CODE_PATTERN.match(scode) or len(scode) > 40:
            message = _(
                "Code “%(code)s” must start with a letter and use only letters, digits, “-”, “_” or “.” (40 at most)."
            ) % {"code": scode}
            problems.append(Problem(scode, None, "code", message, message))
        if scode in seen_sections:
            message = _("Section code %(code)s appears twice.") % {"code": scode}
            problems.append(Problem(scode, None, "code", message, message))
        seen_sections.add(scode)
        for item in section.items or []:
            if not item.code:
                message = _("An item has no code.")
                problems.append(Problem(scode, item.code, "code", message, message))
            elif item.code in seen_items:
                problems.append(
                    Problem(
                        scode,
                        item.code,
                        "code",
                        _("Another item of this version already has code %(code)s.") % {"code": item.code},
                        _("Item code %(code)s appears twice.") % {"code": item.code},
                    )
                )
            elif not CODE_PATTERN.match(item.code) or len(item.code) > 40:
                message = _(
                    "Code “%(code)s” must start with a letter and use only letters, digits, “-”, “_” or “.” "
                    "(40 at most)."
                ) % {"code": item.code}
                problems.append(Problem(scode, item.code, "code", message, message))
            seen_items.add(item.code)
            for field, short, full in _item_problems(item, earlier=earlier):
                problems.append(Problem(scode, item.code, field, short, full))
            earlier.append(item.code)
    return problems


def validate_content(sections: list[SectionSpec]) -> list[str]:
    """Every problem in a template's content, as messages (codes named)."""
    return [p.full for p in content_problems(sections)]


ITEM_FIELDS = (
    "text_vi",
    "text_en",
    "legal_basis",
    "answer_type",
    "weight",
    "critical",
    "failing_answers",
    "note_required_on_failure",
    "photo_required_on_failure",
    "required",
    "relevant",
    "choices",
    "choice_list",
    "hint",
    "constraint",
    "constraint_message",
)


def version_content(version: TemplateVersion) -> list[SectionSpec]:
    """A version's sections and items as specs (what version_set_content takes); two queries."""
    items = Item.objects.order_by("order", "pk")
    sections = version.sections.order_by("order", "pk").prefetch_related(Prefetch("items", queryset=items))
    return [
        SectionSpec(
            code=s.code,
            title_vi=s.title_vi,
            title_en=s.title_en,
            items=[ItemSpec(code=i.code, **{f: getattr(i, f) for f in ITEM_FIELDS}) for i in s.items.all()],
        )
        for s in sections
    ]


@transaction.atomic
def version_set_content(
    *,
    actor,
    version: TemplateVersion,
    sections: list[SectionSpec],
    pass_threshold: Decimal | None = None,
    notes: str | None = None,
) -> TemplateVersion:
    """Replace a draft's sections and items (the XLSForm import, the API and the on-screen editor use
    this). Rows are matched by code: unchanged rows are left alone, changed rows updated, new rows
    created and missing rows deleted, so the audit trail shows what really changed."""
    require(actor, Perm.TEMPLATE_MANAGE)
    version = _locked_version(version)
    _check_draft(version)
    errors = validate_content(sections)
    if errors:
        raise ValidationError(errors)
    changed_version = []
    if pass_threshold is not None and Decimal(pass_threshold) != version.pass_threshold:
        if not Decimal(0) <= Decimal(pass_threshold) <= Decimal(100):
            raise ValidationError({"pass_threshold": _("The pass threshold is a percentage from 0 to 100.")})
        version.pass_threshold = Decimal(pass_threshold)
        changed_version.append("pass_threshold")
    if notes is not None and notes != version.notes:
        version.notes = notes
        changed_version.append("notes")
    if changed_version:
        version.save(update_fields=changed_version)
    old_sections = {s.code: s for s in Section.objects.filter(version=version)}
    old_items = {i.code: i for i in Item.objects.filter(version=version)}
    wanted_items = {spec.code for section in sections for spec in section.items or []}
    gone_items = [i.pk for code, i in old_items.items() if code not in wanted_items]
    if gone_items:
        Item.objects.filter(pk__in=gone_items).delete()
    new_sections, changed_sections, rows = [], [], []
    for order, spec in enumerate(sections, 1):
        row = old_sections.get(spec.code)
        if row is None:
            row = Section(version=version, code=spec.code, order=order, title_vi=spec.title_vi, title_en=spec.title_en)
            new_sections.append(row)
        elif (row.order, row.title_vi, row.title_en) != (order, spec.title_vi, spec.title_en):
            row.order, row.title_vi, row.title_en = order, spec.title_vi, spec.title_en
            changed_sections.append(row)
        rows.append(row)
    audit.bulk_update(Section, changed_sections, ["order", "title_vi", "title_en"], actor=actor)
    audit.bulk_create(Section, new_sections, actor=actor)
    if any(row.pk is None for row in new_sections):  # back-ends that do not return ids from bulk inserts
        by_code = {s.code: s for s in Section.objects.filter(version=version)}
        rows = [by_code[spec.code] for spec in sections]
    new_items, changed_items, order = [], [], 0
    for section, row in zip(sections, rows):
        for spec in section.items or []:
            order += 1
            failing = (
                spec.failing_answers
                if spec.failing_answers is not None
                else scoring.DEFAULT_FAILING.get(spec.answer_type, [])
            )
            values = {f: getattr(spec, f) for f in ITEM_FIELDS}
            values.update(
                weight=Decimal(spec.weight), failing_answers=list(failing), relevant=(spec.relevant or "").strip()
            )
            item = old_items.get(spec.code)
            for f, empty in KEEP_FIELDS.items():
                if values[f] is None:
                    values[f] = getattr(item, f) if item is not None else empty()
            item = None if item is not None and item.pk in gone_items else item
            if item is None:
                new_items.append(Item(version=version, section=row, order=order, code=spec.code, **values))
                continue
            before = (item.section_id, item.order, *[getattr(item, f) for f in ITEM_FIELDS])
            item.section, item.order = row, order
            for f, v in values.items():
                setattr(item, f, v)
            if before != (item.section_id, item.order, *[getattr(item, f) for f in ITEM_FIELDS]):
                changed_items.append(item)
    audit.bulk_update(Item, changed_items, ["section", "order", *ITEM_FIELDS], actor=actor)
    audit.bulk_create(Item, new_items, actor=actor)
    gone_sections = [s.pk for code, s in old_sections.items() if code not in {spec.code for spec in sections}]
    if gone_sections:
        Section.objects.filter(pk__in=gone_sections).delete()
    return version


@transaction.atomic
def version_publish(*, actor, version: TemplateVersion) -> TemplateVersion:
    """Freeze a draft. The version published before it is retired (assignments pinned to it keep it)."""
    require(actor, Perm.TEMPLATE_MANAGE)
    version = _locked_version(version)
    _check_draft(version)
    if not version.items.exists():
        raise ValidationError(_("A version without items cannot be published."))
    previous = list(TemplateVersion.objects.filter(template=version.template, status=VersionStatus.PUBLISHED))
    for old in previous:
        old.status = VersionStatus.RETIRED
    audit.bulk_update(TemplateVersion, previous, ["status"], actor=actor)
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor
    version.save()
    return version


@transaction.atomic
def version_retire(*, actor, version: TemplateVersion) -> TemplateVersion:
    require(actor, Perm.TEMPLATE_MANAGE)
    version = _locked_version(version)
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("Only a published version can be retired."))
    version.status = VersionStatus.RETIRED
    version.save(update_fields=["status"])
    return version


@transaction.atomic
def version_new_draft(*, actor, template: ChecklistTemplate) -> TemplateVersion:
    """Editing a published template: the draft (new or existing) that will become the next version,
    a copy of the latest version's content. The published version is never touched."""
    require(actor, Perm.TEMPLATE_MANAGE)
    ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    draft = TemplateVersion.objects.filter(template=template, status=VersionStatus.DRAFT).first()
    if draft is not None:
        return draft
    source = TemplateVersion.objects.filter(template=template).order_by("-number").first()
    number = (source.number if source else 0) + 1
    draft = TemplateVersion.objects.create(
        template=template,
        number=number,
        created_by=actor,
        pass_threshold=source.pass_threshold if source else Decimal("50"),
    )
    if source is not None:
        sections = []
        for s in source.sections.order_by("order").prefetch_related("items"):
            sections.append(
                SectionSpec(
                    code=s.code,
                    title_vi=s.title_vi,
                    title_en=s.title_en,
                    items=[
                        ItemSpec(
                            code=i.code,
                            text_vi=i.text_vi,
                            text_en=i.text_en,
                            answer_type=i.answer_type,
                            legal_basis=i.legal_basis,
                            weight=i.weight,
                            critical=i.critical,
                            failing_answers=i.failing_answers,
                            note_required_on_failure=i.note_required_on_failure,
                            photo_required_on_failure=i.photo_required_on_failure,
                            required=i.required,
                            relevant=i.relevant,
                            choices=i.choices,
                            choice_list=i.choice_list,
                            hint=i.hint,
                            constraint=i.constraint,
                            constraint_message=i.constraint_message,
                        )
                        for i in s.items.order_by("order")
                    ],
                )
            )
        version_set_content(actor=actor, version=draft, sections=sections)
    return draft
