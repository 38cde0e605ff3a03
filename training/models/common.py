"""What the training models share: the training permissions and the scope helpers their querysets use."""

from __future__ import annotations

from django.db.models import Q

from core.permissions import Perm, has_perm
from staff.access import NOTHING, unit_scope_q

TRAINING_READ = (Perm.TRAINING_VIEW, Perm.TRAINING_MANAGE, Perm.TRAINING_ATTEND)
READ_OR_OWN = (*TRAINING_READ, Perm.OWN_RECORD)  # training readers, or anyone for their own record


def sees_all(user) -> bool:
    """Superusers see everything. Needed before OR-ing extra conditions: `Q() | x` is just `x` in Django."""
    return user is not None and user.is_authenticated and user.is_active and user.is_superuser


def own_or_scoped_q(user, class_prefix: str, staff_prefix: str) -> Q:
    if sees_all(user):
        return Q()
    if user is None or not user.is_authenticated:
        return NOTHING
    q = unit_scope_q(user, TRAINING_READ, prefix=f"{class_prefix}unit__") | unit_scope_q(
        user, TRAINING_READ, prefix=f"{staff_prefix}unit__"
    )
    if has_perm(user, Perm.OWN_RECORD):
        q |= Q(**{f"{staff_prefix}user_id": user.pk})
    return q
