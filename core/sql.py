"""Small SQL expressions the ORM does not have."""

from django.db.models import Func


class NotIndexed(Func):
    """A column as it is, written `+column` on SQLite so that its planner does not drive the query from an
    index on that column (SQLite's documented way to disqualify an index). Other databases get the column
    unchanged.

    The scorecards' sum of marked minutes per enrollment (≈630,000 marks a year) is fastest read along the
    covering (enrollment, session, minutes) index with the sessions of the period as a set; an index on the
    sessions' date would otherwise make SQLite walk the period's sessions and fetch every mark row by row
    (≈160 → ≈350 ms)."""

    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"+{sql}", params
