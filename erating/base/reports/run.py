"""Running a report: parse the criteria inside the user's scope, then render a format. The
same code serves the download, the background task, schedules and the API."""
import os
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_scopes import scope

from erating.base.analysis import disclosure
from erating.base.models import Agency, Premise, Rating, Target, User
from erating.base.reports import csv_out, pdf_out, xlsx_out, xlsx_stream
from erating.base.reports.base import Column, Context, Section
from erating.base.reports.criteria import parse
from erating.base.reports.registry import REPORTS, available

FORMATS = ("csv", "xlsx", "pdf")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
LANGUAGES = ("ms", "en")


@contextmanager
def bound(ctx):
    """The report's scope and language around everything that queries or translates (the
    figures engine counts ratings still waiting for the aggregate folder itself)."""
    with scope(**ctx.dims), override(ctx.language):
        yield


@dataclass
class Request:
    report: object
    fmt: str
    ctx: Context


def prepare(user, dims, data, *, fmt=None, language=None):
    """Validate a report request (a form's data or a stored query). Raises ValidationError with
    messages in the active language, PermissionDenied for a report the role may not run."""
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
    options = {"split": str(data.get("split", "")) in ("1", "on", "true")}
    if report.uses_year:
        options["year"] = _year(data, criteria)
    if report.uses_levels:
        options["levels"] = _levels(data)
    return Request(report, fmt, Context(criteria=criteria, user=user, language=language, options=options, dims=dims))


def _year(data, criteria):
    value = data.get("year") or criteria.start.year
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Enter a year such as 2026.")}) from None
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise ValidationError({"year": _("Enter a year between 2000 and next year.")})
    return year


def _levels(data):
    raw = data.getlist("levels") if hasattr(data, "getlist") else data.get("levels") or []
    if isinstance(raw, (str, int)):
        raw = [raw]
    levels = []
    for value in raw:
        if str(value) not in ("1", "2", "3", "4"):
            raise ValidationError({"levels": _("Choose scores from 1 to 4.")})
        levels.append(int(value))
    return levels  # none chosen: each agency's low-score threshold (detail.low_ratings)


def filename(req):
    c = req.ctx.criteria
    return f"{req.report.slug}-{c.start:%Y%m%d}-{c.end:%Y%m%d}.{req.fmt}"


def criteria_lines(ctx):
    c = ctx.criteria
    lines = [_("Period: %(start)s – %(end)s") % {"start": date_format(c.start, "SHORT_DATE_FORMAT"),
                                                  "end": date_format(c.end, "SHORT_DATE_FORMAT")}]
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
    return agency.name, logo


def generated_line(ctx):
    when = timezone.localtime(ctx.generated_at)
    return _("Generated on %(when)s by %(who)s") % {"when": date_format(when, "SHORT_DATETIME_FORMAT"),
                                                    "who": f"{ctx.user.full_name} <{ctx.user.email}>"}


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


def csv_stream(req):
    with bound(req.ctx):
        yield from csv_out.stream(sections(req), title_rows=req.report.multi)


def write_file(req, out, progress=None):
    """Write the report to `out` (a path; for PDF also a file object). Raises TooManyRows."""
    with bound(req.ctx):
        parts = sections(req)
        if progress:
            parts = counted(parts, progress)
        title = str(req.report.title)
        if req.fmt == "xlsx":
            # Row-level reports (no charts, possibly millions of rows) take the streaming writer.
            writer = xlsx_stream if req.report.row_level else xlsx_out
            writer.write(out, parts, split=req.ctx.options.get("split", False), title=title,
                           context_lines=criteria_lines(req.ctx))
        elif req.fmt == "pdf":
            agency, logo = header_agency(req.ctx)
            pdf_out.write(out, parts, title=title, agency_name=str(agency), logo_path=logo,
                          criteria_lines=criteria_lines(req.ctx), generated_line=generated_line(req.ctx),
                          wide=req.report.wide)
        else:
            with open(out, "wb") as f:
                f.writelines(csv_out.stream(parts, title_rows=req.report.multi))


def estimate_rows(req):
    """How many rows a row-level report will have (decides download now vs background)."""
    if not req.report.row_level:
        return 0
    from erating.base.reports.criteria import ratings

    with bound(req.ctx):
        return ratings(req.ctx.criteria).count()
