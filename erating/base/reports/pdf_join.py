"""The parts of a long PDF joined into one tagged file: the pages in order, each part's structure
under one Document element, "page N of M" stamped on every page.

A tagged part says what each page's marked content belongs to through the page's
/StructParents key into the part's /ParentTree (an annotation's through /StructParent). Every
part numbers those keys from 0, so the join shifts each part's keys past the previous parts' and
merges the parent trees; element ids (/ID, and a table cell's /Headers naming them) get a prefix
per part. The stamped numbers are marked as artifacts, as the parts' own running header and
footer are: a screen reader skips them.

The file is written object by object as each part is read (pikepdf reads the part; its objects
are copied with their numbers shifted), so memory holds one part, not the whole document: a
library that merges in memory held about 2 GB for 20,000 tagged rows."""
import io
import re
import uuid
import zlib

from django.utils.translation import gettext as _

from erating.base.reports import fonts

# A literal or hex string (skipped: text is not renumbered), an indirect reference, or one of the
# join's own placeholder names (/Zz...: a reference to an object the join writes).
TOKEN = re.compile(rb"\((?:[^\\()]|\\.)*\)|<[0-9A-Fa-f\s]*>|(\d+) (\d+) R|/Zz([A-Za-z]+)(\d*)", re.S)
INHERITED = ("/MediaBox", "/CropBox", "/Resources", "/Rotate")
PACKED = 200


def join(files, out, head):
    """Write the parts `files` (paths, in order) as one PDF to `out` (a path or a binary file)."""
    with Joiner(out, head) as joiner:
        for path in files:
            joiner.add(path)


class Joiner:
    """Parts added one by one as each is ready (the next may be laid out meanwhile); the
    document-level objects and the stamps, which need the page count, written on leaving.
    numbered=False: no "page N of M" (a poster is a page of its own); each page's stamp is empty."""

    def __init__(self, out, head, numbered=True):
        self.numbered = numbered
        self.file = None
        if not hasattr(out, "write"):
            out = self.file = open(out, "wb")  # noqa: SIM115 (closed on leaving)
        self.out, self.head, self.position = out, head, 0
        self.offsets = {}
        self.next = 1
        self.pages_ref, self.document_ref = self.reserve(), self.reserve()
        self.page_refs, self.kids, self.nums, self.ids = [], [], [], []
        self.role_map, self.class_map = {}, {}
        self.next_key = 0
        self.stamp_refs, self.sizes, self.parts, self.batch = [], [], 0, []
        self.emit(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self.open_ref, self.close_ref = self.reserve(), self.reserve()
        self.put(self.open_ref, b"<< /Length 2 >>", b"q\n")
        close = b"Q\n/Artifact BMC q /ErStamp Do Q EMC\n"
        self.put(self.close_ref, b"<< /Length %d >>" % len(close), close)

    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace):
        try:
            if kind is None:
                self._stamps()
                self._finish()
        finally:
            if self.file is not None:
                self.file.close()

    def add(self, path):
        from pikepdf import Pdf

        self.parts += 1
        with Pdf.open(path) as part:
            self._part(part, f"p{self.parts}-", path)

    def reserve(self):
        self.next += 1
        return self.next - 1

    def emit(self, data):
        self.out.write(data)
        self.position += len(data)

    def put(self, number, body, stream=None):
        if stream is None:
            self._pack(number, body)
            return
        self.offsets[number] = self.position
        self.emit(b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (number, body, stream))

    def put_raw(self, number, body, tail):
        """An object copied from a file: its dictionary renumbered, its stream (`tail`, from the
        keyword `stream` on) as it was."""
        if not tail:
            self._pack(number, body)
            return
        self.offsets[number] = self.position
        self.emit(b"%d 0 obj\n%s%s\nendobj\n" % (number, body, tail))

    def _pack(self, number, body):
        """Objects other than streams go compressed into object streams of PACKED each: the
        structure tree (an element per table cell) is most of a listing's file, as plain text."""
        self.batch.append((number, body))
        if len(self.batch) >= PACKED:
            self._flush()

    def _flush(self):
        if not self.batch:
            return
        number, self.batch = self.reserve(), self.batch
        header, bodies, at = [], [], 0
        for index, (member, body) in enumerate(self.batch):
            header.append(b"%d %d" % (member, at))
            bodies.append(body)
            at += len(body) + 1
            self.offsets[member] = (number, index)
        head = b" ".join(header) + b"\n"
        data = zlib.compress(head + b"\n".join(bodies) + b"\n", 6)
        self.batch = []
        self.offsets[number] = self.position
        self.emit(b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s"
                  b"\nendstream\nendobj\n" % (number, len(header), len(head), len(data), data))

    def _part(self, part, prefix, path):
        from pikepdf import Array, Dictionary, Name, Stream, String

        tree = part.Root.get("/StructTreeRoot")
        if tree is None:
            raise ValueError("a part of the PDF is not tagged")
        skip = _skipped(part, tree)
        document = _document(tree)
        # Numbers shifted past the objects written so far; the part's own document-level objects
        # (skipped) leave their numbers free.
        base = self.next
        raw = _PlainFile.read(path)
        if raw is not None:  # a plain file (Typst's): objects copied as they are written there
            skipped = {number for number, _generation in skip}
            objects = [number for number in raw.offsets if number not in skipped]
        else:
            objects = [obj.objgen[0] for obj in part.objects if obj.objgen[0] and obj.objgen not in skip
                       and not (isinstance(obj, Stream) and obj.get("/Type") in ("/ObjStm", "/XRef"))]
        mapping = {number: base + number for number in objects}
        self.next = base + max(mapping, default=0) + 1
        if document is not None:
            mapping[document.objgen[0]] = self.document_ref
        shift = self.next_key
        changed = set()  # objects the join changes: written from pikepdf, not from the file
        for page in part.pages:
            page = page.obj
            changed.add(page.objgen[0])
            for key in INHERITED:
                if key not in page:
                    value = _inherited(page, key)
                    if value is not None:
                        page[key] = value
            page.Parent = Name("/ZzPages")
            if "/StructParents" in page:
                page.StructParents = int(page.StructParents) + shift
            for annot in page.get("/Annots", ()):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + shift
            number = len(self.page_refs)
            contents = page.get("/Contents")
            contents = list(contents) if isinstance(contents, Array) else [contents] if contents is not None else []
            page.Contents = Array([Name("/ZzOpen"), *contents, Name("/ZzClose")])
            resources = Dictionary(dict(page.get("/Resources", Dictionary()).items()))
            xobjects = Dictionary(dict(resources.get("/XObject", Dictionary()).items()))
            xobjects.ErStamp = Name(f"/ZzStamp{number}")
            resources.XObject = xobjects
            page.Resources = resources
            self.page_refs.append(mapping[page.objgen[0]])
            box = [float(x) for x in page.MediaBox]
            self.sizes.append((box[2] - box[0], box[3] - box[1]))
            self.stamp_refs.append(self.reserve())
        entries = _number_tree(tree.get("/ParentTree"))
        self.next_key = shift + max(int(tree.get("/ParentTreeNextKey", 0)), max((k + 1 for k, _v in entries), default=0))
        for kid in _as_list(document.get("/K") if document is not None else tree.get("/K")):
            if hasattr(kid, "objgen") and kid.objgen[0]:
                kid.P = Name("/ZzDocument")
                changed.add(kid.objgen[0])
        ids = _number_tree(tree.get("/IDTree"), names=True)
        id_tokens = {_unparse(String(name)): _unparse(String(prefix + name)) for name, _element in ids}

        for name, _element in ids:  # as the file writes the string too
            id_tokens[b"(" + name.encode() + b")"] = b"(" + (prefix + name).encode() + b")"

        def swap_ids(m):
            if m.lastindex == 2:
                target = mapping.get(int(m.group(1)))
                return b"%d 0 R" % target if target else b"null"
            if m.lastindex == 4 or m.lastindex == 3:
                return self._placeholder(m.group(3), m.group(4))
            return id_tokens.get(m.group(0), m.group(0))

        def swap(m):
            if m.lastindex == 2:
                target = mapping.get(int(m.group(1)))
                return b"%d 0 R" % target if target else b"null"
            if m.lastindex == 4 or m.lastindex == 3:
                return self._placeholder(m.group(3), m.group(4))
            return m.group(0)

        def renumber(data, structure=False):
            return TOKEN.sub(swap_ids if structure else swap, data)

        for old in objects:
            number = mapping[old]
            if number == self.document_ref:
                continue
            if raw is not None and old not in changed:
                body, tail = raw.object(old)
                self.put_raw(number, renumber(body, structure=b"/StructElem" in body), tail)
                continue
            obj = part.get_object(old, 0)
            if isinstance(obj, Stream):
                self.put(number, renumber(_unparse(obj.stream_dict)), obj.read_raw_bytes())
            else:
                body = _unparse(obj)
                self.put(number, renumber(body, structure=b"/StructElem" in body))
        for key, value in entries:
            self.nums.append(b"%d %s" % (key + shift, renumber(_unparse(value, resolved=False))))
        for kid in _as_list(document.get("/K") if document is not None else tree.get("/K")):
            self.kids.append(renumber(_unparse(kid, resolved=False)))
        for name, element in ids:
            self.ids.append((prefix + name, renumber(_unparse(element, resolved=False))))
        for source, merged in ((tree.get("/RoleMap"), self.role_map), (tree.get("/ClassMap"), self.class_map)):
            for key, value in (source or {}).items():
                merged[str(key)] = renumber(_unparse(value, resolved=False))

    def _placeholder(self, kind, number):
        kind = kind.decode()
        if kind == "Pages":
            return b"%d 0 R" % self.pages_ref
        if kind == "Document":
            return b"%d 0 R" % self.document_ref
        if kind == "Open":
            return b"%d 0 R" % self.open_ref
        if kind == "Close":
            return b"%d 0 R" % self.close_ref
        if kind == "Stamp":
            return b"%d 0 R" % self.stamp_refs[int(number)]
        raise ValueError(kind)

    def _stamps(self):
        """'Page N of M' for every page, each a form XObject (drawn by ReportLab in Noto Sans, as
        the footer around it) under the number its page reserved."""
        if not self.numbered:
            for number in self.stamp_refs:
                self.put(number, b"<< /Type /XObject /Subtype /Form /BBox [0 0 1 1] /Length 0 >>", b"")
            return
        from pikepdf import Pdf, Stream
        from reportlab.lib.units import mm
        from reportlab.pdfgen import canvas

        buffer = io.BytesIO()
        c = canvas.Canvas(buffer)
        font = _footer_font()
        total = len(self.sizes)
        for number, (width, height) in enumerate(self.sizes, 1):
            c.setPageSize((width, height))
            c.setFont(font, 7)
            c.setFillColorRGB(0x55 / 255, 0x55 / 255, 0x55 / 255)
            c.drawRightString(width - 12 * mm, 6.5 * mm,
                              _("Page %(page)s of %(total)s") % {"page": number, "total": total})
            c.showPage()
        c.save()
        buffer.seek(0)
        with Pdf.open(buffer) as stamps:
            forms = [stamps.make_indirect(page.as_form_xobject()) for page in stamps.pages]
            skip = {stamps.Root.objgen, stamps.Root.Pages.objgen}
            for page in stamps.pages:
                skip.add(page.obj.objgen)
                skip.update(content.objgen for content in _as_list(page.obj.get("/Contents")))
            info = stamps.trailer.get("/Info")
            if info is not None:
                skip.add(info.objgen)
            mapping = {form.objgen[0]: number for form, number in zip(forms, self.stamp_refs)}
            for obj in stamps.objects:
                if obj.objgen[0] and obj.objgen not in skip and obj.objgen[0] not in mapping:
                    mapping[obj.objgen[0]] = self.reserve()

            def renumber(m):
                if m.group(1) is None:
                    return m.group(0)
                return b"%d 0 R" % mapping[int(m.group(1))] if int(m.group(1)) in mapping else b"null"

            for obj in stamps.objects:
                number = mapping.get(obj.objgen[0])
                if number is None or obj.objgen in skip:
                    continue
                if isinstance(obj, Stream):
                    self.put(number, TOKEN.sub(renumber, _unparse(obj.stream_dict)), obj.read_raw_bytes())
                else:
                    self.put(number, TOKEN.sub(renumber, _unparse(obj)))

    def _finish(self):
        from pikepdf import Name, String

        def ref(number):
            return b"%d 0 R" % number

        tree_ref, parent_tree_ref = self.reserve(), self.reserve()
        self.put(self.document_ref, b"<< /Type /StructElem /S /Document /P %s /K [%s] >>" % (
            ref(tree_ref), b" ".join(self.kids)))
        self.put(parent_tree_ref, b"<< /Nums [%s] >>" % b" ".join(self.nums))
        role_map = b" ".join(_unparse(Name(k)) + b" " + v for k, v in sorted(self.role_map.items()))
        class_map = b" ".join(_unparse(Name(k)) + b" " + v for k, v in sorted(self.class_map.items()))
        tree = b"<< /Type /StructTreeRoot /K [%s] /ParentTree %s /ParentTreeNextKey %d" % (
            ref(self.document_ref), ref(parent_tree_ref), self.next_key)
        if role_map:
            tree += b" /RoleMap << %s >>" % role_map
        if class_map:
            tree += b" /ClassMap << %s >>" % class_map
        if self.ids:
            id_tree_ref = self.reserve()
            self.put(id_tree_ref, b"<< /Names [%s] >>" % b" ".join(
                _unparse(String(name)) + b" " + value for name, value in sorted(self.ids)))
            tree += b" /IDTree %s" % ref(id_tree_ref)
        self.put(tree_ref, tree + b" >>")
        self.put(self.pages_ref, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (
            len(self.page_refs), b" ".join(ref(n) for n in self.page_refs)))
        head = self.head
        metadata_ref, info_ref, catalog_ref = self.reserve(), self.reserve(), self.reserve()
        xmp = _xmp(head).encode()
        self.put(metadata_ref, b"<< /Type /Metadata /Subtype /XML /Length %d >>" % len(xmp), xmp)
        self.put(info_ref, b"<< /Title %s /Author %s /Producer (eRating) >>" % (
            _unparse(String(head.title)), _unparse(String(head.agency_name))))
        self.put(catalog_ref, b"<< /Type /Catalog /Pages %s /StructTreeRoot %s /MarkInfo << /Marked true >> "
                              b"/Lang %s /Metadata %s /ViewerPreferences << /DisplayDocTitle true >> >>" % (
                                  ref(self.pages_ref), ref(tree_ref), _unparse(String(head.language)),
                                  ref(metadata_ref)))
        self._flush()
        xref = self.reserve()
        size = self.next
        start = self.offsets[xref] = self.position
        rows = [b"\x00\x00\x00\x00\x00\xff\xff"]  # object 0: free
        for number in range(1, size):
            where = self.offsets.get(number)
            if where is None:
                rows.append(b"\x00\x00\x00\x00\x00\x00\x00")
            elif isinstance(where, tuple):  # in an object stream: its number and the index there
                rows.append(b"\x02" + where[0].to_bytes(4, "big") + where[1].to_bytes(2, "big"))
            else:
                rows.append(b"\x01" + where.to_bytes(4, "big") + b"\x00\x00")
        data = zlib.compress(b"".join(rows))
        file_id = uuid.uuid4().hex.encode()
        self.emit(b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root %s /Info %s /ID [<%s> <%s>] "
                  b"/Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % (
                      xref, size, ref(catalog_ref), ref(info_ref), file_id, file_id, len(data), data, start))


class _PlainFile:
    """A PDF written plainly (one classic cross-reference table, no object streams, no updates),
    as Typst writes it: its objects read straight from the bytes, which is several times faster
    than through pikepdf for a part's 12,000 objects."""
    STREAM = re.compile(rb">>\s*(stream\r?\n)")

    def __init__(self, data, offsets, end):
        self.data, self.offsets, self.end = data, offsets, end
        order = sorted(offsets, key=offsets.get)
        self.until = {number: offsets[after] for number, after in zip(order, order[1:])}
        if order:
            self.until[order[-1]] = end

    @classmethod
    def read(cls, path):
        with open(path, "rb") as f:
            data = f.read()
        tail = data[-1024:]
        at = tail.rfind(b"startxref")
        if at < 0:
            return None
        start = int(tail[at + 9:].split()[0])
        if not data.startswith(b"xref", start):
            return None  # a cross-reference stream: objects may sit in object streams
        lines = data[start:data.index(b"trailer", start)].split(b"\n")[1:]
        trailer = data[data.index(b"trailer", start):]
        if b"/Prev" in trailer.split(b"startxref")[0]:
            return None  # updated after it was written
        offsets, first, i = {}, 0, 0
        for line in lines:
            fields = line.split()
            if len(fields) == 2:
                first, i = int(fields[0]), 0
            elif len(fields) == 3:
                if fields[2] == b"n" and first + i:
                    offsets[first + i] = int(fields[0])
                i += 1
        return cls(data, offsets, start)

    def object(self, number):
        """-> (dictionary or value, b"" or the stream from its keyword to endstream)."""
        chunk = self.data[self.offsets[number]:self.until[number]]
        chunk = chunk[chunk.index(b"obj") + 3:chunk.rindex(b"endobj")].strip()
        match = self.STREAM.search(chunk)
        if match is None:
            return chunk, b""
        return chunk[:match.start(1)], b"\n" + chunk[match.start(1):]


def _unparse(obj, resolved=True):
    return bytes(obj.unparse(resolved=resolved))


def _skipped(part, tree):
    """The part's own document-level objects, which the joined file replaces: the catalog, the
    page tree's nodes, the structure tree's root, parent tree and id tree, outlines, document info
    and metadata."""
    skip = {part.Root.objgen, tree.objgen}
    for key in ("/Metadata", "/Outlines", "/Pages"):
        if key in part.Root and part.Root[key].is_indirect:
            skip.add(part.Root[key].objgen)
    info = part.trailer.get("/Info")
    if info is not None and info.is_indirect:
        skip.add(info.objgen)
    for key in ("/ParentTree", "/IDTree"):
        stack = [tree[key]] if key in tree else []
        while stack:
            node = stack.pop()
            if node.is_indirect:
                skip.add(node.objgen)
            stack.extend(node.get("/Kids", ()))
    outline = part.Root.get("/Outlines")
    stack = [outline.First] if outline is not None and "/First" in outline else []
    while stack:
        item = stack.pop()
        skip.add(item.objgen)
        stack += [item[k] for k in ("/First", "/Next") if k in item]
    return {objgen for objgen in skip if objgen[0]}


def _document(tree):
    """The part's Document element (WeasyPrint and Typst both put one at the root), or None."""
    kids = _as_list(tree.get("/K"))
    if len(kids) == 1 and kids[0].get("/S") == "/Document" and kids[0].is_indirect:
        return kids[0]
    return None


def _inherited(page, key):
    node = page.get("/Parent")
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def _number_tree(node, names=False):
    """[(key, value)] of a number tree (a name tree with names=True), its /Kids recursively."""
    if node is None:
        return []
    entries = []
    items = node.get("/Names" if names else "/Nums")
    if items is not None:
        entries += [(str(items[i]) if names else int(items[i]), items[i + 1]) for i in range(0, len(items) - 1, 2)]
    for kid in node.get("/Kids", ()):
        entries += _number_tree(kid, names)
    return entries


def _as_list(value):
    from pikepdf import Array

    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


def _xmp(head):
    from xml.sax.saxutils import escape

    title, creator, language = (escape(str(x)) for x in (head.title, head.agency_name, head.language))
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>'
            f"<dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>"
            f"<dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>"
            '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')


def _footer_font():
    """Noto Sans for the stamped page numbers, as the rest of the page (Helvetica where it is missing)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "NotoSans" in pdfmetrics.getRegisteredFontNames():
        return "NotoSans"
    path = fonts.noto_file("Noto Sans") or ""
    if path.endswith(".ttf") and "NotoSans-" in path:
        pdfmetrics.registerFont(TTFont("NotoSans", path))
        return "NotoSans"
    return "Helvetica"
