"""A read that runs on every request, compiled to SQL by the ORM once per process and database instead of
once per call.

Compiling a QuerySet costs far more than running a small indexed query: the grants read that every page
and API call makes spent ≈0.75 ms building its SQL and ≈0.05 ms in the database. `PreparedRead` builds the
QuerySet once with marker values for its arguments, keeps the SQL and the position of each marker in the
parameters, and later runs that SQL with the real values through the connection's cursor (so execute
wrappers, query counting and logging see it like any other query). Arguments may be ints, strs, aware
datetimes (adapted for the database as the ORM adapts a DateTimeField value) or tuples of ints (an IN
list, compiled once for each length). If a marker cannot be found exactly once among the parameters (the
ORM folded or repeated it) every call goes through the ORM, as before.
The rows come back through the ORM's own converters for the selected columns (e.g. SQLite's 0/1 for a
boolean, its text for a datetime), kept from the compilation, so they equal what the QuerySet gives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

# Marker i is MARKER_BASE + i: within a 32-bit integer column's range (Django 5 turns a lookup with a value
# out of the column's range into "matches nothing", and there would be no parameter to find).
MARKER_BASE = 2_147_480_000
KINDS = (int, str, dt.datetime)


def _marker(kind, i: int):
    if kind is int:
        return MARKER_BASE + i
    if kind is str:
        return f"~congvu-prepared-marker-{i}~"
    return dt.datetime(1901, 2, 3, 4, 5, 6, 1000 + i, tzinfo=dt.UTC)


def _kind(arg):
    """An argument's kind: its type, or ("ints", n) for a tuple of n ints (an IN list: each length is
    compiled once); None when it cannot be prepared."""
    kind = type(arg)
    if kind is tuple:
        if arg and all(type(value) is int for value in arg):
            return ("ints", len(arg))
        return None
    if kind not in KINDS or (kind is dt.datetime and arg.tzinfo is None):
        return None
    return kind


def _adapt(connection, value):
    """A value as the ORM passes it to the database driver for the column it is compared with."""
    if type(value) is dt.datetime:
        return connection.ops.adapt_datetimefield_value(value)
    return value


class PreparedRead:
    """`PreparedRead(lambda user_id: Model.objects.filter(user_id=user_id).values_list(...))`, then
    `.rows(user_id)`: the tuples `list(build(user_id))` gives, without the ORM's compilation each time.
    `build` must return a `values_list()` QuerySet (plain tuples); `convert` turns a raw database row into
    the tuple the ORM would give, in place of the ORM's converters (a cheaper hand-written equivalent)."""

    def __init__(self, build: Callable[..., QuerySet], convert: Callable[[tuple], tuple] | None = None):
        self._build = build
        self._convert = convert
        self._compiled: dict[tuple, tuple[str, list, list[int], list] | None] = {}

    def _compile(self, using: str, kinds: tuple[type, ...]):
        connection = connections[using]
        key = (using, connection.vendor, kinds)
        try:
            return self._compiled[key]
        except KeyError:
            pass
        markers, flat = [], []  # the build's arguments; every scalar marker, in order
        for kind in kinds:
            if isinstance(kind, tuple):
                markers.append(tuple(_marker(int, len(flat) + j) for j in range(kind[1])))
                flat.extend(markers[-1])
            else:
                markers.append(_marker(kind, len(flat)))
                flat.append(markers[-1])
        try:
            compiler = self._build(*markers).query.get_compiler(using=using)
            sql, params = compiler.as_sql()
        except (TypeError, ValueError):  # a marker the column cannot take (e.g. a str for an id)
            self._compiled[key] = None
            return None
        params = list(params)
        positions = []
        for marker in flat:
            adapted = _adapt(connection, marker)
            found = [i for i, value in enumerate(params) if type(value) is type(adapted) and value == adapted]
            if len(found) != 1:
                self._compiled[key] = None
                return None
            positions.append(found[0])
        converters = [] if self._convert else compiled_converters(compiler)
        self._compiled[key] = compiled = (sql, params, positions, converters)
        return compiled

    def rows(self, *args, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
        kinds = tuple(_kind(arg) for arg in args)
        compiled = None if None in kinds else self._compile(using, kinds)
        if compiled is None:
            return list(self._build(*args).using(using))
        sql, template, positions, converters = compiled
        connection = connections[using]
        params = list(template)
        values = [value for arg in args for value in (arg if type(arg) is tuple else (arg,))]
        for position, value in zip(positions, values, strict=True):
            params[position] = _adapt(connection, value)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            raw: Sequence[tuple] = cursor.fetchall()
        if self._convert is not None:
            return [self._convert(row) for row in raw]
        return apply_converters(raw, converters, connection)


def compiled_converters(compiler) -> list:
    """The ORM's converters of a compiled query's selected columns, `[(column, functions, expression)]`, as
    SQLCompiler.results_iter() applies them (call after `compiler.as_sql()`)."""
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    return [(i, functions, expression) for i, (functions, expression) in compiler.get_converters(fields).items()]


def apply_converters(raw: Sequence[Sequence], converters: list, connection, width: int | None = None) -> list[tuple]:
    """SQLCompiler.results_iter() for plain rows: the first `width` columns (all by default), each through the
    ORM's converters `[(column, functions, expression)]` for the connection."""
    if not converters:
        return [tuple(row[:width]) for row in raw]
    out = []
    for row in raw:
        row = list(row[:width])
        for i, functions, expression in converters:
            value = row[i]
            for function in functions:
                value = function(value, expression, connection)
            row[i] = value
        out.append(tuple(row))
    return out
