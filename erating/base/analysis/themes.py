"""Comment themes kept with the aggregates (the taxonomy and matching: erating.base.themes).

The folder (analysis/pending.py) hands every batch of ratings it counts to record(), which
matches their comments and stores the links (RatingTheme) and the counts (ThemeDay, PremiseThemeDay,
ThemeMonth) in
the folder's transaction, so a rating's themes are counted exactly once, when its other counts are.

    record(rows, cursor)        the folder's batch (dicts with id and the aggregate fields)
    recount(cursor, start, end) the themes of whole months again, in the caller's locked transaction
    rebuild(start, end, ...)    the same after a taxonomy change, a month per transaction, with progress
    check(agency_id)            -> differences between the counts and the links
    themes(c)                   the Criteria's themes: count, share of commented ratings, change
    comments(c, theme)          the comments behind a theme (drill-down)
    rising_phrases(c)           phrases whose share grew most against the previous period
"""
from collections import defaultdict
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.analysis import aggregates, measures
from erating.base.models import (
    PendingRating,
    PremiseThemeDay,
    Rating,
    RatingTheme,
    Theme,
    ThemeDay,
    ThemeMonth,
)
from erating.base.themes.library import matcher_for

MYT = aggregates.MYT
DAY_KEY = ["day", "agency_id", "premise_id", "target_id", "officer_id", "channel", "flagged", "score", "theme_id"]
MONTH_KEY = ["agency_id", "month", "premise_id", "channel", "flagged", "score", "theme_id"]
PREMISE_DAY_KEY = ["agency_id", "day", "premise_id", "channel", "flagged", "score", "theme_id"]
CHUNK = 400
# A recount adds up its counts over many chunks before writing them: an upsert per chunk left a
# dead row version for every count row it touched again (0.9M dead month rows after a 10M load,
# which the month queries then read). Ratings come in id order, so a flush seldom revisits a row.
FLUSH_AT = 100_000


def _id(value):
    return getattr(value, "pk", value)


def themes_of(rows):
    """rows -> [(row, [theme ids])] for the rows with a comment carrying at least one theme."""
    out, by_agency = [], {}
    for r in rows:
        if not r["comment"]:
            continue
        agency = _id(r["agency"])
        if agency not in by_agency:
            by_agency[agency] = matcher_for(agency)
        matcher, ids = by_agency[agency]
        found = [ids[code] for code in sorted(matcher.match(r["comment"])) if code in ids]
        if found:
            out.append((r, found))
    return out


def deltas(matched, counts=None):
    """-> ((ThemeDay, PremiseThemeDay, ThemeMonth) counts {key: n}, links), adding to `counts`."""
    days, premise_days, months = counts or (defaultdict(int), defaultdict(int), defaultdict(int))
    links = []
    for r, theme_ids in matched:
        local = r["created_at"].astimezone(MYT).date()
        agency, premise = _id(r["agency"]), _id(r["premise"])
        for theme in theme_ids:
            days[(local, agency, premise, _id(r["target"]), _id(r["officer"]) or 0, r["channel"], bool(r["flagged"]),
                  int(r["score"]), theme)] += 1
            premise_days[(agency, local, premise, r["channel"], bool(r["flagged"]), int(r["score"]), theme)] += 1
            months[(agency, local.replace(day=1), premise, r["channel"], bool(r["flagged"]), int(r["score"]),
                    theme)] += 1
            links.append((r["id"], agency, theme))
    return (days, premise_days, months), links


def record(rows, cursor):
    """Match and count the themes of a batch the folder is counting, on its cursor (its transaction)."""
    counts, links = deltas(themes_of(rows))
    _write_links(cursor, links)
    _write_counts(cursor, counts)


def _write_links(cursor, links):
    table = RatingTheme._meta.db_table
    for start in range(0, len(links), CHUNK):
        chunk = links[start:start + CHUNK]
        cursor.execute(f"INSERT INTO {table} (rating_id, agency_id, theme_id) VALUES "
                       + ", ".join(["(%s, %s, %s)"] * len(chunk)) + " ON CONFLICT DO NOTHING",
                       [v for link in chunk for v in link])


def _write_counts(cursor, counts):
    for table, key, per in zip((ThemeDay, PremiseThemeDay, ThemeMonth), (DAY_KEY, PREMISE_DAY_KEY, MONTH_KEY),
                               counts):
        _upsert(cursor, table._meta.db_table, key, sorted(per.items()))


def _upsert(cursor, table, key, items):
    for start in range(0, len(items), CHUNK):
        chunk = items[start:start + CHUNK]
        row = "(" + ", ".join(["%s"] * (len(key) + 1)) + ")"
        params = []
        for k, n in chunk:
            params += [_param(v) for v in k] + [n]
        cursor.execute(f"INSERT INTO {table} ({', '.join(key)}, n) VALUES {', '.join([row] * len(chunk))} "
                       f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET n = {table}.n + excluded.n", params)


def _param(value):
    if connection.vendor == "sqlite":
        if hasattr(value, "isoformat"):
            return value.isoformat()
        if isinstance(value, bool):
            return int(value)
    return value


# --- rebuild and check -------------------------------------------------------------------------

def _month_list(start, end):
    month, out = start.replace(day=1), []
    while month <= end:
        out.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return out


def recount(cursor, start, end, agency_id=None, job=None, batch=2000):
    """Within the caller's transaction, which holds the folder's lock: forget the themes of the
    ratings of the whole months [start, end] (one agency or all) and match their comments again.
    Ratings still queued are left to the folder, which counts them with the taxonomy in force."""
    from erating.base.analysis import pending  # the folder imports this module

    first, last = aggregates._bounds(start.replace(day=1), end)
    ratings = Rating._base_manager.filter(created_at__gte=first, created_at__lt=last).exclude(comment="")
    links = RatingTheme._base_manager.filter(rating__created_at__gte=first, rating__created_at__lt=last)
    days = ThemeDay._base_manager.filter(day__gte=start.replace(day=1), day__lte=end)
    premise_days = PremiseThemeDay._base_manager.filter(day__gte=start.replace(day=1), day__lte=end)
    months = ThemeMonth._base_manager.filter(month__gte=start.replace(day=1), month__lte=end)
    if agency_id:
        ratings, links, days, premise_days, months = (qs.filter(agency_id=agency_id) for qs in
                                                      (ratings, links, days, premise_days, months))
    for qs in (links, days, premise_days, months):
        qs.delete()
    done, counts = 0, None
    rows = ratings.exclude(id__in=PendingRating.objects.values("rating_id")).values(*pending.ROW_FIELDS)
    for chunk in _chunks(rows.order_by("id"), batch):
        counts, links = deltas(themes_of(chunk), counts)
        _write_links(cursor, links)
        if len(counts[0]) > FLUSH_AT:
            _write_counts(cursor, counts)
            counts = None
        done += len(chunk)
        if job is not None:
            job.done += len(chunk)
            job.save(update_fields=["done"])
    if counts:
        _write_counts(cursor, counts)
    return done


def rebuild(start, end, agency_id=None, job=None):
    """Re-apply the taxonomy (after a change) to the comments of [start, end], one month per
    transaction so the folder and the dashboards wait at most one month's work. `job`
    (ThemeRebuild) gets the progress."""
    from erating.base.analysis import pending

    with scopes_disabled():
        if job is not None:
            total = Rating._base_manager.filter(created_at__gte=aggregates._bounds(start, end)[0],
                                                created_at__lt=aggregates._bounds(start, end)[1]).exclude(comment="")
            job.total = (total.filter(agency_id=agency_id) if agency_id else total).count()
            job.save(update_fields=["total"])
        for month in _month_list(start, end):
            last = min(end, (month + timedelta(days=32)).replace(day=1) - timedelta(days=1))
            with transaction.atomic(), connection.cursor() as cursor:
                pending.lock(cursor)
                recount(cursor, month, last, agency_id, job)
    with connection.cursor() as cursor:
        aggregates.analyze(cursor, (RatingTheme, ThemeDay, PremiseThemeDay, ThemeMonth))
    if job is not None:
        job.finished_at = timezone.now()
        job.save(update_fields=["finished_at"])


def _chunks(qs, size):
    chunk = []
    for row in qs.iterator(chunk_size=size):
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def check(start, end, agency_id=None):
    """-> [(theme id, day or month, counted, linked)] where ThemeDay disagrees with the links, or
    PremiseThemeDay or ThemeMonth with ThemeDay, over [start, end] (the caller folds first)."""
    first, last = aggregates._bounds(start, end)
    with scopes_disabled():
        days = ThemeDay.objects.filter(day__gte=start, day__lte=end)
        links = RatingTheme.objects.filter(rating__created_at__gte=first, rating__created_at__lt=last)
        premise_days = PremiseThemeDay.objects.filter(day__gte=start, day__lte=end)
        months = ThemeMonth.objects.filter(month__gte=start.replace(day=1), month__lte=end)
        if agency_id:
            days, links, premise_days, months = (qs.filter(agency_id=agency_id) for qs in
                                                 (days, links, premise_days, months))
        per_premise = {(t, d): n for t, d, n in premise_days.order_by().values_list("theme_id", "day")
                       .annotate(Sum("n"))}
        counted = {(t, d): n for t, d, n in days.order_by().values_list("theme_id", "day").annotate(Sum("n"))}
        linked = {(t, d): n for t, d, n in links.order_by()
                  .annotate(day=TruncDate("rating__created_at", tzinfo=MYT))
                  .values_list("theme_id", "day").annotate(n=Count("id")).values_list("theme_id", "day", "n")}
        months = {(t, m): n for t, m, n in months.order_by().values_list("theme_id", "month").annotate(Sum("n"))}
    out = [(t, d, counted.get((t, d), 0), linked.get((t, d), 0)) for t, d in sorted(set(counted) | set(linked))
           if counted.get((t, d), 0) != linked.get((t, d), 0)]
    out += [(t, d, per_premise.get((t, d), 0), counted.get((t, d), 0)) for t, d in sorted(set(per_premise) | set(counted))
            if per_premise.get((t, d), 0) != counted.get((t, d), 0)]
    by_month = defaultdict(int)
    for (t, d), n in counted.items():
        by_month[(t, d.replace(day=1))] += n
    out += [(t, m, months.get((t, m), 0), by_month.get((t, m), 0)) for t, m in sorted(set(months) | set(by_month))
            if months.get((t, m), 0) != by_month.get((t, m), 0)]
    return out


# --- figures for Criteria -------------------------------------------------------------------------

def premise_days_sql():
    """PremiseThemeDay's rows of [%s, %s] summed from ThemeDay (a migration's backfill)."""
    key = "d.agency_id, d.day, d.premise_id, d.channel, d.flagged, d.score, d.theme_id"
    return (f"SELECT {key}, SUM(d.n) FROM {ThemeDay._meta.db_table} d WHERE d.day >= %s AND d.day <= %s "
            f"GROUP BY {key}")


def _parts(c):
    """Querysets of theme counts answering the Criteria exactly: whole months from ThemeMonth and
    the other days from PremiseThemeDay when nothing below the premise is asked for, else every
    day from ThemeDay (as the follow-up reasons)."""
    from erating.base.analysis import pending, reasons

    pending.fresh()  # the engine folds, not its callers
    return reasons.day_parts(c, ThemeDay, PremiseThemeDay, ThemeMonth)


def _per_theme(c):
    per = defaultdict(int)
    for qs in _parts(c):
        for theme_id, n in qs.order_by().values_list("theme_id").annotate(Sum("n")):
            per[theme_id] += n
    return per


def _commented(c):
    from erating.base.analysis import figures

    k = figures.counts(c).get(())
    return k.commented if k else 0


def themes(c, commented=None):
    """-> {"commented": n, "rows": [{"theme", "n", "share", "previous_n", "previous_share", "change"}]}
    most frequent first; share = part of the commented ratings in the Criteria (a comment can carry
    several themes, so shares add up to more than 100 %); change in percentage points.
    `commented`: (this period's, the previous period's) commented ratings, when the caller has them."""
    now, before = _per_theme(c), _per_theme(c.previous())
    commented, commented_before = commented or (_commented(c), _commented(c.previous()))
    with scopes_disabled():
        labels = {t.id: t for t in Theme.objects.filter(id__in=set(now) | set(before))}
    rows = []
    for theme_id in set(now) | set(before):
        n, m = now.get(theme_id, 0), before.get(theme_id, 0)
        if not n and not m or theme_id not in labels:
            continue
        share = 100 * n / commented if commented else None
        previous_share = 100 * m / commented_before if commented_before else None
        change = share - previous_share if share is not None and previous_share is not None else None
        rows.append({"theme": labels[theme_id], "n": n, "share": share, "previous_n": m,
                     "previous_share": previous_share, "change": change})
    rows.sort(key=lambda r: (-r["n"], r["theme"].position, r["theme"].id))
    return {"commented": commented, "rows": rows}


def comments(c, theme, limit=50):
    """The latest comments of the Criteria carrying `theme` (row level, through the scoped ratings)."""
    from erating.base.analysis import criteria as cr

    return list(cr.ratings(c).exclude(comment="").filter(themes__theme=theme)
                .select_related("target", "premise").order_by("-created_at")[:limit])


RISING_SAMPLE = 5000  # latest comments read per period: bounds the cost whatever the period


def rising_phrases(c, *, limit=10, min_count=5):
    """Phrases (one or two words; for Chinese two characters) whose share of comments grew most
    against the previous period, found without the taxonomy. Reads at most RISING_SAMPLE latest
    comments of each period, and says so when it did."""
    from erating.base.themes.phrases import phrases_of

    def shares(criteria):
        from erating.base.analysis import criteria as cr

        texts = list(cr.ratings(criteria).exclude(comment="").order_by("-created_at")
                     .values_list("comment", flat=True)[:RISING_SAMPLE])
        per = defaultdict(int)
        shown = {}
        for text in texts:
            for key, surface in phrases_of(text).items():
                per[key] += 1
                shown.setdefault(key, surface)
        return per, shown, len(texts)

    now, shown, n_now = shares(c)
    before, _, n_before = shares(c.previous())
    rows = []
    for key, n in now.items():
        if n < min_count:
            continue
        share = 100 * n / n_now
        previous = 100 * before.get(key, 0) / n_before if n_before else 0.0
        if share > previous:
            rows.append({"phrase": shown[key], "n": n, "share": share, "previous_share": previous,
                         "change": share - previous})
    rows.sort(key=lambda r: (-r["change"], -r["n"], r["phrase"]))
    return {"rows": rows[:limit], "sampled": n_now >= RISING_SAMPLE or n_before >= RISING_SAMPLE,
            "sample": RISING_SAMPLE}


def most_praised(premise_id, month, *, minimum=1):
    """The theme most mentioned in satisfied (measures.SATISFIED), unflagged ratings of one premise
    in one calendar month, leaving out the generic "praise" theme -> (Theme, count) or None (fewer
    than `minimum`). The caller's figures have folded the pending ratings."""
    with scopes_disabled():
        generic = Theme.objects.filter(code="praise").values_list("id", flat=True).first()
        rows = (ThemeMonth.objects.filter(premise_id=premise_id, month=month.replace(day=1), flagged=False,
                                          score__in=measures.SATISFIED)
                .exclude(theme_id=generic).order_by().values_list("theme_id").annotate(n=Sum("n"))
                .order_by("-n", "theme_id"))
        first = rows.first()
        if not first or first[1] < minimum:
            return None
        return Theme.objects.get(pk=first[0]), first[1]
