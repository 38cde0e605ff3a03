import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from scorecards import selectors
from scorecards.api.serializers import UnitScoreSerializer
from scorecards.periods import Period
from staff.models import Unit


class Command(BaseCommand):
    help = "Print scorecards for a period: all units (or one unit and its sub-units), as a table or JSON."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2026, 2026-Q3 or 2026-07")
        parser.add_argument("--unit", help="unit code: that unit and its direct sub-units")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--lang", default="vi", choices=["vi", "en"])

    def handle(self, *args, period, unit, format, lang, **options):
        try:
            period = Period.parse(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        with translation.override(lang):
            table = selectors.score_table(period=period)
            if unit:
                target = Unit.objects.filter(code=unit).first()
                if target is None:
                    raise CommandError(f"No unit with code {unit!r}.")
                score = table.score(target.pk)
                rows = [score, *table.children(target.pk)]
            else:
                rows = table.rows()
            if format == "json":
                payload = {
                    "period": period.key,
                    "published": table.publication is not None,
                    "units": UnitScoreSerializer(rows, many=True).data,
                }
                if unit:
                    payload["criteria"] = [
                        {
                            "key": c.key,
                            "label": c.label,
                            "value": _r(c.value),
                            "target": c.target,
                            "weight": c.weight,
                            "effective_weight": _r(c.effective_weight),
                            "points": _r(c.points),
                            "source": c.source,
                        }
                        for c in score.criteria
                    ]
                self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
                return
            self.stdout.write(f"{period.label} ({'published' if table.publication else 'live'})")
            self.stdout.write(
                f"{'code':<16} {'total':>7} {'band':<17} {'capab.':>7} {'service':>7} {'rank':>9} {'change':>7}  name"
            )
            for s in rows:
                rank = f"{s.rank}/{s.rank_of}" if s.rank else "-"
                self.stdout.write(
                    f"{s.unit.code:<16} {_f(s.total):>7} {s.band:<17} {_f(s.capability):>7} {_f(s.service_culture):>7} "
                    f"{rank:>9} {_f(s.change):>7}  {s.unit.name}"
                )
            if unit:
                self.stdout.write("")
                for c in score.criteria:
                    self.stdout.write(
                        f"  {c.key:<18} value {_f(c.value):>7}  target {_f(c.target):>6}  weight {_f(c.weight):>6}"
                        f" → {_f(c.effective_weight):>6}  points {_f(c.points):>6}  {c.label}"
                    )


def _r(value):
    return None if value is None else round(value, 2)


def _f(value):
    return "-" if value is None else f"{value:.2f}"
