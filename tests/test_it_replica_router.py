"""The database router (erating/base/dbrouter.py): the dashboard, reports and public results
read from the replica while it is fresh, from the primary when it lags, is down or fails under
a request; writes, folds and a session that just wrote stay on the primary.

The "replica" alias here is a second connection to the test database (test_settings.py); the
lag the router would measure on it is injected."""
import pytest
from django.db import OperationalError, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from erating.base import dbrouter
from erating.base.analysis import figures
from erating.base.models import PendingRating, Rating
from erating.base.testing import add_rating, make_world

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica(settings, monkeypatch):
    """The router switched on, with an injected lag: replica.lag = seconds, or None (down).
    -> the object; .probes counts how often the lag was measured."""
    settings.REPLICA_READS = True
    settings.DATABASE_ROUTERS = ["erating.base.dbrouter.ReplicaRouter"]
    settings.REPLICA_MAX_LAG_SECONDS = 5
    settings.REPLICA_LAG_CACHE_SECONDS = 1
    settings.REPLICA_PIN_SECONDS = 6

    class Injected:
        lag = 0.0
        probes = 0

    def probe(alias=dbrouter.REPLICA_ALIAS):
        Injected.probes += 1
        return Injected.lag

    monkeypatch.setattr(dbrouter, "probe", probe)
    dbrouter.forget_lag()
    yield Injected
    dbrouter.forget_lag()


@pytest.fixture
def tworld():
    world = make_world()
    add_rating(world.home.counter, 5, comment="Bagus")
    return world


def dashboard(client):
    """GET the dashboard -> (response, number of queries the replica connection ran)."""
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get(reverse("control:analysis"), {"period": "7d"})
    assert response.status_code == 200
    return response, len(on_replica.captured_queries)


def test_without_a_replica_the_router_does_nothing(tworld, login):
    response, on_replica = dashboard(login(tworld.home.admin))
    assert on_replica == 0 and "X-Read-From" not in response


def test_dashboard_reads_the_replica_while_it_is_fresh(replica, tworld, login):
    replica.lag = 0.4
    response, on_replica = dashboard(login(tworld.home.admin))
    assert response["X-Read-From"] == "replica" and on_replica > 0
    assert "s behind" not in response.content.decode()  # under a second: no note


@pytest.mark.parametrize("lag", [5.5, 60.0, None], ids=["over-the-bound", "far-behind", "down"])
def test_dashboard_reads_the_primary_when_the_replica_lags_or_is_down(replica, tworld, login, lag):
    replica.lag = lag
    response, on_replica = dashboard(login(tworld.home.admin))
    assert response["X-Read-From"] == "primary" and on_replica == 0


def test_figures_from_a_replica_behind_by_more_than_a_second_say_how_fresh_they_are(replica, tworld, login):
    replica.lag = 3.2
    response, _ = dashboard(login(tworld.home.admin))
    assert response["X-Read-From"] == "replica"
    assert "about 3 s behind" in response.content.decode() or "lebih kurang 3 s" in response.content.decode()


def test_pages_not_listed_read_the_primary(replica, tworld, login):
    client = login(tworld.home.admin)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get(reverse("control:home"))
    assert response["X-Read-From"] == "primary" and not on_replica.captured_queries


def test_a_session_that_wrote_reads_the_primary_until_the_pin_expires(replica, tworld, login):
    client = login(tworld.home.admin)
    response = client.post(reverse("control:analysis"), {})  # any unsafe request pins
    pin = response.cookies[dbrouter.PIN_COOKIE]
    assert int(pin["max-age"]) == 6
    response, on_replica = dashboard(client)
    assert response["X-Read-From"] == "primary" and on_replica == 0
    client.cookies.pop(dbrouter.PIN_COOKIE)  # what the browser does when max-age has passed
    response, on_replica = dashboard(client)
    assert response["X-Read-From"] == "replica" and on_replica > 0


def test_a_request_that_wrote_reads_its_own_writes_from_the_primary(replica, tworld):
    router = dbrouter.ReplicaRouter()
    state = dbrouter.ReadState()
    state.wants_replica = True
    token = dbrouter._state.set(state)
    try:
        assert router.db_for_read(Rating) == "replica"
        assert router.db_for_write(Rating) is None  # Django's default: the primary
        assert router.db_for_read(Rating) is None and state.wrote
    finally:
        dbrouter._state.reset(token)


def test_folding_and_the_folder_queue_stay_on_the_primary(replica, tworld):
    router = dbrouter.ReplicaRouter()
    state = dbrouter.ReadState()
    state.wants_replica = True
    token = dbrouter._state.set(state)
    try:
        assert router.db_for_read(PendingRating) is None
        with transaction.atomic():  # the fold's transaction: its reads must see its own locks and rows
            assert router.db_for_read(Rating) is None
        assert router.db_for_read(Rating) == "replica"
    finally:
        dbrouter._state.reset(token)


def test_a_replica_failing_under_a_request_is_answered_from_the_primary(replica, tworld, login, monkeypatch):
    real = figures.headline
    failures = []

    def headline(c):
        state = dbrouter._state.get()
        if state.used_replica:
            failures.append(1)
            raise OperationalError("server closed the connection unexpectedly")
        return real(c)

    monkeypatch.setattr(figures, "headline", headline)
    response, _ = dashboard(login(tworld.home.admin))
    assert failures == [1] and response["X-Read-From"] == "primary"
    probes = replica.probes
    response, on_replica = dashboard(login(tworld.home.admin))  # marked down until the next measurement
    assert response["X-Read-From"] == "primary" and on_replica == 0 and replica.probes == probes


def test_the_lag_is_measured_at_most_once_per_cache_window(replica, monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(dbrouter.time, "monotonic", lambda: clock[0])
    replica.lag = 0.2
    assert dbrouter.lag() == 0.2 and replica.probes == 1
    replica.lag = 9.0
    clock[0] += 0.9
    assert dbrouter.lag() == 0.2 and replica.probes == 1
    clock[0] += 0.2
    assert dbrouter.lag() == 9.0 and replica.probes == 2


def test_public_results_read_the_replica(replica, tworld, client):
    replica.lag = 0.0
    response = client.get(reverse("portal:results"))
    assert response.status_code == 200 and response["X-Read-From"] in ("replica", "primary")
    from django.core.cache import cache

    cache.clear()  # computed afresh (not from the portal's cache): then it reads the replica
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get(reverse("portal:results"))
    assert response["X-Read-From"] == "replica" and on_replica.captured_queries


def test_the_lag_query_runs_and_a_server_not_in_recovery_is_not_behind():
    if connections["default"].vendor != "postgresql":
        pytest.skip("the lag query is PostgreSQL's (SQLite has no replica)")
    assert dbrouter.probe("default") == 0.0
    with connections["default"].cursor() as cursor:  # the replica's branch is valid SQL too
        cursor.execute("SELECT pg_last_wal_receive_lsn() IS NULL, pg_last_xact_replay_timestamp() IS NULL, "
                       "(SELECT count(*) FROM pg_stat_wal_receiver)")
        assert cursor.fetchone() == (True, True, 0)
