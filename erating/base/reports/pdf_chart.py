"""The PDF's bar charts: SVG in the dashboard's colours (a score's own colour on the
distribution's rows), values written with the table's own formatter; drawn by Typst as an image
under its caption (listing.typ)."""
from html import escape

from erating.base.reports.base import PCT

FONTS = '"Noto Sans", "Noto Sans Tamil", "Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK JP", sans-serif'
PRIMARY, PRIMARY_FILL = "#1d4ed8", "#93c5fd"
SCORE_COLOURS = {5: "#15803d", 4: "#4d7c0f", 3: "#a16207", 2: "#c2410c", 1: "#b91c1c"}


def bars(section, rows, avail_mm, fmt):
    """A horizontal bar chart: (SVG document, caption, width in mm): one bar per row (the first
    max_bars), labels on the left."""
    spec = section.chart
    shown = rows[: spec.max_bars]
    column = section.columns[spec.value_cols[0]]
    values = [float(r[spec.value_cols[0]] or 0) for r in shown]
    labels = [str(r[spec.label_col] or "") for r in shown]
    labels = [label if len(label) <= 40 else label[:39] + "…" for label in labels]
    top = max(values, default=0) or 1
    if column.kind == PCT:
        top = 100
    width = min(avail_mm, 180) * 3.78  # px at 96 dpi
    label_w, bar_h, gap = 250, 13, 5
    plot_w = width - label_w - 50
    height = len(shown) * (bar_h + gap) + 6
    items = []
    for n, (label, value, row) in enumerate(zip(labels, values, shown)):
        y = 3 + n * (bar_h + gap)
        w = max(plot_w * value / top, 0.5)
        score = score_of(row[spec.label_col]) if spec.label_col == 0 else None
        fill, stroke = (SCORE_COLOURS[score], SCORE_COLOURS[score]) if score else (PRIMARY_FILL, PRIMARY)
        text = fmt(row[spec.value_cols[0]], column.kind)
        items.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 3}" text-anchor="end" font-size="9">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="0.8"/><text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}" font-size="9">{escape(text)}'
            "</text>")
    svg = (f'<?xml version="1.0" encoding="UTF-8"?><svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height}" '
           f'viewBox="0 0 {width:.0f} {height}" role="img" aria-label="{escape(spec.title)}" '
           f'font-family=\'{FONTS.replace(chr(34), "")}\'>'
           f'<line x1="{label_w}" y1="0" x2="{label_w}" y2="{height}" stroke="#71717a" stroke-width="0.8"/>'
           f"{''.join(items)}</svg>")
    return svg, spec.title, width * 25.4 / 96


def score_of(label):
    """The score of a distribution row's label ("5 – Cemerlang"), to colour it as the dashboard does."""
    text = str(label)
    return int(text[0]) if text[:1] in "12345" and text[1:4] == " – " else None
