"""Assignments: write, publish, reuse; a training inside the assignment's limits; hand in, late
and missing by the due date; feedback and grade; the grade book; flat lists."""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from assignments.models import Grading, HandInState, Submission
from assignments.selectors import hand_in_overview
from assignments.services import assignment_create, submission_grade, submission_hand_in
from schools.errors import ApplicationError
from schools.models import AuditAction, AuditEvent
from tests.conftest import client_for
from tests.factories import (
    AssignmentFactory,
    ClassroomFactory,
    EnrollmentFactory,
    TrainingFactory,
)
from training.models import ControlSession, Status, Training
from training.services.lifecycle import trainings_release_off_peak

DUE = timezone.make_aware(timezone.datetime(2026, 3, 20, 12, 0))


def url(school, name, *args):
    return reverse(name, args=[school.slug, *args])


def finished_model(student, assignment, **fields):
    return TrainingFactory(
        student=student,
        classroom=assignment.classroom,
        assignment=assignment,
        status=Status.COMPLETED,
        hub_model_id=f"edubotics-ai/model-{student.pk}",
        completed_at=timezone.now(),
        latest_loss=0.0421,
        loss_curve=[[1, 0.9], [100, 0.0421]],
        **fields,
    )


def hand_in_at(moment, **kwargs):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return submission_hand_in(**kwargs)


def test_a_draft_is_the_teachers_until_published_then_the_classroom_sees_it(
    as_teacher, teacher, classroom, student, as_student
):
    response = as_teacher.post(
        url(classroom.school, "assignment_create"),
        {
            "classroom": classroom.pk,
            "title": "Würfel greifen",
            "instructions": "# Ziel\nGreife den **Würfel**.<script>alert(1)</script>"
            '<a href="javascript:alert(1)">x</a>',
            "datasets": "edubotics-demo/so101-pick-place",
            "policy_type": "ACT",
            "max_steps": "2000",
            "max_cost_eur": "1.50",
            "due_at": "2026-12-24T12:00",
            "grading": Grading.GERMAN,
        },
    )
    assignment = classroom.assignments.get()
    assert response.status_code == 302 and not assignment.is_published
    home = url(classroom.school, "dashboard")
    assert "Würfel greifen" not in as_student.get(home).content.decode()
    assert (
        as_student.get(url(classroom.school, "assignment_detail", assignment.pk)).status_code == 404
    )

    publish = url(classroom.school, "assignment_publish", assignment.pk)
    assert "Publish" in as_teacher.get(publish).content.decode()  # asks first
    as_teacher.post(publish)
    assert AuditEvent.objects.filter(
        action=AuditAction.ASSIGNMENT_PUBLISHED, object_id=str(assignment.pk), actor=teacher
    ).exists()
    assert "Würfel greifen" in as_student.get(home).content.decode()
    classroom_page = as_student.get(url(classroom.school, "classroom_detail", classroom.pk))
    assert "Würfel greifen" in classroom_page.content.decode()
    page = as_student.get(url(classroom.school, "assignment_detail", assignment.pk))
    text = page.content.decode()
    assert "<h1>Ziel</h1>" in text and "<strong>Würfel</strong>" in text
    assert "<script>alert" not in text and "javascript:" not in text


def test_bad_input_rerenders_with_a_message_and_saves_nothing(as_teacher, classroom):
    response = as_teacher.post(
        url(classroom.school, "assignment_create"),
        {
            "classroom": classroom.pk,
            "title": "Punkte",
            "policy_type": "ACT",
            "due_at": "2026-12-24T12:00",
            "grading": Grading.POINTS,
        },
    )
    assert response.status_code == 200
    assert "Say how many points" in response.content.decode()
    assert not classroom.assignments.exists()


def test_a_student_cannot_write_or_publish(as_student, classroom):
    assignment = AssignmentFactory(classroom=classroom, published_at=None)
    assert as_student.get(url(classroom.school, "assignment_create")).status_code == 403
    assert (
        as_student.post(url(classroom.school, "assignment_publish", assignment.pk)).status_code
        == 404
    )


def test_a_teacher_writes_and_grades_only_for_their_own_classrooms(classroom, student):
    colleague = ClassroomFactory(school=classroom.school).primary_teacher
    with pytest.raises(ApplicationError, match="their own classrooms"):
        assignment_create(actor=colleague, classroom=classroom, title="x", due_at=DUE)
    assignment = AssignmentFactory(classroom=classroom)
    submission = submission_hand_in(
        actor=student, assignment=assignment, training=finished_model(student, assignment)
    )
    with pytest.raises(ApplicationError, match="their own classrooms"):
        submission_grade(actor=colleague, submission=submission, feedback="", grade=Decimal(1))
    assert not classroom.assignments.exclude(pk=assignment.pk).exists()


def test_reuse_copies_it_as_a_draft_for_another_classroom(as_teacher, teacher, classroom):
    other = ClassroomFactory(school=classroom.school, primary_teacher=teacher, name="Robotik B")
    assignment = AssignmentFactory(classroom=classroom, max_steps=500)
    response = as_teacher.post(
        url(classroom.school, "assignment_reuse", assignment.pk),
        {"classroom": other.pk, "due_at": "2027-01-15T08:00"},
    )
    copy = other.assignments.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{copy.pk}/")
    assert (copy.title, copy.max_steps, copy.is_published) == (assignment.title, 500, False)
    assert timezone.localtime(copy.due_at).day == 15 and classroom.assignments.count() == 1


def test_an_outsider_reaches_no_assignment_or_hand_in(outsider, classroom, student):
    assignment = AssignmentFactory(classroom=classroom)
    submission = hand_in_at(
        timezone.now(),
        actor=student,
        assignment=assignment,
        training=finished_model(student, assignment),
    )
    client = client_for(outsider)
    slug = outsider.school.slug
    assert client.get(f"/s/{slug}/assignments/{assignment.pk}/").status_code == 404
    assert client.get(f"/s/{slug}/assignments/submissions/{submission.pk}/").status_code == 404
    assert assignment.title not in client.get(f"/s/{slug}/assignments/").content.decode()


def test_a_training_for_an_assignment_keeps_to_its_dataset_policy_and_limits(
    fake_modal, student, as_student, classroom
):
    assignment = AssignmentFactory(classroom=classroom, max_steps=300, max_cost_eur=Decimal("5"))
    train = url(classroom.school, "assignment_train", assignment.pk)
    form = as_student.get(train).content.decode()
    assert "so101-pick-place" in form and 'value="300"' in form and 'value="GR00T"' not in form
    refused = as_student.post(
        train,
        {"dataset": assignment.datasets, "policy_type": "ACT", "steps": 5000, "action": "start"},
    )
    assert "at most 300 steps" in refused.content.decode() and not Training.objects.exists()
    response = as_student.post(
        train,
        {"dataset": assignment.datasets, "policy_type": "ACT", "steps": 300, "action": "start"},
    )
    training = Training.objects.get()
    assert response.status_code == 302
    back = as_student.get(response["Location"]).content.decode()  # the training's page
    assert url(classroom.school, "assignment_detail", assignment.pk) in back
    assert (training.assignment, training.classroom, training.steps) == (assignment, classroom, 300)
    assignment.max_cost_eur = Decimal("0.01")
    assignment.save()
    too_dear = as_student.post(
        train,
        {"dataset": assignment.datasets, "policy_type": "ACT", "steps": 300, "action": "start"},
    )
    assert "the assignment allows 0.01 €" in too_dear.content.decode()
    assert Training.objects.count() == 1


def test_late_and_missing_follow_the_due_date(classroom, student):
    assignment = AssignmentFactory(classroom=classroom, due_at=DUE)
    on_time, late = EnrollmentFactory(classroom=classroom).student, student
    missing = EnrollmentFactory(classroom=classroom).student
    for who, when in ((on_time, DUE - timedelta(minutes=1)), (late, DUE + timedelta(minutes=1))):
        hand_in_at(when, actor=who, assignment=assignment, training=finished_model(who, assignment))
    before = {r.student: r.state for r in hand_in_overview(assignment=assignment, now=DUE)}
    after = {
        r.student: r.state
        for r in hand_in_overview(assignment=assignment, now=DUE + timedelta(seconds=1))
    }
    assert before == {
        on_time: HandInState.HANDED_IN,
        late: HandInState.LATE,
        missing: HandInState.OPEN,
    }
    assert after[missing] == HandInState.MISSING and after[on_time] == HandInState.HANDED_IN
    event = AuditEvent.objects.get(action=AuditAction.ASSIGNMENT_HANDED_IN, actor=late)
    assert event.data["late"] is True


def test_only_a_finished_model_of_the_assignment_is_handed_in(classroom, student):
    assignment = AssignmentFactory(classroom=classroom)
    practice = TrainingFactory(
        student=student, status=Status.COMPLETED, hub_model_id="edubotics-ai/practice"
    )
    running = TrainingFactory(student=student, assignment=assignment, status=Status.RUNNING)
    someone_elses = finished_model(EnrollmentFactory(classroom=classroom).student, assignment)
    for training in (practice, running, someone_elses):
        with pytest.raises(ApplicationError):
            submission_hand_in(actor=student, assignment=assignment, training=training)
    assert not Submission.objects.exists()


def test_a_student_hands_in_and_reads_the_returned_feedback(
    as_student, student, as_teacher, teacher, classroom
):
    assignment = AssignmentFactory(classroom=classroom)
    model = finished_model(student, assignment)
    ControlSession.objects.create(
        school=classroom.school,
        student=student,
        training=model,
        ended_at=timezone.now(),
        rating=4,
        feedback="greift beim zweiten Versuch",
    )
    page = url(classroom.school, "assignment_detail", assignment.pk)
    as_student.post(page, {"training": model.pk, "reflection": "Mehr Episoden halfen."})
    submission = Submission.objects.get()
    overview = as_teacher.get(page).content.decode()
    assert "handed in" in overview
    detail = url(classroom.school, "submission_detail", submission.pk)
    text = as_teacher.get(detail).content.decode()
    assert "Mehr Episoden halfen." in text and "greift beim zweiten Versuch" in text
    assert "0.0421" in text and "<svg" in text  # the final loss and the loss curve

    bad = as_teacher.post(detail, {"feedback": "Gut", "grade": "7"})
    assert "between 1 and 6" in bad.content.decode()
    submission.refresh_from_db()
    assert submission.returned_at is None

    as_teacher.post(detail, {"feedback": "Gute Reflexion!", "grade": "1.5"})
    submission.refresh_from_db()
    assert submission.grade == Decimal("1.5") and submission.returned_at
    assert AuditEvent.objects.filter(action=AuditAction.ASSIGNMENT_GRADED, actor=teacher).exists()
    mine = as_student.get(page).content.decode()
    assert "Gute Reflexion!" in mine and "1,5" in mine
    with pytest.raises(ApplicationError, match="already returned"):
        submission_hand_in(actor=student, assignment=assignment, training=model)


def test_pass_fail_and_points(classroom, student, teacher):
    for grading, fields, shown in (
        (Grading.PASS_FAIL, {"passed": True}, "passed"),
        (Grading.POINTS, {"grade": Decimal("17.5")}, "17,5 / 20"),
    ):
        assignment = AssignmentFactory(classroom=classroom, grading=grading, max_points=20)
        submission = submission_hand_in(
            actor=student, assignment=assignment, training=finished_model(student, assignment)
        )
        submission_grade(actor=teacher, submission=submission, feedback="ok", **fields)
        assert submission.grade_display == shown
    with pytest.raises(ApplicationError, match="between 0 and 20"):
        submission_grade(actor=teacher, submission=submission, feedback="", grade=Decimal(21))


def test_the_grade_book_is_for_german_excel(as_teacher, teacher, classroom, student):
    student.user.first_name = "=HYPERLINK(1)"
    student.user.save()
    graded = AssignmentFactory(classroom=classroom, title="@Aufgabe 1", due_at=DUE)
    waiting = AssignmentFactory(classroom=classroom, title="Aufgabe 2", due_at=DUE + timedelta(1))
    AssignmentFactory(classroom=classroom, title="Entwurf", published_at=None)
    submission = submission_hand_in(
        actor=student, assignment=graded, training=finished_model(student, graded)
    )
    submission_grade(actor=teacher, submission=submission, feedback="", grade=Decimal("2.3"))
    submission_hand_in(actor=student, assignment=waiting, training=finished_model(student, waiting))
    response = as_teacher.get(url(classroom.school, "assignment_grade_book", classroom.pk))
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff") and response["Content-Disposition"].endswith('.csv"')
    header, row = body.lstrip("\ufeff").splitlines()
    assert header == "Last name;First name;Username;'@Aufgabe 1;Aufgabe 2"
    assert row == f"{student.user.last_name};'=HYPERLINK(1);{student.user.username};2,3;handed in"
    classroom.school.language = "de"
    classroom.school.save()
    response = as_teacher.get(url(classroom.school, "assignment_grade_book", classroom.pk))
    assert 'filename="noten-' in response["Content-Disposition"]  # named in the page's language


def test_assignment_trainings_go_first_in_the_night_window_by_due_date_then_age(classroom):
    soon = AssignmentFactory(classroom=classroom, due_at=DUE)
    later = AssignmentFactory(classroom=classroom, due_at=DUE + timedelta(days=3))
    student = EnrollmentFactory(classroom=classroom).student

    def waiting(assignment=None):
        return TrainingFactory(student=student, assignment=assignment, off_peak=True).pk

    practice = waiting()
    for_later = waiting(later)
    for_soon_old, for_soon_new = waiting(soon), waiting(soon)
    with mock.patch("training.tasks.submit_training.delay"):
        released = trainings_release_off_peak(limit=3)
        assert released == [for_soon_old, for_soon_new, for_later]
        assert trainings_release_off_peak(limit=3) == [practice]


@pytest.mark.parametrize("count", [3, 30])
def test_the_assignment_pages_are_flat_at_any_size(
    as_teacher, classroom, count, django_assert_num_queries
):
    assignment = AssignmentFactory(classroom=classroom)
    for _ in range(count):
        AssignmentFactory(classroom=classroom)
        student = EnrollmentFactory(classroom=classroom).student
        submission = submission_hand_in(
            actor=student, assignment=assignment, training=finished_model(student, assignment)
        )
    for _ in range(count):  # the last hand-in's model ran on the robot that often
        ControlSession.objects.create(
            school=classroom.school, student=student, training=submission.training, rating=3
        )
    slug = classroom.school.slug
    pages = {
        # session, user, membership, schools for the switcher, assignments with counts
        url(classroom.school, "assignment_list"): 5,
        # session, user, membership, the assignment, its hand-ins, the students, switcher
        url(classroom.school, "assignment_detail", assignment.pk): 7,
        # session, user, membership, the classroom, assignments, hand-ins, students
        url(classroom.school, "assignment_grade_book", classroom.pk): 7,
        # session, user, membership, the hand-in, its sessions, switcher
        url(classroom.school, "submission_detail", submission.pk): 6,
    }
    as_teacher.get(f"/s/{slug}/")
    for page, queries in pages.items():
        with django_assert_num_queries(queries):
            response = as_teacher.get(page)
        assert response.status_code == 200
    listed = as_teacher.get(url(classroom.school, "assignment_list")).content.decode()
    assert f"{count} of {count} handed in" in listed


def test_the_progress_page_shows_completion_per_assignment(as_teacher, classroom, student):
    assignment = AssignmentFactory(classroom=classroom, title="Würfel greifen")
    AssignmentFactory(classroom=classroom, title="Entwurf", published_at=None)
    EnrollmentFactory(classroom=classroom)
    submission_hand_in(
        actor=student, assignment=assignment, training=finished_model(student, assignment)
    )
    page = as_teacher.get(url(classroom.school, "classroom_progress", classroom.pk)).content
    completion = page.decode().split('id="assignment-completion"')[1].split("</section>")[0]
    assert "Würfel greifen" in completion and "1 / 2" in completion
    assert "Entwurf" not in completion


@pytest.mark.parametrize("count", [3, 30])
def test_a_students_home_with_open_assignments_is_flat(
    as_student, student, classroom, count, django_assert_num_queries
):
    done = AssignmentFactory(classroom=classroom, title="Schon abgegeben")
    submission_hand_in(actor=student, assignment=done, training=finished_model(student, done))
    for _ in range(count):
        AssignmentFactory(classroom=classroom)
    home = url(classroom.school, "dashboard")
    as_student.get(home)
    # the home as before (its current and archived classrooms in one query), and one for the open
    # assignments
    with django_assert_num_queries(10):
        page = as_student.get(home).content.decode()
    assert page.count("Greifen lernen") == count and "Schon abgegeben" not in page


def test_a_german_school_reads_its_assignments_in_german(as_student, classroom):
    classroom.school.language = "de"
    classroom.school.save()
    assignment = AssignmentFactory(classroom=classroom, title="Würfel greifen")
    home = as_student.get(url(classroom.school, "dashboard")).content.decode()
    assert "Offene Aufgaben" in home
    page = as_student.get(url(classroom.school, "assignment_detail", assignment.pk))
    text = page.content.decode()
    assert (
        "Deine Trainings für diese Aufgabe" in text and "Training für diese Aufgabe starten" in text
    )
