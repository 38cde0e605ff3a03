"""Keep the cyclic garbage collector off the objects a process loads once (modules, URLconf, compiled
templates, translations, model metadata).

CPython's full collection walks every tracked object. A worker holds ≈100,000 of them after its first
requests, so each full collection cost ≈150 ms of CPU; one came every 40–100 requests of an API list, an
average of ≈4 ms per request and a 150 ms stall for the request it fell on. `gc.freeze()` moves every object
alive at that moment to a generation the collector never walks. It is called at the start of a request
(before its request object exists, so only what the process keeps is frozen), after a `gc.collect()`
that frees what is garbage by then, a few times while the process fills its caches. Cycles created
afterwards are collected as before; objects are still freed by reference counting.
"""

from __future__ import annotations

import gc

FREEZE_AFTER = frozenset({1, 10, 100, 1000})  # requests handled by this process before each freeze
_started = 0


def freeze_loaded_objects(**kwargs) -> None:
    """`request_started` receiver: after the 1st, 10th, 100th and 1000th request, freeze what is alive."""
    global _started
    handled = _started
    _started = handled + 1
    if handled in FREEZE_AFTER:
        gc.collect()
        gc.freeze()
