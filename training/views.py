"""Training pages: list, new (check, estimate, start), the training itself, cancel, API token;
the model library: models, a model's page, its files, rating a session, ratings per student."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from edubotics.pagination import newest_first
from schools.access import access_api_token, access_classroom, access_member, role_required
from schools.errors import ApplicationError
from schools.models import Role
from schools.selectors import api_tokens_of, classrooms_for_dashboard, students_taught_by
from schools.services.tokens import api_token_create, api_token_revoke
from schools.views.base import confirm_page, form_call, post_action, tenant_url

from .access import access_control_session, access_inference_server, access_model, access_training
from .costs import estimate
from .datasets import dataset_check
from .downloads import model_card, model_files
from .forms import LibraryFilterForm, RatingForm, TrainingForm
from .models import Status
from .selectors import (
    LIBRARY_SORTS,
    current_server,
    known_datasets,
    model_library,
    model_sessions,
    ratings_by_student,
    trainings_for_member,
)
from .services.lifecycle import training_cancel
from .services.servers import inference_server_start, inference_server_stop
from .services.sessions import control_session_close
from .services.start import default_parameters, training_start
from .templatetags.charts import loss_chart


def training_list(request):
    classroom = (
        access_classroom(membership=request.membership, classroom_id=request.GET["classroom"])
        if request.GET.get("classroom")
        else None
    )
    student = (
        access_member(membership=request.membership, member_id=request.GET["student"])
        if request.GET.get("student")
        else None
    )
    trainings = trainings_for_member(
        membership=request.membership,
        classroom_id=classroom and classroom.pk,
        student_id=student and student.pk,
    )
    page = newest_first(request, trainings, page_size=25)
    return render(
        request, "training/list.html", {"page": page, "classroom": classroom, "student": student}
    )


def _form_initial(request):
    """ "Train again": the settings of an earlier training the member can see."""
    if not request.GET.get("again"):
        return {"student": request.GET.get("student")}
    earlier = access_training(membership=request.membership, training_id=request.GET["again"])
    fields = (
        "dataset",
        "policy_type",
        "object_description",
        "steps",
        "batch_size",
        "epochs",
        "learning_rate",
    )
    return {"student": earlier.student_id, **{f: getattr(earlier, f) for f in fields}}


def training_new(request):
    membership = request.membership
    students = (
        None if membership.role == Role.STUDENT else students_taught_by(membership=membership)
    )
    form = TrainingForm(request.POST or None, students=students, initial=_form_initial(request))
    return training_form_page(request, form)


def training_form_page(request, form, *, assignment=None):
    """Check the dataset and estimate, or start: the new-training page, also for an assignment
    (whose dataset, policy and limits the start checks)."""
    membership = request.membership
    checked = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        student = data.pop("student", None) or membership
        try:
            if request.POST.get("action") == "start":
                training = training_start(
                    actor=membership, student=student, assignment=assignment, **data
                )
                if training.status == Status.AWAITING_APPROVAL:
                    messages.info(
                        request,
                        _(
                            "This training is estimated at %(amount)s €, so a teacher approves it first. It starts when they do."
                        )
                        % {"amount": training.cost_estimate_eur},
                    )
                else:
                    messages.success(
                        request,
                        _("Training started. It appears here as soon as a GPU picks it up."),
                    )
                return redirect(tenant_url(request, "training_detail", training.pk))
            info = dataset_check(data["dataset"])
            steps, batch, epochs = default_parameters(
                data["policy_type"], info.cameras, data["steps"], data["batch_size"], data["epochs"]
            )
            checked = {
                "info": info,
                "steps": steps,
                "batch_size": batch,
                "epochs": epochs,
                "estimate": estimate(
                    policy=data["policy_type"],
                    steps=steps,
                    batch_size=batch,
                    epochs=epochs,
                    frames=info.frames,
                ),
            }
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    return render(
        request,
        "training/new.html",
        {
            "form": form,
            "checked": checked,
            "assignment": assignment,
            "datasets": known_datasets(school=request.school),
        },
    )


def training_detail(request, training_id):
    training = access_training(membership=request.membership, training_id=training_id)
    return render(request, "training/detail.html", {"training": training})


def training_progress(request, training_id):
    """What the training page refreshes while the training is active."""
    training = access_training(membership=request.membership, training_id=training_id)
    return JsonResponse(
        {
            "status": training.status,
            "active": training.is_active,
            "status_html": render_to_string(
                "training/status.html", {"training": training}, request=request
            ),
            "chart_html": loss_chart(training.loss_curve),
        }
    )


def training_cancel_view(request, training_id):
    training = access_training(
        membership=request.membership, training_id=training_id, for_write=True
    )
    back = tenant_url(request, "training_detail", training.pk)
    if request.method != "POST":
        return confirm_page(
            request,
            title=_("Cancel the training “%(name)s”?") % {"name": training.model_name},
            text=_(
                "The GPU job is stopped. A training that already ran counts against this month's trainings."
            ),
            button=_("Cancel training"),
            cancel_url=back,
            danger=True,
        )
    return post_action(
        request,
        training_cancel,
        _("Training cancelled."),
        back,
        actor=request.membership,
        training=training,
    )


def api_token(request):
    """The person's tokens for the robot app; a new one's value is shown once, on this answer."""
    new_value = None
    if request.method == "POST":
        _token, new_value = api_token_create(actor=request.membership)
    return render(
        request,
        "training/api_token.html",
        {"tokens": api_tokens_of(user=request.user), "new_value": new_value},
    )


def api_token_revoke_view(request, api_token_id):
    token = access_api_token(membership=request.membership, api_token_id=api_token_id)
    back = tenant_url(request, "api_token")
    if request.method != "POST":
        return confirm_page(
            request,
            title=_("Revoke the token “%(prefix)s…”?") % {"prefix": token.prefix},
            text=_("A robot app that signs in with it stops working at once."),
            button=_("Revoke token"),
            cancel_url=back,
            danger=True,
        )
    return post_action(
        request,
        api_token_revoke,
        _("The token was revoked."),
        back,
        actor=request.membership,
        token=token,
    )


MODEL_PAGE_SESSIONS = 100


def model_library_view(request):
    """Finished models with how they did on the robot: filters, sort, keyset pages."""
    membership = request.membership
    classrooms = (
        None
        if membership.role == Role.STUDENT
        else classrooms_for_dashboard(membership=membership).order_by("name")
    )
    filters = LibraryFilterForm(request.GET or None, classrooms=classrooms)
    student = (
        access_member(membership=membership, member_id=request.GET["student"])
        if request.GET.get("student")
        else None
    )
    classroom = filters.value("classroom", None)
    models = model_library(
        membership=membership,
        classroom_id=classroom and classroom.pk,
        student_id=student and student.pk,
        policy_type=filters.value("policy_type"),
    )
    ordering = LIBRARY_SORTS[filters.value("sort", "newest")]
    page = newest_first(request, models, page_size=25, ordering=ordering)
    return render(
        request, "training/library.html", {"page": page, "filters": filters, "student": student}
    )


def model_detail(request, training_id):
    model = access_model(membership=request.membership, training_id=training_id)
    # The newest sessions (a session stays open 12 hours at most, so the open ones are among them).
    sessions = list(model_sessions(training=model)[:MODEL_PAGE_SESSIONS])
    return render(
        request,
        "training/model.html",
        {
            "model": model,
            "card": model_card(model),
            "sessions": sessions,
            "my_open_sessions": [
                s for s in sessions if s.ended_at is None and s.student_id == request.membership.pk
            ],
            "rating_form": RatingForm(),
            "server": current_server(membership=request.membership, training=model),
        },
    )


def model_files_view(request, training_id):
    """The model's files, each with a download link that works for a few minutes."""
    model = access_model(membership=request.membership, training_id=training_id)
    try:
        files, error = model_files(model), None
    except ApplicationError as problem:
        files, error = [], problem.message
    return render(
        request, "training/model_files.html", {"model": model, "files": files, "error": error}
    )


def control_session_rate(request, session_id):
    """The student closes their open session with a rating and feedback."""
    session = access_control_session(
        membership=request.membership, session_id=session_id, for_write=True
    )
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _session = form_call(
            form,
            control_session_close,
            actor=request.membership,
            session=session,
            **form.cleaned_data,
        )
        if ok:
            messages.success(request, _("Thank you! Your rating was saved."))
            return redirect(tenant_url(request, "model_detail", session.training_id))
    return render(request, "training/rate.html", {"session": session, "form": form})


@role_required(Role.TEACHER)
def ratings_by_student_view(request):
    classroom = (
        access_classroom(membership=request.membership, classroom_id=request.GET["classroom"])
        if request.GET.get("classroom")
        else None
    )
    students = ratings_by_student(
        membership=request.membership, classroom_id=classroom and classroom.pk
    )
    return render(request, "training/ratings.html", {"students": students, "classroom": classroom})


def _back(request, training_id) -> str:
    """The page the panel sits on (a local path only), else the training's page."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return tenant_url(request, "training_detail", training_id)


def server_panel(request, training_id):
    """The model's inference-server panel (what its page refreshes), and its Start button."""
    training = access_training(membership=request.membership, training_id=training_id)
    if request.method == "POST":
        return post_action(
            request,
            inference_server_start,
            _("The inference server is starting. Its address appears in a few minutes."),
            _back(request, training.pk),
            actor=request.membership,
            training=training,
        )
    server = current_server(membership=request.membership, training=training)
    return render(request, "training/server_panel.html", {"training": training, "server": server})


def server_stop_view(request, server_id):
    server = access_inference_server(
        membership=request.membership, server_id=server_id, for_write=True
    )
    back = _back(request, server.training_id)
    if request.method != "POST":
        return confirm_page(
            request,
            title=_("Stop the inference server for “%(name)s”?")
            % {"name": server.training.model_name},
            text=_("A robot connected to it stops getting actions at once."),
            button=_("Stop server"),
            cancel_url=back,
            danger=True,
        )
    return post_action(
        request,
        inference_server_stop,
        _("The inference server is stopping."),
        back,
        server=server,
        actor=request.membership,
    )
