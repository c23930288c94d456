"""The domain model. Tenant tables all carry `agency` so data can be partitioned by agency."""
from .analysis import RatingDay, RatingHour, RatingMonth, RatingReasonDay
from .audit import AuditEntry
from .devices import Device, PairingCode
from .onboarding import AgencyApplication
from .periodic import PeriodicRun
from .ratings import Rating
from .reports import ApiToken, ReportFile, ReportSchedule, ReportSettings
from .settings import FollowUpReason, ScoreCaption
from .targets import OfficerCounter, Target
from .tenancy import Agency, Ministry, Premise
from .users import User

__all__ = [
    "Agency", "AgencyApplication", "ApiToken", "AuditEntry", "Device", "FollowUpReason", "Ministry", "OfficerCounter",
    "PairingCode", "PeriodicRun", "Premise", "Rating", "RatingDay", "RatingHour", "RatingMonth", "RatingReasonDay",
    "ReportFile", "ReportSchedule", "ReportSettings", "ScoreCaption", "Target", "User",
]
