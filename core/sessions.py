"""Database sessions whose read is compiled to SQL once per process (SESSION_ENGINE = "core.sessions").

Django's database store reads the session through the ORM on every request: ≈0.3 ms of the ≈0.45 ms
(SQLite) went into building the same SELECT. This store runs that SELECT from `core.prepared` (same
table, same rows, same one query) and decodes the data as Django does; writing, expiry and
`clearsessions` are Django's. A session signed in through Django's ModelBackend, from before
AUTHENTICATION_BACKENDS named core.security.UserBackend, is read as signed in through UserBackend."""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db import router
from django.utils import timezone

from core.prepared import PreparedRead
from core.security import FORMER_BACKEND, USER_BACKEND


def _session_data(session_key, now):
    return Session.objects.filter(session_key=session_key, expire_date__gt=now).values_list("session_data")


_SESSION_DATA = PreparedRead(_session_data)


class SessionStore(DatabaseSessionStore):
    def load(self):
        rows = _SESSION_DATA.rows(self.session_key, timezone.now(), using=router.db_for_read(self.model))
        if not rows:
            self._session_key = None  # as Django's store does for a missing or expired session
            return {}
        data = self.decode(rows[0][0])
        if data.get(BACKEND_SESSION_KEY) == FORMER_BACKEND:
            data[BACKEND_SESSION_KEY] = USER_BACKEND  # the same checks; see core.security
        return data
