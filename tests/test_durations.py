"""Durations read as minutes and hours, in German and English, from one template filter."""

import pytest
from django.template import Context, Template
from django.utils import translation


def render(seconds, language):
    with translation.override(language):
        return Template("{% load readable %}{{ s|duration }}").render(Context({"s": seconds}))


@pytest.mark.parametrize(
    "seconds, german, english",
    [
        (1653, "28 Min.", "28 min"),
        (1620, "27 Min.", "27 min"),
        (3900, "1 Std. 5 Min.", "1 h 5 min"),
        (12573, "3 Std. 30 Min.", "3 h 30 min"),
        (7200, "2 Std.", "2 h"),
        (42, "42 Sek.", "42 s"),
        (1653.4, "28 Min.", "28 min"),  # an average
        (None, "–", "–"),
    ],
)
def test_it_reads_as_hours_and_minutes(seconds, german, english):
    assert render(seconds, "de") == german
    assert render(seconds, "en") == english
