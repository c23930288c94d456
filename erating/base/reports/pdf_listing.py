"""Every report as PDF with Typst (pdf_out.py prepares the sections: letterhead, title and
criteria, columns sized by pdf_out._widths, header rows repeated, grouped headers, bar charts,
"page N of M", Noto fonts embedded, Tamil and Chinese shaped, tagged), laid out by a compiled
typesetter rather than box by box in Python: a table cell cost WeasyPrint about 1 ms, which made
a 20,000-row listing take minutes and the national summary 14 s (README, "Reports").

Each part of at most PART_ROWS rows is compiled in a child process (typst_child.py); more than one
part are joined into one tagged file (pdf_join.py)."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from erating.base.reports import pdf_join
from erating.base.reports.fonts import FAMILIES, font_files

# Rows compiled in one child process (its memory: about 0.15 MB a row above 80 MB).
PART_ROWS = 1000
PART_TIMEOUT = 600  # seconds: a part takes about one on an idle machine
LONG_WORD = 24
# Latin letters and digits: Chinese breaks between any two characters, a URL at its slashes.
LONG = re.compile(r"[0-9A-Za-z_\u00C0-\u024F]{%d,}" % (LONG_WORD + 1))
ROOT = Path(__file__).resolve().parents[3]


def page_label():
    """'Page %(page)s of %(total)s' in the report's language, split around the two numbers."""
    marked = _("Page %(page)s of %(total)s") % {"page": "\x00", "total": "\x01"}
    before, rest = marked.split("\x00")
    between, after = rest.split("\x01")
    return [before, between, after]


def write(out, head, prepared, logo_path, processes):
    """Lay out the prepared sections (pdf_out.prepare) and write the PDF to `out` (a path or a
    binary file object)."""
    parts = _parts(prepared)
    with tempfile.TemporaryDirectory() as tmp:
        logo = None
        if logo_path:
            logo = "logo" + Path(logo_path).suffix.lower()
        dirs = []
        for n, blocks in enumerate(parts):
            folder = Path(tmp) / f"part{n}"
            folder.mkdir()
            if logo:
                shutil.copyfile(logo_path, folder / logo)
            doc = {"title": head.title, "agency": head.agency_name, "lang": head.language, "landscape": head.wide,
                   "logo": logo, "logo_alt": _("Logo"), "generated": head.generated_line, "fonts": FAMILIES,
                   "font_files": font_files(), "numbered": len(parts) == 1, "page_label": page_label(),
                   "title_block": n == 0, "criteria": head.criteria_lines, "blocks": blocks}
            with open(folder / "doc.json", "w", encoding="utf-8") as f:
                json.dump(doc, f, ensure_ascii=False)
            dirs.append(folder)
        del parts
        if len(dirs) == 1:
            compile_parts(dirs, processes)
            if hasattr(out, "write"):
                with open(dirs[0] / "out.pdf", "rb") as f:
                    shutil.copyfileobj(f, out)
            else:
                shutil.copyfile(dirs[0] / "out.pdf", out)
            return
        # Each part joined as soon as it is written, while the next ones are laid out.
        with pdf_join.Joiner(out, head) as joiner:
            for folder in compiled(dirs, processes):
                joiner.add(str(folder / "out.pdf"))
                shutil.rmtree(folder)


def _parts(prepared):
    """The sections as parts of at most PART_ROWS table rows; a section's heading and lines open
    its first block only."""
    parts, current, rows = [], [], 0
    if not prepared:
        return [[]]
    for section in prepared:
        cells = section.cells or []
        start = 0
        while True:
            if current and rows >= PART_ROWS:
                parts.append(current)
                current, rows = [], 0
            take = cells[start:start + PART_ROWS - rows]
            table = None
            if section.cells is not None and take:
                table = {"widths": section.widths, "font": section.font_pt, "right": section.right,
                         "head": [[{"label": label, "colspan": cols, "rowspan": span, "right": right, "group": group}
                                   for label, cols, span, right, group in row] for row in section.header],
                         "rows": [[_breakable(v) for v in row] for row in take]}
            chart = section.chart if start == 0 else None
            current.append({"heading": section.title if start == 0 else None,
                            "lines": [{"kind": kind, "text": text} for kind, text in section.lines] if start == 0
                            else [], "chart": chart, "table": table})
            rows += len(take)
            start += len(take)
            if start >= len(cells):
                break
    parts.append(current)
    return parts


def _breakable(text):
    """A word longer than any column is sized for (pdf_out._widths: 24 characters) gets a break
    opportunity (a zero-width space, invisible; copied with the text) every 20 characters: Typst
    breaks only where Unicode allows, and would run such a word into the next column or off the
    page."""
    if len(text) <= LONG_WORD or not LONG.search(text):
        return text
    return LONG.sub(lambda m: "\u200b".join(m.group(0)[i:i + 20] for i in range(0, len(m.group(0)), 20)), text)


def compile_parts(dirs, processes, template=None):
    """Compile each folder's doc.json with `template` (by default listing.typ) to its out.pdf."""
    for _folder in compiled(dirs, processes, template):
        pass


def compiled(dirs, processes, template=None):
    """Each part in a child process, at most `processes` at once: yields each part's folder,
    in order, once its out.pdf is written."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    pending, running = list(dirs), []

    def start():
        while pending and len(running) < processes:
            folder = pending.pop(0)
            running.append((folder, subprocess.Popen(
                [sys.executable, "-m", "erating.base.reports.typst_child", str(folder), *([str(template)] if template
                                                                                          else [])],
                cwd=ROOT, env=env,
                stderr=subprocess.PIPE)))

    try:
        while pending or running:
            start()
            folder, proc = running.pop(0)
            try:
                _stdout, stderr = proc.communicate(timeout=PART_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                raise RuntimeError(f"PDF part {folder.name} took over {PART_TIMEOUT} s") from None
            if proc.returncode != 0:
                raise RuntimeError(f"PDF part {folder.name} failed: {stderr.decode(errors='replace')[-2000:]}")
            start()  # the next part laid out while the caller joins this one
            yield folder
    finally:
        for _folder, other in running:
            other.kill()
            other.wait()
