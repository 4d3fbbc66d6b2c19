"""Classrooms: create, edit, archive, restore, delete, and their join code."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit import audit_record
from ..errors import ApplicationError
from ..models import AuditAction, Classroom, Membership, Role, new_join_code


def _can_teach(actor: Membership, classroom: Classroom) -> bool:
    return (
        actor.is_admin
        or classroom.primary_teacher_id == actor.pk
        or classroom.co_teachers.filter(pk=actor.pk).exists()
    )


def classroom_require_teacher(*, actor: Membership, classroom: Classroom, allow_archived=False):
    """Raises unless ``actor`` may change ``classroom`` (and it is not archived)."""
    if actor.school_id != classroom.school_id or not _can_teach(actor, classroom):
        raise ApplicationError(_("Only the classroom's teachers can change it."))
    if classroom.is_archived and not allow_archived:
        raise ApplicationError(_("This classroom is archived and read-only. Restore it first."))


def _check_co_teachers(actor: Membership, co_teachers) -> list[Membership]:
    co_teachers = list(co_teachers)
    for teacher in co_teachers:
        if teacher.school_id != actor.school_id or teacher.role == Role.STUDENT:
            raise ApplicationError(
                _("Co-teachers must be teachers of this school."), field="co_teachers"
            )
    return co_teachers


@transaction.atomic
def classroom_create(
    *, actor: Membership, name: str, subject: str = "", co_teachers=()
) -> Classroom:
    if not actor.is_staff_member:
        raise ApplicationError(_("Only teachers can create classrooms."))
    co_teachers = _check_co_teachers(actor, co_teachers)
    classroom = Classroom.objects.create(
        school=actor.school, name=name.strip(), subject=subject.strip(), primary_teacher=actor
    )
    classroom.co_teachers.set([t for t in co_teachers if t.pk != actor.pk])
    audit_record(
        school=actor.school, action=AuditAction.CLASSROOM_CREATED, actor=actor, target=classroom
    )
    return classroom


@transaction.atomic
def classroom_update(
    *, actor: Membership, classroom: Classroom, name: str, subject: str, co_teachers
) -> Classroom:
    classroom_require_teacher(actor=actor, classroom=classroom)
    co_teachers = _check_co_teachers(actor, co_teachers)
    classroom.name, classroom.subject = name.strip(), subject.strip()
    classroom.save(update_fields=["name", "subject"])
    classroom.co_teachers.set([t for t in co_teachers if t.pk != classroom.primary_teacher_id])
    return classroom


def classroom_archive(*, actor: Membership, classroom: Classroom) -> Classroom:
    classroom_require_teacher(actor=actor, classroom=classroom)
    classroom.archived_at = timezone.now()
    classroom.save(update_fields=["archived_at"])
    return classroom


def classroom_restore(*, actor: Membership, classroom: Classroom) -> Classroom:
    classroom_require_teacher(actor=actor, classroom=classroom, allow_archived=True)
    classroom.archived_at = None
    classroom.save(update_fields=["archived_at"])
    return classroom


def classroom_delete(*, actor: Membership, classroom: Classroom) -> None:
    """Only the primary teacher or an admin deletes; the students stay in the school."""
    if actor.school_id != classroom.school_id or not (
        actor.is_admin or classroom.primary_teacher_id == actor.pk
    ):
        raise ApplicationError(
            _("Only the primary teacher or a school admin can delete a classroom.")
        )
    classroom.delete()


def classroom_join_code_reset(*, actor: Membership, classroom: Classroom) -> Classroom:
    classroom_require_teacher(actor=actor, classroom=classroom)
    classroom.join_code = new_join_code()
    classroom.join_code_enabled = True
    classroom.save(update_fields=["join_code", "join_code_enabled"])
    return classroom


def classroom_join_code_set_enabled(
    *, actor: Membership, classroom: Classroom, enabled: bool
) -> Classroom:
    classroom_require_teacher(actor=actor, classroom=classroom)
    classroom.join_code_enabled = enabled
    classroom.save(update_fields=["join_code_enabled"])
    return classroom
