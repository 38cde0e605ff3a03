"""Every read for scorecards: the province's tables (`tables`), what a user may see of them
(`scorecard`), and the administration's records (`records`)."""

from scorecards.selectors.records import (
    criteria_history,
    publication_get,
    publication_list,
    publication_snapshots,
    publish_run_get,
    publish_run_list,
    scorecard_model_get,
    scorecard_model_list,
)
from scorecards.selectors.scorecard import (
    UnitScorecard,
    home_unit,
    latest_snapshot,
    province_rows,
    unit_get,
    unit_scorecard,
    visible_units,
)
from scorecards.selectors.tables import (
    SNAPSHOT_FIELDS,
    TREND_LENGTH,
    ScoreTable,
    compute_live,
    period_facts,
    previous_totals,
    score_differences,
    score_table,
    scorecard_model_for_year,
    unit_rows,
    unit_trend,
)

__all__ = [
    "SNAPSHOT_FIELDS",
    "TREND_LENGTH",
    "ScoreTable",
    "UnitScorecard",
    "compute_live",
    "criteria_history",
    "home_unit",
    "latest_snapshot",
    "period_facts",
    "previous_totals",
    "province_rows",
    "publication_get",
    "publication_list",
    "publication_snapshots",
    "publish_run_get",
    "publish_run_list",
    "score_differences",
    "score_table",
    "scorecard_model_for_year",
    "scorecard_model_get",
    "scorecard_model_list",
    "unit_get",
    "unit_rows",
    "unit_scorecard",
    "unit_trend",
    "visible_units",
]
