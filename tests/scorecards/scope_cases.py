"""Scope cases for the scorecards app's URLs (see tests/test_scope_walk.py). The unit head of Sở Alpha
sees Alpha's subtree; Sở Beta is outside."""


def _unit(ctx):
    return {"user": ctx["cast"]["unit_head"], "ok": {"pk": ctx["tree"]["alpha"].pk},
            "out": {"pk": ctx["tree"]["beta"].pk}}


def _chart(ctx):
    case = _unit(ctx)
    case["ok"] = {**case["ok"], "name": "criteria", "fmt": "png"}
    case["out"] = {**case["out"], "name": "criteria", "fmt": "png"}
    return case


def _model(ctx):
    # The 2026 model comes with the data migration; no model exists for 1999.
    return {"user": ctx["cast"]["admin"], "ok": {"year": 2026}, "out": {"year": 1999}}


CASES = {
    "scorecards:unit": _unit,
    "scorecards:chart": _chart,
    "scorecards:export": _unit,
    "scorecards:model-edit": _model,
    "scorecard-detail": _unit,
    "scorecard-chart": _chart,
}
