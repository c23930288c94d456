"""Read API for an agency's own systems: the criteria service's figures, and the detailed
ratings as JSON pages or CSV. Authenticated by a read-only API token (Bearer ert_…), scoped to
the token's agency; criteria are the report form's (period, start, end, premise, target,
officer, kind, channel, score_min, score_max, flagged)."""
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django_scopes import scope
from ninja import Field, Query, Router, Schema, Status
from ninja.security import HttpBearer

from erating.base.analysis import disclosure
from erating.base.analysis import figures as engine
from erating.base.reports import api_tokens
from erating.base.reports.criteria import ratings
from erating.base.reports.detail import detailed_query
from erating.base.reports.run import bound, csv_stream, prepare

router = Router(tags=["reports"])


class ReadTokenAuth(HttpBearer):
    def authenticate(self, request, token):
        record = api_tokens.authenticate(token)
        if record is not None:
            request.api_token = record
        return record


read_auth = ReadTokenAuth()


class CriteriaIn(Schema):
    period: str | None = Field(None, description="today, 7d, 30d, month, last_month, quarter, year or custom")
    start: str | None = Field(None, description="YYYY-MM-DD, with period=custom")
    end: str | None = Field(None, description="YYYY-MM-DD, inclusive")
    premise: int | None = None
    target: int | None = None
    officer: int | None = None
    kind: str | None = None
    channel: str | None = None
    score_min: int | None = None
    score_max: int | None = None
    flagged: bool = False


class PageIn(CriteriaIn):
    page: int = Field(1, ge=1)
    page_size: int = Field(500, ge=1, le=5000)


class Error(Schema):
    error: str
    detail: Any


class FiguresOut(Schema):
    start: str
    end: str
    total: int
    satisfied: int
    low: int
    csat: float | None
    mean: float | None
    distribution: dict[str, int]


class RatingOut(Schema):
    id: int
    created_at: datetime
    ministry: str
    agency: str
    premise: str
    target: str
    kind: str
    officer: str
    score: int
    caption: str
    channel: str
    reasons: str
    comment: str


class PageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[RatingOut]


def _request(request, params, report="detailed", fmt="csv"):
    record = request.auth
    data = {k: v for k, v in params.dict().items() if v not in (None, "", False) and k not in ("page", "page_size")}
    if params.flagged:
        data["flagged"] = "1"
    data.update(report=report, fmt=fmt, language="ms")
    return prepare(api_tokens.reader(record), api_tokens.dims(record), data)


def _invalid(exc):
    return Status(400, {"error": "invalid_criteria", "detail": exc.message_dict})


def _withheld(req):
    """403 when the criteria identify one officer below the agency's minimum (the disclosure rule:
    a token reads as no person may, whatever its level), else None."""
    with bound(req.ctx):
        if not disclosure.withheld(req.ctx.criteria, req.ctx.user):
            return None
        minimum = disclosure.minimum_of(disclosure.officer_unit(req.ctx.criteria)[1])
    return Status(403, {"error": "withheld", "detail": {
        "minimum": minimum, "ms": f"Dirahsiakan: angka ini mengenal pasti seorang petugas dan kurang daripada "
                                  f"{minimum} penilaian.",
        "en": f"Withheld: these figures identify one officer and count fewer than {minimum} ratings."}})


@router.get("/reports/figures", auth=read_auth, response={200: FiguresOut, 400: Error, 403: Error}, url_name="report_figures",
            summary="Headline figures and score distribution for the criteria")
def figures(request, params: Query[CriteriaIn]):
    try:
        req = _request(request, params)
    except ValidationError as exc:
        return _invalid(exc)
    if (refused := _withheld(req)) is not None:
        return refused
    # The figures engine, as the dashboard; exact values (no rounding: the client shows them).
    with scope(**req.ctx.dims):
        s = engine.summary(req.ctx.criteria)
    c = req.ctx.criteria
    dist = {str(score): s["distribution"][score - 1] for score in range(5, 0, -1)}
    return {"start": c.start.isoformat(), "end": c.end.isoformat(), "total": s["ratings"], "satisfied": s["satisfied"],
            "low": s["low"], "csat": s["csat"], "mean": s["mean"], "distribution": dist}


@router.get("/reports/ratings", auth=read_auth, response={200: PageOut, 400: Error, 403: Error}, url_name="report_ratings",
            summary="Detailed ratings for the criteria, one page at a time (oldest first)")
def ratings_page(request, params: Query[PageIn]):
    try:
        req = _request(request, params)
    except ValidationError as exc:
        return _invalid(exc)
    if (refused := _withheld(req)) is not None:
        return refused
    keys = ["id", "created_at", "ministry", "agency", "premise", "target", "kind", "officer", "score", "caption",
            "channel", "reasons", "comment"]
    with scope(**req.ctx.dims):
        qs = ratings(req.ctx.criteria).order_by("created_at", "id")
        count = qs.count()
        offset = (params.page - 1) * params.page_size
        rows = [dict(zip(keys, row)) for row in detailed_query(req.ctx, qs[offset:offset + params.page_size])]
    return {"count": count, "page": params.page, "pages": max(1, -(-count // params.page_size)), "results": rows}


@router.get("/reports/ratings.csv", auth=read_auth, response={200: None, 400: Error, 403: Error}, url_name="report_ratings_csv",
            summary="Detailed ratings for the criteria as CSV (UTF-8 with BOM), streamed")
def ratings_csv(request, params: Query[CriteriaIn]):
    try:
        req = _request(request, params)
    except ValidationError as exc:
        return _invalid(exc)
    if (refused := _withheld(req)) is not None:
        return refused
    response = StreamingHttpResponse(csv_stream(req), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ratings.csv"'
    return response
