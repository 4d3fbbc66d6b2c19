"""Server-rendered pages of the tenant. Thin: parse, load through access helpers, call a service."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import selectors
from .access import access_classroom, access_invitation, access_member, role_required
from .errors import ApplicationError
from .forms import (
    ClassroomForm,
    InvitationForm,
    JoinCodeForm,
    NewAccountForm,
    RoleForm,
    SchoolSettingsForm,
    StudentForm,
    StudentImportForm,
    StudentSignupForm,
)
from .models import Role
from .services import classrooms as classroom_services
from .services import members as member_services
from .services.schools import school_update
from .services.students import (
    Credentials,
    classroom_join,
    student_password_reset,
    student_signup_with_code,
    student_unenroll,
    students_create,
)
from .student_csv import (
    MAX_BYTES,
    ImportRejected,
    RowError,
    StudentRow,
    check_username,
    parse_students_csv,
)

LOGIN_SHEET_SESSION_KEY = "login_sheet"
AUTH_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _call(form, service, **kwargs):
    """Runs a service for a form; its ``ApplicationError`` becomes an error on the form."""
    try:
        return True, service(**kwargs)
    except ApplicationError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return False, None


def _action(request, service, success, next_url, **kwargs):
    """Runs a POST-only action and reports it as a message."""
    try:
        service(**kwargs)
        messages.success(request, success)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(next_url)


def _confirm(request, *, title, text, button, cancel_url, danger=True):
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "text": text,
            "button": button,
            "cancel_url": cancel_url,
            "danger": danger,
        },
    )


def _tenant_url(request, name, *args):
    return reverse(name, args=[request.school.slug, *args])


# --- outside a school --------------------------------------------------------------------------


def home(request):
    if not request.user.is_authenticated:
        return render(request, "schools/landing.html")
    memberships = list(selectors.memberships_of_user(user=request.user))
    if not memberships:
        return render(request, "schools/no_school.html")
    remembered = request.session.get("school_slug")
    membership = next((m for m in memberships if m.school.slug == remembered), memberships[0])
    return redirect("dashboard", membership.school.slug)


def invitation_accept(request, token):
    invitation = selectors.invitation_by_token(token=token)
    try:
        member_services.invitation_check(invitation)
    except ApplicationError as error:
        status = 410 if invitation else 404
        return render(
            request, "schools/invitation_invalid.html", {"message": error.message}, status=status
        )
    welcome = _("Welcome to %(school)s!") % {"school": invitation.school}
    if request.user.is_authenticated:  # an existing account joins with one click
        if request.method == "POST":
            try:
                member_services.invitation_accept(invitation=invitation, user=request.user)
            except ApplicationError as error:
                messages.error(request, error.message)
                return redirect(request.path)
            messages.success(request, welcome)
            return redirect("dashboard", invitation.school.slug)
        return render(request, "schools/invitation_accept.html", {"invitation": invitation})
    form = NewAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, membership = _call(
            form,
            member_services.invitation_accept,
            invitation=invitation,
            first_name=data["first_name"],
            last_name=data["last_name"],
            password=data["password1"],
        )
        if ok:
            login(request, membership.user, backend=AUTH_BACKEND)
            messages.success(request, welcome)
            return redirect("dashboard", invitation.school.slug)
    return render(
        request, "schools/invitation_accept.html", {"invitation": invitation, "form": form}
    )


def student_signup(request):
    """A new student makes an account with their classroom's join code."""
    form = StudentSignupForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, membership = _call(
            form,
            student_signup_with_code,
            code=data["code"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            password=data["password1"],
        )
        if ok:
            login(request, membership.user, backend=AUTH_BACKEND)
            messages.success(
                request,
                _(
                    "Your account is ready. Your username is %(username)s: write it down, you need it to sign in."
                )
                % {"username": membership.user.username},
            )
            return redirect("dashboard", membership.school.slug)
    return render(request, "schools/student_signup.html", {"form": form})


# --- inside a school (/s/<school_slug>/...) ------------------------------------------------------


@role_required(Role.TEACHER)
def classroom_create(request):
    form = ClassroomForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        ok, classroom = _call(
            form, classroom_services.classroom_create, actor=request.membership, **form.cleaned_data
        )
        if ok:
            messages.success(request, _("Classroom “%(name)s” created.") % {"name": classroom.name})
            return redirect(_tenant_url(request, "classroom_detail", classroom.pk))
    return render(request, "schools/classroom_form.html", {"form": form})


def classroom_detail(request, classroom_id):
    classroom = access_classroom(membership=request.membership, classroom_id=classroom_id)
    if request.membership.role == Role.STUDENT:
        return render(request, "schools/classroom_student.html", {"classroom": classroom})
    return render(
        request,
        "schools/classroom_detail.html",
        {
            "classroom": classroom,
            "co_teachers": selectors.classroom_co_teachers(classroom=classroom),
            "enrollments": selectors.classroom_students(classroom=classroom),
            "join_url": request.build_absolute_uri(reverse("student_signup"))
            + f"?code={classroom.join_code}",
        },
    )


@role_required(Role.TEACHER)
def classroom_edit(request, classroom_id):
    classroom = access_classroom(
        membership=request.membership, classroom_id=classroom_id, for_write=True
    )
    form = ClassroomForm(request.POST or None, instance=classroom, school=request.school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, _classroom = _call(
            form,
            classroom_services.classroom_update,
            actor=request.membership,
            classroom=classroom,
            name=data["name"],
            subject=data["subject"],
            co_teachers=data["co_teachers"],
        )
        if ok:
            messages.success(request, _("Classroom saved."))
            return redirect(_tenant_url(request, "classroom_detail", classroom.pk))
    return render(request, "schools/classroom_form.html", {"form": form, "classroom": classroom})


@role_required(Role.TEACHER)
def classroom_archive(request, classroom_id):
    classroom = access_classroom(
        membership=request.membership, classroom_id=classroom_id, for_write=True
    )
    back = _tenant_url(request, "classroom_detail", classroom.pk)
    if request.method != "POST":
        return _confirm(
            request,
            title=_("Archive “%(name)s”?") % {"name": classroom.name},
            text=_(
                "An archived classroom is read-only. Its students keep seeing their work. You can restore it later."
            ),
            button=_("Archive"),
            cancel_url=back,
            danger=False,
        )
    return _action(
        request,
        classroom_services.classroom_archive,
        _("Classroom archived."),
        back,
        actor=request.membership,
        classroom=classroom,
    )


@role_required(Role.TEACHER)
@require_POST
def classroom_restore(request, classroom_id):
    classroom = access_classroom(
        membership=request.membership, classroom_id=classroom_id, for_write=True
    )
    return _action(
        request,
        classroom_services.classroom_restore,
        _("Classroom restored."),
        _tenant_url(request, "classroom_detail", classroom.pk),
        actor=request.membership,
        classroom=classroom,
    )


@role_required(Role.TEACHER)
def classroom_delete(request, classroom_id):
    classroom = access_classroom(
        membership=request.membership, classroom_id=classroom_id, for_write=True
    )
    if request.method != "POST":
        return _confirm(
            request,
            title=_("Delete “%(name)s”?") % {"name": classroom.name},
            text=_("The classroom is deleted for good. Its students stay in the school."),
            button=_("Delete classroom"),
            cancel_url=_tenant_url(request, "classroom_detail", classroom.pk),
        )
    return _action(
        request,
        classroom_services.classroom_delete,
        _("Classroom deleted."),
        _tenant_url(request, "dashboard"),
        actor=request.membership,
        classroom=classroom,
    )


@role_required(Role.TEACHER)
@require_POST
def classroom_join_code(request, classroom_id):
    classroom = access_classroom(
        membership=request.membership, classroom_id=classroom_id, for_write=True
    )
    back = _tenant_url(request, "classroom_detail", classroom.pk)
    kwargs = {"actor": request.membership, "classroom": classroom}
    match request.POST.get("action"):
        case "reset":
            return _action(
                request,
                classroom_services.classroom_join_code_reset,
                _("New join code created; the old one no longer works."),
                back,
                **kwargs,
            )
        case "disable":
            return _action(
                request,
                classroom_services.classroom_join_code_set_enabled,
                _("Join code turned off."),
                back,
                enabled=False,
                **kwargs,
            )
        case _:
            return _action(
                request,
                classroom_services.classroom_join_code_set_enabled,
                _("Join code turned on."),
                back,
                enabled=True,
                **kwargs,
            )


def _show_login_sheet(request, classroom, credentials: list[Credentials]):
    request.session[LOGIN_SHEET_SESSION_KEY] = {
        "school": request.school.pk,
        "classroom": classroom.name if classroom else "",
        "students": [vars(c) for c in credentials],
    }
    return redirect(_tenant_url(request, "login_sheet"))


@role_required(Role.TEACHER)
def student_add(request, classroom_id):
    classroom = access_classroom(
        membership=request.membership, classroom_id=classroom_id, for_write=True
    )
    form = StudentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        row = StudentRow(line=1, **form.cleaned_data)
        row.username = row.username.lower()
        try:
            if row.username and (problem := check_username(row.username)):
                raise ImportRejected([RowError(1, problem, "username")])
            credentials = students_create(actor=request.membership, classroom=classroom, rows=[row])
            return _show_login_sheet(request, classroom, credentials)
        except ImportRejected as rejected:
            for error in rejected.errors:
                form.add_error(error.field if error.field in form.fields else None, error.message)
        except ApplicationError as error:
            form.add_error(None, error.message)
    return render(request, "schools/student_add.html", {"form": form, "classroom": classroom})


@role_required(Role.TEACHER)
def student_import(request, classroom_id):
    classroom = access_classroom(
        membership=request.membership, classroom_id=classroom_id, for_write=True
    )
    form = StudentImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = upload.read(MAX_BYTES + 1)
            rows = parse_students_csv(data)
            credentials = students_create(actor=request.membership, classroom=classroom, rows=rows)
            count = len(credentials)
            messages.success(
                request,
                ngettext("%(count)d student imported.", "%(count)d students imported.", count)
                % {"count": count},
            )
            return _show_login_sheet(request, classroom, credentials)
        except ImportRejected as rejected:
            form.add_error(None, rejected.message)
            row_errors = rejected.errors
        except ApplicationError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "schools/student_import.html",
        {"form": form, "classroom": classroom, "row_errors": row_errors},
    )


@role_required(Role.TEACHER)
def login_sheet(request):
    sheet = request.session.get(LOGIN_SHEET_SESSION_KEY)
    if not sheet or sheet["school"] != request.school.pk:
        sheet = None
    if request.method == "POST":  # printed: forget the passwords
        request.session.pop(LOGIN_SHEET_SESSION_KEY, None)
        messages.info(request, _("The passwords were removed from this page."))
        return redirect(_tenant_url(request, "dashboard"))
    return render(
        request,
        "schools/login_sheet.html",
        {"sheet": sheet, "login_url": request.build_absolute_uri(reverse("account_login"))},
    )


@role_required(Role.TEACHER)
def student_remove(request, classroom_id, member_id):
    classroom = access_classroom(
        membership=request.membership, classroom_id=classroom_id, for_write=True
    )
    student = access_member(membership=request.membership, member_id=member_id, for_write=True)
    back = _tenant_url(request, "classroom_detail", classroom.pk)
    if request.method != "POST":
        return _confirm(
            request,
            title=_("Remove %(name)s from “%(classroom)s”?")
            % {"name": student.user.get_full_name(), "classroom": classroom.name},
            text=_("The student keeps their account and stays in the school."),
            button=_("Remove from classroom"),
            cancel_url=back,
        )
    return _action(
        request,
        student_unenroll,
        _("Student removed from the classroom."),
        back,
        actor=request.membership,
        classroom=classroom,
        student=student,
    )


@role_required(Role.TEACHER)
def student_password(request, member_id):
    student = access_member(membership=request.membership, member_id=member_id, for_write=True)
    if request.method != "POST":
        return _confirm(
            request,
            title=_("Reset the password of %(name)s?") % {"name": student.user.get_full_name()},
            text=_(
                "The old password stops working at once. You get a login card with the new one."
            ),
            button=_("Reset password"),
            cancel_url=_tenant_url(request, "dashboard"),
            danger=False,
        )
    try:
        credentials = student_password_reset(actor=request.membership, student=student)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(_tenant_url(request, "dashboard"))
    return _show_login_sheet(request, None, [credentials])


def classroom_join_with_code(request):
    """A signed-in student joins another classroom of their school."""
    form = JoinCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, classroom = _call(
            form, classroom_join, actor=request.membership, code=form.cleaned_data["code"]
        )
        if ok:
            messages.success(request, _("You joined “%(name)s”.") % {"name": classroom.name})
            return redirect(_tenant_url(request, "dashboard"))
    return render(request, "schools/join.html", {"form": form})


# --- school admin -------------------------------------------------------------------------------


@role_required(Role.ADMIN)
def members(request):
    role = request.GET.get("role") if request.GET.get("role") in Role.values else None
    page = Paginator(selectors.school_members(school=request.school, role=role), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "schools/members.html",
        {
            "page": page,
            "role": role,
            "roles": Role.choices,
            "role_form": RoleForm(),
            "invitations": selectors.pending_invitations(school=request.school),
        },
    )


@role_required(Role.ADMIN)
def invitation_create(request):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, invitation = _call(
            form, member_services.invitation_send, actor=request.membership, **form.cleaned_data
        )
        if ok:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect(_tenant_url(request, "members"))
    return render(request, "schools/invitation_form.html", {"form": form})


@role_required(Role.ADMIN)
@require_POST
def invitation_resend(request, invitation_id):
    invitation = access_invitation(membership=request.membership, invitation_id=invitation_id)
    return _action(
        request,
        member_services.invitation_resend,
        _("Invitation sent again."),
        _tenant_url(request, "members"),
        actor=request.membership,
        invitation=invitation,
    )


@role_required(Role.ADMIN)
@require_POST
def invitation_revoke(request, invitation_id):
    invitation = access_invitation(membership=request.membership, invitation_id=invitation_id)
    return _action(
        request,
        member_services.invitation_revoke,
        _("Invitation revoked; its link no longer works."),
        _tenant_url(request, "members"),
        actor=request.membership,
        invitation=invitation,
    )


@role_required(Role.ADMIN)
@require_POST
def member_role(request, member_id):
    member = access_member(membership=request.membership, member_id=member_id, for_write=True)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a role."))
        return redirect(_tenant_url(request, "members"))
    return _action(
        request,
        member_services.member_change_role,
        _("Role changed."),
        _tenant_url(request, "members"),
        actor=request.membership,
        member=member,
        role=form.cleaned_data["role"],
    )


@role_required(Role.TEACHER)
def member_deactivate(request, member_id):
    member = access_member(membership=request.membership, member_id=member_id, for_write=True)
    back = _tenant_url(request, "members" if request.membership.is_admin else "dashboard")
    if request.method != "POST":
        return _confirm(
            request,
            title=_("Remove %(name)s from the school?")
            % {"name": member.user.get_full_name() or member.user.email},
            text=_(
                "They can no longer sign in to this school; a student frees their seat. Their data stays, and an admin can reactivate them."
            ),
            button=_("Remove from school"),
            cancel_url=back,
        )
    return _action(
        request,
        member_services.member_deactivate,
        _("Member removed from the school."),
        back,
        actor=request.membership,
        member=member,
    )


@role_required(Role.ADMIN)
@require_POST
def member_reactivate(request, member_id):
    member = access_member(membership=request.membership, member_id=member_id, for_write=True)
    return _action(
        request,
        member_services.member_reactivate,
        _("Member reactivated."),
        _tenant_url(request, "members"),
        actor=request.membership,
        member=member,
    )


@role_required(Role.ADMIN)
def school_settings(request):
    school = request.school
    form = SchoolSettingsForm(
        request.POST or None,
        initial={
            "name": school.name,
            "language": school.language,
            "time_zone": school.time_zone,
            "analytics_opt_out": school.analytics_opt_out,
        },
    )
    if request.method == "POST" and form.is_valid():
        ok, _school = _call(form, school_update, actor=request.membership, **form.cleaned_data)
        if ok:
            messages.success(request, _("Settings saved."))
            return redirect(_tenant_url(request, "school_settings"))
    return render(request, "schools/settings.html", {"form": form})
