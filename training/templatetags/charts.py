"""Charts as server-rendered SVG: no CDN, readable in print, with a table for screen readers."""

from django import template
from django.conf import settings
from django.template.loader import render_to_string

register = template.Library()
WIDTH, HEIGHT, PAD = 640, 220, 36


@register.simple_tag
def loss_chart(curve, label=""):
    """A line chart of [[step, loss], …]."""
    points = [(float(s), float(v)) for s, v in (curve or [])]
    if not points:
        return render_to_string("training/chart_empty.html")
    steps, losses = [p[0] for p in points], [p[1] for p in points]
    s0, s1, top = min(steps), max(steps), max(losses) or 1.0
    scale_x = lambda s: PAD + (s - s0) / ((s1 - s0) or 1) * (WIDTH - 2 * PAD)  # noqa: E731
    scale_y = lambda v: HEIGHT - PAD - v / top * (HEIGHT - 2 * PAD)  # noqa: E731
    polyline = " ".join(f"{scale_x(s):.1f},{scale_y(v):.1f}" for s, v in points)
    return render_to_string(
        "training/chart.html",
        {
            "width": WIDTH,
            "height": HEIGHT,
            "pad": PAD,
            "polyline": polyline,
            "label": label,
            "top": top,
            "first_step": int(s0),
            "last_step": int(s1),
            "rows": _every_nth_and_last(points, 20),
            "right": WIDTH - PAD,
            "bottom": HEIGHT - PAD,
        },
    )


def _every_nth_and_last(points: list, about: int) -> list:
    """About ``about`` evenly spaced points for the table, always ending with the last one, once."""
    rows = points[:: max(1, len(points) // about)]
    return rows if rows[-1] == points[-1] else [*rows, points[-1]]


@register.filter
def hub_url(model_id: str) -> str:
    """Where a model lives on the Hub ("" with the embedded local folder, which has no web page)."""
    if not model_id or not settings.HF_TOKEN:
        return ""
    return f"{(settings.HF_ENDPOINT or 'https://huggingface.co').rstrip('/')}/{model_id}"
