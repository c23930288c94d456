"""The one rule for what may be shown (issue 21, item 3). Every path that shows figures asks here:
the Analysis dashboard and its sections, rankings, every report and its exports (PDF, XLSX, CSV,
scheduled e-mails), the read API and the public portal.

1. One officer. Figures of a unit that identifies ONE officer -- the officer, or the officer's
   own target (a Target of kind "officer"), or a filter that leaves one such target -- are
   withheld when the unit has fewer ratings than its agency's minimum (Agency.ranking_min_ratings),
   whichever filter, report or role asks. Only a logged-in agency administrator sees them (to
   coach the officer); an API token, a supervisor, the officer and a system administrator do not.
   Withheld rows are counted truly (the count of every withheld row, never of a cut list).
2. The public page (complementary suppression). A published total must not give away a unit that
   is not published (below the public minimum, or opted out) by subtracting the published units
   under it. So under every published parent the units that are not published are never exactly
   one: when one is, the smallest published sibling is withheld as well (or, with no sibling
   left, the parent is published alone).
"""
from django_scopes import scopes_disabled

from erating.base.models import Agency, Target, User

DEFAULT_MIN_RATINGS = 10


def sees_below_minimum(user):
    """The agency administrator (a person who coaches the officer), and nobody else. An API token's
    reader or a report's owner of another role read with the rule applied."""
    return bool(getattr(user, "is_agency_admin", False))


def minimums(agency_id=None):
    """{agency id: minimum number of ratings}: of one agency, or of all when None."""
    with scopes_disabled():
        qs = Agency.objects.all()
        if agency_id is not None:
            qs = qs.filter(pk=agency_id)
        return dict(qs.values_list("id", "ranking_min_ratings"))


def minimum_of(agency_id, mins=None):
    if agency_id is None:
        return DEFAULT_MIN_RATINGS
    mins = minimums(agency_id) if mins is None else mins
    return mins.get(agency_id, DEFAULT_MIN_RATINGS)


def officer_unit(c):
    """-> (officer id, agency id) when the Criteria narrow the figures to ONE officer, else None:
    an officer filter (an officer's own scope included), a target that is an officer's own, or a
    kind=officer filter that leaves exactly one officer's target in the premises asked for."""
    with scopes_disabled():
        if c.officer_id is not None:
            agency = User.objects.filter(pk=c.officer_id).values_list("agency_id", flat=True).first()
            return c.officer_id, agency
        if c.target_id is not None:
            row = (Target.objects.filter(pk=c.target_id, officer__isnull=False)
                   .values_list("officer_id", "agency_id").first())
            return row
        if c.kind == Target.OFFICER:
            qs = Target.objects.filter(kind=Target.OFFICER)
            for attr, lookup in (("agency_id", "agency_id"), ("scope_agency", "agency_id"),
                                 ("premise_id", "premise_id"), ("scope_premises", "premise_id__in"),
                                 ("ministry_id", "agency__ministry_id")):
                if getattr(c, attr) is not None:
                    qs = qs.filter(**{lookup: getattr(c, attr)})
            rows = list(qs.values_list("officer_id", "agency_id")[:2])
            if len(rows) == 1:
                return rows[0]
    return None


def withheld(c, user, total=None):
    """True when the figures of Criteria `c` may not be shown to `user`: they identify one officer
    and count fewer ratings than that officer's agency asks. `total`: the criteria's number of
    ratings when already read (else read from the aggregates)."""
    if sees_below_minimum(user):
        return False
    unit = officer_unit(c)
    if unit is None:
        return False
    if total is None:
        from erating.base.analysis.figures import total as read_total

        total = read_total(c).total
    return total < minimum_of(unit[1])


def split_officer_rows(rows, user, *, total, agency, officer, mins=None):
    """Rows of a table where each row may identify one officer -> (shown, withheld count).
    `total`, `agency`, `officer`: functions of a row (officer: the officer it identifies or None).
    A row below its agency's minimum that identifies an officer is left out unless the user may see
    it; the count is of every row left out."""
    if sees_below_minimum(user):
        return list(rows), 0
    mins = minimums() if mins is None else mins
    shown, hidden = [], 0
    for row in rows:
        if officer(row) is not None and total(row) < minimum_of(agency(row), mins):
            hidden += 1
        else:
            shown.append(row)
    return shown, hidden


def withheld_officers(c, user):
    """The officers whose ratings in Criteria `c` are fewer than their agency's minimum, when `user`
    may not see them: row-level listings (detailed and low reports, the API's ratings, the latest
    comments) leave these officers' names out, so their rows cannot be counted back into figures."""
    if sees_below_minimum(user):
        return frozenset()
    from erating.base.analysis.figures import counts

    mins = minimums(c.agency_id or c.scope_agency)
    return frozenset(officer for (officer, agency), k in counts(c, ["officer_id", "agency_id"]).items()
                     if officer and k.total < minimum_of(agency, mins if agency in mins else None))


def officer_targets(ids):
    """{target id: officer id} of the targets among `ids` that are an officer's own."""
    with scopes_disabled():
        return dict(Target.objects.filter(pk__in=list(ids), officer__isnull=False).values_list("id", "officer_id"))


def complementary(children, published):
    """Complementary suppression under ONE parent. `children`: {key: total ratings} of the units that
    have ratings; `published`: the keys that would be published on their own.
    -> (keys that may be published, whether the parent itself may be), such that the parent's total
    minus the published keys is never exactly one unpublished unit: with exactly one unpublished
    unit the smallest published sibling is withheld too (the parent then stands over two or more
    unpublished units); with no sibling to withhold, the parent would be that unit: withheld."""
    shown = {k for k in published if k in children}
    hidden = [k for k in children if k not in shown]
    if len(hidden) != 1:
        return shown, True
    if not shown:
        return shown, False
    shown.discard(min(shown, key=lambda k: (children[k], str(k))))
    return shown, True
