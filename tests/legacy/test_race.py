"""Two imports of the same export into one school at once bring every row once (PostgreSQL)."""

from pathlib import Path

from legacy.services.batches import legacy_import
from schools.models import Membership, User
from tests.concurrently import at_once
from tests.conftest import postgres_only
from tests.factories import SchoolFactory
from training.models import Training

EXPORT = Path(__file__).parent / "export"


@postgres_only
def test_parallel_imports_bring_each_row_once(transactional_db):
    school = SchoolFactory()
    reports, refused = at_once(
        lambda _: legacy_import(school=school, folder=EXPORT, dry_run=False), range(2)
    )
    assert refused == [] and len(reports) == 2
    assert sorted(r["tables"]["trainings"]["imported"] for r in reports) == [0, 4]
    assert Training.objects.filter(school=school).count() == 4
    assert Membership.objects.filter(school=school).count() == 5
    assert User.objects.filter(email="anna.schmidt@schule.de").count() == 1
