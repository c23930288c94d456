import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_portal_cache():
    """Live figures and results are cached: each test starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()
