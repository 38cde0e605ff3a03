"""Every read on notifications: a person sees only their own."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from notifications.models import Notification


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.visible_to(user)
    if unread_only:
        qs = qs.unread()
    return qs.order_by("-created_at", "-pk")


def notification_get(*, user, pk: int) -> Notification:
    return get_object_or_404(Notification.objects.visible_to(user), pk=pk)


def notification_unread_count(*, user) -> int:
    return Notification.objects.visible_to(user).unread().count()
