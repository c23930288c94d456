"""Upload rules for portal files: allowed extensions, a size cap per kind, and the file's first
bytes checked against its extension (a renamed executable is refused, not only a wrong name).
Also the PRIVATE storage: files that are not public (reports, anything with personal data) live
under PRIVATE_ROOT, which no web server serves, and leave only through a view that checks who asks."""
import os
import re
import secrets
import uuid
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024
IMAGE_TYPES = {"jpg", "jpeg", "png", "webp"}
VIDEO_TYPES = {"mp4", "webm"}
DOCUMENT_TYPES = {"pdf", "docx", "xlsx", "pptx", "odt", "ods", "zip", "jpg", "jpeg", "png"}
IMAGE_MAX = 5 * MB
VIDEO_MAX = 100 * MB
DOCUMENT_MAX = 20 * MB

# Leading bytes of each type; ZIP-based office formats all start with PK.
SIGNATURES = {
    "pdf": [b"%PDF-"], "png": [b"\x89PNG\r\n\x1a\n"], "jpg": [b"\xff\xd8\xff"], "jpeg": [b"\xff\xd8\xff"],
    "webp": [b"RIFF"], "zip": [b"PK\x03\x04"], "docx": [b"PK\x03\x04"], "xlsx": [b"PK\x03\x04"],
    "pptx": [b"PK\x03\x04"], "odt": [b"PK\x03\x04"], "ods": [b"PK\x03\x04"], "webm": [b"\x1a\x45\xdf\xa3"],
}


def extension(name):
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def _head(upload, n=16):
    pos = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(n)
    upload.seek(pos)
    return head


def _matches(ext, head):
    if ext == "mp4":  # ISO base media: a box size, then "ftyp"
        return head[4:8] == b"ftyp"
    return any(head.startswith(sig) for sig in SIGNATURES.get(ext, [b""]))


def _validator(allowed, max_bytes):
    def validate(upload):
        ext = extension(upload.name)
        if ext not in allowed:
            raise ValidationError(
                _("This type of file is not accepted. Accepted types: %(types)s."),
                code="file_type", params={"types": ", ".join(sorted(allowed))})
        if upload.size > max_bytes:
            raise ValidationError(_("The file is too large (%(size)s); the limit is %(limit)s."), code="file_size",
                                  params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)})
        if not _matches(ext, _head(upload)):
            raise ValidationError(_("The file's content does not match its type (.%(ext)s)."), code="file_content",
                                  params={"ext": ext})
    return validate


def validate_image(upload):
    _validator(IMAGE_TYPES, IMAGE_MAX)(upload)


def validate_gallery_file(upload):
    _validator(IMAGE_TYPES | VIDEO_TYPES, VIDEO_MAX)(upload)
    if extension(upload.name) in IMAGE_TYPES and upload.size > IMAGE_MAX:
        raise ValidationError(_("The file is too large (%(size)s); the limit is %(limit)s."), code="file_size",
                              params={"size": filesizeformat(upload.size), "limit": filesizeformat(IMAGE_MAX)})


def validate_document(upload):
    _validator(DOCUMENT_TYPES, DOCUMENT_MAX)(upload)
    if extension(upload.name) == "pdf":
        upload.seek(0)
        found = pdf_active_content(upload.read())
        upload.seek(0)
        if found:
            raise ValidationError(_("This PDF contains active content (/%(name)s: scripts, automatic actions or "
                                    "embedded files) and cannot be offered for download. Save it again as a plain "
                                    "PDF (for example “Print to PDF” or PDF/A)."), code="pdf_active",
                                  params={"name": found})


# PDF names that run something or carry files: refused in portal downloads (the public opens them).
PDF_ACTIVE = {b"JavaScript", b"JS", b"OpenAction", b"Launch", b"EmbeddedFiles", b"EmbeddedFile", b"AA",
              b"RichMedia", b"SubmitForm", b"ImportData", b"GoToE"}
PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
PDF_INFLATE_MAX = 64 * MB


def pdf_active_content(data):
    """The first active name (e.g. "OpenAction") found in a PDF, or None. Names may be written with
    #xx escapes and may sit in compressed object streams, so those are inflated (within a budget:
    beyond it the file is refused as too complex to check) and read too."""
    chunks, inflated = [data], 0
    for match in PDF_STREAM.finditer(data):
        try:
            body = zlib.decompressobj().decompress(match.group(1), PDF_INFLATE_MAX - inflated)
        except zlib.error:
            continue  # not deflated (an image): no names in it
        inflated += len(body)
        if inflated >= PDF_INFLATE_MAX:
            return "(too large to check)"
        chunks.append(body)
    for chunk in chunks:
        for name in PDF_NAME.findall(chunk):
            name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name)
            if name in PDF_ACTIVE:
                return name.decode("latin-1")
    return None


def upload_to(folder):
    """A random directory per file: names stay readable for downloads but cannot be guessed."""
    def path(instance, filename):
        base, ext = os.path.splitext(os.path.basename(filename))
        safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in base)[:60] or "file"
        return f"portal/{folder}/{uuid.uuid4().hex[:12]}/{safe}{ext.lower()}"
    path.__qualname__ = f"upload_to_{folder}"
    return path


def news_image_path(instance, filename):
    return upload_to("news")(instance, filename)


def gallery_path(instance, filename):
    return upload_to("gallery")(instance, filename)


def download_path(instance, filename):
    return upload_to("downloads")(instance, filename)


class PrivateStorage(FileSystemStorage):
    """Files under settings.PRIVATE_ROOT (read at each use, so tests and deployments may move it).
    It has no URL on purpose: a private file is only ever streamed by a view that checks the user."""

    def __init__(self):
        super().__init__()

    @property
    def base_location(self):
        return str(settings.PRIVATE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a view that checks the user.")

    def deconstruct(self):
        return ("erating.base.uploads.PrivateStorage", (), {})


private_storage = PrivateStorage()


def private_report_path(instance, filename):
    """A random name (the readable name stays in ReportFile.filename for the download)."""
    return f"reports/{secrets.token_hex(16)}{os.path.splitext(filename)[1].lower()[:6]}"
