"""Bar charts as server-rendered SVG (no CDN), printable, with a table for screen readers.

They share the loss chart's ticks and its focusable points: a bar's values show on hover and on
keyboard focus."""

from django import template
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import dateformat
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from training.templatetags.charts import decimals, nice_ticks, spread

register = template.Library()
WIDTH, WIDE, HEIGHT, PAD = 640, 960, 200, 40
MAX_X_LABELS = 8


@register.simple_tag
def bar_chart(rows, label_attr, series, caption, wide=False, date_format=""):
    """Stacked bars: ``rows`` are objects, ``label_attr`` names their x label, ``series`` is
    "attr:Label,attr:Label" (bottom to top); ``wide`` lets the chart fill its card. Date labels
    take ``date_format`` ("j.n." for days, "F Y" for months), short enough for the axis."""
    width = WIDE if wide else WIDTH
    names = [tuple(part.split(":", 1)) for part in series.split(",")]
    labels = [
        dateformat.format(getattr(row, label_attr), date_format)
        if date_format
        else localize(getattr(row, label_attr))
        for row in rows
    ]
    values = [[float(getattr(row, attr) or 0) for attr, _ in names] for row in rows]
    y_ticks = nice_ticks(max((sum(v) for v in values), default=0))
    top, tick_decimals = y_ticks[-1], decimals(y_ticks)
    scale = (HEIGHT - 2 * PAD) / top
    slot = (width - 2 * PAD) / max(len(rows), 1)
    shown_labels = set(spread(range(len(rows)), MAX_X_LABELS))
    bottom, plot_height = HEIGHT - PAD, HEIGHT - 2 * PAD
    series_names = [conditional_escape(name) for _, name in names]
    formatted = {}  # value -> its localised text: most days share a handful of counts
    groups, table_rows = [], []
    # The bars and the table rows are built here, not by the template: a month of days would be
    # some thousand template nodes. Coordinates are formatted here too: SVG needs a point.
    for index, (label, row_values) in enumerate(zip(labels, values, strict=True)):
        label = conditional_escape(label)
        center = PAD + (index + 0.5) * slot
        x, w = f"{center - slot * 0.35:.1f}", f"{slot * 0.7:.1f}"
        y, rects = bottom, []
        for series_index, value in enumerate(row_values):
            y -= value * scale
            rects.append(
                f'<rect x="{x}" y="{y:.1f}" width="{w}" height="{value * scale:.1f}" '
                f'class="series-{series_index}"/>'
            )
        for value in row_values:
            if value not in formatted:
                formatted[value] = floatformat(value, "-2")
        shown = [formatted[value] for value in row_values]
        if index in shown_labels:
            groups.append(
                f'<text x="{center:.1f}" y="{bottom + 16}" class="tick" text-anchor="middle">'
                f"{label}</text>"
            )
        aria = ", ".join(f"{name} {v}" for name, v in zip(series_names, shown, strict=True))
        anchor = "end" if center > width * 0.85 else "middle"
        groups.append(
            f'\n    <g class="point" tabindex="0" role="img" aria-label="{label}: {aria}">'
            + "".join(rects)
            + f'<rect x="{x}" y="{PAD}" width="{w}" height="{plot_height}" class="hit"/>'
            f'<text x="{center:.1f}" y="{y:.1f}" dy="-6" class="value" text-anchor="{anchor}">'
            f"{label}: {' / '.join(shown)}</text></g>"
        )
        table_rows.append(
            f'<tr><th scope="row">{label}</th>{"".join(f"<td>{v}</td>" for v in shown)}</tr>'
        )
    return render_to_string(
        "analytics/bar_chart.html",
        {
            "width": width,
            "height": HEIGHT,
            "pad": PAD,
            "bottom": bottom,
            "right": width - PAD,
            # Safe: every text in them was escaped above, the rest are numbers.
            "groups": mark_safe("".join(groups)),
            "table_rows": mark_safe("".join(table_rows)),
            "y_ticks": [
                {"y": f"{HEIGHT - PAD - v * scale:.1f}", "value": floatformat(v, tick_decimals)}
                for v in y_ticks
            ],
            "caption": caption,
            "series": [label for _, label in names],
            "wide": wide,
        },
    )
