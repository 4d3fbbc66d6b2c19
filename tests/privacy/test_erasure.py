"""Erasing a student: no name left anywhere (rows, audit data, files), the school's totals the
same, the Hub models deleted or kept as the admin chose; irreversible, after a confirmation."""

import io
from pathlib import Path

from django.core import serializers
from django.urls import reverse
from django.utils import timezone

from analytics.selectors import school_overview
from assignments.models import Submission
from privacy.models import DataExport, ErasureRequest
from schools.models import AuditAction, AuditEvent, Membership, User
from tests.conftest import client_for
from tests.factories import AdminFactory, AssignmentFactory
from training.models import (
    ControlSession,
    InferenceServer,
    ServerStatus,
    Training,
    TrainingDay,
)
from training.services.rollup import training_days_recounted

NAMES = ("Jürgen", "Müller-Weiß", "juergen.mw")


def erase_url(member):
    return reverse("member_erase", args=[member.school.slug, member.pk])


def totals(school):
    overview = school_overview(school=school)
    days = [
        (d.day, d.completed, d.failed, d.cancelled, d.gpu_seconds, d.cost_eur)
        for d in TrainingDay.objects.for_school(school).order_by("day")
    ]
    recount = [
        (d.day, d.completed, d.failed, d.cancelled, d.gpu_seconds, d.cost_eur)
        for d in training_days_recounted(school)
    ]
    return overview.months, overview.cost_this_month, days, recount


def everything_in_the_database() -> str:
    """Every row of our apps and the accounts, as text (JSON keeps umlauts as they are)."""
    from django.apps import apps

    models = [
        model
        for app in ("schools", "training", "billing", "analytics", "privacy")
        for model in apps.get_app_config(app).get_models()
    ]
    out = io.StringIO()
    for model in models:
        out.write(serializers.serialize("json", model.objects.all(), ensure_ascii=False))
    return out.getvalue()


def test_erasure_leaves_no_name_anywhere_and_the_school_totals_stay(
    as_admin, admin, jurgen, media, committed
):
    with committed():  # a whole-school export made while Jürgen was in it
        as_admin.post(reverse("export_create", args=[admin.school.slug]), {"subject": "school"})
    school_zip = Path(DataExport.objects.get().file.path)
    assert all(name in everything_in_the_database() for name in NAMES)
    before = totals(admin.school)
    trainings = Training.objects.for_school(admin.school).count()

    with committed():
        response = as_admin.post(erase_url(jurgen), {"confirm": "yes", "hub_models": "delete"})
    assert response.status_code == 302

    assert not Membership.objects.filter(pk=jurgen.pk).exists()
    assert not User.objects.filter(username="juergen.mw").exists()
    text = everything_in_the_database()
    assert [name for name in NAMES if name in text] == []
    assert totals(admin.school) == before
    assert Training.objects.for_school(admin.school).count() == trainings
    assert Training.objects.filter(student=None).count() == 2
    session = ControlSession.objects.get()
    assert (session.student, session.rating, session.feedback) == (None, 4, "")
    # Files: the Hub model is gone, and so is the export that listed Jürgen.
    assert not (media / "hub" / "models" / "edubotics-ai" / "goethe-act-jurgen1").exists()
    assert not school_zip.exists()
    leftovers = [p for p in (media / "media").rglob("*") if p.is_file()]
    assert all(b"juergen.mw" not in p.read_bytes() for p in leftovers)
    event = AuditEvent.objects.get(action=AuditAction.MEMBER_ERASED)
    assert event.data == {"member_id": jurgen.pk, "hub_models_kept": False}
    assert event.actor == admin


def test_the_admin_may_keep_the_models_on_the_hub_without_a_name(as_admin, jurgen, media):
    as_admin.post(erase_url(jurgen), {"confirm": "yes", "hub_models": "keep"})
    model = media / "hub" / "models" / "edubotics-ai" / "goethe-act-jurgen1"
    assert (model / "model.safetensors").exists()
    kept = Training.objects.get(hub_model_id="edubotics-ai/goethe-act-jurgen1")
    assert kept.student is None and kept.log_tail == ""


def test_the_confirmation_names_what_goes_and_nothing_goes_without_it(as_admin, jurgen):
    page = as_admin.get(erase_url(jurgen)).content.decode()
    assert "Erase all data of Jürgen Müller-Weiß?" in page
    assert "This cannot be undone." in page
    assert "2 × trainings" in page and "edubotics-ai/goethe-act-jurgen1" in page
    response = as_admin.post(erase_url(jurgen), {"hub_models": "delete"}, follow=True)
    assert "Please confirm" in response.content.decode()
    assert Membership.objects.filter(pk=jurgen.pk).exists()


def test_teachers_cannot_erase_and_other_schools_do_not_find_the_student(
    as_teacher, jurgen, outsider
):
    assert as_teacher.post(erase_url(jurgen), {"confirm": "yes"}).status_code == 403
    other_admin = client_for(AdminFactory(school=outsider.school))
    foreign = reverse("member_erase", args=[outsider.school.slug, jurgen.pk])
    assert other_admin.post(foreign, {"confirm": "yes"}).status_code == 404
    assert Membership.objects.filter(pk=jurgen.pk).exists()


def test_teachers_and_admins_are_not_erased_here(as_admin, admin, teacher):
    assert as_admin.get(erase_url(teacher)).status_code == 404
    assert Membership.objects.filter(pk=teacher.pk).exists()


def test_the_confirmation_speaks_german_to_german_admins(as_admin, jurgen):
    as_admin.cookies["django_language"] = "de"
    page = as_admin.get(erase_url(jurgen)).content.decode()
    assert "Alle Daten von Jürgen Müller-Weiß löschen?" in page
    assert "Das kann nicht rückgängig gemacht werden." in page
    assert "Trainings (bleiben ohne Namen in der Statistik der Schule)" in page


def test_the_schools_pages_still_show_the_anonymous_trainings(as_admin, admin, jurgen, classroom):
    training = Training.objects.get(hub_model_id="edubotics-ai/goethe-act-jurgen1")
    as_admin.post(erase_url(jurgen), {"confirm": "yes", "hub_models": "keep"})
    slug = admin.school.slug
    for path in (
        reverse("dashboard", args=[slug]),
        reverse("classroom_progress", args=[slug, classroom.pk]),
        reverse("training_list", args=[slug]),
        reverse("training_detail", args=[slug, training.pk]),
        reverse("audit_log", args=[slug]),
    ):
        assert as_admin.get(path).status_code == 200, path


def test_a_teacher_asks_and_an_admin_erases(as_teacher, teacher, as_admin, admin, jurgen):
    as_teacher.post(reverse("erasure_request", args=[teacher.school.slug, jurgen.pk]))
    as_teacher.post(reverse("erasure_request", args=[teacher.school.slug, jurgen.pk]))
    assert AuditEvent.objects.filter(action=AuditAction.ERASURE_REQUESTED).count() == 1
    page = as_admin.get(reverse("privacy", args=[admin.school.slug])).content.decode()
    assert "Requested by teachers" in page and erase_url(jurgen) in page
    as_admin.post(erase_url(jurgen), {"confirm": "yes", "hub_models": "keep"})
    page = as_admin.get(reverse("privacy", args=[admin.school.slug])).content.decode()
    assert "Requested by teachers" not in page


def test_an_admin_may_turn_down_an_erasure_request(as_teacher, teacher, as_admin, jurgen):
    as_teacher.post(reverse("erasure_request", args=[teacher.school.slug, jurgen.pk]))
    erasure = ErasureRequest.objects.get()
    dismiss = reverse("erasure_dismiss", args=[teacher.school.slug, erasure.pk])
    assert as_teacher.post(dismiss).status_code == 403
    as_admin.post(dismiss)
    assert not ErasureRequest.objects.exists()
    assert Membership.objects.filter(pk=jurgen.pk).exists()


def test_other_schools_neither_ask_nor_dismiss(jurgen, outsider, as_teacher, teacher):
    other_admin = client_for(AdminFactory(school=outsider.school))
    ask = reverse("erasure_request", args=[outsider.school.slug, jurgen.pk])
    assert client_for(outsider).post(ask).status_code == 404
    as_teacher.post(reverse("erasure_request", args=[teacher.school.slug, jurgen.pk]))
    erasure = ErasureRequest.objects.get()
    dismiss = reverse("erasure_dismiss", args=[outsider.school.slug, erasure.pk])
    assert other_admin.post(dismiss).status_code == 404
    assert ErasureRequest.objects.exists()


def jurgens_model(jurgen):
    return Training.objects.get(hub_model_id="edubotics-ai/goethe-act-jurgen1")


def test_erasure_takes_hand_ins_and_stopped_servers_and_waits_for_a_running_one(
    as_admin, jurgen, media
):
    model = jurgens_model(jurgen)
    assignment = AssignmentFactory(classroom=model.classroom)
    Submission.objects.create(
        school=jurgen.school,
        assignment=assignment,
        student=jurgen,
        training=model,
        handed_in_at=timezone.now(),
        reflection="Jürgen hat gut gegriffen.",
    )
    server = InferenceServer.objects.create(
        school=jurgen.school,
        training=model,
        started_by=jurgen,
        gpu_type="A10G",
        cost_per_hour_eur=1,
    )
    response = as_admin.post(erase_url(jurgen), {"confirm": "yes", "hub_models": "keep"})
    assert Membership.objects.filter(pk=jurgen.pk).exists()  # refused: the server still runs
    page = as_admin.get(response.url if response.status_code == 302 else erase_url(jurgen))
    assert "inference server is still running" in page.content.decode()

    InferenceServer.objects.filter(pk=server.pk).update(
        status=ServerStatus.STOPPED, stopped_at=timezone.now()
    )
    as_admin.post(erase_url(jurgen), {"confirm": "yes", "hub_models": "keep"})
    assert not Membership.objects.filter(pk=jurgen.pk).exists()
    assert not Submission.objects.exists() and not InferenceServer.objects.exists()
