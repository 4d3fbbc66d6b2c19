"""The SVG charts read without a legend to decode: round ticks on both axes, every point or bar
focusable with its value, and a table for screen readers."""

import re
from datetime import date, timedelta
from types import SimpleNamespace

from django.utils import translation

from analytics.templatetags.dashboards import bar_chart
from training.templatetags.charts import loss_chart, nice_ticks


def test_it_picks_round_ticks_that_cover_the_data():
    assert nice_ticks(0.87) == [0, 0.25, 0.5, 0.75, 1.0]
    assert nice_ticks(37) == [0, 10, 20, 30, 40]
    assert nice_ticks(0) == [0, 1]


def test_the_loss_chart_has_ticks_focusable_points_and_a_table_without_a_repeated_last_point():
    curve = [[step, 2.0 / (1 + step / 100)] for step in range(0, 2001, 50)]
    html = loss_chart(curve)
    ticks = re.findall(r'class="tick"[^>]*>([^<]+)<', html)
    assert {"0.0", "0.5", "1.0", "1.5", "2.0"} <= set(ticks)  # loss axis
    assert {"500", "1000", "2000"} <= set(ticks)  # step axis
    points = re.findall(r'<g class="point" tabindex="0" role="img" aria-label="([^"]+)"', html)
    assert 2 <= len(points) <= 21 and points[-1] == "step 2000: loss 0.09524"
    rows = re.findall(r"<tr><td>(\d+)</td>", html)
    assert rows[-1] == "2000" and len(rows) == len(set(rows))


def test_a_bar_shows_each_series_value_to_keyboard_and_screen_reader_users():
    months = [SimpleNamespace(month=f"2026-{m:02}", done=m, failed=1) for m in range(1, 13)]
    html = bar_chart(months, "month", "done:Completed,failed:Failed", "Trainings", wide=True)
    assert 'class="chart bars wide"' in html
    assert 'aria-label="2026-12: Completed 12, Failed 1"' in html
    assert html.count('tabindex="0"') == 12
    assert '<th scope="row">2026-03</th><td>3</td><td>1</td>' in html
    assert 0 < len(re.findall(r'class="tick" text-anchor="middle">2026', html)) <= 8


def test_a_bar_chart_escapes_its_labels_and_series_names():
    rows = [SimpleNamespace(week="<KW 1>", done=2)]
    html = bar_chart(rows, "week", "done:Fertig & gut", "Trainings")
    assert "<KW 1>" not in html and 'aria-label="&lt;KW 1&gt;: Fertig &amp; gut 2"' in html
    assert '<th scope="row">&lt;KW 1&gt;</th><td>2</td>' in html


def test_dates_on_the_axis_are_short_enough_not_to_overlap():
    days = [SimpleNamespace(day=date(2026, 11, 5) + timedelta(days=n), done=1) for n in range(30)]
    with translation.override("de"):
        html = bar_chart(days, "day", "done:Fertig", "Trainings", date_format="j.n.")
        months = [SimpleNamespace(month=date(2026, m, 1), cost=m) for m in range(1, 13)]
        wide = bar_chart(months, "month", "cost:Kosten", "Kosten", wide=True, date_format="F Y")
    ticks = re.findall(r'class="tick" text-anchor="middle">([^<]+)<', html)
    assert ticks[0] == "5.11." and ticks[-1] == "4.12." and len(ticks) <= 8
    assert '<th scope="row">Januar 2026</th><td>1</td>' in wide
