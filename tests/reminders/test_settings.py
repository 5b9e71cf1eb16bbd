"""E-mail settings come from the environment (plan/env.py) and refuse what cannot work."""

from tests.plan.test_settings import manage

SHOW = (
    "shell",
    "--no-imports",
    "-c",
    "from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.SITE_URL)",
)


def test_without_a_host_mail_is_written_to_files():
    result = manage(*SHOW, env={"DATABASE_URL": "sqlite:///:memory:"})
    assert result.stdout.split()[0] == "django.core.mail.backends.filebased.EmailBackend"


def test_a_host_in_the_environment_sends_by_smtp():
    env = {
        "DATABASE_URL": "sqlite:///:memory:",
        "EMAIL_HOST": "smtp.city.example",
        "EMAIL_PORT": "465",
        "EMAIL_USE_TLS": "1",
        "SITE_URL": "https://plan.example.jp/",
    }
    assert manage(*SHOW, env=env).stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.city.example",
        "465",
        "True",
        "https://plan.example.jp",
    ]


def test_tls_and_ssl_together_are_refused():
    env = {"EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1", "DATABASE_URL": "sqlite:///:memory:"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "EMAIL_USE_TLS と EMAIL_USE_SSL" in result.stderr


def test_a_site_url_without_a_scheme_is_refused():
    result = manage(
        "check", env={"SITE_URL": "plan.example.jp", "DATABASE_URL": "sqlite:///:memory:"}
    )
    assert result.returncode != 0
    assert "SITE_URL は http:// か https:// で始めてください" in result.stderr
