"""Section contexts of the Analysis dashboard: for each chart the data (JSON for Chart.js), a data
table with the same numbers, and a one-paragraph text summary, so no figure is only a picture."""
import json
from datetime import timedelta

from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from erating.base import numbers
from erating.base.analysis import criteria as cr
from erating.base.analysis import figures
from erating.base.analysis import rankings as ranks
from erating.base.analysis import reasons as reason_figures
from erating.base.analysis import themes as theme_figures
from erating.base.ingest.rating_form import captions_for
from erating.base.models.bilingual import pick
from erating.base.models.settings import DEFAULT_CAPTIONS


def num(value, places=0):
    """The one way a number is shown (rounded half up, grouped): erating.base.numbers.text."""
    return numbers.text(value, places)


def chart(data):
    """A chart's data with its JSON form, carried in a data attribute of the canvas (htmx swaps
    no script elements in, and the CSP allows none inline)."""
    return dict(data, json=json.dumps(data))


def link(c, **changes):
    return "?" + urlencode(cr.to_query(c, **changes))


def _weekdays():
    return [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]


def _score_names(c):
    """One name per score everywhere: the captions of the agency looked at (as on its QR page,
    kiosk and reports), the national captions when several agencies are."""
    agency_id = c.agency_id or c.scope_agency
    if agency_id is not None:
        return captions_for(agency_id, range(1, 6))
    return {s: pick(ms, en) for s, (ms, en) in DEFAULT_CAPTIONS.items()}


def summary(c, head):
    prev_label = _("previous %(days)s days") % {"days": num(c.days)}
    cards = []
    for key, label, fmt, unit, better in (
            ("ratings", _("Ratings"), 0, "", None), ("csat", _("Satisfaction index"), 1, "%", "up"),
            ("mean", _("Mean score"), 2, "", "up"), ("low_share", head["low_label"], 1, "%", "down"),
            ("comment_share", _("With comments"), 1, "%", None)):
        change = head["change"].get("ratings_pct" if key == "ratings" else key)
        if change is not None:  # a change too small to show at this precision is no change
            change = numbers.half_up(change, 2 if key == "mean" else 1)
        cards.append({
            "key": key, "label": label, "value": num(head[key], fmt) + (unit if head[key] is not None else ""),
            "change": None if change is None else num(abs(change), 1 if key != "mean" else 2),
            "direction": None if change is None else ("up" if change > 0 else "down" if change < 0 else "same"),
            "good": None if change is None or better is None or change == 0 else (
                (change > 0) == (better == "up")),
            "unit": "%" if key == "ratings" else (_("points") if unit == "%" else ""),
        })
    names = _score_names(c)
    dist = head["distribution"]
    total = head["ratings"]
    # Shares of one whole add up to 100.0 as shown (numbers.shares: largest remainder).
    dist_shares = dict(zip(range(5, 0, -1), numbers.shares([dist[s - 1] for s in range(5, 0, -1)])))
    dist_rows = [{"score": s, "name": names[s], "n": num(dist[s - 1]), "share": num(dist_shares[s], 1),
                  "href": link(c, score_min=s, score_max=s)} for s in range(5, 0, -1)]
    per_channel = figures.channels(c)
    channel_shares = numbers.shares([n for _ch, n in per_channel])
    channel_rows = [{"key": ch, "name": _("Tablet") if ch == "tablet" else _("QR code"), "n": num(n),
                     "share": num(share, 1), "href": link(c, channel=ch)}
                    for (ch, n), share in zip(per_channel, channel_shares)]
    text = (_("%(n)s ratings in the period; satisfaction index %(csat)s%%, mean score %(mean)s of 5.")
            % {"n": num(total), "csat": num(head["csat"], 1), "mean": num(head["mean"], 2)}) if total else \
        _("No ratings in this period.")
    return {
        "cards": cards, "prev_label": prev_label, "text": text, "dist_rows": dist_rows, "channel_rows": channel_rows,
        "dist_chart": chart({"type": "bar", "label": _("Ratings"), "labels": [f"{s} · {names[s]}" for s in range(5, 0, -1)],
                       "values": [dist[s - 1] for s in range(5, 0, -1)], "links": [r["href"] for r in dist_rows],
                       "palette": "scores"}),
        "channel_chart": chart({"type": "doughnut", "label": _("Ratings"), "labels": [r["name"] for r in channel_rows],
                          "values": [n for _ch, n in per_channel], "links": [r["href"] for r in channel_rows]}),
    }


def _bucket_label(grain, key):
    if grain == "hour":
        day, hour = key
        return f"{formats.date_format(day, 'j M')} {hour:02d}:00"
    if grain == "month":
        return formats.date_format(key, "M Y")
    if grain == "week":
        return pgettext("week starting", "wk %(date)s") % {"date": formats.date_format(key, "j M")}
    return formats.date_format(key, "j M")


def _bucket_link(c, grain, key):
    if grain == "hour":
        return None
    if grain == "day":
        start = end = key
    elif grain == "week":
        start, end = key, key + timedelta(days=6)
    else:
        start, end = key, (key.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    start, end = max(start, c.start), min(end, c.end)
    return link(c, period="custom", start=start.isoformat(), end=end.isoformat())


def trend(c):
    grain, series = figures.trend(c)
    rows = [{"label": _bucket_label(grain, key), "n": num(k.total), "csat": num(k.csat, 1), "mean": num(k.mean, 2),
             "href": _bucket_link(c, grain, key)} for key, k in series]
    busiest = max(series, key=lambda s: s[1].total) if series else None
    text = _("No ratings in this period.")
    if busiest and busiest[1].total:
        text = _("Busiest %(grain)s: %(label)s with %(n)s ratings.") % {
            "grain": {"hour": _("hour"), "day": _("day"), "week": _("week"), "month": _("month")}[grain],
            "label": _bucket_label(grain, busiest[0]), "n": num(busiest[1].total)}
    return {"grain": grain, "rows": rows, "text": text,
            "chart": chart({"type": "trend", "labels": [r["label"] for r in rows],
                      "values": [k.total for _key, k in series],
                      "csat": [numbers.chart_value(k.csat, 1) for _key, k in series],
                      "label": _("Ratings"), "label2": _("Satisfaction index (%)"),
                      "links": [r["href"] for r in rows]})}


def heatmap(c):
    grid = figures.heatmap(c)
    days = _weekdays()
    cells = [{"x": h, "y": d, "v": grid[d][h].total} for d in range(7) for h in range(24)]
    top = max(cells, key=lambda cell: cell["v"])
    text = _("No ratings in this period.")
    if top["v"]:
        text = _("Most ratings arrive on %(day)s at %(hour)s:00 (%(n)s ratings in the period).") % {
            "day": days[top["y"]], "hour": f"{top['x']:02d}", "n": num(top["v"])}
    hours = [h for h in range(24) if any(grid[d][h].total for d in range(7))] or list(range(8, 18))
    return {"text": text, "hours": hours,
            "rows": [{"day": days[d], "cells": [num(grid[d][h].total) for h in hours]} for d in range(7)],
            "chart": chart({"type": "heatmap", "cells": cells, "days": days, "label": _("Ratings"),
                            "hours": [f"{h:02d}" for h in range(24)]})}


def reasons(c):
    # Agencies keep their own reason lists; across agencies, reasons worded alike are one row.
    merged = {}
    for reason, n in reason_figures.reasons(c):
        label = reason.text if reason else "?"
        merged[label] = merged.get(label, 0) + n
    ordered = sorted(merged.items(), key=lambda item: (-item[1], item[0]))
    out = [{"label": label, "n": num(n), "value": n} for label, n in ordered]
    text = _("No follow-up reasons were given in this period.") if not out else \
        _("Most given reason: %(label)s (%(n)s times).") % {"label": out[0]["label"], "n": out[0]["n"]}
    return {"rows": out, "text": text,
            "chart": chart({"type": "hbar", "labels": [r["label"] for r in out[:12]], "values": [r["value"] for r in out[:12]],
                      "label": _("Times given"), "links": []})}


def _table(c, dimension, title, *, computed=None):
    if computed is None:
        result = ranks.ranking(c, dimension)
        up, down = ranks.movers(c, dimension, now=result["ranked"])
    else:
        result, (up, down) = computed
    param = {"counter": "target", "service": "target", "facility": "target"}.get(dimension, dimension)

    def row(r, rank=None):
        return {"rank": rank, "label": r["label"], "n": num(r["total"]), "csat": num(r["csat"], 1),
                "mean": num(r["mean"], 2), "score": num(r["score"], 1), "minimum": r["minimum"],
                "href": link(c, **{param: r["id"]})}

    def mover(r):
        return {"label": r["label"], "change": num(abs(r["change"]), 1), "href": link(c, **{param: r["id"]})}

    return {"key": dimension, "title": title, "ranked": [row(r, i + 1) for i, r in enumerate(result["ranked"][:20])],
            "more": max(0, len(result["ranked"]) - 20), "few": [row(r) for r in result["few"][:20]],
            # How many rows are below the minimum: all of them, not the 20 listed.
            "few_count": len(result["few"]), "few_more": max(0, len(result["few"]) - 20),
            "hidden": result["hidden"], "up": [mover(r) for r in up], "down": [mover(r) for r in down]}


def rankings(c, *, national, show_officers):
    if national and c.agency_id is None:
        tables = []
        if c.ministry_id is None:
            tables.append(_table(c, "ministry", _("Ministries")))
        tables.append(_table(c, "agency", _("Agencies")))
        return {"tables": tables}
    wanted = []
    if c.premise_id is None:
        wanted.append(("premise", _("Premises")))
    if c.target_id is None:
        for kind, title in (("counter", _("Counters")), ("service", _("Services")), ("facility", _("Facilities"))):
            if c.kind in (None, kind):
                wanted.append((kind, title))
    if c.officer_id is None:
        wanted.append(("officer", _("Officers")))
    bundle = ranks.rankings(c, [d for d, _t in wanted], show_officers_below_minimum=show_officers)
    return {"tables": [_table(c, d, title, computed=bundle[d]) for d, title in wanted]}


def _signed(value):
    if value is None:
        return "–"
    return ("+" if value > 0 else "") + num(value, 1)


def themes(c, query):
    """What the comments are about: themes by count and share of commented ratings, the change
    against the previous period (percentage points), each linked to its comments."""
    found = theme_figures.themes(c)
    rows = [{"label": r["theme"].name, "code": r["theme"].code, "n": num(r["n"]), "share": num(r["share"], 1),
             "change": _signed(r["change"]), "previous": num(r["previous_n"]), "value": r["n"],
             "href": reverse("control:analysis_theme_comments", args=[r["theme"].code]) + f"?{query}"} for r in found["rows"]]
    shown = [r for r in rows if r["value"]]
    if shown:
        text = _("%(n)s commented ratings; most mentioned: %(label)s (%(share)s %% of them).") % {
            "n": num(found["commented"]), "label": shown[0]["label"], "share": shown[0]["share"]}
    else:
        text = _("No comment in this period mentions a theme.")
    return {"rows": rows, "text": text, "commented": num(found["commented"])}


def phrases(c):
    """Phrases whose share of comments grew most against the previous period (a sample of the latest)."""
    rising = theme_figures.rising_phrases(c)
    rows = [{"phrase": r["phrase"], "n": num(r["n"]), "share": num(r["share"], 1),
             "change": _signed(r["change"])} for r in rising["rows"]]
    return {"phrases": rows, "sampled": rising["sampled"], "sample": num(rising["sample"])}
