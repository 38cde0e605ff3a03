"""Fixtures shared with the jobs tests: report jobs run on the same in-process worker."""

from tests.jobs.conftest import media_root, run_db_worker  # noqa: F401 - fixtures
