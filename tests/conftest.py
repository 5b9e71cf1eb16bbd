import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database holds the real plan, loaded once from the fixtures."""
    with django_db_blocker.unblock():
        call_command("load_plan", verbosity=0)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_page_cache():
    """The shared page cache lives in the database and rolls back with each test; each
    worker's copy of its recent entries (``page_cache.recent``) must be forgotten with it.
    (Tests change data without committing, so the generation that would otherwise make
    the old entries unreachable stays the same from one test to the next.)"""
    from evaluation import page_cache

    page_cache.recent.clear()
    yield
    page_cache.recent.clear()
