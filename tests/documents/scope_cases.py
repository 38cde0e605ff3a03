"""Scope cases for the documents app's URLs (see tests/test_scope_walk.py): a document of a record in the
user's scope is served, the same document of another unit's record is 404; a kind the user may not ask
for at all is 404 too. Every kind is also checked in tests/documents/test_documents.py."""

from tests.inspections.scope_cases import _world as inspection_world
from tests.training.scope_cases import _world as training_world


def _record(kind, getter, world, role, ok_status=(200,), method="get"):
    def case(ctx):
        w = world(ctx)
        return {
            "user": ctx["cast"][role],
            "ok": {"kind": kind, "pk": getter(w, "in").pk},
            "out": {"kind": kind, "pk": getter(w, "out").pk},
            "ok_status": ok_status,
            "method": method,
        }

    return case


def _kind(ok, out, role="hr", ok_status=(200,)):
    def case(ctx):
        return {"user": ctx["cast"][role], "ok": {"kind": ok}, "out": {"kind": out}, "ok_status": ok_status}

    return case


CASES = {
    "documents:record-print": _record(
        "inspection_minutes", lambda w, side: w[f"approved_{side}"], inspection_world, "inspector"
    ),
    "documents:record-docx": _record("certificate", lambda w, side: w[side]["certificate"], training_world, "hr"),
    "documents:record-issue": _record(
        "inspection_minutes",
        lambda w, side: w[f"approved_{side}"],
        inspection_world,
        "inspector",
        ok_status=(302,),
        method="post",
    ),
    "documents:template-detail": _kind("class_list", "inspection_minutes"),
    "documents:template-download": _kind("class_list", "inspection_minutes"),
    "documents:report": _kind("training_report", "inspection_report"),
    "api-document-record": _record("class_opening", lambda w, side: w[side]["open"], training_world, "hr"),
    "api-document-report": _kind("training_report", "inspection_report", ok_status=(400,)),
}
