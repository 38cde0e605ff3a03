"""External training, requirement rules and calendar tokens."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.permissions import Perm, has_perm
from core.uploads import check_upload
from staff.access import require, unit_scope_q
from staff.models import Staff, Unit
from training.models import CalendarToken, ExternalStatus, ExternalTraining, TrainingRequirement


@transaction.atomic
def external_record(
    *,
    actor,
    staff: Staff,
    title: str,
    provider: str,
    start_date: dt.date,
    end_date: dt.date,
    periods,
    minutes: int | None = None,
    evidence=None,
    category: str = "",
) -> ExternalTraining:
    """Declare training taken elsewhere, in tiết (the minutes are an optional detail)."""
    own = staff.user_id == actor.pk and has_perm(actor, Perm.OWN_RECORD)
    if not own:
        require(actor, Perm.TRAINING_MANAGE, staff.unit)
    if end_date < start_date:
        raise ValidationError({"end_date": _("The training ends before it starts.")})
    if periods is None or periods <= 0:
        raise ValidationError({"periods": _("Give the number of tiết of training.")})
    obj = ExternalTraining(
        staff=staff,
        title=title.strip(),
        provider=provider.strip(),
        start_date=start_date,
        end_date=end_date,
        periods=periods,
        minutes=minutes or 0,
        category=category,
        recorded_by=actor,
    )
    if evidence:
        try:
            checked = check_upload(evidence)
        except ValidationError as exc:
            raise ValidationError({"evidence": exc.messages}) from exc
        content = checked.as_content_file(uuid.uuid4().hex)
        obj.evidence.save(content.name, content, save=False)
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def external_decide(*, actor, external: ExternalTraining, approve: bool) -> ExternalTraining:
    obj = ExternalTraining.objects.select_for_update(of=("self",)).select_related("staff__unit").get(pk=external.pk)
    require(actor, Perm.TRAINING_MANAGE, obj.staff.unit)
    if approve and not obj.evidence:
        raise ValidationError({"evidence": _("Approve external training only with evidence attached.")})
    obj.status = ExternalStatus.APPROVED if approve else ExternalStatus.REJECTED
    obj.approved_by, obj.approved_at = actor, timezone.now()
    obj.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    return obj


REQUIREMENT_FIELDS = (
    "name",
    "staff_category",
    "job_position",
    "rank_code",
    "unit",
    "periods_per_year",
    "effective_year",
    "end_year",
    "legal_basis",
    "active",
)


def _require_rule_unit(actor, unit: Unit | None) -> None:
    if unit is not None:
        require(actor, Perm.TRAINING_MANAGE, unit)
    elif not Unit.objects.filter(unit_scope_q(actor, Perm.TRAINING_MANAGE), parent__isnull=True).exists():
        raise ValidationError({"unit": _("Only an officer of the whole province can make a rule for every unit.")})


@transaction.atomic
def requirement_create(
    *, actor, name: str, periods_per_year: int, effective_year: int, unit: Unit | None = None, **fields
) -> TrainingRequirement:
    _require_rule_unit(actor, unit)
    obj = TrainingRequirement(
        name=name.strip(), periods_per_year=periods_per_year, effective_year=effective_year, unit=unit
    )
    for key in ("staff_category", "job_position", "rank_code", "legal_basis", "active", "end_year"):
        if key in fields and fields[key] is not None:
            setattr(obj, key, fields[key])
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def requirement_update(*, actor, requirement: TrainingRequirement, **changes) -> TrainingRequirement:
    """Edit a rule (its tiết, criteria, years, legal basis). Only someone who manages training for the rule's unit
    (the whole province for a rule without a unit), before and after the change, may do it."""
    obj = TrainingRequirement.objects.select_for_update(of=("self",)).select_related("unit").get(pk=requirement.pk)
    _require_rule_unit(actor, obj.unit)
    for key, value in changes.items():
        if key not in REQUIREMENT_FIELDS:
            raise ValidationError(_("Unknown field: %(field)s") % {"field": key})
        setattr(obj, key, value.strip() if isinstance(value, str) else value)
    if "unit" in changes:
        _require_rule_unit(actor, obj.unit)
    obj.full_clean()
    obj.save()
    return obj


def requirement_retire(*, actor, requirement: TrainingRequirement, last_year: int) -> TrainingRequirement:
    """Retire a rule: it applies up to `last_year` and no longer after. Nothing is deleted, so past years keep the
    rule they were measured against."""
    if last_year < requirement.effective_year:
        raise ValidationError(
            {
                "end_year": _("A rule cannot end before its first year (%(year)s).")
                % {"year": requirement.effective_year}
            }
        )
    return requirement_update(actor=actor, requirement=requirement, end_year=last_year)


def calendar_token_for(*, user, reset: bool = False) -> CalendarToken:
    token = CalendarToken.objects.filter(user=user).first()
    if token is None:
        return CalendarToken.objects.create(user=user, token=CalendarToken.new_token())
    if reset:
        token.token = CalendarToken.new_token()
        token.save(update_fields=["token"])
    return token
