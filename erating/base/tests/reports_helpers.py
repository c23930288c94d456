"""Shared by the report tests: a richer data set and an independent reading of the ratings
(plain Python over every row, never the report code's GROUP BY)."""
import io
import uuid
from datetime import datetime, time, timedelta

from django.utils import timezone
from django_scopes import scopes_disabled
from pypdf import PdfReader

from erating.base.models import Rating
from erating.base.reports.base import XLSX_TABLE_ROW

TZ = timezone.get_fixed_timezone(8 * 60)
# The first data row of an XLSX sheet (1-based, as openpyxl counts): below the header block and the table header.
FIRST_ROW = XLSX_TABLE_ROW + 2


def local_dt(d, hour=10):
    return datetime.combine(d, time(hour, 0), timezone.get_current_timezone())


def seed(world, today):
    """Ratings over 60 days across both premises, channels and flags, with tricky comments."""
    h = world.home
    plan = [
        (h.counter, 5, Rating.QR, 1, False, "Terima kasih, pegawai cekap"),
        (h.counter, 4, Rating.TABLET, 2, False, "=HYPERLINK(\"http://x\")"),
        (h.counter, 2, Rating.QR, 3, False, "+60123 lambat"),
        (h.service, 1, Rating.QR, 4, False, "-- tiada"),
        (h.service, 3, Rating.TABLET, 5, True, "@spam"),
        (h.branch_counter, 5, Rating.QR, 6, False, ""),
        (h.branch_counter, 1, Rating.TABLET, 40, False, "lama dulu"),
        (h.officer_target, 5, Rating.QR, 7, False, "Sangat baik"),
        (h.facility, 2, Rating.QR, 45, False, "Kotor"),
        (h.counter, 5, Rating.QR, 0, False, "Hari ini"),
    ]
    made = []
    with scopes_disabled():
        for target, score, channel, days_ago, flagged, comment in plan:
            reasons = [h.reasons[0].id, h.reasons[1].id] if score <= 2 and comment != "Kotor" else []
            made.append(Rating.objects.create(
                agency_id=target.agency_id, premise_id=target.premise_id, target=target,
                officer=target.officer or (h.officer if target == h.counter and score == 2 else None), score=score,
                channel=channel, comment=comment, reasons=reasons, idempotency_key=uuid.uuid4(), flagged=flagged,
                created_at=local_dt(today - timedelta(days=days_ago)),
                contact_consent=score == 2, contact_name="Ali" if score <= 2 else "",
                contact_phone="0123456789" if score <= 2 else ""))
    return made


def expected(agency_ids, start, end, *, channel="", premise_id=None, flagged=False, smin=1, smax=5):
    """The ratings a report should count, chosen row by row in Python."""
    with scopes_disabled():
        rows = list(Rating.objects.all())
    out = []
    for r in rows:
        d = timezone.localtime(r.created_at).date()
        if r.agency_id not in agency_ids or not (start <= d <= end):
            continue
        if channel and r.channel != channel:
            continue
        if premise_id and r.premise_id != premise_id:
            continue
        if r.flagged and not flagged:
            continue
        if not (smin <= r.score <= smax):
            continue
        out.append(r)
    return out


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text(extraction_mode="layout") for page in reader.pages)


def run(user, query, tmp_path, view_as=None):
    """A report as the given user would get it: CSV bytes, PDF bytes or an openpyxl workbook."""
    import openpyxl

    from erating.base.reports.run import csv_stream, prepare, write_file
    from erating.base.scoping import dimensions_for

    req = prepare(user, dimensions_for(user, view_as), query)
    if req.fmt == "csv":
        return b"".join(csv_stream(req))
    path = tmp_path / f"r.{req.fmt}"
    write_file(req, str(path))
    return path.read_bytes() if req.fmt == "pdf" else openpyxl.load_workbook(path)


def csv_rows(data):
    import csv

    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM first"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
