"""Class lists too long to create while the teacher waits: checked at once, then created by a
background task that reports its progress, still all or nothing."""

from dataclasses import asdict

from django.db import transaction
from django.utils import translation

from ..errors import ApplicationError
from ..models import Classroom, Membership, StudentImport
from ..student_csv import ImportRejected, RowError, StudentRow
from .students import Credentials, ImportResult, students_check, students_create

Status = StudentImport.Status


def student_import_start(
    *, actor: Membership, classroom: Classroom, rows: list[StudentRow], problems: list[RowError]
) -> StudentImport:
    """Checks everything now (so most problems show at once) and queues the creation."""
    from ..tasks import run_student_import  # tasks import services; queueing goes this way once

    students_check(actor=actor, classroom=classroom, rows=rows, problems=problems)
    student_import = StudentImport.objects.create(
        school=actor.school,
        classroom=classroom,
        started_by=actor,
        total=len(rows),
        rows=[asdict(row) for row in rows],
    )
    transaction.on_commit(lambda: run_student_import.delay(student_import.pk))
    return student_import


def student_import_run(*, import_id: int) -> None:
    """Creates the accounts of a queued import. A second run of the same import does nothing."""
    if not StudentImport.objects.filter(pk=import_id, status=Status.QUEUED).update(
        status=Status.RUNNING
    ):
        return
    student_import = StudentImport.objects.select_related(
        "classroom", "started_by__school", "started_by__user"
    ).get(pk=import_id)
    imports = StudentImport.objects.filter(pk=import_id)
    result = {"rows": []}
    with translation.override(student_import.school.language):
        try:
            imported = students_create(
                actor=student_import.started_by,
                classroom=student_import.classroom,
                rows=[StudentRow(**row) for row in student_import.rows],
                on_progress=lambda done: imports.update(done=done),
            )
        except ImportRejected as rejected:
            result.update(status=Status.REJECTED, errors=[asdict(e) for e in rejected.errors])
        except ApplicationError as error:
            result.update(status=Status.REJECTED, errors=[asdict(RowError(0, error.message))])
        else:
            result.update(
                status=Status.FINISHED,
                done=len(imported.credentials),
                credentials=[asdict(c) for c in imported.credentials],
                report=imported.report,
            )
    imports.update(**result)


def student_import_collect(*, student_import: StudentImport) -> ImportResult:
    """The new passwords, handed out once (to the login sheet) and then forgotten here."""
    result = ImportResult(
        [Credentials(**c) for c in student_import.credentials], student_import.report
    )
    student_import.credentials, student_import.report = [], []
    student_import.save(update_fields=["credentials", "report"])
    return result
