"""12 members start inference servers at once with room for 3: exactly 3 start (PostgreSQL)."""

from tests.concurrently import at_once
from tests.conftest import postgres_only
from tests.factories import (
    ClassroomFactory,
    EnrollmentFactory,
    SchoolFactory,
    TeacherFactory,
    TrainingFactory,
)
from training.models import InferenceServer, Status
from training.services.servers import inference_server_start


@postgres_only
def test_parallel_starts_never_exceed_the_schools_limit(transactional_db, fake_modal):
    school = SchoolFactory()  # on the trial: Starter, 3 at once
    classroom = ClassroomFactory(school=school, primary_teacher=TeacherFactory(school=school))
    students = [EnrollmentFactory(classroom=classroom).student for _ in range(12)]
    models = {
        s.pk: TrainingFactory(
            student=s, status=Status.COMPLETED, hub_model_id=f"org/m{s.pk}", metrics={}
        )
        for s in students
    }
    started, refused = at_once(
        lambda student: inference_server_start(actor=student, training=models[student.pk]),
        students,
    )
    assert len(started) == 3, refused
    assert all("3 inference servers of this school" in message for message in refused)
    assert InferenceServer.objects.filter(school=school).count() == 3
