"""Students of a classroom: add one, import a class list, the login sheet, passwords, removal,
and actions on several selected students at once."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import selectors
from ..access import access_classroom, access_member, access_student_import, role_required
from ..errors import ApplicationError
from ..forms import (
    StudentForm,
    StudentImportForm,
    StudentsBulkForm,
)
from ..models import Role, StudentImport
from ..services.student_imports import student_import_collect, student_import_start
from ..services.students import (
    Credentials,
    ImportResult,
    student_password_reset,
    student_unenroll,
    students_create,
    students_move,
    students_password_reset_many,
    students_unenroll,
)
from ..student_csv import (
    MAX_BYTES,
    MAX_ROWS,
    MAX_ROWS_WAITING,
    ImportRejected,
    RowError,
    StudentRow,
    check_username,
    read_students_csv,
)
from .base import (
    LOGIN_SHEET_SESSION_KEY,
    confirm_page,
    post_action,
    tenant_url,
)


def show_login_sheet(request, classroom, credentials: list[Credentials]):
    request.session[LOGIN_SHEET_SESSION_KEY] = {
        "school": request.school.pk,
        "classroom": classroom.name if classroom else "",
        "students": [vars(c) for c in credentials],
    }
    return redirect(tenant_url(request, "login_sheet"))


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
            result = students_create(actor=request.membership, classroom=classroom, rows=[row])
            if not result.credentials:  # the same name, username or e-mail is in the classroom
                raise ApplicationError(result.report[0])
            return show_login_sheet(request, classroom, result.credentials)
        except ImportRejected as rejected:
            for error in rejected.errors:
                form.add_error(error.field if error.field in form.fields else None, error.message)
        except ApplicationError as error:
            form.add_error(None, error.message)
    return render(request, "schools/student_add.html", {"form": form, "classroom": classroom})


def _import_page(request, classroom, form, problem: ApplicationError | None = None):
    return render(
        request,
        "schools/student_import.html",
        {
            "form": form,
            "classroom": classroom,
            "problem": problem and problem.message,
            "row_errors": getattr(problem, "errors", ()),
            "max_rows": MAX_ROWS,
        },
    )


@role_required(Role.TEACHER)
def student_import(request, classroom_id):
    classroom = access_classroom(
        membership=request.membership, classroom_id=classroom_id, for_write=True
    )
    form = StudentImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _import_page(request, classroom, form)
    try:
        rows, problems = read_students_csv(form.cleaned_data["file"].read(MAX_BYTES + 1))
        if len(rows) > MAX_ROWS_WAITING:
            student_import = student_import_start(
                actor=request.membership, classroom=classroom, rows=rows, problems=problems
            )
            return redirect(
                tenant_url(request, "student_import_progress", classroom.pk, student_import.pk)
            )
        result = students_create(
            actor=request.membership, classroom=classroom, rows=rows, problems=problems
        )
    except ApplicationError as problem:
        return _import_page(request, classroom, form, problem)
    return _imported(request, classroom, result)


def _imported(request, classroom, result: ImportResult):
    count = len(result.credentials)
    messages.success(
        request,
        ngettext("%(count)d student imported.", "%(count)d students imported.", count)
        % {"count": count},
    )
    for line in result.report:
        messages.info(request, line)
    if not result.credentials:  # a list imported before: nobody new, no login sheet
        return redirect(tenant_url(request, "classroom_detail", classroom.pk))
    return show_login_sheet(request, classroom, result.credentials)


@role_required(Role.TEACHER)
def student_import_progress(request, classroom_id, import_id):
    """The progress bar of a long import (the page reloads itself), then its result."""
    classroom = access_classroom(membership=request.membership, classroom_id=classroom_id)
    student_import = access_student_import(membership=request.membership, import_id=import_id)
    if student_import.status == StudentImport.Status.REJECTED:
        rejected = ImportRejected([RowError(**e) for e in student_import.errors])
        return _import_page(request, classroom, StudentImportForm(), rejected)
    if student_import.status == StudentImport.Status.FINISHED:
        if not student_import.credentials and not student_import.report:  # collected already
            return redirect(tenant_url(request, "login_sheet"))
        return _imported(request, classroom, student_import_collect(student_import=student_import))
    return render(
        request,
        "schools/student_import_progress.html",
        {"classroom": classroom, "student_import": student_import},
    )


@role_required(Role.TEACHER)
def login_sheet(request):
    sheet = request.session.get(LOGIN_SHEET_SESSION_KEY)
    if not sheet or sheet["school"] != request.school.pk:
        sheet = None
    if request.method == "POST":  # printed: forget the passwords
        request.session.pop(LOGIN_SHEET_SESSION_KEY, None)
        messages.info(request, _("The passwords were removed from this page."))
        return redirect(tenant_url(request, "dashboard"))
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
    back = tenant_url(request, "classroom_detail", classroom.pk)
    if request.method != "POST":
        return confirm_page(
            request,
            title=_("Remove %(name)s from “%(classroom)s”?")
            % {"name": student.user.get_full_name(), "classroom": classroom.name},
            text=_("The student keeps their account and stays in the school."),
            button=_("Remove from classroom"),
            cancel_url=back,
        )
    return post_action(
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
        return confirm_page(
            request,
            title=_("Reset the password of %(name)s?") % {"name": student.user.get_full_name()},
            text=_(
                "The old password stops working at once. You get a login card with the new one."
            ),
            button=_("Reset password"),
            cancel_url=tenant_url(request, "dashboard"),
            danger=False,
        )
    try:
        credentials = student_password_reset(actor=request.membership, student=student)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(tenant_url(request, "dashboard"))
    return show_login_sheet(request, None, [credentials])


@role_required(Role.TEACHER)
def students_bulk(request, classroom_id):
    """An action on the students selected on the classroom page, after a confirmation that
    names them: new passwords (a new login sheet), a move to another classroom, or removal."""
    classroom = access_classroom(
        membership=request.membership, classroom_id=classroom_id, for_write=True
    )
    back = tenant_url(request, "classroom_detail", classroom.pk)
    form = StudentsBulkForm(
        request.POST or None,
        students=selectors.classroom_student_members(classroom=classroom),
        targets=selectors.classrooms_for_dashboard(membership=request.membership).exclude(
            pk=classroom.pk
        ),
    )
    if request.method != "POST":
        return redirect(back)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    students, action = list(data["students"]), data["action"]
    if not data["confirmed"]:
        return render(
            request,
            "schools/students_bulk_confirm.html",
            {"classroom": classroom, "form": form, "students": students, "data": data},
        )
    try:
        if action == StudentsBulkForm.Action.PASSWORDS:
            credentials = students_password_reset_many(
                actor=request.membership, classroom=classroom, students=students
            )
            return show_login_sheet(request, classroom, credentials)
        if action == StudentsBulkForm.Action.MOVE:
            students_move(
                actor=request.membership,
                classroom=classroom,
                target=data["target"],
                students=students,
            )
            messages.success(
                request,
                ngettext(
                    "%(count)d student moved to %(target)s.",
                    "%(count)d students moved to %(target)s.",
                    len(students),
                )
                % {"count": len(students), "target": data["target"].name},
            )
        else:
            students_unenroll(actor=request.membership, classroom=classroom, students=students)
            messages.success(
                request,
                ngettext(
                    "%(count)d student removed from the classroom.",
                    "%(count)d students removed from the classroom.",
                    len(students),
                )
                % {"count": len(students)},
            )
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(back)
