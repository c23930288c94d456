"""The PDF's bar charts in the dashboard's colours (a score's own colour on the distribution's
rows), values written with the table's own formatter: the bars' geometry, drawn by Typst as a
figure under its caption (listing.typ). Typst draws them itself rather than from an SVG image:
its SVG renderer shapes text character by character, which broke Tamil labels (vowel signs
dropped), where its own text engine shapes them as in the tables."""
from erating.base.reports.base import PCT

PRIMARY, PRIMARY_FILL = "#1d4ed8", "#93c5fd"
SCORE_COLOURS = {5: "#15803d", 4: "#4d7c0f", 3: "#a16207", 2: "#c2410c", 1: "#b91c1c"}
AXIS = "#71717a"
PX = 25.4 / 96  # the chart's first design was SVG at 96 px an inch: its sizes kept, in mm


def bars(section, rows, avail_mm, fmt):
    """A horizontal bar chart, one bar per row (the first max_bars), labels on the left:
    {"caption", "label_mm", "plot_mm", "bar_mm", "gap_mm", "font_pt", "axis", "bars": [{"label",
    "text", "w_mm", "fill", "stroke"}]}."""
    spec = section.chart
    shown = rows[: spec.max_bars]
    column = section.columns[spec.value_cols[0]]
    values = [float(r[spec.value_cols[0]] or 0) for r in shown]
    labels = [str(r[spec.label_col] or "") for r in shown]
    labels = [label if len(label) <= 40 else label[:39] + "…" for label in labels]
    top = max(values, default=0) or 1
    if column.kind == PCT:
        top = 100
    width = min(avail_mm, 180) / PX
    label_w, bar_h, gap = 250, 13, 5
    plot_w = width - label_w - 50
    items = []
    for label, value, row in zip(labels, values, shown):
        score = score_of(row[spec.label_col]) if spec.label_col == 0 else None
        fill, stroke = (SCORE_COLOURS[score], SCORE_COLOURS[score]) if score else (PRIMARY_FILL, PRIMARY)
        items.append({"label": label, "text": fmt(row[spec.value_cols[0]], column.kind),
                      "w_mm": round(max(plot_w * value / top, 0.5) * PX, 2), "fill": fill, "stroke": stroke})
    return {"caption": spec.title, "label_mm": round(label_w * PX, 2), "plot_mm": round((width - label_w) * PX, 2),
            "bar_mm": round(bar_h * PX, 2), "gap_mm": round(gap * PX, 2), "font_pt": 9 * 0.75, "axis": AXIS,
            "bars": items}


def score_of(label):
    """The score of a distribution row's label ("5 – Cemerlang"), to colour it as the dashboard does."""
    text = str(label)
    return int(text[0]) if text[:1] in "12345" and text[1:4] == " – " else None
