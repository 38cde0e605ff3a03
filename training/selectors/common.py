"""The people a user may see for training."""

from __future__ import annotations

from django.db.models import QuerySet

from staff.models import Staff
from training.models import TRAINING_READ, sees_all


def staff_in_scope(user, perms=TRAINING_READ) -> QuerySet[Staff]:
    """Staff the user may see for training (or themselves). Superusers see everyone (Staff.visible_to ORs the own
    record onto an empty Q for them, which would narrow it to themselves)."""
    if sees_all(user):
        return Staff.objects.all()
    return Staff.objects.visible_to(user, perms)
