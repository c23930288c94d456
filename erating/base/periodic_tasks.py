"""Periodic tasks of the base app, found by `manage.py run_periodic` (erating.base.periodic)."""
from erating.base.followup import tasks as followup_tasks  # noqa: F401 - registers the follow-up jobs
from erating.base.periodic import every


@every(3600, "reports.schedules")
def send_scheduled_reports():
    from erating.base.reports.schedules import run_due

    run_due()


@every(3600, "reports.purge_expired")
def purge_expired_reports():
    from erating.base.reports.jobs import purge_expired

    purge_expired()
