"""Paging a list: plain rows (PagedRows) and counts kept until the data changes (kept_count)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language

from core import versions
from core.prepared import apply_converters, compiled_converters


class PagedRows:
    """A list's rows for a paginator (Django's or DRF's): counted on the scoped, filtered queryset itself
    (only the joins its filters need), each page read as `fields` values (the joins its columns need):
    dicts, or tuples with `tuples=True`. Counting a values() queryset would keep the columns' joins: at
    province scale the findings count took 220 ms with them instead of 120 ms.

    The rows' statement is compiled once for the request and serves twice: as the key of the kept count
    (the same statement means the same filtered rows, so the same count) and, with the page's LIMIT and
    OFFSET appended as the ORM appends them, as the page's query, whose rows then go through the ORM's
    converters for the selected columns. Before, the ORM compiled the list's query once for the count's
    key and again for the page: ≈1 ms of a 50-row API list on this machine.

    With `key` (an API list: see `list_key`), the statement, the count and the pages last read (as
    `page_json` made them) are kept in the process until a committed write to the watched tables: the
    same list read again runs no query of its own."""

    def __init__(
        self,
        queryset: QuerySet | Callable[[], QuerySet],
        fields,
        *,
        tuples: bool = False,
        key=None,
        page_json: Callable[[list], list] | None = None,
    ):
        """`queryset`: the scoped, filtered rows, or with `key` (see `list_key`) a function building them,
        called only when no statement is kept under `key` for the current data. `page_json`: turns a page's
        rows into what the page gives (its JSON), so that a kept page is kept as that."""
        self.fields, self.tuples, self._key, self._page_json = fields, tuples, key, page_json
        if key is None:
            self.queryset = queryset
        else:
            self._build = queryset

    @cached_property
    def queryset(self) -> QuerySet:
        return self._build()

    @cached_property
    def _kept(self) -> _Kept | None:
        """The statement (and count) kept under `key` for the current data; None when there is no key or the
        data is being written by this transaction."""
        if self._key is None:
            return None
        token = versions.memo_key(connections[DEFAULT_DB_ALIAS])
        if token is None:
            return None
        key = (self._key, self.fields, self.tuples, token)
        kept = _statements.get(key)
        if kept is not None:
            return kept
        queryset = self.queryset
        if queryset.db != DEFAULT_DB_ALIAS or not _reads_only_watched_tables(queryset):
            return None
        kept = _Kept(self._compile(), queryset.ordered, key=key)
        _statements.put(key, kept)
        return kept

    @property
    def ordered(self) -> bool:
        kept = self._kept
        return kept.ordered if kept is not None else self.queryset.ordered

    def _rows(self, queryset: QuerySet) -> QuerySet:
        return queryset.values_list(*self.fields) if self.tuples else queryset.values(*self.fields)

    @cached_property
    def _statement(self) -> _Statement | None:
        """The rows' SQL, parameters, converters and names; None when the filters match nothing."""
        kept = self._kept
        return kept.statement if kept is not None else self._compile()

    def _compile(self) -> _Statement | None:
        rows = self._rows(self.queryset)
        compiler = rows.query.get_compiler(using=rows.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        query = rows.query
        # As ValuesIterable names the columns; values_list() tuples come in the selected order as they are.
        names = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        return _Statement(rows.db, sql, tuple(params), compiled_converters(compiler), names, compiler.col_count)

    def count(self) -> int:
        kept = self._kept
        if kept is not None and kept.count is not None:
            return kept.count
        statement = self._statement
        if statement is None:
            return 0
        value = kept_count(self.queryset, key=(statement.sql, statement.params))
        if kept is not None:
            kept.count = value
        return value

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step is not None or (key.start or 0) < 0 or (key.stop or 0) < 0:
            return self._rows(self.queryset)[key]
        statement = self._statement
        if statement is None:
            return []
        connection = connections[statement.using]
        low, high = key.start or 0, key.stop
        if high is not None and high <= low:
            return []
        kept = self._kept
        if kept is not None:
            rows = _pages.get((kept.key, low, high))
            if rows is not None:
                return list(rows)  # the caller's own list; the rows are only read
        sql = f"{statement.sql} {connection.ops.limit_offset_sql(low, high)}"
        with connection.cursor() as cursor:
            cursor.execute(sql, statement.params)
            raw = cursor.fetchall()
        rows = statement.convert(raw, connection)
        if not self.tuples:
            names = statement.names
            rows = [dict(zip(names, row, strict=True)) for row in rows]
        if self._page_json is not None:
            rows = self._page_json(rows)
        if kept is not None and len(rows) <= KEPT_PAGE_LARGEST:
            _pages.put((kept.key, low, high), list(rows))
        return rows


@dataclass
class _Kept:
    statement: _Statement | None
    ordered: bool
    count: int | None = None
    key: tuple = ()


@dataclass(frozen=True)
class _Statement:
    using: str
    sql: str
    params: tuple
    converters: list
    names: list
    col_count: int

    def convert(self, raw, connection) -> list[tuple]:
        """SQLCompiler.results_iter(): the selected columns, through the ORM's converters."""
        return apply_converters(raw, self.converters, connection, self.col_count)


# ------------------------------------------------------------------------------------ kept in the process
class _KeptLRU:
    """A thread-safe map keeping what was used last: `limit()` bounds the sum of `weight(value)` (1 a value
    unless told), the least recently used going first."""

    def __init__(self, limit: Callable[[], int], weight: Callable[[object], int] = lambda value: 1):
        self._limit, self._weight = limit, weight
        self._items: OrderedDict[tuple, object] = OrderedDict()
        self._total = 0
        self._lock = threading.Lock()

    def get(self, key: tuple):
        """The value under `key`, or None."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple, value) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._total -= self._weight(old)
            self._items[key] = value
            self._total += self._weight(value)
            while self._total > self._limit() and self._items:
                _key, dropped = self._items.popitem(last=False)
                self._total -= self._weight(dropped)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._total = 0


KEPT_STATEMENTS = 256  # list statements kept per process (a few KB each)
_statements = _KeptLRU(lambda: KEPT_STATEMENTS)


def scope_key(user) -> tuple:
    """What the unit scope of `user` is built from (core.permissions) that the data-version token does not
    cover: who they are, their flags (auth_user is not a watched table) and their grants with their own
    unit, read once per request anyway. Everything else a scope reads (units, teams, assignments) is in
    watched tables."""
    if user is None or not user.is_authenticated:
        return ("anonymous",)
    from staff.access import grants

    held = tuple(grants(user))
    return (user.pk, user.is_active, user.is_superuser, held, getattr(user, "_congvu_own_unit", None))


def list_key(request, name: str, *, ignore: tuple[str, ...] = ("page", "page_size")) -> tuple:
    """The key a list's statement is kept under (`PagedRows(build, fields, key=…)`): the list (`name`), the
    user's scope, the day, the time zone and the language, and the query string without the paging
    parameters (`ignore`), which choose the page, not the rows. The kept statement is also keyed by the data-version token: any
    committed write to the watched tables builds it again.

    Building and compiling a scoped list's queryset (its scope, subqueries and annotations) cost ≈2 ms of a
    50-row API list on this machine; running the statement a fraction of that. Only lists whose statement
    depends on nothing else may be kept this way."""
    query = tuple(sorted((k, tuple(v)) for k, v in request.GET.lists() if k not in ignore))
    return (
        name,
        scope_key(request.user),
        timezone.localdate(),
        timezone.get_current_timezone_name(),
        get_language(),
        query,
    )


def forget_kept_statements() -> None:
    """Drop this process's kept list statements and pages (a benchmark compiling every query of a cold
    page)."""
    for kept in (_statements, _pages, _values):
        kept.clear()


# The rows of the pages last read through a kept statement (their JSON, with `page_json`), under the
# statement's key (which holds the data-version token) and the slice: a list read again before any write
# commits is not fetched, converted and turned into JSON again (≈1.1 ms of a 50-row inspection page: 24
# columns through the ORM's converters, then 50 dicts of JSON). Bounded by rows, not pages, as a page may
# hold up to the API's max_page_size.
KEPT_PAGE_ROWS = 5_000
KEPT_PAGE_LARGEST = 500  # the API's max_page_size
_pages = _KeptLRU(lambda: KEPT_PAGE_ROWS, weight=len)

KEPT_VALUES = 64
_values = _KeptLRU(lambda: KEPT_VALUES)


def kept_value(key: tuple, compute: Callable[[], object]):
    """`compute()`, kept in this process under `key` until a committed write to the watched tables (the
    data-version token); computed afresh inside a transaction with writes of its own. For what a list
    page reads beside its rows (the actions of a page of findings). `compute` must read only watched
    tables, and the caller must not change the value it gets (copy it first)."""
    token = versions.memo_key(connections[DEFAULT_DB_ALIAS])
    if token is None:
        return compute()
    key = (*key, token)
    value = _values.get(key)
    if value is None:
        value = compute()
        _values.put(key, value)
    return value


# ------------------------------------------------------------------------------------------ counts
KEPT_COUNTS = 512  # counts kept per process (a count is a few dozen bytes)
_counts = _KeptLRU(lambda: KEPT_COUNTS)


def _reads_only_watched_tables(queryset: QuerySet) -> bool:
    tables = {join.table_name for join in queryset.query.alias_map.values()} or {queryset.model._meta.db_table}
    return all(versions.is_watched_table(table) for table in tables)


def kept_count(queryset: QuerySet, *, key: tuple | None = None) -> int:
    """`queryset.count()`, kept in this process until the data behind it changes (the data-version token of
    core.versions, renewed by every committed write to the watched tables). A list's count is the same
    statement page after page: counting the province's 186,489 findings costs ≈12 ms a request on
    PostgreSQL. Keyed by the statement and its parameters (so by scope, filters and day); computed as before
    inside a transaction with writes of its own, or when the statement joins a table the token does not watch.
    Only the joined tables are checked, not those a subquery in a filter reads: a list whose filter reads an
    unwatched table in a subquery (none today: the scopes read staff_, training_ and inspections_ tables)
    must not be counted through here. `key`, when given, stands for the statement: (SQL, parameters) of a
    query over the same rows (PagedRows passes its rows' statement, which it compiles anyway)."""
    connection = connections[queryset.db]
    token = versions.memo_key(connection)
    if token is None or not _reads_only_watched_tables(queryset):
        return queryset.count()
    if key is None:
        try:
            sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
        except EmptyResultSet:  # a filter that matches nothing (e.g. an empty id list)
            return 0
        key = (sql, tuple(params))
    key = (queryset.db, token, *key)
    value = _counts.get(key)
    if value is None:
        value = queryset.count()
        _counts.put(key, value)
    return value


def forget_kept_counts() -> None:
    """Drop this process's kept counts (a benchmark counting every query of a cold page)."""
    _counts.clear()


class KeptCountPaginator(Paginator):
    """Django's paginator with its count from kept_count() (querysets; anything else as before)."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return kept_count(self.object_list)
        return super().count
