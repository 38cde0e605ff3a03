"""Scope cases for the scorecards app's URLs (see tests/test_scope_walk.py). The unit head of Sở Alpha
sees Alpha's subtree; Sở Beta is outside."""


def _unit(ctx):
    return {
        "user": ctx["cast"]["unit_head"],
        "ok": {"pk": ctx["tree"]["alpha"].pk},
        "out": {"pk": ctx["tree"]["beta"].pk},
    }


def _chart(ctx):
    case = _unit(ctx)
    case["ok"] = {**case["ok"], "name": "criteria", "fmt": "png"}
    case["out"] = {**case["out"], "name": "criteria", "fmt": "png"}
    return case


def _model(ctx):
    # The 2026 model comes with the data migration; no model exists for 1999.
    return {"user": ctx["cast"]["admin"], "ok": {"year": 2026}, "out": {"year": 1999}}


def _run(ctx):
    # Publishing runs are province-wide (administrators only): "out" is a run that does not exist.
    from scorecards.models import PublishRun

    run = PublishRun.objects.create(period="2026-Q1")
    return {"user": ctx["cast"]["admin"], "ok": {"pk": run.pk}, "out": {"pk": run.pk + 1000}}


def _publication(ctx):
    # Anyone who sees a scorecard sees that a period is published (the rows are cut to their scope);
    # a period never published is 404.
    from scorecards.models import PublishedPeriod, ScorecardModel
    from scorecards.periods import Period

    period = Period.parse("2026-Q1")
    PublishedPeriod.objects.create(
        period=period.key, start=period.start, end=period.end, scorecard_model=ScorecardModel.objects.get(year=2026)
    )
    return {"user": ctx["cast"]["unit_head"], "ok": {"period": "2026-Q1"}, "out": {"period": "2025-Q4"}}


CASES = {
    "scorecards:unit": _unit,
    "scorecards:chart": _chart,
    "scorecards:export": _unit,
    "scorecards:model-edit": _model,
    "scorecards:publish-run": _run,
    "scorecards:publish-run-status": _run,
    "scorecards:publication": _publication,
    "scorecard-detail": _unit,
    "scorecard-chart": _chart,
}
