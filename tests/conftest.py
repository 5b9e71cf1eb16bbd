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
def sessions_refreshed_at_login(monkeypatch):
    """Tests pin query counts. The idle-timeout refresh (plan.sessions, at most once a
    minute) would add a session write to whichever request happens to come first; test
    clients are logged in as if just refreshed, so no measured request depends on that."""
    import time

    from django.test import Client

    from plan.sessions import KEY

    force_login = Client.force_login

    def force_login_refreshed(self, user, backend=None):
        force_login(self, user, backend)
        session = self.session
        session[KEY] = int(time.time())
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login_refreshed)
