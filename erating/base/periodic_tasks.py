"""Periodic tasks of the base app, found by `manage.py run_periodic` (erating.base.periodic)."""
from .followup import tasks as followup_tasks  # noqa: F401 - registers the follow-up jobs
