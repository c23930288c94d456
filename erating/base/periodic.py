"""A small periodic scheduler on top of Django's tasks framework.

Register a task to run every N seconds:

    # erating/<app>/periodic_tasks.py
    from django.tasks import task
    from erating.base.periodic import every

    @every(3600, "followup.remind_overdue")
    @task
    def remind_overdue():
        ...

`every` also accepts a plain function and makes it a task. The task is enqueued without
arguments; it reads the time itself (timezone.now()).

Discovery: `manage.py run_periodic` imports the module `periodic_tasks` of every installed app
(`autodiscover()`), so an app's periodic tasks live in `<app>/periodic_tasks.py`.

Slots: time is cut into intervals of `seconds` counted from the Unix epoch (UTC), so a daily
task's slot starts at 00:00 UTC (08:00 in Malaysia). A task is due when its current slot has
not been enqueued yet; the first tick after a slot starts enqueues it, a scheduler that was
stopped for a while enqueues each task once when it comes back (missed slots are not replayed).

Several schedulers (one per app server, for availability) are safe: enqueuing a slot inserts a
unique (name, slot) row in `PeriodicRun` in the same transaction as the enqueue, and a second
scheduler's insert of the same slot fails and enqueues nothing. With the database task backend
the task row is written in that transaction too, so a slot is either recorded and enqueued or
neither. Clocks of the servers need only agree to well within RETENTION."""
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.tasks import Task, task
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)

# Rows of past slots older than this are deleted; a scheduler whose clock lags by more than this
# could enqueue a slot again.
RETENTION = timedelta(days=7)


@dataclass(frozen=True)
class Periodic:
    name: str
    seconds: int
    task: Task

    def slot(self, now):
        return int(now.timestamp()) // self.seconds


registry: dict[str, Periodic] = {}


def every(seconds: int, name: str):
    """Decorator: run the task every `seconds` under the scheduler name `name` (unique)."""
    if int(seconds) < 1:
        raise ValueError("A periodic task needs an interval of at least one second.")

    def register(func):
        the_task = func if isinstance(func, Task) else task(func)
        known = registry.get(name)
        if known is not None and known.task.module_path != the_task.module_path:
            raise ValueError(f"Two periodic tasks are named {name!r}.")
        registry[name] = Periodic(name, int(seconds), the_task)
        return the_task

    return register


def autodiscover():
    autodiscover_modules("periodic_tasks")


def due(now) -> list:
    """The registered Periodic entries whose current slot has not been enqueued yet."""
    from erating.base.models import PeriodicRun

    entries = list(registry.values())
    if not entries:
        return []
    slots = {entry.name: entry.slot(now) for entry in entries}
    done = set(PeriodicRun.objects.filter(name__in=slots).values_list("name", "slot"))
    return [entry for entry in entries if (entry.name, slots[entry.name]) not in done]


def run_due(now) -> list:
    """Enqueue every due task once per slot, across all schedulers -> the names enqueued here."""
    from erating.base.models import PeriodicRun

    enqueued = []
    for entry in due(now):
        slot = entry.slot(now)
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(name=entry.name, slot=slot, enqueued_at=now)
                entry.task.enqueue()
        except IntegrityError:
            continue  # another scheduler took this slot first
        except Exception:  # noqa: BLE001 - one broken task must not stop the others
            logger.exception("Could not enqueue periodic task %s", entry.name)
            continue
        enqueued.append(entry.name)
        PeriodicRun.objects.filter(name=entry.name, slot__lt=slot, enqueued_at__lt=now - RETENTION).delete()
    return enqueued
