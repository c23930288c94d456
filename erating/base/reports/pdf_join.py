"""The parts of a long PDF joined into one tagged file (pikepdf): the pages in order, each part's
structure under one Document element, "page N of M" stamped on every page.

A tagged part says what each page's marked content belongs to through the page's
/StructParents key into the part's /ParentTree (and an annotation's /StructParent). Every part
numbers those keys from 0, so the join shifts each part's keys past the previous parts' and
merges the parent trees; element ids (/ID, a table cell's /Headers) are made unique per part the
same way. The stamped numbers are marked as artifacts: a screen reader skips them, as it skips
the running header and footer the parts print themselves."""
import io
import subprocess

from django.utils.translation import gettext as _


def join(files, out, head):
    """Write the parts `files` (paths, in order) as one PDF to `out` (a path or a binary file)."""
    from pikepdf import Array, Dictionary, Name, Pdf, String

    dst = Pdf.new()
    sources = [Pdf.open(path) for path in files]
    try:
        document = dst.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
        tree = dst.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array([document])))
        document.P = tree
        nums, ids, role_map, class_map = [], [], Dictionary(), Dictionary()
        next_key = 0
        for n, src in enumerate(sources):
            first = len(dst.pages)
            dst.pages.extend(src.pages)
            part_tree = src.Root.get("/StructTreeRoot")
            if part_tree is None:
                raise ValueError(f"part {n} of the PDF is not tagged")
            part_tree = dst.copy_foreign(part_tree)  # /Pg: the pages just copied, not new ones
            shift = next_key
            for page in dst.pages[first:]:
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + shift
                for annot in page.obj.get("/Annots", ()):
                    if "/StructParent" in annot:
                        annot.StructParent = int(annot.StructParent) + shift
            entries = _number_tree(part_tree.get("/ParentTree"))
            nums += [(key + shift, value) for key, value in entries]
            next_key = shift + max(int(part_tree.get("/ParentTreeNextKey", 0)),
                                   max((key + 1 for key, _value in entries), default=0))
            for kid in _document_kids(part_tree):
                kid.P = document
                document.K.append(kid)
            ids += _unique_ids(part_tree, f"p{n + 1}-")
            for source, merged in ((part_tree.get("/RoleMap"), role_map), (part_tree.get("/ClassMap"), class_map)):
                for key, value in (source or {}).items():
                    merged[key] = value
        tree.ParentTree = dst.make_indirect(Dictionary(Nums=Array([x for key, value in sorted(
            nums, key=lambda e: e[0]) for x in (key, value)])))
        tree.ParentTreeNextKey = next_key
        if len(role_map):
            tree.RoleMap = role_map
        if len(class_map):
            tree.ClassMap = class_map
        if ids:
            tree.IDTree = dst.make_indirect(Dictionary(Names=Array([x for name, element in sorted(
                ids, key=lambda e: e[0]) for x in (String(name), element)])))
        dst.Root.StructTreeRoot = tree
        dst.Root.MarkInfo = Dictionary(Marked=True)
        dst.Root.Lang = String(head.language)
        dst.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)  # the title shown, not the file name
        with dst.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = head.title
            meta["dc:creator"] = [head.agency_name]
            meta["dc:language"] = [head.language]
        dst.docinfo = dst.make_indirect(Dictionary(Title=String(head.title), Author=String(head.agency_name)))
        sources.append(_stamp(dst))
        dst.save(out)
    finally:
        for src in sources:
            src.close()


def _number_tree(node):
    """[(key, value)] of a number tree (its /Nums, and its /Kids' recursively)."""
    if node is None:
        return []
    entries = []
    nums = node.get("/Nums")
    if nums is not None:
        entries += [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums) - 1, 2)]
    for kid in node.get("/Kids", ()):
        entries += _number_tree(kid)
    return entries


def _document_kids(part_tree):
    """The part's top elements: the children of its Document element (WeasyPrint and Typst
    both put one at the root), else the root's own children."""
    kids = _as_list(part_tree.get("/K"))
    if len(kids) == 1 and kids[0].get("/S") == "/Document":
        kids = _as_list(kids[0].get("/K"))
    return kids


def _as_list(value):
    from pikepdf import Array

    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


def _unique_ids(part_tree, prefix):
    """Prefix every element id of the part, and the table cells' /Headers naming them, so that
    ids repeated from part to part (each part's table numbers its cells alike) stay apart.
    -> [(id, element)] for the joined /IDTree."""
    from pikepdf import Array, Dictionary, String

    if "/IDTree" not in part_tree:
        return []
    ids, stack = [], _as_list(part_tree.get("/K"))
    while stack:
        element = stack.pop()
        if not isinstance(element, Dictionary):
            continue  # a marked-content id or reference
        if "/ID" in element:
            name = prefix + str(element.ID)
            element.ID = String(name)
            ids.append((name, element))
        attributes = element.get("/A")
        if attributes is not None:
            for attribute in _as_list(attributes):
                if isinstance(attribute, Dictionary) and "/Headers" in attribute:
                    attribute.Headers = Array([String(prefix + str(h)) for h in attribute.Headers])
        kids = element.get("/K")
        if kids is not None and "/S" in element:
            stack.extend(_as_list(kids))
    return ids


def _stamp(pdf):
    """'Page N of M' at the bottom right of every page, where the single-part layout prints it.
    -> the stamps' own PDF, to close once the joined file is saved."""
    from pikepdf import Name, Pdf
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    total = len(pdf.pages)
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    font = _footer_font()
    for number, page in enumerate(pdf.pages, 1):
        box = page.mediabox
        width, height = float(box[2]) - float(box[0]), float(box[3]) - float(box[1])
        c.setPageSize((width, height))
        c.setFont(font, 7)
        c.setFillColorRGB(0x55 / 255, 0x55 / 255, 0x55 / 255)
        c.drawRightString(width - 12 * mm, 6.5 * mm, _("Page %(page)s of %(total)s") % {"page": number,
                                                                                         "total": total})
        c.showPage()
    c.save()
    buffer.seek(0)
    stamps = Pdf.open(buffer)  # open until the joined file is saved: its streams are read then
    for page, stamp in zip(pdf.pages, stamps.pages):
        form = pdf.copy_foreign(stamp.as_form_xobject())
        name = page.add_resource(form, Name.XObject, prefix="Stamp")
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(b"\nQ\n/Artifact BMC q " + str(name).encode() + b" Do Q EMC\n")
    return stamps


def _footer_font():
    """Noto Sans for the stamped page numbers, as the rest of the page (Helvetica where it is missing)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "NotoSans" in pdfmetrics.getRegisteredFontNames():
        return "NotoSans"
    try:  # fontconfig knows where the Debian package put it
        path = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans:style=Regular"], capture_output=True,
                              text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        path = ""
    if path.endswith(".ttf") and "NotoSans-" in path:
        pdfmetrics.registerFont(TTFont("NotoSans", path))
        return "NotoSans"
    return "Helvetica"
