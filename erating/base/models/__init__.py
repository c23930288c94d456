"""The domain model. Tenant tables all carry `agency` so data can be partitioned by agency."""
from .analysis import (
    HeatMonth,
    PendingRating,
    PremiseDay,
    PremiseMonth,
    RatingDay,
    RatingHour,
    RatingMonth,
    RatingReasonDay,
    ReasonMonth,
)
from .audit import AuditEntry
from .devices import Device, PairingCode
from .followup import Alert, AlertComment, AlertRule, Case, CaseEvent
from .onboarding import AgencyApplication
from .periodic import PeriodicRun
from .portal import Download, FaqEntry, GalleryItem, NewsArticle, PortalText
from .ratings import Rating
from .reports import ApiToken, ReportFile, ReportSchedule, ReportSettings
from .settings import FollowUpReason, ScoreCaption
from .targets import OfficerCounter, Target
from .tenancy import Agency, Ministry, Premise
from .themes import AgencyThemePhrases, RatingTheme, Theme, ThemeDay, ThemeMonth, ThemeRebuild
from .users import User

__all__ = [
    "Agency", "AgencyApplication", "AgencyThemePhrases", "RatingTheme", "Theme", "ThemeDay", "ThemeMonth", "ThemeRebuild", "Alert", "AlertComment", "AlertRule", "ApiToken", "AuditEntry", "Case", "CaseEvent",
    "Device", "Download", "FaqEntry", "FollowUpReason", "GalleryItem", "HeatMonth", "Ministry", "NewsArticle",
    "OfficerCounter", "PairingCode", "PendingRating", "PeriodicRun", "PortalText", "Premise", "PremiseDay",
    "PremiseMonth", "Rating", "RatingDay", "RatingHour", "RatingMonth", "RatingReasonDay", "ReasonMonth", "ReportFile", "ReportSchedule", "ReportSettings",
    "ScoreCaption", "Target", "User",
]
