from django.db import models


class PeriodicRun(models.Model):
    """One enqueued slot of a periodic task (erating/base/periodic.py). The unique (name, slot)
    pair is what lets several schedulers run side by side: only one insert of a slot succeeds."""

    name = models.CharField(max_length=100)
    slot = models.BigIntegerField()
    enqueued_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="periodic_run_unique_slot")]
