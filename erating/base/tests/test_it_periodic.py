"""The periodic scheduler: slots per interval on a held clock, one enqueue per slot across
schedulers, the management command, and a slot run by the database worker."""
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.tasks import task

from erating.base import periodic
from erating.base.models import PeriodicRun

pytestmark = pytest.mark.django_db
CALLS = []
T0 = datetime(2026, 3, 2, 4, 0, 5, tzinfo=UTC)  # five seconds into a minute (and an hour)


@task
def tick():
    CALLS.append("tick")
    return len(CALLS)


@task
def hourly():
    CALLS.append("hourly")


def plain():
    return "plain"


@pytest.fixture(autouse=True)
def registered(monkeypatch):
    """Only this module's tasks registered, and CALLS empty; the registry restored afterwards.
    The apps' own periodic tasks (discovered by run_periodic) are kept out."""
    monkeypatch.setattr(periodic, "autodiscover", lambda: None)
    saved = dict(periodic.registry)
    periodic.registry.clear()
    CALLS.clear()
    periodic.every(60, "test.tick")(tick)
    periodic.every(3600, "test.hourly")(hourly)
    yield
    periodic.registry.clear()
    periodic.registry.update(saved)


def test_it_enqueues_each_task_once_per_interval():
    assert {p.name for p in periodic.due(T0)} == {"test.tick", "test.hourly"}
    assert sorted(periodic.run_due(T0)) == ["test.hourly", "test.tick"]
    assert sorted(CALLS) == ["hourly", "tick"]  # the immediate backend ran them
    # later in the same minute: nothing is due
    assert periodic.due(T0 + timedelta(seconds=50)) == [] and periodic.run_due(T0 + timedelta(seconds=54)) == []
    # the next minute: the minutely task again, the hourly one not
    assert periodic.run_due(T0 + timedelta(seconds=55)) == ["test.tick"]
    assert periodic.run_due(T0 + timedelta(minutes=10)) == ["test.tick"]
    assert sorted(CALLS) == ["hourly", "tick", "tick", "tick"]
    # next hour: both; the rows record one slot per run
    assert sorted(periodic.run_due(T0 + timedelta(hours=1))) == ["test.hourly", "test.tick"]
    assert PeriodicRun.objects.filter(name="test.tick").count() == 4
    assert PeriodicRun.objects.filter(name="test.hourly").count() == 2


def test_it_never_enqueues_a_slot_twice_across_schedulers(monkeypatch):
    assert sorted(periodic.run_due(T0)) == ["test.hourly", "test.tick"]
    # a second server ticking in the same minute finds the slots taken
    assert periodic.run_due(T0 + timedelta(seconds=1)) == []
    # a second server that saw them due just before the first one enqueued: its insert fails
    stale = list(periodic.registry.values())
    monkeypatch.setattr(periodic, "due", lambda now: stale)
    assert periodic.run_due(T0 + timedelta(seconds=2)) == []
    assert sorted(CALLS) == ["hourly", "tick"]


def test_it_does_not_record_a_slot_whose_enqueue_failed(queued_tasks, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("backend down")

    monkeypatch.setattr(type(tick), "enqueue", broken)
    assert periodic.run_due(T0) == []
    assert not PeriodicRun.objects.exists() and queued_tasks == []
    monkeypatch.undo()
    assert sorted(periodic.run_due(T0)) == ["test.hourly", "test.tick"]


def test_it_forgets_old_slots_but_keeps_the_current_one():
    periodic.run_due(T0)
    periodic.run_due(T0 + periodic.RETENTION + timedelta(days=1))
    tick_slots = list(PeriodicRun.objects.filter(name="test.tick").values_list("slot", flat=True))
    assert tick_slots == [periodic.registry["test.tick"].slot(T0 + periodic.RETENTION + timedelta(days=1))]


def test_it_refuses_a_bad_interval_and_a_second_task_under_one_name():
    with pytest.raises(ValueError):
        periodic.every(0, "test.never")(tick)
    with pytest.raises(ValueError):
        periodic.every(60, "test.tick")(hourly)


def test_it_wraps_a_plain_function_in_a_task():
    wrapped = periodic.every(60, "test.plain")(plain)
    assert periodic.registry["test.plain"].task is wrapped and wrapped.func is plain


def test_it_runs_once_from_the_command(capsys, queued_tasks):
    # The command discovers the project's own periodic tasks too (periodic_tasks modules): count
    # this module's only.
    def ours():
        return sorted(r.task.name for r in queued_tasks if r.task.module_path.startswith(__name__))

    call_command("run_periodic", "--once")
    assert ours() == ["hourly", "tick"]
    assert "Enqueued test.tick" in capsys.readouterr().out
    call_command("run_periodic", "--once")
    assert ours() == ["hourly", "tick"]


@pytest.mark.django_db(transaction=True)  # the worker closes the connection it used
def test_it_hands_a_slot_to_the_database_worker(task_backend):
    from django_tasks_db.models import DBTaskResult

    task_backend("django_tasks_db.DatabaseBackend")
    assert sorted(periodic.run_due(T0)) == ["test.hourly", "test.tick"]
    assert CALLS == [] and DBTaskResult.objects.count() == 2
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert sorted(CALLS) == ["hourly", "tick"]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
