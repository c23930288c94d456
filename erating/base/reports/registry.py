"""Every report by slug: its title, who may run it, and the function that yields its sections."""
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from erating.base.models import User
from erating.base.reports import activity, aggregate, detail, summary

ALL = (User.SYSTEM_ADMIN, User.AGENCY_ADMIN, User.SUPERVISOR, User.OFFICER)
ANALYSTS = (User.SYSTEM_ADMIN, User.AGENCY_ADMIN, User.SUPERVISOR)
MANAGERS = (User.SYSTEM_ADMIN, User.AGENCY_ADMIN)


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    build: Callable
    roles: tuple = ANALYSTS
    row_level: bool = False  # one row per rating or entry: may be large, runs in the background
    wide: bool = False  # landscape PDF
    multi: bool = False  # several sections: CSV puts each title above its table
    uses_year: bool = False
    uses_levels: bool = False
    sysadmin_only: bool = False
    about_ratings: bool = True  # figures of ratings: the disclosure rule applies (not the user log)


REPORTS = {r.slug: r for r in [
    Report("detailed", _("Detailed ratings (Laporan Terperinci)"), detail.detailed, ALL, row_level=True, wide=True),
    Report("by-agency", _("By agency and premise (Mengikut Agensi)"), aggregate.by_unit, ANALYSTS, wide=True),
    Report("by-month", _("By month (Mengikut Bulan)"), aggregate.by_month, ANALYSTS, wide=True, uses_year=True),
    Report("followup", _("Complaint feedback (Maklum Balas Aduan)"), activity.followup, ANALYSTS, wide=True,
           multi=True),
    Report("user-log", _("User activity (Log Pengguna)"), activity.user_log, MANAGERS, row_level=True, wide=True,
           multi=True, about_ratings=False),
    Report("low", _("Less than satisfactory and unsatisfactory (Kurang & Tidak Memuaskan)"), detail.low, ANALYSTS,
           row_level=True, wide=True, uses_levels=True),
    Report("summary", _("Summary for managers"), summary.summary, ANALYSTS, multi=True),
    Report("officers", _("By officer"), aggregate.by_officer, ALL, wide=True),
    Report("charter", _("Client charter (Piagam Pelanggan)"), summary.charter, ANALYSTS, wide=True, multi=True),
    Report("cross-agency", _("Across agencies"), aggregate.cross_agency, (User.SYSTEM_ADMIN,), wide=True, multi=True,
           sysadmin_only=True),
]}


def available(user, dims):
    """The reports this user may run; cross-agency only for a system administrator not viewing one agency."""
    return [r for r in REPORTS.values() if user.role in r.roles
            and not (r.sysadmin_only and dims.get("agency") is not None)]
