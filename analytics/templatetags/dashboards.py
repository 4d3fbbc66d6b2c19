"""Bar charts as server-rendered SVG (no CDN), printable, with a table for screen readers."""

from django import template
from django.template.loader import render_to_string

register = template.Library()
WIDTH, HEIGHT, PAD = 640, 200, 28


@register.simple_tag
def bar_chart(rows, label_attr, series, caption):
    """Stacked bars: ``rows`` are objects, ``label_attr`` names their x label, ``series`` is
    "attr:Label,attr:Label" (bottom to top)."""
    names = [tuple(part.split(":", 1)) for part in series.split(",")]
    values = [[float(getattr(row, attr) or 0) for attr, _ in names] for row in rows]
    top = max((sum(v) for v in values), default=0) or 1
    slot = (WIDTH - 2 * PAD) / max(len(rows), 1)
    bars = []
    for index, (row, row_values) in enumerate(zip(rows, values, strict=True)):
        y = HEIGHT - PAD
        for series_index, value in enumerate(row_values):
            height = value / top * (HEIGHT - 2 * PAD)
            y -= height
            # Coordinates are formatted here, not by the (localised) template: SVG needs a point.
            bars.append(
                {
                    "x": f"{PAD + index * slot + slot * 0.15:.1f}",
                    "y": f"{y:.1f}",
                    "w": f"{slot * 0.7:.1f}",
                    "h": f"{height:.1f}",
                    "series": series_index,
                    "title": f"{getattr(row, label_attr)}: {value:g}",
                }
            )
    return render_to_string(
        "analytics/bar_chart.html",
        {
            "width": WIDTH,
            "height": HEIGHT,
            "pad": PAD,
            "bottom": HEIGHT - PAD,
            "right": WIDTH - PAD,
            "bars": bars,
            "top": top,
            "caption": caption,
            "series": [label for _, label in names],
            "table": [
                (getattr(row, label_attr), row_values)
                for row, row_values in zip(rows, values, strict=True)
            ],
            "first": getattr(rows[0], label_attr) if rows else "",
            "last": getattr(rows[-1], label_attr) if rows else "",
        },
    )
