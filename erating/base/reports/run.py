"""Running a report: parse the criteria inside the user's scope, then render a format. The
same code serves the download, the background task, schedules and the API."""
import os
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_scopes import scope

from erating.base.analysis import disclosure, pending
from erating.base.models import Agency, Premise, Rating, Target, User
from erating.base.reports import csv_out, pdf_out, xlsx_out, xlsx_stream
from erating.base.reports.base import XLSX_MAX_ROWS, XLSX_TABLE_ROW, Column, Context, Heading, Section, TooManyRows
from erating.base.reports.common import pick
from erating.base.reports.criteria import parse
from erating.base.reports.options import COMMON
from erating.base.reports.registry import REPORTS, available
from erating.base.templatetags.numbers import formatted

FORMATS = ("csv", "xlsx", "pdf")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
LANGUAGES = ("ms", "en")


@contextmanager
def bound(ctx):
    """The report's scope and language around everything that queries or translates (the
    figures engine counts ratings still waiting for the aggregate folder itself)."""
    with scope(**ctx.dims), override(ctx.language), pending.one_snapshot():
        yield


@dataclass
class Request:
    report: object
    fmt: str
    ctx: Context


def prepare(user, dims, data, *, fmt=None, language=None):
    """Validate a report request (a form's data or a stored query). Raises ValidationError with
    messages in the active language, PermissionDenied for a report the role may not run. The
    report's own options are parsed here, once, as the report declares them (reports/options.py)."""
    report = REPORTS.get(str(data.get("report") or ""))
    if report is None:
        raise ValidationError({"report": _("Choose a report.")})
    if report not in available(user, dims):
        raise PermissionDenied
    fmt = fmt or str(data.get("fmt") or "pdf")
    if fmt not in FORMATS:
        raise ValidationError({"fmt": _("Choose PDF, XLSX or CSV.")})
    language = language or str(data.get("language") or user.language or "ms")
    if language not in LANGUAGES:
        raise ValidationError({"language": _("Choose Bahasa Melayu or English.")})
    with scope(**dims):
        criteria = parse(data, user=user, scope=dims)
    options = {}
    for option in (*COMMON, *report.options):
        options[option.name] = option.parse(data, criteria)
        if option.narrow is not None:
            criteria = option.narrow(criteria, options[option.name])
    return Request(report, fmt, Context(criteria=criteria, user=user, language=language, options=options, dims=dims))


def filename(req):
    """The file's name in the report's language: laporan-terperinci-20261101-20261130.xlsx."""
    c = req.ctx.criteria
    return f"{req.report.file_stem(req.ctx.language)}-{c.start:%Y%m%d}-{c.end:%Y%m%d}.{req.fmt}"


def day(value):
    # DD/MM/YYYY in both languages (Django's English short format is the US order).
    return value.strftime("%d/%m/%Y")


def criteria_lines(ctx):
    c = ctx.criteria
    lines = [_("Period: %(start)s – %(end)s") % {"start": day(c.start), "end": day(c.end)}]
    for label, model, pk in ((_("Agency"), Agency, c.agency_id), (_("Premise"), Premise, c.premise_id),
                             (_("Rated"), Target, c.target_id), (_("Officer"), User.scoped, c.officer_id)):
        if pk is not None:
            manager = model if hasattr(model, "filter") else model.objects
            lines.append(f"{label}: {manager.filter(pk=pk).first() or pk}")
    if c.kind:
        lines.append(f"{_('Type')}: {dict(Target.KIND_CHOICES)[c.kind]}")
    if c.channel:
        lines.append(_("Channel: %(channel)s") % {"channel": dict(Rating.CHANNEL_CHOICES)[c.channel]})
    if (c.score_min, c.score_max) != (1, 5):
        lines.append(_("Scores %(low)s to %(high)s") % {"low": c.score_min, "high": c.score_max})
    lines.append(_("Suspected abuse included") if c.include_flagged else _("Suspected abuse excluded"))
    if ctx.options.get("levels"):
        lines.append(_("Scores: %(levels)s") % {"levels": ", ".join(map(str, ctx.options["levels"]))})
    return lines


def header_agency(ctx):
    agency_id = ctx.criteria.agency_id or ctx.dims.get("agency")
    agency = Agency.objects.filter(pk=agency_id).first() if agency_id else None
    if agency is None:
        return _("eRating — Public Sector Customer Satisfaction"), None
    logo = agency.logo.path if agency.logo and os.path.exists(agency.logo.path) else None
    return pick(ctx, agency.name_ms, agency.name_en) or agency.name, logo


def generated_line(ctx):
    # 24-hour Malaysia time, the same in both languages.
    when = timezone.localtime(ctx.generated_at)
    return _("Generated on %(when)s by %(who)s") % {"when": when.strftime("%d/%m/%Y %H:%M"),
                                                    "who": f"{ctx.user.full_name} <{ctx.user.email}>"}


def heading(req):
    agency, logo = header_agency(req.ctx)
    return Heading(title=str(req.report.title), agency_name=str(agency), language=req.ctx.language, logo_path=logo,
                   criteria_lines=criteria_lines(req.ctx), generated_line=generated_line(req.ctx),
                   wide=req.report.wide)


def counted(sections, progress, every=5000):
    """Pass rows through, reporting how many have gone by (the background job's progress bar).
    A section written without iterating its rows (CSV by COPY) reports through advance()."""
    done = 0
    for section in sections:
        def rows(source=section.rows):
            nonlocal done
            for row in source:
                yield row
                done += 1
                if done % every == 0:
                    progress(done)

        def advance(n, start=done):
            nonlocal done
            done = start + n
            progress(done)
        section.rows, section.advance = rows(), advance
        yield section
    progress(done)


def sections(req):
    """The report's sections, or, when its criteria identify one officer whose ratings are fewer
    than the agency's minimum (erating.base.analysis.disclosure), one section saying so: the same
    rule for every report, format, schedule and the API. Call inside bound()."""
    if req.report.about_ratings and disclosure.withheld(req.ctx.criteria, req.ctx.user):
        unit = disclosure.officer_unit(req.ctx.criteria)
        message = _("Withheld: these figures identify one officer and count fewer than %(minimum)s ratings, "
                    "the agency's minimum.") % {"minimum": disclosure.minimum_of(unit[1])}
        return iter([Section(_("Withheld"), [Column(_("Note"), width=80)], [(message,)], count=1, note=message)])
    return req.report.build(req.ctx)


def _csv(req, sections, out):
    with open(out, "wb") as f:
        f.writelines(csv_out.stream(sections, title_rows=req.report.multi))


def _xlsx(req, sections, out):
    # Row-level reports (no charts, possibly millions of rows) take the streaming writer.
    writer = xlsx_stream if req.report.row_level else xlsx_out
    writer.write(out, sections, split=req.ctx.options.get("split", False), head=heading(req))


def _pdf(req, sections, out):
    pdf_out.write(out, sections, heading(req))


# One render per format, fed by the report's one build.
RENDER = {"csv": _csv, "xlsx": _xlsx, "pdf": _pdf}


def csv_stream(req):
    """The CSV as it is written, chunk by chunk (a download streams it at flat memory)."""
    with bound(req.ctx):
        yield from csv_out.stream(sections(req), title_rows=req.report.multi)


def write_file(req, out, progress=None):
    """Write the report to `out` (a path; for PDF also a file object). Raises TooManyRows."""
    with bound(req.ctx):
        parts = sections(req)
        if progress:
            parts = counted(parts, progress)
        RENDER[req.fmt](req, parts, out)


def max_rows(fmt, options):
    """The most rows one section may have in a format (None: no limit)."""
    if fmt == "pdf":
        return pdf_out.PDF_MAX_ROWS
    if fmt == "xlsx" and not options.get("split"):
        return XLSX_MAX_ROWS - XLSX_TABLE_ROW - 1
    return None


def check_fits(req):
    """Refuse at once a request too large for its format, naming the formats that can take it.
    Returns the estimated rows (row-level reports; 0 for the others, which are small)."""
    if req.fmt == "csv":
        return 0  # any size, streamed, never in the background: no need to count
    rows = estimate_rows(req)
    limit = max_rows(req.fmt, req.ctx.options)
    if limit is not None and rows > limit:
        fits = [f.upper() for f in FORMATS if f != req.fmt and (max_rows(f, req.ctx.options) or rows + 1) > rows]
        raise TooManyRows(_("This report has %(rows)s rows; a %(fmt)s holds at most %(limit)s. Choose %(formats)s.")
                          % {"rows": formatted(rows, 0), "fmt": req.fmt.upper(), "limit": formatted(limit, 0),
                             "formats": fits[0] if len(fits) == 1 else
                             _("%(first)s or %(second)s") % {"first": fits[0], "second": fits[1]}})
    return rows


def in_background(req, rows):
    """A large file is built by a task (CSV streams at any size, so it never needs one; a PDF is
    slower to lay out than XLSX to write, so it goes to the background sooner)."""
    from erating.base.reports.jobs import inline_rows

    limit = min(inline_rows(), pdf_out.PDF_INLINE_ROWS) if req.fmt == "pdf" else inline_rows()
    return req.fmt != "csv" and req.report.row_level and rows > limit


def estimate_rows(req):
    """How many rows a row-level report will have (decides download now vs background)."""
    if not req.report.row_level:
        return 0
    from erating.base.reports.criteria import ratings

    with bound(req.ctx):
        return ratings(req.ctx.criteria).count()
