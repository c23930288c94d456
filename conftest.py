import pytest

from erating.base.testing import PASSWORD, make_world


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def login(client):
    """login(user) → the test client logged in as that user (through the real login form's backend)."""

    def do_login(user):
        assert client.login(request=None, username=user.email, password=PASSWORD)
        return client

    return do_login
