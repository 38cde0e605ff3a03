"""Transient files under MEDIA_ROOT: partial evidence uploads (`evidence-partial/*.part`, resumable PUTs)
and Excel import previews waiting for confirmation (`pending-imports/`). They are working files, not
records: the nightly housekeeping (`manage.py prune_transient`, deploy/congvu-housekeeping.service)
deletes those older than TRANSIENT_MAX_AGE, and backups leave them out (`transient_dirs()`: the folders
backup_data skips)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from django.conf import settings

TRANSIENT_MEDIA_DIRS = ("evidence-partial", "pending-imports")  # relative to MEDIA_ROOT
TRANSIENT_MAX_AGE = dt.timedelta(days=1)


def transient_dirs() -> list[Path]:
    """Absolute folders whose content is never backed up."""
    return [Path(settings.MEDIA_ROOT) / name for name in TRANSIENT_MEDIA_DIRS]


def prune_transient(*, max_age: dt.timedelta = TRANSIENT_MAX_AGE, now: float | None = None) -> int:
    """Delete transient files not modified for `max_age`; returns how many were deleted. A file still being
    written is recent, so it stays."""
    cutoff = (now if now is not None else time.time()) - max_age.total_seconds()
    deleted = 0
    for folder in transient_dirs():
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    deleted += 1
            except FileNotFoundError:  # removed meanwhile (upload completed, preview confirmed)
                continue
    return deleted
