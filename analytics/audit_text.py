"""Audit events as sentences a school admin reads ("Tom Lehrer hat das Training von Anna Müller
abgebrochen"): one renderer per action, for the audit page, its CSV and the Django admin.

Events keep ids, not names (erasure must not leave a name behind), so the names come from the
rows as they are now: one query per kind of object on the page, however many events it shows.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assignments.models import Submission
from schools.models import AuditAction, AuditEvent, Classroom, Membership, Role, School, person_name
from training.models import PolicyType, Status, Training

# What each kind of target is loaded with, so that its renderer can name it.
TARGET_QUERIES = {
    "membership": lambda: Membership.objects.select_related("user"),
    "training": lambda: Training.objects.select_related("student__user"),
    "classroom": lambda: Classroom.objects.all(),
    "submission": lambda: Submission.objects.select_related("student__user"),
}


def _label(choices, value) -> str:
    """A code's name ("queued" → "in der Warteschlange"); an unknown code stays as it is."""
    return str(choices(value).label) if value in choices.values else str(value or "–")


def _package(key) -> str:
    return School(package=key or "").package_name or "–"


def _student_of(target) -> str:
    return person_name(target.student if target is not None else None)


def _subject(event, target) -> str:
    return _("the whole school") if event.data.get("whole_school") else person_name(target)


def _renderers() -> dict[str, Callable[[AuditEvent, dict, object], str]]:
    """action → renderer(event, words, target); ``words`` already holds the actor's name."""
    A = AuditAction
    return {
        A.SCHOOL_SIGNED_UP: lambda e, w, t: _("%(actor)s signed the school up") % w,
        A.CLASSROOM_CREATED: lambda e, w, t: _("%(actor)s created the classroom %(classroom)s")
        % {**w, "classroom": t.name if t else "–"},
        A.MEMBER_ADDED: lambda e, w, t: (
            _("%(actor)s re-activated %(member)s")
            if e.data.get("by") == "reactivation"
            else _("%(member)s joined the school as %(role)s")
        )
        % {**w, "member": person_name(t), "role": _label(Role, e.data.get("role"))},
        A.MEMBER_REMOVED: lambda e, w, t: _("%(actor)s removed %(member)s from the school")
        % {**w, "member": person_name(t)},
        A.MEMBER_ROLE_CHANGED: lambda e, w, t: _(
            "%(actor)s changed the role of %(member)s from %(old)s to %(new)s"
        )
        % {
            **w,
            "member": person_name(t),
            "old": _label(Role, e.data.get("from")),
            "new": _label(Role, e.data.get("to")),
        },
        A.STUDENTS_IMPORTED: lambda e, w, t: ngettext(
            "%(actor)s added %(count)s student to the classroom %(classroom)s",
            "%(actor)s added %(count)s students to the classroom %(classroom)s",
            e.data.get("count", 0),
        )
        % {**w, "count": e.data.get("count", 0), "classroom": t.name if t else "–"},
        A.STUDENT_PASSWORD_RESET: lambda e, w, t: _("%(actor)s reset the password of %(member)s")
        % {**w, "member": person_name(t)},
        A.AUDIT_LOG_EXPORTED: lambda e, w, t: _("%(actor)s exported the audit log") % w,
        A.PACKAGE_CHOSEN: lambda e, w, t: _("%(actor)s chose the package %(package)s")
        % {**w, "package": _package(e.data.get("package"))},
        A.PACKAGE_CHANGED: lambda e, w, t: _(
            "%(actor)s changed the package from %(old)s to %(new)s"
        )
        % {**w, "old": _package(e.data.get("from")), "new": _package(e.data.get("to"))},
        A.PACKAGE_CANCELLED: lambda e, w, t: _("%(actor)s cancelled the package %(package)s")
        % {**w, "package": _package(e.data.get("package"))},
        A.PAYMENT_FAILED: lambda e, w, t: _(
            "%(actor)s reported a failed payment for the package %(package)s"
        )
        % {**w, "package": _package(e.data.get("package"))},
        A.LIMITS_OVERRIDDEN: lambda e, w, t: (
            _("%(actor)s set %(seats)s seats and %(quota)s trainings per month")
            if e.data.get("seats") is not None or e.data.get("quota") is not None
            else _("%(actor)s set the seats and trainings back to the package's")
        )
        % {**w, "seats": e.data.get("seats") or "–", "quota": e.data.get("quota") or "–"},
        A.TRAINING_CREATED: lambda e, w, t: _(
            "%(actor)s started the training %(model)s (%(policy)s)"
        )
        % {
            **w,
            "model": t.model_name if t else "–",
            "policy": _label(PolicyType, e.data.get("policy")),
        },
        A.TRAINING_STATUS_CHANGED: lambda e, w, t: _(
            "The training %(model)s of %(student)s is now %(new)s (was %(old)s)"
        )
        % {
            "model": t.model_name if t else "–",
            "student": _student_of(t),
            "old": _label(Status, e.data.get("from")),
            "new": _label(Status, e.data.get("to")),
        },
        A.TRAINING_CANCELLED: lambda e, w, t: _("%(actor)s cancelled the training of %(student)s")
        % {**w, "student": _student_of(t)},
        A.MODEL_RATED: lambda e, w, t: ngettext(
            "%(actor)s rated a model with %(rating)s star",
            "%(actor)s rated a model with %(rating)s stars",
            e.data.get("rating", 0),
        )
        % {**w, "rating": e.data.get("rating", 0)},
        A.API_TOKEN_CREATED: lambda e, w, t: _("%(actor)s made an API token") % w,
        A.API_TOKEN_REVOKED: lambda e, w, t: _("%(actor)s revoked an API token") % w,
        A.SERVER_STARTED: lambda e, w, t: _("%(actor)s started an inference server") % w,
        A.SERVER_STOPPED: lambda e, w, t: _("%(actor)s stopped an inference server") % w,
        A.TRAINING_APPROVED: lambda e, w, t: _(
            "%(actor)s approved the training of %(student)s (estimated %(amount)s €)"
        )
        % {**w, "student": _student_of(t), "amount": e.data.get("estimate_eur", "–")},
        A.TRAINING_DECLINED: lambda e, w, t: _(
            "%(actor)s declined the training of %(student)s: %(reason)s"
        )
        % {**w, "student": _student_of(t), "reason": e.data.get("reason") or "–"},
        A.BUDGET_CHANGED: lambda e, w, t: _("%(actor)s changed the GPU budget settings") % w,
        A.BUDGET_LEDGER_EXPORTED: lambda e, w, t: _("%(actor)s exported the GPU budget ledger") % w,
        A.STUDENTS_MOVED: lambda e, w, t: ngettext(
            "%(actor)s moved %(count)s student from %(old)s to %(classroom)s",
            "%(actor)s moved %(count)s students from %(old)s to %(classroom)s",
            e.data.get("count", 0),
        )
        % {
            **w,
            "count": e.data.get("count", 0),
            "old": e.data.get("from", "–"),
            "classroom": t.name if t else "–",
        },
        A.AVV_ACCEPTED: lambda e, w, t: _(
            "%(actor)s accepted the data-processing agreement (version %(version)s)"
        )
        % {**w, "version": e.data.get("version", "–")},
        A.DATA_EXPORT_REQUESTED: lambda e, w, t: _(
            "%(actor)s asked for a data export of %(subject)s"
        )
        % {**w, "subject": _subject(e, t)},
        A.DATA_EXPORT_APPROVED: lambda e, w, t: _(
            "%(actor)s approved the data export of %(subject)s"
        )
        % {**w, "subject": _subject(e, t)},
        A.DATA_EXPORT_REJECTED: lambda e, w, t: _(
            "%(actor)s turned down the data export of %(subject)s"
        )
        % {**w, "subject": _subject(e, t)},
        A.DATA_EXPORTED: lambda e, w, t: _("The data export of %(subject)s is ready")
        % {"subject": _subject(e, t)},
        A.ERASURE_REQUESTED: lambda e, w, t: _("%(actor)s asked to erase the data of %(member)s")
        % {**w, "member": person_name(t)},
        A.MEMBER_ERASED: lambda e, w, t: _("%(actor)s erased the data of a former member") % w,
        A.ASSIGNMENT_PUBLISHED: lambda e, w, t: _(
            "%(actor)s published the assignment %(title)s in %(classroom)s"
        )
        % {**w, "title": e.data.get("title", "–"), "classroom": e.data.get("classroom", "–")},
        A.ASSIGNMENT_HANDED_IN: lambda e, w, t: _("%(actor)s handed in the assignment %(title)s")
        % {**w, "title": e.data.get("assignment", "–")},
        A.ASSIGNMENT_GRADED: lambda e, w, t: _(
            "%(actor)s graded the hand-in of %(student)s for %(title)s: %(grade)s"
        )
        % {
            **w,
            "student": _student_of(t),
            "title": e.data.get("assignment", "–"),
            "grade": e.data.get("grade", "–"),
        },
        A.LEGACY_IMPORTED: lambda e, w, t: ngettext(
            "%(actor)s imported %(count)s row from the earlier system",
            "%(actor)s imported %(count)s rows from the earlier system",
            sum(e.data.values()),
        )
        % {**w, "count": sum(e.data.values())},
        A.LEGACY_IMPORT_UNDONE: lambda e, w, t: _(
            "%(actor)s undid an import from the earlier system: %(removed)s rows removed, "
            "%(kept)s kept"
        )
        % {**w, "removed": e.data.get("removed", 0), "kept": e.data.get("kept", 0)},
    }


def audit_sentences(events: Iterable[AuditEvent]) -> list[tuple[AuditEvent, str]]:
    """Each event with its sentence, in the order given."""
    events = list(events)
    ids, schools = defaultdict(set), defaultdict(set)
    for event in events:
        if event.object_type in TARGET_QUERIES and event.object_id.isdigit():
            ids[event.object_type].add(int(event.object_id))
            schools[event.object_type].add(event.school_id)
    # A target is named only from its event's own school: an event can carry any id (the import
    # from the earlier system copies them from a file).
    targets = {
        (kind, row.school_id, str(row.pk)): row
        for kind, pks in ids.items()
        for row in TARGET_QUERIES[kind]().filter(school_id__in=schools[kind], pk__in=pks)
    }
    renderers = _renderers()
    return [
        (
            event,
            renderers[event.action](
                event,
                {"actor": event.actor_label or "EduBotics"},
                targets.get((event.object_type, event.school_id, event.object_id)),
            )
            if event.action in renderers
            else event.get_action_display(),
        )
        for event in events
    ]
