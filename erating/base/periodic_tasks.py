"""Periodic tasks of the base app, found by `manage.py run_periodic` (erating.base.periodic)."""
from .followup import tasks as followup_tasks  # noqa: F401 - registers the follow-up jobs
from .periodic import every


@every(3600, "reports.schedules")
def send_scheduled_reports():
    from .reports.schedules import run_due

    run_due()


@every(3600, "reports.purge_expired")
def purge_expired_reports():
    from .reports.jobs import purge_expired

    purge_expired()
