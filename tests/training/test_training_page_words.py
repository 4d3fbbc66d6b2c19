"""The training page speaks to no one in person; a failed training says what to do; the loss
chart shows as soon as there is a loss, each loss point listed once."""

from django.urls import reverse

from tests.conftest import client_for
from tests.factories import TrainingFactory
from training.models import Status
from training.templatetags.charts import loss_chart


def page(member, training):
    member.school.language = "de"
    member.school.save()
    url = reverse("training_detail", args=[training.school.slug, training.pk])
    return client_for(member).get(url).content.decode()


def test_the_model_is_ready_speaks_to_no_one_in_person(teacher, student):
    """The page is the student's and their teachers': neither "Dein" nor "Ihr"."""
    done = TrainingFactory(student=student, status=Status.COMPLETED, hub_model_id="edubotics-ai/m")
    for reader in (teacher, student):
        text = page(reader, done)
        assert "Das Modell ist fertig" in text and "Dein Modell" not in text


def test_a_known_failure_says_what_to_do(teacher, student):
    failed = TrainingFactory(
        student=student,
        status=Status.FAILED,
        error_message="torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB",
    )
    assert "Batch size kleiner wählen" in page(teacher, failed)
    other = TrainingFactory(student=student, status=Status.FAILED, error_message="Hub down")
    assert "Batch size kleiner wählen" not in page(teacher, other)


def test_the_placeholder_goes_with_the_first_loss(teacher, student):
    running = TrainingFactory(
        student=student, status=Status.RUNNING, latest_loss=0.8, loss_curve=[[10, 0.8]]
    )
    text = page(teacher, running)
    assert "appears once" not in text and "erscheint" not in text
    assert "0,80000" in text  # the one point, in the chart's table


def test_the_last_loss_point_is_listed_once():
    for length in (21, 40, 41, 100):
        curve = [[step, 1 / step] for step in range(1, length + 1)]
        html = loss_chart(curve)
        assert html.count(f"<td>{length}</td>") == 1, length
