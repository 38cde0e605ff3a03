"""The data version: a token that changes whenever a transaction that wrote to the data behind the
scorecards (the staff, training, inspections and scorecards tables) commits, so that results computed
from those tables can be kept and reused until then and are never served stale.

How a write is noticed: every database connection runs `watch_writes`, an execute wrapper that looks at
the statement; an INSERT, UPDATE or DELETE on a watched table marks the transaction, and the token is
replaced once it commits (at once in autocommit mode). This catches every way of writing — ORM saves,
bulk writes, `QuerySet.update()`, raw SQL — without a signal per model. A new token is random, not an
increment, so two processes committing at once can never leave it unchanged.

Where the token lives: the `versions` cache, which every process of the site must share (files under
DATA_DIR/cache by default, for one host; Redis with VERSIONS_CACHE=redis, for several).

Readers: `memo_key()` gives the key a cached result should be stored under, or None when the current
transaction holds writes of its own not yet committed (its results must not be shared)."""

from __future__ import annotations

import re
import secrets

from django.core.cache import caches
from django.db import transaction

CACHE_ALIAS = "versions"
KEY = "congvu:data-version"
WATCHED_PREFIXES = ("staff_", "training_", "inspections_", "scorecards_")
# Bookkeeping of the publishing job: its progress is not data the scorecards are computed from.
IGNORED_TABLES = frozenset({"scorecards_publishrun"})
_WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO|TRUNCATE(?:\s+TABLE)?)\s+["`]?(\w+)',
    re.IGNORECASE,
)


def current() -> str:
    """The token now (one cache read)."""
    cache = caches[CACHE_ALIAS]
    token = cache.get(KEY)
    if token is None:
        cache.add(KEY, secrets.token_hex(8), None)
        token = cache.get(KEY)
    return token


def renew() -> None:
    """Replace the token: every result kept under the old one is abandoned."""
    caches[CACHE_ALIAS].set(KEY, secrets.token_hex(8), None)


def is_watched_table(table: str) -> bool:
    """True when a committed write to `table` renews the token."""
    table = table.lower()
    return table.startswith(WATCHED_PREFIXES) and table not in IGNORED_TABLES


def is_watched(sql: str) -> bool:
    match = _WRITE.match(sql)
    return match is not None and is_watched_table(match.group(1))


def _pending(connection) -> bool:
    return any(func is renew for _ids, func, _robust in connection.run_on_commit)


def watch_writes(execute, sql, params, many, context):
    """Execute wrapper installed on every connection (see core.apps)."""
    result = execute(sql, params, many, context)
    if is_watched(sql):
        connection = context["connection"]
        if not connection.in_atomic_block:
            renew()
        elif not _pending(connection):
            transaction.on_commit(renew, using=connection.alias)
    return result


def install(connection) -> None:
    """Put `watch_writes` first among the connection's wrappers (a temporary wrapper added later with
    `connection.execute_wrapper()` is removed with pop(), which must not take this one)."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, watch_writes)


def memo_key(connection) -> str | None:
    """The token to key a shared result by; None when this transaction wrote watched data it has not
    committed (a result computed from it is private to the transaction)."""
    install(connection)
    if connection.in_atomic_block and _pending(connection):
        return None
    return current()
