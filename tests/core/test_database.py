"""The database connection is set up as config/settings.py says, on the database the tests run on."""

from django.db import connection


def test_connection_settings_of_the_database_in_use(db):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size")
            assert cursor.fetchone()[0] == -16 * 1024  # 16 MB of page cache, not SQLite's 2 MB
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
        else:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone()[0] == "0"  # serial queries: no extra processes per count under load
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
