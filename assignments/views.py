"""Assignment pages. Teachers: list, write, publish, reuse, who handed in, a hand-in with its
model, feedback and grade, the grade book. Students: their assignments, a training for one,
handing in, reading the feedback."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.access import access_classroom, role_required
from schools.csv_export import csv_response
from schools.models import Role
from schools.selectors import classrooms_for_dashboard
from schools.views.base import confirm_page, form_call, post_action, tenant_url
from training.views import training_form_page

from . import selectors, services
from .access import access_assignment, access_submission
from .forms import AssignmentForm, AssignmentTrainingForm, GradeForm, HandInForm, ReuseForm


def assignment_list(request):
    classroom = (
        access_classroom(membership=request.membership, classroom_id=request.GET["classroom"])
        if request.GET.get("classroom")
        else None
    )
    assignments = selectors.assignments_for_member(
        membership=request.membership, classroom_id=classroom and classroom.pk
    )
    return render(
        request,
        "assignments/list.html",
        {"assignments": assignments, "classroom": classroom, "now": timezone.now()},
    )


def _teacher_classrooms(request):
    return classrooms_for_dashboard(membership=request.membership).order_by("name")


@role_required(Role.TEACHER)
def assignment_create(request):
    form = AssignmentForm(
        request.POST or None,
        classrooms=_teacher_classrooms(request),
        initial={"classroom": request.GET.get("classroom")},
    )
    if request.method == "POST" and form.is_valid():
        ok, assignment = form_call(
            form, services.assignment_create, actor=request.membership, **form.cleaned_data
        )
        if ok:
            messages.success(request, _("The assignment is saved as a draft."))
            return redirect(tenant_url(request, "assignment_detail", assignment.pk))
    return render(request, "assignments/form.html", {"form": form})


def assignment_edit(request, assignment_id):
    assignment = access_assignment(
        membership=request.membership, assignment_id=assignment_id, for_write=True
    )
    form = AssignmentForm(
        request.POST or None, instance=assignment, classrooms=_teacher_classrooms(request)
    )
    if request.method == "POST" and form.is_valid():
        ok, _assignment = form_call(
            form,
            services.assignment_update,
            actor=request.membership,
            assignment=assignment,
            **form.cleaned_data,
        )
        if ok:
            messages.success(request, _("The assignment is saved."))
            return redirect(tenant_url(request, "assignment_detail", assignment.pk))
    return render(request, "assignments/form.html", {"form": form, "assignment": assignment})


def assignment_detail(request, assignment_id):
    """Teachers: who handed in, who is late or missing. Students: the task, their trainings for
    it, handing in, and the returned feedback."""
    membership = request.membership
    assignment = access_assignment(membership=membership, assignment_id=assignment_id)
    if membership.role != Role.STUDENT:
        return render(
            request,
            "assignments/detail.html",
            {
                "assignment": assignment,
                "rows": selectors.hand_in_overview(assignment=assignment),
            },
        )
    submission = selectors.submission_of(assignment=assignment, student=membership)
    form = HandInForm(
        request.POST or None,
        models=selectors.models_to_hand_in(assignment=assignment, student=membership),
        initial={"reflection": submission.reflection if submission else ""},
    )
    if request.method == "POST" and form.is_valid():
        ok, _submission = form_call(
            form,
            services.submission_hand_in,
            actor=membership,
            assignment=assignment,
            **form.cleaned_data,
        )
        if ok:
            messages.success(request, _("Handed in. Your teacher will look at it."))
            return redirect(tenant_url(request, "assignment_detail", assignment.pk))
    return render(
        request,
        "assignments/student_detail.html",
        {
            "assignment": assignment,
            "submission": submission,
            "trainings": selectors.trainings_for_assignment(
                assignment=assignment, student=membership
            ),
            "form": form,
        },
    )


def assignment_publish(request, assignment_id):
    assignment = access_assignment(
        membership=request.membership, assignment_id=assignment_id, for_write=True
    )
    back = tenant_url(request, "assignment_detail", assignment.pk)
    if request.method != "POST":
        return confirm_page(
            request,
            title=_("Publish “%(title)s” to %(classroom)s?")
            % {"title": assignment.title, "classroom": assignment.classroom.name},
            text=_("The students of the classroom see it at once and can start on it."),
            button=_("Publish"),
            cancel_url=back,
            danger=False,
        )
    return post_action(
        request,
        services.assignment_publish,
        _("The assignment is published."),
        back,
        actor=request.membership,
        assignment=assignment,
    )


def assignment_reuse(request, assignment_id):
    assignment = access_assignment(
        membership=request.membership, assignment_id=assignment_id, for_write=True
    )
    form = ReuseForm(request.POST or None, classrooms=_teacher_classrooms(request))
    if request.method == "POST" and form.is_valid():
        ok, copy = form_call(
            form,
            services.assignment_reuse,
            actor=request.membership,
            assignment=assignment,
            **form.cleaned_data,
        )
        if ok:
            messages.success(request, _("A copy is saved as a draft for this classroom."))
            return redirect(tenant_url(request, "assignment_detail", copy.pk))
    return render(request, "assignments/reuse.html", {"form": form, "assignment": assignment})


@role_required(Role.STUDENT)
def assignment_train(request, assignment_id):
    """The new-training page inside the assignment's dataset, policy and limits."""
    assignment = access_assignment(membership=request.membership, assignment_id=assignment_id)
    form = AssignmentTrainingForm(request.POST or None, assignment=assignment)
    return training_form_page(request, form, assignment=assignment)


def submission_detail(request, submission_id):
    """The hand-in: the model's loss curve and parameters, the student's sessions with it, the
    reflection; the teacher writes feedback and a grade and returns it."""
    submission = access_submission(membership=request.membership, submission_id=submission_id)
    form = None
    if request.membership.role != Role.STUDENT:
        initial = {
            "feedback": submission.feedback,
            "grade": submission.grade,
            "passed": {True: "yes", False: "no"}.get(submission.passed),
        }
        form = GradeForm(
            request.POST or None, grading=submission.assignment.grading, initial=initial
        )
        if request.method == "POST" and form.is_valid():
            ok, _submission = form_call(
                form,
                services.submission_grade,
                actor=request.membership,
                submission=submission,
                **form.cleaned_data,
            )
            if ok:
                messages.success(request, _("Returned to the student with your feedback."))
                return redirect(tenant_url(request, "assignment_detail", submission.assignment_id))
    return render(
        request,
        "assignments/submission.html",
        {
            "submission": submission,
            "training": submission.training,
            "sessions": selectors.submission_sessions(submission=submission),
            "form": form,
        },
    )


@role_required(Role.TEACHER)
def grade_book_csv(request, classroom_id):
    """Students × published assignments, for German Excel (the grades with a decimal comma)."""
    classroom = access_classroom(membership=request.membership, classroom_id=classroom_id)
    book = selectors.grade_book(classroom=classroom)
    response, writer = csv_response(
        name=" ".join([_("Grades"), classroom.name, f"{timezone.localdate():%Y-%m-%d}"])
    )
    writer.writerow(
        [_("Last name"), _("First name"), _("Username"), *[a.title for a in book.assignments]]
    )
    for student, submissions in book.rows:
        user = student.user
        writer.writerow(
            [
                user.last_name,
                user.first_name,
                user.username,
                *[_grade_cell(s) for s in submissions],
            ]
        )
    return response


def _grade_cell(submission) -> str:
    if submission is None:
        return ""
    return submission.grade_display if submission.returned_at else _("handed in")
