"""The new-training page guides: the policy first with what each is for, the school's datasets to
pick from, expert settings behind "Advanced", and the estimate (also without JavaScript)."""

import re

from django.urls import reverse

from tests.conftest import client_for
from tests.factories import TrainingFactory

from .conftest import DEMO

QUERIES = 23


def test_it_asks_for_the_policy_first_and_says_what_each_is_for(student):
    page = client_for(student).get(reverse("training_new", args=[student.school.slug]))
    html = page.content.decode()
    assert html.index('name="policy_type"') < html.index('name="dataset"')
    assert "The robot imitates the recorded movements." in html
    assert "the model also looks for one object in the camera image" in html
    assert "NVIDIA&#x27;s large robot model" in html
    advanced = html.split('<details class="advanced"')[1].split("</details>")[0]
    assert all(f'name="{f}"' in advanced for f in ("steps", "batch_size", "epochs"))
    assert 'name="dataset"' not in advanced


def test_it_offers_the_demo_and_the_schools_own_datasets_only(
    student, outsider, django_assert_num_queries
):
    url = reverse("training_new", args=[student.school.slug])
    TrainingFactory(student=outsider, dataset="andere-schule/geheim")
    for size in (2, 20):
        for n in range(size):
            TrainingFactory(student=student, dataset=f"schule/greifen-{n:02}")
        with django_assert_num_queries(QUERIES):
            html = client_for(student).get(url).content.decode()
        offered = re.findall(r'<option value="([^"]+)"></option>', html)
        assert offered[0] == DEMO and len(offered) == 1 + size
    assert "andere-schule/geheim" not in html
    assert client_for(outsider).get(url).status_code == 404


def test_a_teacher_is_asked_to_choose_the_student(teacher):
    html = client_for(teacher).get(reverse("training_new", args=[teacher.school.slug])).content
    assert '<option value="" selected>Choose a student</option>' in html.decode()
