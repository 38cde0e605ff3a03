"""Concurrency. SQLite: eight writers at once on a real database file (the production settings:
WAL, BEGIN IMMEDIATE, busy timeout) for a bounded time: no "database is locked", no lost write.
PostgreSQL: two reviewers approving/returning the same inspection at once: decided exactly once.
(The last seat of a class is raced in tests/training/test_api.py.)"""

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from staff.access import system_actor

ROOT = Path(__file__).resolve().parents[2]
SECONDS = os.environ.get("CONCURRENCY_SECONDS", "8")


def test_eight_sqlite_writers_lose_nothing_and_never_see_a_locked_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'congvu.sqlite3'}",
        DATA_DIR=str(tmp_path),
        LOG_LEVEL="WARNING",
        DJANGO_DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY") or "x" * 60,
        STATIC_MANIFEST="false",
    )
    run = subprocess.run(
        [sys.executable, "-m", "tests.hardening.sqlite_writers", SECONDS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [line for line in run.stdout.splitlines() if line.startswith("REPORT ")]
    assert run.returncode == 0 and lines, run.stdout[-2000:] + run.stderr[-4000:]
    report = json.loads(lines[-1][len("REPORT ") :])
    assert report["errors"] == [], "\n".join(report["errors"])[:4000]
    assert not any("locked" in e for e in report["errors"])
    done, checks = report["done"], report["checks"]
    assert set(done) == {"staff", "counter", "roster", "nominate", "attendance", "inspection"}, done
    assert all(n > 0 for n in done.values()), done
    for name in ("counter", "staff_history", "roster_rows", "roster_history", "nominations", "inspections"):
        found, expected = checks[name]
        assert found == expected, f"{name}: {found} != {expected} (lost writes)"
    assert checks["staff_phones_lost"] == [] and checks["attendance_lost"] == []


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_decide_a_submitted_inspection_exactly_once(tree, cast, people):
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks (select_for_update): run on PostgreSQL")
    from inspections import services
    from inspections.models import Inspection
    from tests.inspections.conftest import GOOD_ANSWERS, make_checklist

    version = make_checklist()
    system = system_actor()  # made here, committed, before the reviewer threads read it
    plan = services.plan_create(actor=system, year=2026, name="KH", unit=tree["province"])
    outcomes = []
    for round_ in range(5):
        assignment = services.assignment_create(
            actor=system,
            plan=plan,
            unit=tree["gamma_office"],
            template_version=version,
            due_date=dt.date(2026, 12, 31),
            lead=cast["inspector"],
        )
        inspection = services.inspection_save(actor=system, assignment=assignment, answers=GOOD_ANSWERS, submit=True)
        barrier, results = threading.Barrier(2), []

        def decide(how, inspection=inspection, barrier=barrier, results=results):
            try:
                barrier.wait()
                if how == "approve":
                    services.inspection_approve(actor=system, inspection=inspection)
                else:
                    services.inspection_return(actor=system, inspection=inspection, comment="Bổ sung")
                results.append(how)
            except ValidationError:
                results.append("refused")
            finally:
                connection.close()

        threads = [threading.Thread(target=decide, args=(how,)) for how in ("approve", "return")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results) in (["approve", "refused"], ["refused", "return"]), (round_, results)
        final = Inspection.objects.get(pk=inspection.pk)
        winner = [r for r in results if r != "refused"][0]
        assert final.status == {"approve": "approved", "return": "returned"}[winner]
        assert final.version == inspection.version + 1  # one decision, one version bump
        outcomes.append(winner)
    assert len(outcomes) == 5
