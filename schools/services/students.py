"""Student accounts: created by teachers (one, or a class list), joining by code, passwords."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ..audit import audit_record
from ..errors import ApplicationError
from ..models import AuditAction, Classroom, Enrollment, Membership, Role, User
from ..selectors import classroom_by_join_code
from ..student_csv import ImportRejected, RowError, StudentRow
from ..transliteration import to_ascii
from .classrooms import classroom_require_teacher
from .seats import seats_reserve

PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PROGRESS_STEP = 10
# Long enough for the whole of nearly every name (the login card prints it), short to type.
USERNAME_BASE_LENGTH = 60


@dataclass
class Credentials:
    """A new password, shown once to the teacher (and on the printable login sheet)."""

    name: str
    username: str
    password: str


def generate_password() -> str:
    chars = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(12))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def _username_base(first_name: str, last_name: str) -> str:
    text = to_ascii(f"{first_name}.{last_name}".lower()).lower()
    base = "".join(c for c in text.replace(" ", "-") if (c.isascii() and c.isalnum()) or c in ".-")
    return base.strip(".-")[:USERNAME_BASE_LENGTH].strip(".-") or "student"


def _assign_usernames(rows: list[StudentRow]) -> None:
    """Gives every row without a username a free one like ``anna.mueller`` or ``anna.mueller2``."""
    bases = {
        row.line: _username_base(row.first_name, row.last_name) for row in rows if not row.username
    }
    if not bases:
        return
    prefixes = Q()
    for base in set(bases.values()):
        prefixes |= Q(username__startswith=base)
    taken = set(User.objects.filter(prefixes).values_list("username", flat=True))
    taken |= {row.username for row in rows if row.username}
    for row in rows:
        if row.username:
            continue
        base = bases[row.line]
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}{n}"
        row.username = candidate
        taken.add(candidate)


@dataclass
class ImportResult:
    credentials: list[Credentials]  # the new students
    report: list[str]  # the students already in the classroom: skipped, or their e-mail updated


@dataclass
class _Matched:
    """A row of a student already in the classroom (a re-import of the same list)."""

    row: StudentRow
    user: User


def _match_enrolled(
    classroom: Classroom, rows: list[StudentRow]
) -> tuple[list[StudentRow], list[_Matched]]:
    """Splits the rows into new students and those already in the classroom: the same username
    or e-mail, or the same first and last name (ignoring case)."""
    enrolled = list(User.objects.filter(memberships__enrollments__classroom=classroom))
    by_username = {u.username: u for u in enrolled}
    by_email = {u.email.lower(): u for u in enrolled if u.email}
    by_name = {(u.first_name.casefold(), u.last_name.casefold()): u for u in enrolled}
    new, matched = [], []
    for row in rows:
        user = (
            (row.username and by_username.get(row.username))
            or (row.email and by_email.get(row.email))
            or by_name.get((row.first_name.casefold(), row.last_name.casefold()))
        )
        if user:
            matched.append(_Matched(row, user))
        else:
            new.append(row)
    return new, matched


def _report(matched: list[_Matched]) -> list[str]:
    lines = []
    for m in matched:
        values = {"line": m.row.line, "name": m.user.get_full_name(), "username": m.user.username}
        if m.row.email and m.row.email != m.user.email.lower():
            lines.append(
                _(
                    "Line %(line)d: %(name)s (%(username)s) is already in the classroom; e-mail updated."
                )
                % values
            )
        else:
            lines.append(
                _("Line %(line)d: %(name)s (%(username)s) is already in the classroom; skipped.")
                % values
            )
    return lines


def _check_against_accounts(rows: list[StudentRow], matched: list[_Matched]) -> list[RowError]:
    usernames = [row.username for row in rows if row.username]
    emails = [row.email for row in rows if row.email] + [
        m.row.email for m in matched if m.row.email
    ]
    taken_usernames = set(
        User.objects.filter(username__in=usernames).values_list("username", flat=True)
    )
    taken_emails = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    errors = [
        RowError(
            m.row.line,
            _("e-mail “%(email)s” already belongs to an account") % {"email": m.row.email},
            "email",
        )
        for m in matched
        if taken_emails.get(m.row.email, m.user.pk) != m.user.pk
    ]
    for row in rows:
        if row.username in taken_usernames:
            errors.append(
                RowError(
                    row.line,
                    _("username “%(username)s” is already taken") % {"username": row.username},
                    "username",
                )
            )
        if row.email and row.email in taken_emails:
            errors.append(
                RowError(
                    row.line,
                    _("e-mail “%(email)s” already belongs to an account") % {"email": row.email},
                    "email",
                )
            )
    return errors


def students_check(
    *,
    actor: Membership,
    classroom: Classroom,
    rows: list[StudentRow],
    problems: list[RowError] = (),
) -> tuple[list[StudentRow], list[_Matched]]:
    """Every check an import needs, done before any (slow, on purpose) password hashing; the
    file's own ``problems`` and those found here are listed together. Returns the new rows and
    the rows of students already in the classroom."""
    classroom_require_teacher(actor=actor, classroom=classroom)
    new, matched = _match_enrolled(classroom, rows)
    errors = [*problems, *_check_against_accounts(new, matched)]
    if errors:
        raise ImportRejected(sorted(errors, key=lambda error: error.line))
    with transaction.atomic():  # the seats are taken for real when the accounts are saved
        seats_reserve(school=actor.school, count=len(new))
    return new, matched


def students_create(
    *,
    actor: Membership,
    classroom: Classroom,
    rows: list[StudentRow],
    problems: list[RowError] = (),
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Creates accounts for all new rows and enrolls them, or nothing at all (``ImportRejected``).
    Students already in the classroom are skipped, or get the e-mail the file gives them.

    ``on_progress`` hears how many passwords are hashed so far, every ``PROGRESS_STEP`` rows.
    """
    rows, matched = students_check(actor=actor, classroom=classroom, rows=rows, problems=problems)
    _assign_usernames(rows)
    credentials, users = [], []
    for row in rows:
        password = generate_password()
        user = User(
            username=row.username,
            first_name=row.first_name,
            last_name=row.last_name,
            email=row.email,
            managed_by_school=True,
        )
        user.set_password(password)
        users.append(user)
        if on_progress and len(users) % PROGRESS_STEP == 0:
            on_progress(len(users))
        credentials.append(
            Credentials(
                name=f"{row.first_name} {row.last_name}", username=row.username, password=password
            )
        )
    try:
        with transaction.atomic():
            seats_reserve(school=actor.school, count=len(rows))
            User.objects.bulk_create(users)
            members = Membership.objects.bulk_create(
                Membership(school=actor.school, user=user, role=Role.STUDENT) for user in users
            )
            Enrollment.objects.bulk_create(
                Enrollment(school=actor.school, classroom=classroom, student=m) for m in members
            )
            updated = [m for m in matched if m.row.email and m.row.email != m.user.email.lower()]
            for m in updated:
                m.user.email = m.row.email
            User.objects.bulk_update([m.user for m in updated], ["email"])
            audit_record(
                school=actor.school,
                action=AuditAction.STUDENTS_IMPORTED,
                actor=actor,
                target=classroom,
                data={"count": len(members)} | ({"skipped": len(matched)} if matched else {}),
            )
    except IntegrityError:  # someone took a username between our check and the insert
        raise ImportRejected(
            [RowError(0, _("A username was taken meanwhile. Please try again."))]
        ) from None
    return ImportResult(credentials, _report(matched))


@transaction.atomic
def student_password_reset(*, actor: Membership, student: Membership) -> Credentials:
    """A teacher sets a new password for an account their school manages, and no other.

    A person with an account of their own may also belong to other schools, so a teacher of one
    of them must never set its password; they reset it themselves by e-mail.
    """
    if not actor.is_staff_member or student.school_id != actor.school_id:
        raise ApplicationError(_("Only teachers can reset a student's password."))
    if student.role != Role.STUDENT or not student.user.managed_by_school:
        raise ApplicationError(
            _(
                "%(name)s has an account of their own: they reset their password themselves "
                "with “Forgot your password?” on the sign-in page."
            )
            % {"name": str(student.user)}
        )
    password = generate_password()
    student.user.set_password(password)
    student.user.save(update_fields=["password"])
    audit_record(
        school=actor.school,
        action=AuditAction.STUDENT_PASSWORD_RESET,
        actor=actor,
        target=student,
    )
    return Credentials(
        name=student.user.get_full_name(), username=student.user.username, password=password
    )


def student_unenroll(*, actor: Membership, classroom: Classroom, student: Membership) -> None:
    classroom_require_teacher(actor=actor, classroom=classroom)
    Enrollment.objects.for_school(actor.school).filter(
        classroom=classroom, student=student
    ).delete()


def _classroom_for_code(code: str) -> Classroom:
    classroom = classroom_by_join_code(code=code)
    if classroom is None:
        raise ApplicationError(
            _("No classroom has this join code. Check it with your teacher."), field="code"
        )
    return classroom


def classroom_join(*, actor: Membership, code: str) -> Classroom:
    """A signed-in student joins another classroom of their school with its code."""
    classroom = _classroom_for_code(code)
    if classroom.school_id != actor.school_id or actor.role != Role.STUDENT:
        raise ApplicationError(
            _("No classroom has this join code. Check it with your teacher."), field="code"
        )
    Enrollment.objects.get_or_create(school=actor.school, classroom=classroom, student=actor)
    return classroom


@transaction.atomic
def student_signup_with_code(
    *, code: str, first_name: str, last_name: str, password: str
) -> Membership:
    """A new student makes their own account with a classroom's join code."""
    classroom = _classroom_for_code(code)
    seats_reserve(school=classroom.school, count=1)
    row = StudentRow(line=1, first_name=first_name.strip(), last_name=last_name.strip())
    _assign_usernames([row])
    user = User(
        username=row.username,
        first_name=row.first_name,
        last_name=row.last_name,
        managed_by_school=True,
    )
    user.set_password(password)
    user.save()
    membership = Membership.objects.create(school=classroom.school, user=user, role=Role.STUDENT)
    Enrollment.objects.create(school=classroom.school, classroom=classroom, student=membership)
    audit_record(
        school=classroom.school,
        action=AuditAction.MEMBER_ADDED,
        actor=membership,
        target=membership,
        data={"role": Role.STUDENT, "by": "join code"},
    )
    return membership


def students_password_reset_many(
    *, actor: Membership, classroom: Classroom, students: list[Membership]
) -> list[Credentials]:
    """New passwords for the selected students of a classroom (all, or none if one of them has
    an account of their own), for one new login sheet."""
    classroom_require_teacher(actor=actor, classroom=classroom)
    with transaction.atomic():
        return [student_password_reset(actor=actor, student=student) for student in students]


@transaction.atomic
def students_move(
    *, actor: Membership, classroom: Classroom, target: Classroom, students: list[Membership]
) -> None:
    """Moves the selected students from one of the teacher's classrooms to another."""
    classroom_require_teacher(actor=actor, classroom=classroom)
    classroom_require_teacher(actor=actor, classroom=target)
    if target.pk == classroom.pk:
        raise ApplicationError(_("Choose another classroom to move them to."), field="target")
    Enrollment.objects.for_school(actor.school).filter(
        classroom=classroom, student__in=students
    ).delete()
    for student in students:
        Enrollment.objects.get_or_create(school=actor.school, classroom=target, student=student)
    audit_record(
        school=actor.school,
        action=AuditAction.STUDENTS_MOVED,
        actor=actor,
        target=target,
        data={"from": classroom.name, "count": len(students)},
    )


@transaction.atomic
def students_unenroll(*, actor: Membership, classroom: Classroom, students: list[Membership]):
    """Removes the selected students from the classroom; they keep their accounts."""
    for student in students:
        student_unenroll(actor=actor, classroom=classroom, student=student)
