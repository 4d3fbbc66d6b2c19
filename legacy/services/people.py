"""The users step: earlier accounts become members of the school. A ``teacher_id`` makes a
student of that teacher's classroom; the plan decides the rest (see ``legacy_role``)."""

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from billing.models import BillingAccount
from schools.models import Classroom, Enrollment, Membership, Role, User
from schools.services.seats import seats_used

from ..source import Skip, SourceRow
from .run import ImportRun

TEACHER_PLANS = {"classroom", "pro"}  # "pro" is the older rows' name of the classroom plan
STUDENT_PLANS = {"free", "student"}
BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$")
USERNAME_MAX_LENGTH = User._meta.get_field("username").max_length


def legacy_role(row: SourceRow, teacher_ids: set[str]) -> str:
    """A student has a teacher; a classroom plan, or being some student's teacher, makes a teacher;
    everyone else (free and student plans) is a student."""
    plan = (row.text("plan") or "free").lower()
    if plan not in TEACHER_PLANS | STUDENT_PLANS:
        raise Skip(_("unknown plan “%(plan)s”") % {"plan": plan})
    if row.text("teacher_id"):
        return Role.STUDENT
    if plan in TEACHER_PLANS or row.text("id") in teacher_ids:
        return Role.TEACHER
    return Role.STUDENT


def user_fields(row: SourceRow) -> dict:
    """The account's fields as they are saved (and compared again by ``--verify``)."""
    email = (row.text("email") or "").lower()
    if len(email) > USERNAME_MAX_LENGTH:  # the address is the username too
        raise Skip(_("%(column)s is too long") % {"column": "email"})
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Skip(_("malformed e-mail address")) from None
    elif not row.text("teacher_id"):
        raise Skip(_("no e-mail address (only a teacher's students may have none)"))
    return {"email": email, "date_joined": row.created_at()}


def _password(auth_row: SourceRow | None) -> str | None:
    encrypted = auth_row.text("encrypted_password") if auth_row else None
    if encrypted and encrypted.startswith(BCRYPT_PREFIXES):
        return f"bcrypt${encrypted}"  # Django's BCryptPasswordHasher reads Supabase's hash as is
    return None


def _candidates(run: ImportRun, rows: list[SourceRow], report) -> dict[str, tuple]:
    """The rows that can be imported: {earlier id: (row, fields, role)}, skipping the others."""
    teacher_ids = {row.text("teacher_id") for row in rows if row.text("teacher_id")}
    lines_by_id, emails_seen, candidates = {}, {}, {}
    for row in rows:
        try:
            legacy_id = row.text("id")
            if not legacy_id or len(legacy_id) > 100:
                raise Skip(_("malformed id"))
            if legacy_id in lines_by_id:
                raise Skip(_("duplicate id (line %(line)d)") % {"line": lines_by_id[legacy_id]})
            lines_by_id[legacy_id] = row.line
            fields, role = user_fields(row), legacy_role(row, teacher_ids)
            if first := emails_seen.get(fields["email"]):
                line, raw = first
                raise Skip(
                    (
                        _("duplicate e-mail (line %(line)d)")
                        if raw == row.text("email")
                        else _("duplicate e-mail differing only in case (line %(line)d)")
                    )
                    % {"line": line}
                )
            if fields["email"]:
                emails_seen[fields["email"]] = (row.line, row.text("email"))
            candidates[legacy_id] = (row, fields, role)
        except Skip as reason:
            report.skip(row, reason)
    # A student whose teacher is missing (or skipped) is skipped too, until nothing changes.
    while missing := [
        legacy_id
        for legacy_id, (row, _fields, _role) in candidates.items()
        if (teacher := row.text("teacher_id"))
        and teacher not in candidates
        and run.lookup("users", Membership, teacher) is None
    ]:
        for legacy_id in missing:
            row = candidates.pop(legacy_id)[0]
            report.skip(
                row,
                _("missing reference: teacher_id %(id)s") % {"id": row.text("teacher_id")},
            )
    return candidates


def _stripe_notes(run: ImportRun, rows: list[SourceRow], report) -> None:
    """The earlier system billed people one by one; only the school's own customer carries over
    (it is already its billing account's). Every other Stripe id is reported, not kept."""
    school_customer = (
        BillingAccount.objects.filter(school=run.school)
        .values_list("customer_id", flat=True)
        .first()
    )
    for row in rows:
        customer = row.text("stripe_customer_id")
        if not customer:
            continue
        if customer == school_customer:
            report.notes.append(
                _("line %(line)d: Stripe customer %(customer)s is the school's: kept")
                % {"line": row.line, "customer": customer}
            )
        else:
            report.notes.append(
                _(
                    "line %(line)d: Stripe customer %(customer)s is not the school's billing "
                    "account: not kept (the school pays for its package)"
                )
                % {"line": row.line, "customer": customer}
            )


def legacy_users_import(
    *, run: ImportRun, rows: list[SourceRow], auth_rows: list[SourceRow]
) -> None:
    """Members (and accounts, unless one with the e-mail exists), then a classroom per teacher
    with their students enrolled."""
    report = run.table("users", rows)
    candidates = _candidates(run, rows, report)
    auth = {row.text("id"): row for row in auth_rows if row.text("id")}
    emails = [fields["email"] for _row, fields, _role in candidates.values() if fields["email"]]
    accounts = {
        user.email_lower: user
        for user in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    }
    members = {
        m.user_id: m
        for m in Membership.objects.for_school(run.school).filter(user__in=accounts.values())
    }
    elsewhere = set(
        Membership.objects.filter(user__in=accounts.values(), is_active=True)
        .exclude(school=run.school)
        .values_list("user_id", flat=True)
    )
    new_students = []
    for legacy_id, (row, fields, role) in candidates.items():
        if run.lookup("users", Membership, legacy_id) is not None:
            report.already_imported += 1
            continue
        user = accounts.get(fields["email"]) if fields["email"] else None
        if user and user.pk not in members and user.pk in elsewhere:
            # Joining a school is the person's own step: another school's member is invited.
            report.skip(
                row,
                _("the e-mail belongs to a member of another school: invite the person instead"),
            )
            continue
        if user is None:
            user = User(
                username=fields["email"] or f"{run.school.slug}-{legacy_id[:8]}".lower(),
                managed_by_school=not fields["email"],
                **fields,
            )
            password = _password(auth.get(legacy_id))
            if password:
                user.password = password
            else:
                user.set_unusable_password()
            user.save()
            run.record("users", legacy_id, user)
            if fields["email"]:
                confirmed = auth.get(legacy_id) and auth[legacy_id].text("email_confirmed_at")
                address = EmailAddress.objects.create(
                    user=user, email=fields["email"], verified=bool(confirmed), primary=True
                )
                run.record("users", legacy_id, address)
        else:
            run.record("users", legacy_id, user, created=False)
        membership = members.get(user.pk)
        if membership is None:
            membership = Membership.objects.create(school=run.school, user=user, role=role)
            run.record("users", legacy_id, membership)
        else:
            run.record("users", legacy_id, membership, created=False)
        if role == Role.STUDENT and row.text("teacher_id"):
            new_students.append((row.text("teacher_id"), legacy_id, membership))
        report.imported += 1
    _classrooms_for_teachers(run, new_students)
    _stripe_notes(run, rows, report)
    _seat_note(run, report)
    run.flush()


def _seat_note(run: ImportRun, report) -> None:
    """The import brings everyone (the earlier system had no seats); it says when the package
    is too small, so the admin sees it before a student is refused a training."""
    seats, active = run.school.seat_limit, seats_used(run.school)
    if seats is not None and active > seats:
        report.notes.append(
            _(
                "The school now has %(active)d active students and %(seats)d seats: choose a "
                "larger package before adding more."
            )
            % {"active": active, "seats": seats}
        )


def _classrooms_for_teachers(run: ImportRun, new_students: list[tuple[str, str, Membership]]):
    """The earlier system had one class per teacher; here it is a classroom named after them."""
    for teacher_id in dict.fromkeys(teacher for teacher, _id, _student in new_students):
        classroom_id = run.lookup("users", Classroom, teacher_id)
        if classroom_id is None:
            teacher = Membership.objects.select_related("user").get(
                pk=run.lookup("users", Membership, teacher_id)
            )
            classroom = Classroom.objects.create(
                school=run.school,
                name=_("Class of %(teacher)s") % {"teacher": teacher.user},
                subject=_("from the earlier system"),
                primary_teacher=teacher,
            )
            run.record("users", teacher_id, classroom)
            classroom_id = classroom.pk
        for teacher, legacy_id, student in new_students:
            if teacher == teacher_id:
                enrollment = Enrollment.objects.create(
                    school=run.school, classroom_id=classroom_id, student=student
                )
                run.record("users", legacy_id, enrollment)
