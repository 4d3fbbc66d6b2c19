"""Loading a training by id: scoped to the school, then to what the member may see."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from schools.access import classrooms_taught_by, get_or_404
from schools.models import Classroom, Enrollment, Membership, Role

from .models import ControlSession, InferenceServer, Training


def trainings_visible_to(membership: Membership) -> QuerySet[Training]:
    """Students: their own. Teachers: those of their classrooms' students. Admins: all.

    The teacher's filter is three ``IN`` subqueries rather than joins, so no training comes out
    twice and no DISTINCT is needed: a page reads the school's trainings newest first along the
    (school, created_at) index and stops when it is full."""
    trainings = Training.objects.for_school(membership.school)
    if membership.role == Role.STUDENT:
        return trainings.filter(student=membership)
    if membership.role == Role.TEACHER:
        taught = (
            Classroom.objects.for_school(membership.school)
            .filter(classrooms_taught_by(membership))
            .values("pk")
        )
        students = Enrollment.objects.for_school(membership.school).filter(classroom__in=taught)
        return trainings.filter(
            Q(classroom__in=taught)
            | Q(started_by=membership)
            | Q(student__in=students.values("student_id"))
        )
    return trainings


def access_training(*, membership: Membership, training_id, for_write=False) -> Training:
    training = get_or_404(
        trainings_visible_to(membership).select_related("student__user", "classroom"), training_id
    )
    training.school = membership.school
    if for_write and membership.role == Role.STUDENT and training.student_id != membership.pk:
        raise PermissionDenied
    return training


def access_control_session(
    *, membership: Membership, session_id, for_write=False
) -> ControlSession:
    """Sessions of the trainings the member may see; only the student closes their own."""
    visible = trainings_visible_to(membership).values("pk")
    session = get_or_404(
        ControlSession.objects.for_school(membership.school)
        .filter(training__in=visible)
        .select_related("training"),
        session_id,
    )
    if for_write and session.student_id != membership.pk:
        raise PermissionDenied
    return session


def access_model(*, membership: Membership, training_id) -> Training:
    """A finished model the member may see, with its control sessions summed up (the library's
    row); a training without a model yet is a 404 here."""
    from .selectors import model_library  # the selectors build on this module

    model = get_or_404(model_library(membership=membership), training_id)
    model.school = membership.school
    return model


def access_inference_server(
    *, membership: Membership, server_id, for_write=False
) -> InferenceServer:
    """Servers of the models the member may see; a student stops only their own."""
    visible = trainings_visible_to(membership).values("pk")
    server = get_or_404(
        InferenceServer.objects.for_school(membership.school)
        .filter(training__in=visible)
        .select_related("training", "started_by__user"),
        server_id,
    )
    server.school = membership.school
    if for_write and membership.role == Role.STUDENT and server.started_by_id != membership.pk:
        raise PermissionDenied
    return server
