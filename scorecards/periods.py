"""Scorecard periods: a year ("2026"), a quarter ("2026-Q3") or a month ("2026-07")."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

YEAR, QUARTER, MONTH = "year", "quarter", "month"
_PATTERN = re.compile(r"^\s*(\d{4})(?:-(?:[Qq]([1-4])|(\d{1,2})))?\s*$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: int | None = None
    month: int | None = None

    # ---------------------------------------------------------------- construction
    @classmethod
    def parse(cls, text: str) -> Period:
        """Raises ValueError with a message for the user."""
        match = _PATTERN.match(str(text or ""))
        if not match:
            raise ValueError(_("“%(value)s” is not a period; write 2026, 2026-Q3 or 2026-07.") % {"value": text})
        year, quarter, month = int(match[1]), match[2], match[3]
        if not 2000 <= year <= 2100:
            raise ValueError(_("The year %(year)s is out of range.") % {"year": year})
        if quarter:
            return cls(year, quarter=int(quarter))
        if month:
            if not 1 <= int(month) <= 12:
                raise ValueError(_("“%(value)s” is not a period; write 2026, 2026-Q3 or 2026-07.") % {"value": text})
            return cls(year, month=int(month))
        return cls(year)

    @classmethod
    def current_year(cls, today: dt.date) -> Period:
        return cls(today.year)

    # ---------------------------------------------------------------- properties
    @property
    def kind(self) -> str:
        if self.quarter:
            return QUARTER
        if self.month:
            return MONTH
        return YEAR

    @property
    def key(self) -> str:
        if self.quarter:
            return f"{self.year}-Q{self.quarter}"
        if self.month:
            return f"{self.year}-{self.month:02d}"
        return str(self.year)

    def __str__(self) -> str:
        return self.key

    @property
    def start(self) -> dt.date:
        if self.quarter:
            return dt.date(self.year, 3 * self.quarter - 2, 1)
        if self.month:
            return dt.date(self.year, self.month, 1)
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        if self.quarter:
            last_month = 3 * self.quarter
            return dt.date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])
        if self.month:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, 12, 31)

    @property
    def label(self) -> str:
        if self.quarter:
            return _("Quarter %(q)s/%(year)s") % {"q": self.quarter, "year": self.year}
        if self.month:
            return _("Month %(m)02d/%(year)s") % {"m": self.month, "year": self.year}
        return _("Year %(year)s") % {"year": self.year}

    # ---------------------------------------------------------------- navigation
    def previous(self) -> Period:
        if self.quarter:
            return (
                Period(self.year - 1, quarter=4) if self.quarter == 1 else Period(self.year, quarter=self.quarter - 1)
            )
        if self.month:
            return Period(self.year - 1, month=12) if self.month == 1 else Period(self.year, month=self.month - 1)
        return Period(self.year - 1)

    def next(self) -> Period:
        if self.quarter:
            return (
                Period(self.year + 1, quarter=1) if self.quarter == 4 else Period(self.year, quarter=self.quarter + 1)
            )
        if self.month:
            return Period(self.year + 1, month=1) if self.month == 12 else Period(self.year, month=self.month + 1)
        return Period(self.year + 1)

    def recent(self, count: int) -> list[Period]:
        """This period and the `count - 1` before it, oldest first."""
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return list(reversed(periods))

    def choices_around(self) -> list[Period]:
        """The periods offered in the period picker: the year, its quarters and months."""
        return (
            [Period(self.year)]
            + [Period(self.year, quarter=q) for q in range(1, 5)]
            + [Period(self.year, month=m) for m in range(1, 13)]
        )
