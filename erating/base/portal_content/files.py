"""Serves portal uploads (images, videos, documents) from our own storage, with byte ranges so
phones can seek in a video and Safari plays it at all."""
import mimetypes
import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.utils._os import safe_join

RANGE = re.compile(r"bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def serve(request, name):
    try:
        safe_join("portal", name.removeprefix("portal/"))
    except Exception:  # noqa: BLE001 - any traversal attempt is simply not found
        raise Http404 from None
    if ".." in name.split("/") or not default_storage.exists(name):
        raise Http404
    size = default_storage.size(name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    match = RANGE.match(request.headers.get("Range", "").strip())
    fh = default_storage.open(name, "rb")
    if match and size:
        first, last = match.groups()
        if first == "":  # the last N bytes
            start, end = max(size - int(last or 0), 0), size - 1
        else:
            start, end = int(first), min(int(last) if last else size - 1, size - 1)
        if start > end or start >= size:
            fh.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        fh.seek(start)
        response = HttpResponse(fh.read(end - start + 1), status=206, content_type=content_type)
        fh.close()
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    else:
        response = FileResponse(fh, content_type=content_type)
        response["Content-Length"] = size
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    if not content_type.startswith(("image/", "video/")):
        response["Content-Disposition"] = f'attachment; filename="{name.rsplit("/", 1)[-1]}"'
    return response
