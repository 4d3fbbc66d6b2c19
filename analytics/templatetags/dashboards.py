"""Bar charts as server-rendered SVG (no CDN), printable, with a table for screen readers.

They share the loss chart's ticks and its focusable points: a bar's values show on hover and on
keyboard focus."""

from django import template
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils.formats import localize

from training.templatetags.charts import decimals, nice_ticks, spread

register = template.Library()
WIDTH, WIDE, HEIGHT, PAD = 640, 960, 200, 40
MAX_X_LABELS = 8


@register.simple_tag
def bar_chart(rows, label_attr, series, caption, wide=False):
    """Stacked bars: ``rows`` are objects, ``label_attr`` names their x label, ``series`` is
    "attr:Label,attr:Label" (bottom to top); ``wide`` lets the chart fill its card."""
    width = WIDE if wide else WIDTH
    names = [tuple(part.split(":", 1)) for part in series.split(",")]
    # Labels and values are localised once here: the template shows each of them up to four times.
    labels = [localize(getattr(row, label_attr)) for row in rows]
    values = [[float(getattr(row, attr) or 0) for attr, _ in names] for row in rows]
    y_ticks = nice_ticks(max((sum(v) for v in values), default=0))
    top, tick_decimals = y_ticks[-1], decimals(y_ticks)
    scale = (HEIGHT - 2 * PAD) / top
    slot = (width - 2 * PAD) / max(len(rows), 1)
    shown_labels = set(spread(range(len(rows)), MAX_X_LABELS))
    groups = []
    # Coordinates are formatted here, not by the (localised) template: SVG needs a point.
    for index, (label, row_values) in enumerate(zip(labels, values, strict=True)):
        y, bars = HEIGHT - PAD, []
        for series_index, value in enumerate(row_values):
            y -= value * scale
            bars.append({"y": f"{y:.1f}", "h": f"{value * scale:.1f}", "series": series_index})
        center = PAD + (index + 0.5) * slot
        groups.append(
            {
                "x": f"{center - slot * 0.35:.1f}",
                "w": f"{slot * 0.7:.1f}",
                "center": f"{center:.1f}",
                "top": f"{y:.1f}",
                "anchor": "end" if center > width * 0.85 else "middle",
                "bars": bars,
                "label": label,
                "show_label": index in shown_labels,
                "values": [
                    (name, floatformat(value, "-2"))
                    for (_, name), value in zip(names, row_values, strict=True)
                ],
            }
        )
    return render_to_string(
        "analytics/bar_chart.html",
        {
            "width": width,
            "height": HEIGHT,
            "pad": PAD,
            "bottom": HEIGHT - PAD,
            "right": width - PAD,
            "plot_height": HEIGHT - 2 * PAD,
            "groups": groups,
            "y_ticks": [
                {"y": f"{HEIGHT - PAD - v * scale:.1f}", "value": floatformat(v, tick_decimals)}
                for v in y_ticks
            ],
            "caption": caption,
            "series": [label for _, label in names],
            "wide": wide,
        },
    )
