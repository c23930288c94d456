"""Every report by slug: its title, who may run it, and the function that yields its sections."""
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from erating.base.models import User
from erating.base.reports import activity, aggregate, detail, summary
from erating.base.reports.options import LEVELS, PHRASES, YEAR

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
    options: tuple = ()  # its own options (reports/options.py), parsed and validated once
    sysadmin_only: bool = False
    about_ratings: bool = True  # figures of ratings: the disclosure rule applies (not the user log)
    files: tuple = ("laporan", "report")  # file name stem in BM and in EN

    def file_stem(self, language):
        return self.files[1] if language == "en" else self.files[0]


REPORTS = {r.slug: r for r in [
    Report("detailed", _("Detailed ratings (Laporan Terperinci)"), detail.detailed, ALL, row_level=True, wide=True,
           files=("laporan-terperinci", "detailed-ratings")),
    Report("by-agency", _("By agency and premise (Mengikut Agensi)"), aggregate.by_unit, ANALYSTS, wide=True,
           files=("mengikut-agensi", "by-agency")),
    Report("by-month", _("By month (Mengikut Bulan)"), aggregate.by_month, ANALYSTS, wide=True, options=(YEAR,),
           files=("mengikut-bulan", "by-month")),
    Report("followup", _("Complaint feedback (Maklum Balas Aduan)"), activity.followup, ANALYSTS, wide=True,
           multi=True, files=("maklum-balas-aduan", "complaint-feedback")),
    Report("user-log", _("User activity (Log Pengguna)"), activity.user_log, MANAGERS, row_level=True, wide=True,
           multi=True, about_ratings=False, files=("log-pengguna", "user-activity")),
    Report("low", _("Less than satisfactory and unsatisfactory (Kurang & Tidak Memuaskan)"), detail.low, ANALYSTS,
           row_level=True, wide=True, options=(LEVELS,), files=("kurang-dan-tidak-memuaskan", "low-ratings")),
    Report("summary", _("Summary for managers"), summary.summary, ANALYSTS, multi=True, options=(PHRASES,),
           files=("ringkasan-pengurusan", "summary")),
    Report("officers", _("By officer"), aggregate.by_officer, ALL, wide=True,
           files=("mengikut-pegawai", "by-officer")),
    Report("charter", _("Client charter (Piagam Pelanggan)"), summary.charter, ANALYSTS, wide=True, multi=True,
           files=("piagam-pelanggan", "client-charter")),
    Report("cross-agency", _("Across agencies"), aggregate.cross_agency, (User.SYSTEM_ADMIN,), wide=True, multi=True,
           sysadmin_only=True, files=("merentas-agensi", "across-agencies")),
]}


def available(user, dims):
    """The reports this user may run; cross-agency only for a system administrator not viewing one agency."""
    return [r for r in REPORTS.values() if user.role in r.roles
            and not (r.sysadmin_only and dims.get("agency") is not None)]
