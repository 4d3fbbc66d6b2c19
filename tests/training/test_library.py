"""The model library: who sees which models, its numbers, filters and sort, flat query counts,
rating a session from the model's page, and sessions left open being closed."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse
from django.utils import timezone

from tests.factories import EnrollmentFactory, TrainingFactory, UserFactory
from training.models import ControlSession, Status, Training
from training.services.rollup import model_sessions_recount
from training.services.sessions import (
    control_session_close,
    control_session_open,
    control_sessions_close_stale,
)


def finished_model(student, classroom=None, **fields):
    return TrainingFactory(
        student=student,
        classroom=classroom,
        status=Status.COMPLETED,
        hub_model_id=f"edubotics-ai/{student.user.username}-model",
        completed_at=timezone.now(),
        **{"latest_loss": 0.5, **fields},
    )


def session(model, rating=None, **fields):
    """A session the model's student opened, and rated if ``rating``: through the services,
    which keep the model's sums."""
    opened = control_session_open(actor=model.student, training=model)
    if rating:
        return control_session_close(actor=model.student, session=opened, rating=rating, **fields)
    return opened


def library(client, school, query=""):
    return client.get(reverse("model_library", args=[school.slug]) + query).content.decode()


def test_a_student_sees_only_their_own_finished_models(as_student, student, classroom, outsider):
    mine = finished_model(student, classroom, model_name="edubotics-ai/mine")
    TrainingFactory(student=student, model_name="edubotics-ai/still-running")
    finished_model(
        EnrollmentFactory(classroom=classroom).student, classroom, model_name="edubotics-ai/other"
    )
    finished_model(outsider, model_name="edubotics-ai/outsider")
    page = library(as_student, classroom.school)
    assert "My models" in page and mine.model_name in page
    assert "still-running" not in page and "other" not in page and "outsider" not in page


def test_the_library_shows_sessions_average_rating_and_success_share(
    as_teacher, student, classroom
):
    model = finished_model(student, classroom)
    for rating in (5, 4, 2):
        session(model, rating)
    session(model)  # still running: counted, not rated
    page = library(as_teacher, classroom.school)
    row = page[page.index(model.model_name) :]
    row = row[: row.index("</tr>")]
    assert ">4<" in row  # sessions
    assert "3.7 / 5" in row  # (5 + 4 + 2) / 3
    assert "67 %" in row  # two of three rated 4 or better


def test_the_sums_kept_on_the_model_are_those_a_recount_makes(student, classroom):
    model, other = finished_model(student, classroom), finished_model(student, classroom)
    for rating in (5, 4, 2, None):
        session(model, rating)
    control_sessions_close_stale(now=timezone.now() + timedelta(days=1))  # adds no rating
    fields = ["session_count", "rated_count", "success_count", "rating_total", "average_rating"]
    models = Training.objects.filter(pk__in=[model.pk, other.pk]).order_by("pk")
    kept = list(models.values(*fields))
    assert kept == [
        {
            "session_count": 4,
            "rated_count": 3,
            "success_count": 2,
            "rating_total": 11,
            "average_rating": 11 / 3,
        },
        dict.fromkeys(fields, 0) | {"average_rating": None},
    ]
    Training.objects.filter(pk=model.pk).update(session_count=9, average_rating=None)
    Training.objects.filter(pk=other.pk).update(session_count=2)  # has no sessions at all
    assert model_sessions_recount(school=classroom.school) == 2
    assert list(models.values(*fields)) == kept


def test_filters_and_sort(as_teacher, student, classroom):
    low = finished_model(student, classroom, model_name="edubotics-ai/low", latest_loss=0.1)
    high = finished_model(
        student, classroom, model_name="edubotics-ai/high", latest_loss=0.9, policy_type="GR00T"
    )
    session(high, 5)
    by_loss = library(as_teacher, classroom.school, "?sort=loss")
    assert by_loss.index(low.model_name) < by_loss.index(high.model_name)
    by_rating = library(as_teacher, classroom.school, "?sort=rating")
    assert by_rating.index(high.model_name) < by_rating.index(low.model_name)
    groot = library(as_teacher, classroom.school, "?policy_type=GR00T")
    assert high.model_name in groot and low.model_name not in groot


@pytest.mark.parametrize("count", [3, 30])
def test_the_library_is_flat_at_any_size(as_teacher, classroom, count, django_assert_num_queries):
    for _ in range(count):
        model = finished_model(EnrollmentFactory(classroom=classroom).student, classroom)
        session(model, 4)
        session(model)
    url = reverse("model_library", args=[classroom.school.slug]) + "?sort=rating"
    as_teacher.get(url)
    # session, user, membership, classrooms for the filter, page of models (their sessions
    # summed on their rows, no count), schools for the switcher
    with django_assert_num_queries(6):
        page = as_teacher.get(url).content.decode()
    assert page.count("4.0 / 5") == min(count, 25)
    assert ("older →" in page) == (count > 25)
    if count > 25:  # the next page keeps the sort and holds the rest
        older = html.unescape(re.search(r'href="([^"]+)">older', page).group(1))
        assert "sort=rating" in older
        assert as_teacher.get(older).content.decode().count("4.0 / 5") == count - 25


@pytest.mark.parametrize("count", [3, 30])
def test_the_api_library_is_flat_at_any_size(student, count, django_assert_num_queries):
    from .test_control_sessions import api

    for _ in range(count):
        session(finished_model(student), 5)
    client = api(student)
    with django_assert_num_queries(3):  # token+user, memberships, page (no count)
        response = client.get("/api/v1/models?sort=sessions")
    results = response.json()["results"]
    assert len(results) == min(count, 25)
    assert results[0]["average_rating"] == 5.0 and results[0]["success_share"] == 1.0


def test_a_student_rates_their_session_from_the_model_page(as_student, student, classroom):
    model = finished_model(student, classroom)
    running = session(model)
    url = reverse("model_detail", args=[classroom.school.slug, model.pk])
    assert "Rate your session" in as_student.get(url).content.decode()
    rate = reverse("control_session_rate", args=[classroom.school.slug, running.pk])
    bad = as_student.post(rate, {"rating": "9", "feedback": "?"})
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()
    running.refresh_from_db()
    assert running.ended_at is None  # nothing changed
    response = as_student.post(rate, {"rating": "4", "feedback": "Greift sicher"}, follow=True)
    page = response.content.decode()
    assert "Your rating was saved" in page and "★★★★☆" in page and "Greift sicher" in page
    assert "Rate your session" not in page


def test_a_teacher_sees_ratings_per_model_and_per_student(as_teacher, student, classroom):
    model = finished_model(student, classroom)
    session(model, 2, feedback="Fällt oft herunter")
    model_page = as_teacher.get(
        reverse("model_detail", args=[classroom.school.slug, model.pk])
    ).content.decode()
    assert "Fällt oft herunter" in model_page and "★★☆☆☆" in model_page
    ratings = as_teacher.get(
        reverse("ratings_by_student", args=[classroom.school.slug])
    ).content.decode()
    assert student.user.get_full_name() in ratings and "2.0 / 5" in ratings


def test_a_teacher_cannot_rate_a_students_session(as_teacher, student, classroom):
    running = session(finished_model(student, classroom))
    rate = reverse("control_session_rate", args=[classroom.school.slug, running.pk])
    assert as_teacher.post(rate, {"rating": "5"}).status_code == 403


def test_the_ratings_page_is_for_teachers(as_student, classroom):
    assert (
        as_student.get(reverse("ratings_by_student", args=[classroom.school.slug])).status_code
        == 403
    )


def test_another_schools_model_is_not_found(as_student, outsider, classroom):
    model = finished_model(outsider)
    url = reverse("model_detail", args=[classroom.school.slug, model.pk])
    assert as_student.get(url).status_code == 404


def test_sessions_open_for_more_than_12_hours_end_without_a_rating(student, classroom):
    model = finished_model(student, classroom)
    old, recent = session(model), session(model)
    now = timezone.now()
    ControlSession.objects.filter(pk=old.pk).update(started_at=now - timedelta(hours=13))
    assert control_sessions_close_stale(now=now) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.ended_at == now and old.rating is None and old.duration_seconds == 13 * 3600
    assert recent.ended_at is None
    assert control_sessions_close_stale(now=now) == 0  # safe to run twice


@pytest.mark.parametrize("count", [3, 30])
def test_the_ratings_page_and_a_model_page_are_flat(
    as_teacher, student, classroom, count, django_assert_num_queries
):
    model = finished_model(student, classroom)
    for _ in range(count):
        session(finished_model(EnrollmentFactory(classroom=classroom).student, classroom), 3)
        session(model, 5)
    slug = classroom.school.slug
    ratings, model_page = (
        reverse("ratings_by_student", args=[slug]),
        reverse("model_detail", args=[slug, model.pk]),
    )
    as_teacher.get(ratings)  # the first request of a session writes the session once
    # session, user, membership, students with their sessions summed, schools for the switcher
    with django_assert_num_queries(5):
        page = as_teacher.get(ratings).content.decode()
    assert page.count("3.0 / 5") == count
    # session, user, membership, the model with its numbers, its sessions, schools, and the
    # member's inference server of that model (its panel)
    with django_assert_num_queries(7):
        page = as_teacher.get(model_page).content.decode()
    assert page.count("★★★★★") == count


def test_a_models_page_offers_its_inference_server(as_student, student, classroom):
    model = TrainingFactory(
        student=student,
        classroom=classroom,
        status=Status.COMPLETED,
        hub_model_id="edubotics-ai/goethe-act-abc",
    )
    page = as_student.get(reverse("model_detail", args=[student.school.slug, model.pk]))
    assert 'id="server-panel"' in page.content.decode()


def test_staff_cannot_delete_a_session_whose_model_keeps_its_sums(rf, db):
    request = rf.get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    assert not site._registry[ControlSession].has_delete_permission(request)


def test_an_erased_students_model_is_shown_as_a_former_members(as_teacher, student, classroom):
    model = finished_model(student, classroom, model_name="edubotics-ai/anonym")
    Training.objects.filter(pk=model.pk).update(student=None)  # what erasure leaves
    page = library(as_teacher, classroom.school)
    assert "edubotics-ai/anonym" in page and "<td>a former member</td>" in page
    detail = as_teacher.get(reverse("model_detail", args=[classroom.school.slug, model.pk]))
    assert "a former member" in detail.content.decode()
