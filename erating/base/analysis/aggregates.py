"""The aggregate tables (erating.base.models.analysis), kept in step with the ratings.

    record(rows, cursor=None)          add ratings to the counts (the folder, pending.py, calls it)
    upserts(rows, vendor) -> [(sql, params)]   the same as statements
    rebuild(start, end, agency=None)   recompute a period (whole months) from the raw ratings
    check(start, end, agency=None)     -> list of differences between aggregates and raw ratings

The upsert adds to the counts (`n = n + excluded.n`), so two transactions adding to one row never
lose an increment; rows are sorted by key so two of them lock aggregate rows in the same order (no
deadlock). Days and hours are Malaysia time (UTC+8 all year since 1982).
"""
import zoneinfo
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction

from erating.base.models import (
    HeatMonth,
    PremiseDay,
    PremiseMonth,
    PremiseReasonDay,
    PremiseThemeDay,
    Rating,
    RatingDay,
    RatingHour,
    RatingMonth,
    RatingReasonDay,
    RatingTheme,
    ReasonMonth,
    TargetHeatMonth,
    TargetHour,
    ThemeDay,
    ThemeMonth,
)

MYT = zoneinfo.ZoneInfo("Asia/Kuala_Lumpur")
COUNTS = ["n1", "n2", "n3", "n4", "n5", "c1", "c2", "c3", "c4", "c5"]
TARGET_KEY = ["agency_id", "premise_id", "target_id", "officer_id", "channel", "flagged"]
TABLES = {
    # table: (key columns, value columns)
    RatingDay: (["day"] + TARGET_KEY, COUNTS),
    RatingMonth: (["month"] + TARGET_KEY, COUNTS),
    RatingHour: (["day", "hour", "agency_id", "premise_id", "channel", "flagged"], COUNTS),
    RatingReasonDay: (["day"] + TARGET_KEY + ["score", "reason_id"], ["n"]),
    PremiseDay: (["agency_id", "day", "premise_id", "channel", "flagged"], COUNTS),
    PremiseMonth: (["agency_id", "month", "premise_id", "channel", "flagged"], COUNTS),
    HeatMonth: (["agency_id", "month", "weekday", "hour", "channel", "flagged"], COUNTS),
    ReasonMonth: (["agency_id", "month", "premise_id", "channel", "flagged", "score", "reason_id"], ["n"]),
    PremiseReasonDay: (["agency_id", "day", "premise_id", "channel", "flagged", "score", "reason_id"], ["n"]),
    TargetHeatMonth: (["agency_id", "month", "weekday", "hour", "premise_id", "target_id", "officer_id", "channel",
                       "flagged"], COUNTS),
    TargetHour: (["day", "hour"] + TARGET_KEY, COUNTS),
}
# Tables summed from another, finer one: (source, key of a source key).
DERIVED = {
    RatingMonth: (RatingDay, lambda k: (k[0].replace(day=1),) + k[1:]),
    PremiseDay: (RatingDay, lambda k: (k[1], k[0], k[2], k[5], k[6])),
    PremiseMonth: (RatingDay, lambda k: (k[1], k[0].replace(day=1), k[2], k[5], k[6])),
    HeatMonth: (RatingHour, lambda k: (k[2], k[0].replace(day=1), k[0].weekday(), k[1], k[4], k[5])),
    ReasonMonth: (RatingReasonDay, lambda k: (k[1], k[0].replace(day=1), k[2], k[5], k[6], k[7], k[8])),
    PremiseReasonDay: (RatingReasonDay, lambda k: (k[1], k[0], k[2], k[5], k[6], k[7], k[8])),
}
CHUNK = 400
# The reason tables also count, under this reason id, the ratings that carry ANY reason (each once,
# however many reasons it has): the complaint feedback report's "ratings with reasons".
ANY_REASON = 0


def _id(value):
    return getattr(value, "pk", value)


def deltas(rows):
    """rows (dicts as the writer inserts them: agency, premise, target, officer, score, channel,
    reasons, comment, created_at, flagged) -> {model: {key tuple: [counts]}}."""
    out = {model: {} for model in TABLES}
    reason_t, reason_m, reason_p = out[RatingReasonDay], out[ReasonMonth], out[PremiseReasonDay]
    for r in rows:
        local = r["created_at"].astimezone(MYT)
        d = local.date()
        m = d.replace(day=1)
        score = int(r["score"])
        agency, premise, channel, flagged = _id(r["agency"]), _id(r["premise"]), r["channel"], bool(r["flagged"])
        base = (agency, premise, _id(r["target"]), _id(r["officer"]) or 0, channel, flagged)
        commented = bool(r["comment"])
        for model, key in ((RatingDay, (d,) + base), (RatingMonth, (m,) + base),
                           (RatingHour, (d, local.hour, agency, premise, channel, flagged)),
                           (PremiseDay, (agency, d, premise, channel, flagged)),
                           (PremiseMonth, (agency, m, premise, channel, flagged)),
                           (HeatMonth, (agency, m, d.weekday(), local.hour, channel, flagged)),
                           (TargetHeatMonth, (agency, m, d.weekday(), local.hour) + base[1:]),
                           (TargetHour, (d, local.hour) + base)):
            table = out[model]
            counts = table.get(key)
            if counts is None:
                counts = table[key] = [0] * 10
            counts[score - 1] += 1
            if commented:
                counts[score + 4] += 1
        chosen = {int(reason) for reason in r["reasons"] or ()}
        for reason in chosen | ({ANY_REASON} if chosen else set()):
            for table, key in ((reason_t, (d,) + base + (score, reason)),
                               (reason_m, (agency, m, premise, channel, flagged, score, reason)),
                               (reason_p, (agency, d, premise, channel, flagged, score, reason))):
                table[key] = table.get(key, [0])
                table[key][0] += 1
    return out


def upserts(rows, vendor):
    """The statements (%s placeholders) that add `rows` to the aggregates, in a fixed order."""
    if vendor == "postgresql":
        return [_pg_upsert(rows)] if rows else []
    statements = []
    for model, per_key in deltas(rows).items():
        if not per_key:
            continue
        keys, values = TABLES[model]
        items = sorted(per_key.items())
        for start in range(0, len(items), CHUNK):
            chunk = items[start:start + CHUNK]
            params = []
            for key, counts in chunk:
                params += [_param(v, vendor) for v in key] + counts
            statements.append((_upsert_sql(model, keys, values, len(chunk)), params))
    return statements


PG_TYPES = {"day": "date", "month": "date", "agency_id": "bigint", "premise_id": "bigint", "target_id": "bigint",
            "officer_id": "bigint", "channel": "text", "flagged": "boolean", "hour": "integer", "weekday": "integer",
            "score": "integer", "reason_id": "bigint"}
_PG_SQL = []


def _pg_upsert(rows):
    """PostgreSQL: one statement for every table and any number of rows (arrays, unnest), so its
    text never changes and psycopg prepares it once: no parsing or planning per batch. The
    data-modifying CTEs all run, in order, in the INSERT's transaction."""
    if not _PG_SQL:
        parts = []
        for model, (keys, values) in TABLES.items():
            table = model._meta.db_table
            arrays = ", ".join(f"%s::{PG_TYPES.get(col, 'integer')}[]" for col in keys + values)
            parts.append(
                f"INSERT INTO {table} ({', '.join(keys + values)}) SELECT * FROM unnest({arrays}) "
                f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
                + ", ".join(f"{v} = {table}.{v} + excluded.{v}" for v in values))
        _PG_SQL.append("WITH " + ", ".join(f"u{i} AS ({p})" for i, p in enumerate(parts[:-1])) + " " + parts[-1])
    params = []
    for model, per_key in deltas(rows).items():
        keys, values = TABLES[model]
        items = sorted(per_key.items())  # one lock order for every writer
        columns = list(zip(*[key + tuple(counts) for key, counts in items])) if items else [()] * (len(keys) + len(values))
        params += [list(column) for column in columns]
    return _PG_SQL[0], params


def _param(value, vendor):
    if vendor == "sqlite":
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, bool):
            return int(value)
    return value


_SQL = {}


def _upsert_sql(model, keys, values, count):
    cache_key = (model, count)
    if cache_key not in _SQL:
        table = model._meta.db_table
        cols = keys + values
        row = "(" + ", ".join(["%s"] * len(cols)) + ")"
        _SQL[cache_key] = (
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES {', '.join([row] * count)} "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
            + ", ".join(f"{v} = {table}.{v} + excluded.{v}" for v in values))
    return _SQL[cache_key]


def record(rows, cursor=None):
    """Add the inserted `rows` to the aggregates on `cursor` (default: Django's connection, whose
    current transaction must be the INSERT's)."""
    if not rows:
        return
    if cursor is None:
        with connection.cursor() as own:
            return record(rows, own)
    for sql, params in upserts(rows, connection.vendor):
        cursor.execute(sql, params)


# --- rebuild and check -------------------------------------------------------------------------

def _months(start, end):
    """The period widened to whole months (the month table holds whole months)."""
    first = start.replace(day=1)
    last = (end.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last


def _bounds(start, end):
    return (datetime.combine(start, time.min, tzinfo=MYT),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=MYT))


def _expr():
    if connection.vendor == "postgresql":
        local = "(r.created_at AT TIME ZONE 'Asia/Kuala_Lumpur')"
        return {"day": f"CAST({local} AS date)", "hour": f"CAST(EXTRACT(HOUR FROM {local}) AS integer)",
                "month": f"CAST(date_trunc('month', {local}) AS date)",
                "weekday": f"CAST(EXTRACT(ISODOW FROM {local}) AS integer) - 1",
                "month_of_day": "CAST(date_trunc('month', d.day) AS date)",
                "weekday_of_day": "CAST(EXTRACT(ISODOW FROM d.day) AS integer) - 1",
                "reasons": "jsonb_array_elements_text(CASE WHEN jsonb_array_length(r.reasons) > 0 "
                           f"THEN r.reasons || '[{ANY_REASON}]'::jsonb ELSE r.reasons END) AS x(reason)",
                "reason": "CAST(x.reason AS integer)",
                "distinct_reasons": "DISTINCT"}
    local = "r.created_at, '+8 hours'"
    return {"day": f"date({local})", "hour": f"CAST(strftime('%%H', {local}) AS integer)",
            "month": f"date({local}, 'start of month')",
            "weekday": f"(CAST(strftime('%%w', {local}) AS integer) + 6) %% 7",
            "month_of_day": "date(d.day, 'start of month')",
            "weekday_of_day": "(CAST(strftime('%%w', d.day) AS integer) + 6) %% 7",
            "reasons": f"json_each(CASE WHEN json_array_length(r.reasons) > 0 THEN json_insert(r.reasons, '$[#]', "
                       f"{ANY_REASON}) ELSE r.reasons END) AS x",
            "reason": "CAST(x.value AS integer)", "distinct_reasons": "DISTINCT"}


def _count_cols(prefix="r."):
    n = [f"SUM(CASE WHEN {prefix}score = {s} THEN 1 ELSE 0 END)" for s in range(1, 6)]
    c = [f"SUM(CASE WHEN {prefix}score = {s} AND {prefix}comment <> '' THEN 1 ELSE 0 END)" for s in range(1, 6)]
    return ", ".join(n + c)


def _raw_selects(agency):
    """SELECT statements computing each table's rows from the raw ratings of [%s, %s)."""
    e = _expr()
    rating = Rating._meta.db_table
    where = "r.created_at >= %s AND r.created_at < %s" + (" AND r.agency_id = %s" if agency else "")
    target = "r.agency_id, r.premise_id, r.target_id, COALESCE(r.officer_id, 0), r.channel, r.flagged"
    day = RatingDay._meta.db_table
    return {
        RatingDay: f"SELECT {e['day']}, {target}, {_count_cols()} FROM {rating} r WHERE {where} "
                   f"GROUP BY {e['day']}, {target}",
        RatingHour: f"SELECT {e['day']}, {e['hour']}, r.agency_id, r.premise_id, r.channel, r.flagged, "
                    f"{_count_cols()} FROM {rating} r WHERE {where} "
                    f"GROUP BY {e['day']}, {e['hour']}, r.agency_id, r.premise_id, r.channel, r.flagged",
        RatingReasonDay: f"SELECT day, agency_id, premise_id, target_id, officer_id, channel, flagged, score, reason, "
                         f"COUNT(*) FROM (SELECT {e['distinct_reasons']} r.id, {e['day']} AS day, {target.replace('COALESCE(r.officer_id, 0)', 'COALESCE(r.officer_id, 0) AS officer_id')}, "
                         f"r.score, {e['reason']} AS reason FROM {rating} r, {e['reasons']} WHERE {where}) s "
                         f"GROUP BY day, agency_id, premise_id, target_id, officer_id, channel, flagged, score, reason",
        TargetHeatMonth: f"SELECT r.agency_id, {e['month']}, {e['weekday']}, {e['hour']}, r.premise_id, r.target_id, "
                         f"COALESCE(r.officer_id, 0), r.channel, r.flagged, {_count_cols()} FROM {rating} r "
                         f"WHERE {where} GROUP BY r.agency_id, {e['month']}, {e['weekday']}, {e['hour']}, "
                         f"r.premise_id, r.target_id, COALESCE(r.officer_id, 0), r.channel, r.flagged",
        TargetHour: f"SELECT {e['day']}, {e['hour']}, {target}, {_count_cols()} FROM {rating} r WHERE {where} "
                    f"GROUP BY {e['day']}, {e['hour']}, {target}",
        # Coarser tables are summed from the rebuilt finer ones.
        RatingMonth: _derived_sql(day, f"{e['month_of_day']}, d.agency_id, d.premise_id, d.target_id, d.officer_id, "
                                       f"d.channel, d.flagged", agency),
        PremiseDay: _derived_sql(day, "d.agency_id, d.day, d.premise_id, d.channel, d.flagged", agency),
        PremiseMonth: _derived_sql(day, f"d.agency_id, {e['month_of_day']}, d.premise_id, d.channel, d.flagged", agency),
        HeatMonth: _derived_sql(RatingHour._meta.db_table, f"d.agency_id, {e['month_of_day']}, {e['weekday_of_day']}, "
                                                           f"d.hour, d.channel, d.flagged", agency),
        ReasonMonth: _derived_sql(RatingReasonDay._meta.db_table, f"d.agency_id, {e['month_of_day']}, d.premise_id, "
                                                                  f"d.channel, d.flagged, d.score, d.reason_id", agency,
                                  values=["n"]),
        PremiseReasonDay: _derived_sql(RatingReasonDay._meta.db_table, "d.agency_id, d.day, d.premise_id, d.channel, "
                                                                       "d.flagged, d.score, d.reason_id", agency,
                                       values=["n"]),
    }


def _derived_sql(source, key, agency, values=COUNTS):
    return (f"SELECT {key}, {', '.join(f'SUM(d.{c})' for c in values)} FROM {source} d "
            f"WHERE d.day >= %s AND d.day <= %s" + (" AND d.agency_id = %s" if agency else "") + f" GROUP BY {key}")


def _params(model, start, end, agency):
    vendor = connection.vendor
    if model in DERIVED:
        params = [_param(start, vendor), _param(end, vendor)]
    else:
        since, until = _bounds(start, end)
        params = [since, until] if vendor == "postgresql" else [_utc_text(since), _utc_text(until)]
    return params + ([agency] if agency else [])


def _utc_text(moment):
    # As Django stores it: a whole second has no ".000000", which would sort after it as text.
    return connection.ops.adapt_datetimefield_value(moment)


def _date_field(model):
    return "month" if model in (RatingMonth, PremiseMonth, HeatMonth, ReasonMonth, TargetHeatMonth) else "day"


ORDER = (RatingDay, RatingHour, RatingReasonDay, RatingMonth, PremiseDay, PremiseMonth, HeatMonth, ReasonMonth,
         PremiseReasonDay, TargetHeatMonth, TargetHour)


def rebuild(start, end, agency=None):
    """Recompute the aggregates of [start, end] (Malaysia dates, widened to whole months) from the
    raw ratings, for one agency or all. The folder waits meanwhile and ratings are locked against
    writes (PostgreSQL), so no rating slips between the delete and the recount; pending ratings
    of the period are forgotten, as the recount includes them."""
    from erating.base.analysis import pending, themes

    start, end = _months(start, end)
    agency = _id(agency)
    selects = _raw_selects(agency)
    with transaction.atomic(), connection.cursor() as cursor:
        pending.lock(cursor)
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {Rating._meta.db_table} IN SHARE MODE")
        pending.drop(*_bounds(start, end), agency)
        for model in ORDER:
            field = _date_field(model)
            rows = model._base_manager.filter(**{f"{field}__gte": start, f"{field}__lte": end})
            if agency:
                rows = rows.filter(agency_id=agency)
            rows.delete()  # nothing refers to aggregate rows: one DELETE statement
            keys, values = TABLES[model]
            cursor.execute(f"INSERT INTO {model._meta.db_table} ({', '.join(keys + values)}) {selects[model]}",
                           _params(model, start, end, agency))
        # The pending ratings dropped above are counted here, so their themes must be too.
        themes.recount(cursor, start, end, agency)
        analyze(cursor, (*ORDER, RatingTheme, ThemeDay, PremiseThemeDay, ThemeMonth))


def analyze(cursor, models):
    """Fresh planner statistics after a bulk change: with stale ones (autovacuum off, or not yet
    run) PostgreSQL takes a day range of thousands of rows for a few dozen and nests loops over it."""
    if connection.vendor == "postgresql":
        for model in models:
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def backfill(model):
    """Fill a NEW aggregate table (no rows yet) from every rating counted so far, for a migration:
    the folder waits meanwhile, and ratings still queued are left to it (it counts them into every
    table, this one included), so each rating is counted once."""
    from erating.base.analysis import pending

    keys, values = TABLES[model]
    select = _raw_selects(None)[model].replace(
        "WHERE r.created_at >= %s", f"WHERE r.id NOT IN (SELECT rating_id FROM {pending.TABLE}) AND r.created_at >= %s")
    since, until = _bounds(date(2000, 1, 1), date(2999, 12, 31))
    params = [since, until] if connection.vendor == "postgresql" else [_utc_text(since), _utc_text(until)]
    with transaction.atomic(), connection.cursor() as cursor:
        pending.lock(cursor)
        cursor.execute(f"INSERT INTO {model._meta.db_table} ({', '.join(keys + values)}) {select}", params)
        analyze(cursor, [model])


def backfill_any_reason():
    """Add the ANY_REASON rows of the reason tables for every rating counted so far (a migration:
    those tables counted each reason only); ratings still queued are left to the folder."""
    from erating.base.analysis import pending

    e = _expr()
    rating, day, month = Rating._meta.db_table, RatingReasonDay._meta.db_table, ReasonMonth._meta.db_table
    length = "jsonb_array_length" if connection.vendor == "postgresql" else "json_array_length"
    target = "r.agency_id, r.premise_id, r.target_id, COALESCE(r.officer_id, 0), r.channel, r.flagged"
    day_keys, _n = TABLES[RatingReasonDay]
    month_keys, _n = TABLES[ReasonMonth]
    by_premise = f"d.agency_id, {e['month_of_day']}, d.premise_id, d.channel, d.flagged, d.score, d.reason_id"
    with transaction.atomic(), connection.cursor() as cursor:
        pending.lock(cursor)
        cursor.execute(
            f"INSERT INTO {day} ({', '.join(day_keys)}, n) SELECT {e['day']}, {target}, r.score, {ANY_REASON}, "
            f"COUNT(*) FROM {rating} r WHERE {length}(r.reasons) > 0 AND r.id NOT IN "
            f"(SELECT rating_id FROM {pending.TABLE}) GROUP BY {e['day']}, {target}, r.score", [])
        cursor.execute(
            f"INSERT INTO {month} ({', '.join(month_keys)}, n) SELECT {by_premise}, SUM(d.n) FROM {day} d "
            f"WHERE d.reason_id = {ANY_REASON} GROUP BY {by_premise}", [])


def backfill_derived(model):
    """Fill a NEW table derived from a finer one (DERIVED, or the themes' premise days) from that
    table, for a migration: the folder waits meanwhile and counts later ratings into both."""
    from erating.base.analysis import pending, themes

    if model in DERIVED:
        keys, values = TABLES[model]
        select = _raw_selects(None)[model]
    else:
        keys, values, select = themes.PREMISE_DAY_KEY, ["n"], themes.premise_days_sql()
    every_day = [_param(date(2000, 1, 1), connection.vendor), _param(date(2999, 12, 31), connection.vendor)]
    with transaction.atomic(), connection.cursor() as cursor:
        pending.lock(cursor)
        cursor.execute(f"INSERT INTO {model._meta.db_table} ({', '.join(keys + values)}) {select}", every_day)
        analyze(cursor, [model])
