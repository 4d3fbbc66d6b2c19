"""30 starts at once with 5 trainings of quota left: exactly 5 are accepted (PostgreSQL)."""

from schools.models import School
from tests.concurrently import at_once
from tests.conftest import postgres_only
from tests.factories import (
    ClassroomFactory,
    EnrollmentFactory,
    SchoolFactory,
    TeacherFactory,
    TrainingFactory,
)
from training.models import Status, Training
from training.services.start import training_start

from .conftest import DEMO


@postgres_only
def test_parallel_starts_never_exceed_the_quota(transactional_db, fake_modal):
    school = SchoolFactory()
    classroom = ClassroomFactory(school=school, primary_teacher=TeacherFactory(school=school))
    students = [EnrollmentFactory(classroom=classroom).student for _ in range(30)]
    for _ in range(3):
        TrainingFactory(student=students[0], status=Status.COMPLETED, started_at=school.created_at)
    # 8 a month, 3 used: 5 left; concurrency and seats out of the way.
    School.objects.filter(pk=school.pk).update(
        monthly_training_quota=8, concurrent_training_limit=50, seat_limit=None
    )
    started, refused = at_once(
        lambda student: training_start(
            actor=student, student=student, dataset=DEMO, policy_type="ACT", steps=100
        ),
        students,
    )
    assert len(started) == 5, refused
    assert all("used its 8 trainings" in message for message in refused)
    assert (
        Training.objects.filter(school=school, status__in=[Status.PENDING, Status.QUEUED]).count()
        == 5
    )
