"""Classrooms: create, show, edit, archive, restore, delete, join codes."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors
from ..access import access_classroom, role_required
from ..forms import (
    ClassroomForm,
    JoinCodeForm,
)
from ..models import Role
from ..services import classrooms as classroom_services
from ..services.students import (
    classroom_join,
)
from .base import (
    confirm_page,
    form_call,
    join_code_limited,
    post_action,
    tenant_url,
)


@role_required(Role.TEACHER)
def classroom_create(request):
    form = ClassroomForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        ok, classroom = form_call(
            form, classroom_services.classroom_create, actor=request.membership, **form.cleaned_data
        )
        if ok:
            messages.success(request, _("Classroom “%(name)s” created.") % {"name": classroom.name})
            return redirect(tenant_url(request, "classroom_detail", classroom.pk))
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
        ok, _classroom = form_call(
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
            return redirect(tenant_url(request, "classroom_detail", classroom.pk))
    return render(request, "schools/classroom_form.html", {"form": form, "classroom": classroom})


@role_required(Role.TEACHER)
def classroom_archive(request, classroom_id):
    classroom = access_classroom(
        membership=request.membership, classroom_id=classroom_id, for_write=True
    )
    back = tenant_url(request, "classroom_detail", classroom.pk)
    if request.method != "POST":
        return confirm_page(
            request,
            title=_("Archive “%(name)s”?") % {"name": classroom.name},
            text=_(
                "An archived classroom is read-only. Its students keep seeing their work. You can restore it later."
            ),
            button=_("Archive"),
            cancel_url=back,
            danger=False,
        )
    return post_action(
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
    return post_action(
        request,
        classroom_services.classroom_restore,
        _("Classroom restored."),
        tenant_url(request, "classroom_detail", classroom.pk),
        actor=request.membership,
        classroom=classroom,
    )


@role_required(Role.TEACHER)
def classroom_delete(request, classroom_id):
    classroom = access_classroom(
        membership=request.membership, classroom_id=classroom_id, for_write=True
    )
    if request.method != "POST":
        return confirm_page(
            request,
            title=_("Delete “%(name)s”?") % {"name": classroom.name},
            text=_("The classroom is deleted for good. Its students stay in the school."),
            button=_("Delete classroom"),
            cancel_url=tenant_url(request, "classroom_detail", classroom.pk),
        )
    return post_action(
        request,
        classroom_services.classroom_delete,
        _("Classroom deleted."),
        tenant_url(request, "dashboard"),
        actor=request.membership,
        classroom=classroom,
    )


@role_required(Role.TEACHER)
@require_POST
def classroom_join_code(request, classroom_id):
    classroom = access_classroom(
        membership=request.membership, classroom_id=classroom_id, for_write=True
    )
    back = tenant_url(request, "classroom_detail", classroom.pk)
    kwargs = {"actor": request.membership, "classroom": classroom}
    match request.POST.get("action"):
        case "reset":
            return post_action(
                request,
                classroom_services.classroom_join_code_reset,
                _("New join code created; the old one no longer works."),
                back,
                **kwargs,
            )
        case "disable":
            return post_action(
                request,
                classroom_services.classroom_join_code_set_enabled,
                _("Join code turned off."),
                back,
                enabled=False,
                **kwargs,
            )
        case _:
            return post_action(
                request,
                classroom_services.classroom_join_code_set_enabled,
                _("Join code turned on."),
                back,
                enabled=True,
                **kwargs,
            )


def classroom_join_with_code(request):
    """A signed-in student joins another classroom of their school."""
    form = JoinCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if limited := join_code_limited(request, form, "schools/join.html"):
            return limited
        ok, classroom = form_call(
            form, classroom_join, actor=request.membership, code=form.cleaned_data["code"]
        )
        if ok:
            messages.success(request, _("You joined “%(name)s”.") % {"name": classroom.name})
            return redirect(tenant_url(request, "dashboard"))
    return render(request, "schools/join.html", {"form": form})
