"""Scope cases for the jobs app's URLs (see tests/test_scope_walk.py): an export belongs to the
person who started it; anyone else, even an administrator, gets 404."""

from jobs.models import ExportJob


def _export(ctx):
    mine = ExportJob.objects.create(owner=ctx["cast"]["hr"], kind="staff_directory")
    theirs = ExportJob.objects.create(owner=ctx["cast"]["outsider_hr"], kind="staff_directory")
    return {"user": ctx["cast"]["hr"], "ok": {"pk": mine.pk}, "out": {"pk": theirs.pk}}


CASES = {
    "jobs:export-detail": _export,
    "jobs:export-status": _export,
    "jobs:export-download": _export,  # not finished yet: redirects to the progress page
}
