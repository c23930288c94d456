"""The domain model. Tenant tables all carry `agency` so data can be partitioned by agency."""
from erating.base.models.analysis import (
    HeatMonth,
    PendingRating,
    PremiseDay,
    PremiseMonth,
    PremiseReasonDay,
    RatingDay,
    RatingHour,
    RatingMonth,
    RatingReasonDay,
    ReasonMonth,
    TargetHeatMonth,
    TargetHour,
)
from erating.base.models.audit import AuditEntry
from erating.base.models.devices import Device, PairingCode
from erating.base.models.followup import Alert, AlertComment, AlertRule, Case, CaseEvent, WeDidLine
from erating.base.models.onboarding import AgencyApplication
from erating.base.models.periodic import PeriodicRun
from erating.base.models.portal import Download, FaqEntry, GalleryItem, NewsArticle, PolicyPage, PortalText
from erating.base.models.ratings import Rating
from erating.base.models.reports import ApiToken, ReportFile, ReportSchedule, ReportSettings, ScheduleSend
from erating.base.models.settings import FollowUpReason, ScoreCaption
from erating.base.models.targets import OfficerCounter, Target
from erating.base.models.tenancy import Agency, Ministry, Premise
from erating.base.models.themes import (
    AgencyThemePhrases,
    PremiseThemeDay,
    RatingTheme,
    Theme,
    ThemeDay,
    ThemeMonth,
    ThemeRebuild,
)
from erating.base.models.users import User

__all__ = [
    "Agency", "AgencyApplication", "AgencyThemePhrases", "PremiseThemeDay", "RatingTheme", "Theme", "ThemeDay", "ThemeMonth", "ThemeRebuild", "Alert", "AlertComment", "AlertRule", "ApiToken", "AuditEntry", "Case", "CaseEvent", "WeDidLine",
    "Device", "Download", "FaqEntry", "FollowUpReason", "GalleryItem", "HeatMonth", "Ministry", "NewsArticle",
    "OfficerCounter", "PairingCode", "PendingRating", "PeriodicRun", "PolicyPage", "PortalText", "Premise", "PremiseDay",
    "PremiseMonth", "PremiseReasonDay", "Rating", "RatingDay", "RatingHour", "RatingMonth", "RatingReasonDay", "ReasonMonth", "ReportFile", "ReportSchedule", "ReportSettings", "ScheduleSend",
    "ScoreCaption", "Target", "TargetHeatMonth", "TargetHour", "User",
]
