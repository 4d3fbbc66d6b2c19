"""Two imports of the same export into one school at once bring every row once (PostgreSQL)."""

import threading
from pathlib import Path

from django.db import connection

from legacy.services.batches import legacy_import
from schools.models import Membership, User
from tests.conftest import postgres_only
from tests.factories import SchoolFactory
from training.models import Training

EXPORT = Path(__file__).parent / "export"


@postgres_only
def test_parallel_imports_bring_each_row_once(transactional_db):
    school = SchoolFactory()
    reports, barrier = [], threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            reports.append(legacy_import(school=school, folder=EXPORT, dry_run=False))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(reports) == 2
    assert sorted(r["tables"]["trainings"]["imported"] for r in reports) == [0, 4]
    assert Training.objects.filter(school=school).count() == 4
    assert Membership.objects.filter(school=school).count() == 5
    assert User.objects.filter(email="anna.schmidt@schule.de").count() == 1
