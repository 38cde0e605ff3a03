"""Scope cases for the notifications app's URLs: a notification is its recipient's only."""

from notifications.models import Notification


def _open(ctx):
    mine = Notification.objects.create(
        recipient=ctx["cast"]["hr"], kind="other", object_ref="x:1", occasion="a", title="Mine"
    )
    theirs = Notification.objects.create(
        recipient=ctx["cast"]["outsider_hr"], kind="other", object_ref="x:1", occasion="a", title="Theirs"
    )
    return {"user": ctx["cast"]["hr"], "ok": {"pk": mine.pk}, "out": {"pk": theirs.pk}, "method": "post"}


CASES = {"notifications:open": _open}
