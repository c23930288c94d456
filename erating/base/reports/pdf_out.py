"""PDF with ReportLab: A4, the agency's official header (name and logo) on every page, the
criteria and who generated it when, page X of Y, tables that repeat their header when they
break across pages, and bar charts drawn with reportlab.graphics (vector, no images)."""
import logging
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from erating.base import numbers
from erating.base.reports.base import DATE, DATETIME, FLOAT, INT, NUM, PCT, TEXT, TooManyRows, local_naive

logger = logging.getLogger(__name__)
# A PDF is read, not processed: beyond this a section belongs in CSV or XLSX.
PDF_MAX_ROWS = 20_000
NAVY = colors.HexColor("#1F3864")
STYLES = getSampleStyleSheet()
CELL = ParagraphStyle("cell", parent=STYLES["BodyText"], fontSize=7, leading=8.5)
SMALL = ParagraphStyle("small", parent=STYLES["BodyText"], fontSize=8, leading=10)
H1 = ParagraphStyle("h1", parent=STYLES["Heading1"], fontSize=15, textColor=NAVY, spaceAfter=4)
H2 = ParagraphStyle("h2", parent=STYLES["Heading2"], fontSize=11.5, textColor=NAVY, spaceBefore=8, spaceAfter=4)


def fmt(value, kind):
    if value is None or value == "":
        return ""
    # Rounded half up to the shown precision (erating.base.numbers), never cut.
    if kind == PCT:
        return numbers.text(value, numbers.PERCENT_PLACES) + " %"
    if kind == FLOAT or (kind == NUM and isinstance(value, float)):
        return numbers.text(value, numbers.MEAN_PLACES)
    if kind == NUM and isinstance(value, Decimal):  # a figure already at its own precision
        return numbers.text(value, max(0, -value.as_tuple().exponent))
    if kind == NUM and isinstance(value, int):
        return number_format(value, 0, force_grouping=True)
    if kind == INT and isinstance(value, int):
        return number_format(value, 0, force_grouping=True)
    if kind == DATETIME and hasattr(value, "hour"):
        return (local_naive(value) if value.tzinfo else value).strftime("%d/%m/%Y %H:%M")
    if kind == DATE and hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _numbered_canvas(header):
    class NumberedCanvas(rl_canvas.Canvas):
        """Pages are kept until the end so each footer can say 'page X of Y'."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                header(self, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def write(out, sections, *, title, agency_name, logo_path=None, criteria_lines=(), generated_line="",
          wide=False):
    pagesize = landscape(A4) if wide else A4
    width, height = pagesize
    margin = 15 * mm

    def header(c, total):
        c.saveState()
        top = height - 12 * mm
        x = margin
        if logo_path:
            try:
                c.drawImage(logo_path, x, top - 11 * mm, width=11 * mm, height=11 * mm, preserveAspectRatio=True,
                            mask="auto")
                x += 13 * mm
            except Exception:  # noqa: BLE001 - a broken logo upload must not stop the report
                logger.warning("Agency logo could not be drawn: %s", logo_path)
        c.setFillColor(NAVY)
        c.setFont("Helvetica-Bold", 11)
        c.drawString(x, top - 4 * mm, agency_name[:90])
        c.setFont("Helvetica", 9)
        c.drawString(x, top - 9 * mm, title[:110])
        c.setStrokeColor(NAVY)
        c.line(margin, top - 13 * mm, width - margin, top - 13 * mm)
        c.setFillColor(colors.grey)
        c.setFont("Helvetica", 7.5)
        c.drawString(margin, 8 * mm, generated_line[:150])
        c.drawRightString(width - margin, 8 * mm,
                          _("Page %(page)s of %(total)s") % {"page": c.getPageNumber(), "total": total})
        c.restoreState()

    doc = SimpleDocTemplate(out, pagesize=pagesize, leftMargin=margin, rightMargin=margin,
                            topMargin=30 * mm, bottomMargin=16 * mm, title=title, author=agency_name)
    story = [Paragraph(escape(title), H1)]
    if criteria_lines:
        story.append(Paragraph("<br/>".join(escape(line) for line in criteria_lines), SMALL))
    story.append(Spacer(1, 4 * mm))
    for section in sections:
        story.extend(_section(section, doc.width))
    doc.build(story, canvasmaker=_numbered_canvas(header))


def _section(section, avail):
    flow = [Paragraph(escape(section.title), H2)]
    if section.note:
        flow.append(Paragraph(escape(section.note), SMALL))
    columns = section.columns
    kinds = [c.kind for c in columns]
    total_w = sum(c.width for c in columns) or 1
    widths = [avail * c.width / total_w for c in columns]
    data = [[Paragraph(f"<b>{escape(c.label)}</b>", CELL) for c in columns]]
    rows = []
    for row in section.rows:
        if len(rows) >= PDF_MAX_ROWS:
            raise TooManyRows(_("This report has more than %(n)s rows, too many for a PDF. Download it as CSV "
                                "or XLSX.") % {"n": number_format(PDF_MAX_ROWS, 0, force_grouping=True)})
        rows.append(row)
        data.append([_cell(v, k, w) for v, k, w in zip(row, kinds, widths)])
    if section.chart and rows:
        flow.append(_chart(section, rows, avail))
    if not rows:
        flow.append(Paragraph(escape(_("No ratings match these criteria.")), SMALL))
        return flow
    table = Table(data, colWidths=widths, repeatRows=1)
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE6F1")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#A6A6A6")),
        ("FONTSIZE", (0, 0), (-1, -1), 7),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F3F6FA")]),
    ]
    style += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i, k in enumerate(kinds) if k in (INT, FLOAT, PCT, NUM)]
    table.setStyle(TableStyle(style))
    flow.append(table)
    return flow


def _cell(value, kind, width):
    text = fmt(value, kind)
    # Long text wraps inside its column (a Paragraph); short values stay plain strings (fast).
    if kind == TEXT and len(text) * 3.6 > width:
        return Paragraph(escape(text), CELL)
    return text


def _chart(section, rows, avail):
    spec = section.chart
    shown = rows[: spec.max_bars]
    labels = [str(r[spec.label_col])[:40] for r in shown]
    series = [[float(r[c] or 0) for r in shown] for c in spec.value_cols]
    bar_h = 14 * len(spec.value_cols)
    height = max(80, bar_h * len(shown) + 50)
    drawing = Drawing(avail, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 20
    chart.width, chart.height = avail - 180, height - 45
    chart.data = [list(reversed(s)) for s in series]
    chart.categoryAxis.categoryNames = list(reversed(labels))
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    palette = [colors.HexColor("#2E75B6"), colors.HexColor("#F4B183"), colors.HexColor("#A9D18E")]
    for i in range(len(series)):
        chart.bars[i].fillColor = palette[i % len(palette)]
    places = numbers.PERCENT_PLACES if section.columns[spec.value_cols[0]].kind in (PCT, FLOAT) else 0
    chart.barLabelFormat = lambda value: numbers.text(value, places)  # the table's digits
    chart.barLabels.fontSize = 6
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    drawing.add(String(0, height - 10, spec.title, fontName="Helvetica-Bold", fontSize=8.5, fillColor=NAVY))
    return KeepTogether([drawing, Spacer(1, 3 * mm)])



