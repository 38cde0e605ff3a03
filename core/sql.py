"""Small SQL expressions the ORM does not have."""

from django.db.models import Func


class NotIndexed(Func):
    """A column as it is, written `+column` on SQLite so that its planner does not drive the query from an
    index on that column (SQLite's documented way to disqualify an index). Other databases get the column
    unchanged.

    Used where SQLite would otherwise pick a worse index: the scorecards' sum of marked minutes per
    enrollment reads the covering (enrollment, session, minutes) index, not the sessions' date index that
    would make it fetch every mark row by row."""

    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"+{sql}", params
