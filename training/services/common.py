"""What several training services share: the optimistic version counter and its conflict (one
mechanism for the whole site: core.concurrency)."""

from __future__ import annotations

from core.concurrency import StaleVersion, bump_version

__all__ = ["StaleVersion", "bump_version"]
