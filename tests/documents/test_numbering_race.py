"""Two people issuing a biên bản number at the same moment get two different numbers (PostgreSQL: real
row locks between threads; SQLite serialises writers itself and is covered by the sequential tests)."""

import threading

import pytest
from django.db import connection, connections

from documents.kinds import KINDS
from documents.models import DocumentRegister, IssuedDocument
from documents.services import document_number_issue
from staff.access import system_actor
from tests.factories import make_unit


@pytest.mark.django_db(transaction=True)
def test_two_issuers_at_once_get_two_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("row locks between threads need PostgreSQL")
    unit = make_unit("Sở Thử", code="THU")
    actor = system_actor()
    kind = KINDS["inspection_minutes"]
    barrier = threading.Barrier(4)
    numbers, errors = [], []

    def issue(key):
        try:
            barrier.wait()
            numbers.append(document_number_issue(actor=actor, kind=kind, record_key=key, unit=unit, year=2026).number)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    # Four issuers: two for different records, two retrying the same record.
    threads = [threading.Thread(target=issue, args=(key,)) for key in ("r1", "r2", "r3", "r3")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(set(numbers)) == ["1/BB-ĐKT", "2/BB-ĐKT", "3/BB-ĐKT"]
    assert DocumentRegister.objects.get(unit=unit).last == 3
    assert IssuedDocument.objects.filter(record_key="r3").count() == 1
