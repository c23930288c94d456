"""User manuals: Markdown in docs/manuals/ (written with the code, reviewed with it) turned into
PDFs at build time (`make assets` runs `manage.py build_manuals`), so the downloads page never
offers a manual older than the release.

Only the Markdown the manuals use is understood: #, ## and ### headings, paragraphs, "- " and
"1. " lists, **bold**, `code`, and `![caption](screen:<name>)` for a screenshot of the running
product (portal_content/screenshots.py takes them; `make manuals` retakes them all, then builds).
A screen not taken yet is left out, so `make assets` still builds text-only manuals on a machine
without a browser."""
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

SOURCE = Path(settings.BASE_DIR) / "docs" / "manuals"
OUTPUT = Path(settings.BASE_DIR) / "erating" / "static" / "manuals"
ROLES = [
    ("citizen", _("Customer")),
    ("sysadmin", _("System administrator")),
    ("agencyadmin", _("Agency administrator")),
    ("supervisor", _("Premise supervisor")),
    ("officer", _("Counter officer")),
]


def pdf_name(role, lang):
    return f"erating-manual-{role}-{lang}.pdf"


def _inline(text):
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    return re.sub(r"`(.+?)`", r'<font name="Courier">\1</font>', text)


def parse(markdown):
    """[(kind, text)] with kind one of h1, h2, h3, p, ul, ol, img (text: "name|caption")."""
    blocks, para = [], []

    def flush():
        if para:
            blocks.append(("p", " ".join(para)))
            para.clear()

    for raw in markdown.splitlines():
        line = raw.strip()
        heading = re.match(r"(#{1,3}) (.+)", line)
        screen = re.fullmatch(r"!\[(.*)\]\(screen:([\w-]+)\)", line)
        item = re.match(r"(- |\d+\. )(.+)", line)
        if not line:
            flush()
        elif screen:
            flush()
            blocks.append(("img", f"{screen.group(2)}|{screen.group(1)}"))
        elif heading:
            flush()
            blocks.append((f"h{len(heading.group(1))}", heading.group(2)))
        elif item:
            flush()
            blocks.append(("ul" if item.group(1) == "- " else "ol", item.group(2)))
        elif raw.startswith("  ") and blocks and blocks[-1][0] in ("ul", "ol") and not para:
            blocks[-1] = (blocks[-1][0], blocks[-1][1] + " " + line)
        else:
            para.append(line)
    flush()
    return blocks


def render_pdf(markdown, path, screen=None):
    """screen: name -> the PNG to show for `![caption](screen:name)`, or None (no screenshots)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, KeepTogether, ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

    blue = colors.HexColor("#1e3a8a")
    base = getSampleStyleSheet()
    styles = {
        "h1": ParagraphStyle("h1", parent=base["Title"], textColor=blue, alignment=0, fontSize=22, leading=27),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], textColor=blue, spaceBefore=10, keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], textColor=colors.HexColor("#1d4ed8"), keepWithNext=1),
        "p": ParagraphStyle("p", parent=base["BodyText"], fontSize=10.5, leading=15),
        "caption": ParagraphStyle("caption", parent=base["BodyText"], fontSize=9, leading=12,
                                  textColor=colors.HexColor("#52525b"), alignment=1),
    }
    width, height = A4[0] - 36 * mm, 115 * mm  # the text column; a screen takes at most ~half a page
    blocks = parse(markdown)
    title = next((text for kind, text in blocks if kind == "h1"), "eRating")
    story, items, list_kind = [], [], None

    def close_list():
        nonlocal items, list_kind
        if items:
            story.append(ListFlowable(items, bulletType="1" if list_kind == "ol" else "bullet", leftIndent=14,
                                      bulletFormat="%s." if list_kind == "ol" else None,
                                      bulletFontSize=9 if list_kind == "ul" else 10))
            story.append(Spacer(1, 4))
        items, list_kind = [], None

    for kind, text in blocks:
        if kind in ("ul", "ol"):
            if list_kind and list_kind != kind:
                close_list()
            list_kind = kind
            items.append(ListItem(Paragraph(_inline(text), styles["p"])))
            continue
        close_list()
        if kind == "img":
            name, caption = text.split("|", 1)
            png = screen(name) if screen else None
            if png is None or not Path(png).exists():
                continue
            picture = Image(str(png))
            scale = min(width / picture.imageWidth, height / picture.imageHeight, 1)
            picture.drawWidth, picture.drawHeight = picture.imageWidth * scale, picture.imageHeight * scale
            picture.hAlign = "CENTER"
            story.append(KeepTogether([Spacer(1, 4), picture, Spacer(1, 3), Paragraph(_inline(caption), styles["caption"]),
                                       Spacer(1, 6)]))
            continue
        story.append(Paragraph(_inline(text), styles[kind]))
    close_list()
    # A heading never ends a page alone: it travels with what follows it (keepWithNext does not
    # hold when the next block is a list or a screen that does not fit either).
    grouped = []
    for flowable in story:
        previous = grouped[-1] if grouped else None
        if isinstance(previous, Paragraph) and previous.style.name in ("h2", "h3"):
            grouped[-1] = KeepTogether([previous, flowable])
        else:
            grouped.append(flowable)
    story = grouped

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFillColor(blue)
        canvas.rect(0, A4[1] - 8 * mm, A4[0], 8 * mm, stroke=0, fill=1)
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.HexColor("#52525b"))
        canvas.drawString(18 * mm, 10 * mm, f"eRating · {title}")
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, str(doc.page))
        canvas.restoreState()

    path.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(str(path), pagesize=A4, title=title, author="eRating", subject=title,
                            leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=18 * mm)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return path


def build(output=OUTPUT, source=SOURCE, screens=None):
    from erating.base.portal_content.screenshots import screen_path

    built = []
    for role, _label in ROLES:
        for lang in ("ms", "en"):
            md = source / f"{role}.{lang}.md"
            built.append(render_pdf(md.read_text(encoding="utf-8"), Path(output) / pdf_name(role, lang),
                                    screen=lambda name, lang=lang: screen_path(name, lang, screens)))
    return built


def available():
    """The manuals in the page's language that the build produced (missing ones are left out)."""
    lang = "en" if (get_language() or "ms").startswith("en") else "ms"
    found = []
    for role, label in ROLES:
        path = finders.find(f"manuals/{pdf_name(role, lang)}")
        if path:
            found.append({"role": role, "lang": lang, "title": _("User manual: %(role)s") % {"role": label},
                          "audience": label, "url": static(f"manuals/{pdf_name(role, lang)}"),
                          "size": Path(path).stat().st_size})
    return found


def built_on():
    """The day the manuals were last built (the newest PDF's time), or None if none was."""
    import datetime

    from django.utils import timezone

    times = [Path(path).stat().st_mtime for role, _label in ROLES for lang in ("ms", "en")
             if (path := finders.find(f"manuals/{pdf_name(role, lang)}"))]
    if not times:
        return None
    return timezone.localdate(datetime.datetime.fromtimestamp(max(times), tz=datetime.UTC))
