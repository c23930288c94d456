"""The row-level reports' CSV on PostgreSQL: their SELECT's own COPY, byte for byte what the
Python writer makes of the same rows."""
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.reports.run import csv_stream, prepare, write_file
from erating.base.scoping import dimensions_for
from erating.base.tests.reports_helpers import csv_rows as _csv
from erating.base.tests.reports_helpers import seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world):
    today = timezone.localdate()
    seed(world, today)
    return world, today


@pytest.mark.parametrize("report", ["detailed", "low"])
@pytest.mark.parametrize("language", ["ms", "en"])
def test_postgresqls_copy_writes_the_same_csv_as_python(data, report, language):
    """On PostgreSQL a row-level report's CSV is its SELECT's own COPY: byte for byte what the
    Python writer makes of the same rows (quotes, line breaks, formulas, empty cells, Malay text,
    the agency's own captions, reasons in order, local time)."""
    from django.db import connection

    from erating.base.models import Rating, ScoreCaption
    from erating.base.reports import csv_out
    from erating.base.reports.run import bound

    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's; SQLite always takes the Python writer")
    world, today = data
    h = world.home
    with scopes_disabled():
        ScoreCaption.objects.update_or_create(agency=h.agency, score=1, defaults={"caption_ms": "Teruk =sangat",
                                                                                 "caption_en": ""})
        for comment in ['"Petik" dan, koma', "baris\nbaru", "\tTab", "-", "Kaunter ñ é 中文", "'sudah"]:
            Rating.objects.create(agency=h.agency, premise=h.premise, target=h.counter, score=1, channel=Rating.QR,
                                  comment=comment, reasons=[h.reasons[1].id, h.reasons[0].id],
                                  idempotency_key=uuid.uuid4(), contact_consent=True,
                                  contact_name="=Ali", contact_phone="+60123")
    req = prepare(h.admin, dimensions_for(h.admin), {"report": report, "fmt": "csv", "flagged": "1",
                                                     "language": language, "start": (today - timedelta(days=60)).isoformat(),
                                                     "end": today.isoformat()})
    by_copy = b"".join(csv_stream(req))
    with bound(req.ctx):
        assert all(csv_out._copyable(section) for section in req.report.build(req.ctx))

    def without_query(sections):
        for section in sections:
            section.query = None
            yield section

    with bound(req.ctx):
        by_python = b"".join(csv_out.stream(without_query(req.report.build(req.ctx))))
    assert by_copy == by_python
    rows = _csv(by_copy)
    assert len(rows) > 7 and "baris\nbaru" in {r[-4 if report == "low" else -1] for r in rows}


def test_a_background_csv_by_copy_reports_its_progress(data, tmp_path):
    """The progress bar of a background job: COPY writes without Python iterating the rows, so
    the section reports the rows written as they stream."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    world, today = data
    req = prepare(world.home.admin, dimensions_for(world.home.admin),
                  {"report": "detailed", "fmt": "csv", "flagged": "1", "start": (today - timedelta(days=60)).isoformat(),
                   "end": today.isoformat()})
    seen, path = [], tmp_path / "r.csv"
    write_file(req, str(path), progress=seen.append)
    rows = _csv(path.read_bytes())[1:]
    assert len(rows) > 5 and seen and seen[-1] == len(rows)
