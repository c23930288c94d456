"""Compiles one part of a report's PDF (pdf_listing.py), or a bulk poster PDF
(catalogue/poster_pdf.py), in a process of its own: `python -m erating.base.reports.typst_child DIR
[TEMPLATE]` reads DIR/doc.json (and what TEMPLATE, by default listing.typ, reads beside it),
writes DIR/out.pdf.

Typst keeps what it computed in caches for the life of its process (each 1,000-row part
adds about 140 MB that a later part does not reuse); a process per part gives it all back
when the part is written, and keeps the Typst runtime out of the web and task processes."""
import json
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("listing.typ")


def compile_part(root, template=TEMPLATE):
    import typst

    root = Path(root)
    (root / "main.typ").write_bytes(Path(template).read_bytes())
    with open(root / "doc.json", encoding="utf-8") as f:
        doc = json.load(f)
    # Only the Noto files the report names (Typst reads fonts from folders: one of links to
    # them): every glyph comes from an embedded Noto font, and no other font is scanned.
    folder = root / "fonts"
    folder.mkdir(exist_ok=True)
    for path in doc["font_files"]:
        (folder / Path(path).name).symlink_to(path)
    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(folder)])
    missing = (set(doc["fonts"]) | set(doc.get("mono", ()))) - set(fonts.families())
    if missing:
        raise SystemExit(f"fonts not found: {sorted(missing)} (make system-deps installs them)")
    compiler = typst.Compiler(root=str(root), font_paths=fonts)
    _pdf, warnings = compiler.compile_with_warnings(input=str(root / "main.typ"), output=str(root / "out.pdf"),
                                                    format="pdf", pdf_tags=True)
    for warning in warnings or ():
        sys.stderr.write(f"typst: {getattr(warning, 'message', warning)}\n")


if __name__ == "__main__":
    compile_part(*sys.argv[1:3])
