"""Audit entries read as sentences with people's and things' names, never "training 63" or
"from: pending, to: queued": one renderer per action, on the page, in its CSV, in German."""

import pytest
from django.urls import reverse
from django.utils import translation

from analytics.audit_text import _renderers, audit_sentences
from schools.models import AuditAction, AuditEvent
from tests.factories import ClassroomFactory, TrainingFactory, UserFactory

# What the services record for each action (see their audit_record calls), and the kind of target.
SAMPLES = {
    AuditAction.MEMBER_ADDED: ({"role": "teacher", "by": "invitation"}, "member"),
    AuditAction.MEMBER_REMOVED: ({"role": "student"}, "member"),
    AuditAction.MEMBER_ROLE_CHANGED: ({"from": "teacher", "to": "admin"}, "member"),
    AuditAction.STUDENTS_IMPORTED: ({"count": 2}, "classroom"),
    AuditAction.STUDENT_PASSWORD_RESET: ({}, "member"),
    AuditAction.CLASSROOM_CREATED: ({}, "classroom"),
    AuditAction.PACKAGE_CHOSEN: ({"package": "standard"}, None),
    AuditAction.PACKAGE_CHANGED: ({"from": "starter", "to": "premium"}, None),
    AuditAction.PACKAGE_CANCELLED: ({"package": "starter"}, None),
    AuditAction.PAYMENT_FAILED: ({"package": "starter"}, None),
    AuditAction.LIMITS_OVERRIDDEN: ({"seats": 30, "quota": 200}, None),
    AuditAction.TRAINING_CREATED: ({"policy": "ACT_BBOX", "dataset": "a/b"}, "training"),
    AuditAction.TRAINING_STATUS_CHANGED: ({"from": "pending", "to": "queued"}, "training"),
    AuditAction.TRAINING_CANCELLED: ({}, "training"),
    AuditAction.TRAINING_APPROVED: ({"estimate_eur": "1.20"}, "training"),
    AuditAction.TRAINING_DECLINED: ({"reason": "Zu teuer"}, "training"),
    AuditAction.MODEL_RATED: ({"rating": 4, "policy": "ACT"}, None),
    AuditAction.SERVER_STOPPED: ({"status": "stopped", "seconds": 600}, None),
    AuditAction.STUDENTS_MOVED: ({"from": "Robotik 7a", "count": 3}, "classroom"),
    AuditAction.AVV_ACCEPTED: ({"version": "2026-12"}, None),
    AuditAction.DATA_EXPORT_REQUESTED: ({"member_id": 1}, "member"),
    AuditAction.DATA_EXPORTED: ({"whole_school": True}, None),
    AuditAction.ERASURE_REQUESTED: ({"member_id": 1}, "member"),
    AuditAction.MEMBER_ERASED: ({"member_id": 1, "hub_models_kept": False}, None),
    AuditAction.ASSIGNMENT_PUBLISHED: ({"title": "Greifen", "classroom": "7a"}, None),
    AuditAction.ASSIGNMENT_GRADED: ({"assignment": "Greifen", "grade": "2"}, None),
    AuditAction.LEGACY_IMPORTED: ({"users": 30, "trainings": 120}, None),
    AuditAction.LEGACY_IMPORT_UNDONE: ({"removed": 150, "kept": 2}, None),
}


def test_every_action_has_its_renderer():
    assert set(_renderers()) == set(AuditAction.values)


@pytest.mark.parametrize("action", AuditAction.values)
def test_every_action_reads_as_a_german_sentence(action, school, student, classroom):
    data, kind = SAMPLES.get(action, ({}, None))
    target = {"member": student, "classroom": classroom, "training": None}.get(kind)
    if kind == "training":
        target = TrainingFactory(student=student)
    event = AuditEvent.objects.create(
        school=school,
        action=action,
        actor_label="Tom Lehrer",
        object_type=target._meta.model_name if target else "",
        object_id=str(target.pk) if target else "",
        data=data,
    )
    with translation.override("de"):
        [(_, sentence)] = audit_sentences([event])
    assert sentence and sentence != event.get_action_display()
    for code in (action, "%(", "None", "from:", "ACT_BBOX", "pending", "queued", "membership"):
        assert code not in sentence, (code, sentence)
    if kind in ("member", "training") and action != AuditAction.TRAINING_CREATED:  # by the student
        assert student.user.get_full_name() in sentence


def test_a_teachers_cancel_reads_as_a_sentence_on_the_page_and_in_the_csv(
    school, admin, as_admin, classroom, student
):
    school.language = "de"
    school.save()
    student.user.first_name, student.user.last_name = "Anna", "Müller"
    student.user.save()
    teacher = classroom.primary_teacher
    teacher.user.first_name, teacher.user.last_name = "Tom", "Lehrer"
    teacher.user.save()
    training = TrainingFactory(student=student, classroom=classroom, status="pending")
    from tests.conftest import client_for

    client_for(teacher).post(reverse("training_cancel", args=[school.slug, training.pk]))
    url = reverse("audit_log", args=[school.slug])
    page = as_admin.get(url).content.decode()
    assert "Tom Lehrer hat das Training von Anna Müller abgebrochen" in page
    assert "training " + str(training.pk) not in page and "from:" not in page
    csv = as_admin.get(url, {"format": "csv"}).content.decode("utf-8")
    assert "Tom Lehrer hat das Training von Anna Müller abgebrochen" in csv


@pytest.mark.parametrize("count", [3, 60])
def test_naming_the_targets_keeps_the_page_flat(
    as_admin, school, student, classroom, outsider, count, django_assert_num_queries
):
    trainings = TrainingFactory.create_batch(count, student=student)
    events = [
        AuditEvent(
            school=school,
            action=action,
            actor_label="Tom Lehrer",
            object_type=target._meta.model_name,
            object_id=str(target.pk),
        )
        for training in trainings
        for action, target in (
            (AuditAction.TRAINING_CANCELLED, training),
            (AuditAction.STUDENT_PASSWORD_RESET, student),
            (AuditAction.CLASSROOM_CREATED, ClassroomFactory(school=school)),
        )
    ]
    AuditEvent.objects.bulk_create(events)
    url = reverse("audit_log", args=[school.slug])
    as_admin.get(url)
    # session, user, membership, a page of events, schools for the switcher, and one query per
    # kind of target on the page (trainings, members, classrooms)
    with django_assert_num_queries(8):
        page = as_admin.get(url).content.decode()
    assert student.user.get_full_name() in page


def test_a_former_member_is_named_as_such(school, admin):
    gone = UserFactory()
    event = AuditEvent.objects.create(
        school=school,
        action=AuditAction.STUDENT_PASSWORD_RESET,
        actor_label="Tom Lehrer",
        object_type="membership",
        object_id="999999",
    )
    [(_, sentence)] = audit_sentences([event])
    assert sentence == "Tom Lehrer reset the password of a former member"
    assert gone.get_full_name() not in sentence


def test_an_event_pointing_into_another_school_names_no_one_there(school, outsider):
    """Imported audit rows carry the earlier system's ids: one that happens to be another
    school's membership must not print that person's name."""
    event = AuditEvent.objects.create(
        school=school,
        action=AuditAction.STUDENT_PASSWORD_RESET,
        actor_label="Tom Lehrer",
        object_type="membership",
        object_id=str(outsider.pk),
    )
    [(_, sentence)] = audit_sentences([event])
    assert sentence == "Tom Lehrer reset the password of a former member"
    assert outsider.user.get_full_name() not in sentence
