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


# ---- h18b: assessment rounds and indicator values
def _round(ctx):
    import datetime as dt

    from django.utils import timezone

    from scorecards import rounds
    from scorecards.models import AssessmentRound
    from scorecards.periods import Period
    from staff.access import system_actor

    existing = AssessmentRound.objects.first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    period = Period(today.year, quarter=(today.month - 1) // 3 + 1)
    return rounds.round_open(actor=system_actor(), period=period, deadline=today + dt.timedelta(days=30))


def _round_only(ctx):
    # Rounds are province-wide: "out" is a round that does not exist.
    pk = _round(ctx).pk
    return {"user": ctx["cast"]["unit_head"], "ok": {"pk": pk}, "out": {"pk": pk + 1000}}


def _round_unit(ctx, method="get", ok_status=(200, 302)):
    pk = _round(ctx).pk
    return {
        "user": ctx["cast"]["unit_head"],
        "ok": {"pk": pk, "unit_pk": ctx["tree"]["alpha"].pk},
        "out": {"pk": pk, "unit_pk": ctx["tree"]["beta"].pk},
        "method": method,
        "ok_status": ok_status,
    }


def _round_publish(ctx):
    # The current quarter has not ended: publishing it is refused (400); a missing round is 404.
    pk = _round(ctx).pk
    return {
        "user": ctx["cast"]["admin"],
        "ok": {"pk": pk},
        "out": {"pk": pk + 1000},
        "method": "post",
        "ok_status": (400,),
    }


def _round_appraise(ctx):
    # An appraiser of Sở Alpha only: Sở Beta is outside; Alpha has submitted nothing (400).
    from core.permissions import Role
    from tests.factories import UserFactory, grant

    case = _round_unit(ctx, method="post", ok_status=(400,))
    judge = UserFactory(username="appraiser.alpha")
    grant(judge, Role.APPRAISER, ctx["tree"]["alpha"])
    case["user"] = judge
    return case


def _indicator_value(ctx):
    from scorecards.models import Indicator, IndicatorValue

    late = Indicator.objects.get(code="late_dossiers")
    ok = IndicatorValue.objects.create(indicator=late, unit=ctx["tree"]["alpha"], period="2026-Q2", value=3)
    out = IndicatorValue.objects.create(indicator=late, unit=ctx["tree"]["beta"], period="2026-Q2", value=4)
    return {"user": ctx["cast"]["unit_head"], "ok": {"pk": ok.pk}, "out": {"pk": out.pk}}


CASES.update(
    {
        "scorecards:round": _round_only,
        "scorecards:assessment": _round_unit,
        "scorecards:assessment-export": _round_unit,
        "assessment-round-detail": _round_only,
        "assessment-round-publish": _round_publish,
        "assessment-round-unit": _round_unit,
        "assessment-round-unit-save": lambda ctx: _round_unit(ctx, method="post", ok_status=(400,)),
        "assessment-round-unit-submit": lambda ctx: _round_unit(ctx, method="post", ok_status=(200,)),
        "assessment-round-unit-appraise": _round_appraise,
        "indicator-value-detail": _indicator_value,
    }
)
