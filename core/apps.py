from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import pre_save

        from core.text import clean_instance_text

        use_real_sqlite_parameter_limit()
        connection_created.connect(_watch_writes, dispatch_uid="congvu-watch-writes")
        # Every text field of every model (history rows included) is cleaned before it is saved.
        pre_save.connect(clean_instance_text, dispatch_uid="congvu-clean-text")
        from django.conf import settings

        from core.tokens import revoke_tokens_on_password_change

        pre_save.connect(
            revoke_tokens_on_password_change, sender=settings.AUTH_USER_MODEL, dispatch_uid="congvu-revoke-tokens"
        )


def _watch_writes(sender, connection, **kwargs) -> None:
    """Every connection tells core.versions about writes to the data behind the scorecards."""
    from core import versions

    versions.install(connection)


def use_real_sqlite_parameter_limit() -> None:
    """Django assumes SQLite takes 999 parameters per statement (the limit before SQLite 3.32), so a bulk
    write of 200 attendance marks and their audit rows was split into several INSERTs and the statement
    count grew with the class size. Tell it the limit the linked library really has (32,766 by default
    since 3.32; this build: see sqlite3 getlimit)."""
    import sqlite3

    from django.db.backends.sqlite3 import base as sqlite_base  # imports its features module first

    probe = sqlite3.connect(":memory:")
    try:
        limit = probe.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    finally:
        probe.close()
    sqlite_base.DatabaseFeatures.max_query_params = max(999, limit)
