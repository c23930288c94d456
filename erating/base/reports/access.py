"""Who may have a report: checked when a schedule is saved, at each send, and at every download of
a kept file (the owner's, or a recipient's through a signed link), so a user who lost a role,
an agency or a premise since stops receiving what they may no longer run."""
from erating.base.privacy import may_see_contacts
from erating.base.reports.registry import REPORTS, available
from erating.base.scoping import dimensions_for

CONTACT_REPORTS = {"low"}  # reports that carry contact details for roles that may see them (detail.low)


def _covers(outer, inner):
    """True when scope `outer` sees at least everything scope `inner` sees."""
    if not outer or not inner:  # NOTHING (an inactive user or one without an agency) covers nothing
        return False
    if outer.get("agency") is None:  # a system administrator (not viewing one agency)
        return True
    if outer.get("agency") != inner.get("agency"):
        return False
    if outer.get("officer") is not None:
        return inner.get("officer") == outer["officer"]
    if outer.get("premise") is not None:
        return inner.get("premise") is not None and set(inner["premise"]) <= set(outer["premise"])
    return True


def may_run(user, slug, dims=None):
    report = REPORTS.get(slug)
    dims = dimensions_for(user) if dims is None else dims
    return bool(user.is_active and report is not None and "agency" in dims and report in available(user, dims))


def may_receive(user, slug, owner, query=None):
    """A recipient of the owner's report must be able to run it themselves over at least what it
    covers: the owner's scope, narrowed to one premise when the schedule filters one."""
    if not (user.is_active and owner.is_active):
        return False
    dims = dimensions_for(user)
    covered = dict(dimensions_for(owner))
    premise = (query or {}).get("premise")
    if covered and premise and covered.get("officer") is None:
        covered["premise"] = [int(premise)]
    # A report with the customers' contact details (those the owner may see) goes only to
    # recipients the privacy rule lets see them too.
    if slug in CONTACT_REPORTS and may_see_contacts(owner) and not may_see_contacts(user):
        return False
    return may_run(user, slug, dims) and _covers(dims, covered)


def may_download(user, record):
    """The owner, while their role still runs the report (a shared link checks may_receive)."""
    return record.owner_id == user.pk and may_run(user, record.report)
