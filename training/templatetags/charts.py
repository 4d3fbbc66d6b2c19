"""Charts as server-rendered SVG: no CDN, readable in print, with a table for screen readers.

Axes carry round ticks; every point or bar is focusable and shows its value on hover and on
keyboard focus (CSS only, so the strict content security policy holds)."""

import math

from django import template
from django.template.loader import render_to_string

from training.downloads import model_page_url

register = template.Library()
WIDTH, HEIGHT, PAD = 640, 220, 48
MAX_POINTS = 20


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round tick values from 0 to at least ``top`` (0, 0.5, 1 … or 0, 20, 40 …)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [round(i * step, 10) for i in range(math.ceil(top / step - 1e-9) + 1)]


def decimals(ticks: list[float]) -> int:
    """How many decimals the ticks need (0.25 steps: 2), so labels read "0,5", not "0,500"."""
    step = f"{ticks[1] - ticks[0]:.10g}"
    return len(step.split(".")[1]) if "." in step else 0


def spread(items: list, limit: int) -> list:
    """At most ``limit`` items, evenly spaced, the last one always among them."""
    if len(items) <= limit:
        return list(items)
    every = math.ceil(len(items) / limit)
    picked = list(items[::every])
    picked[-1] = items[-1]  # in place of the last pick, whose label would overlap it
    return picked


@register.simple_tag
def loss_chart(curve, label=""):
    """A line chart of [[step, loss], …]."""
    points = [(float(s), float(v)) for s, v in (curve or [])]
    if not points:
        return render_to_string("training/chart_empty.html")
    steps = [p[0] for p in points]
    s0, s1 = min(steps), max(steps)
    y_ticks = nice_ticks(max(p[1] for p in points))
    top = y_ticks[-1]
    scale_x = lambda s: PAD + (s - s0) / ((s1 - s0) or 1) * (WIDTH - 2 * PAD)  # noqa: E731
    scale_y = lambda v: HEIGHT - PAD - v / top * (HEIGHT - 2 * PAD)  # noqa: E731
    x_ticks = nice_ticks(s1)
    # Coordinates are formatted here, not by the (localised) template: SVG needs a point.
    return render_to_string(
        "training/chart.html",
        {
            "width": WIDTH,
            "height": HEIGHT,
            "pad": PAD,
            "right": WIDTH - PAD,
            "bottom": HEIGHT - PAD,
            "label": label,
            "polyline": " ".join(f"{scale_x(s):.1f},{scale_y(v):.1f}" for s, v in points),
            "y_ticks": [{"y": f"{scale_y(v):.1f}", "value": v} for v in y_ticks],
            "decimals": decimals(y_ticks),
            "x_ticks": [{"x": f"{scale_x(s):.1f}", "value": s} for s in x_ticks if s0 <= s <= s1],
            "points": [
                {
                    "x": f"{scale_x(s):.1f}",
                    "y": f"{scale_y(v):.1f}",
                    "anchor": "end" if scale_x(s) > WIDTH * 0.8 else "middle",
                    "step": s,
                    "loss": v,
                }
                for s, v in spread(points, MAX_POINTS)
            ],
        },
    )


register.filter("hub_url", model_page_url)
