import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from plan.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3#x9!vQ2@pL7$wZ4^mN8&bR1*tY6(cH5)jD0-fG_sA+eU=iO~oK",
    "ALLOWED_HOSTS": "plan.example.jp",
    "DATABASE_URL": "sqlite:///:memory:",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "HTTPS"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_production_settings_has_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_env_bool_reads_zero_and_one(monkeypatch):
    monkeypatch.setenv("FLAG", "0")
    assert env_bool("FLAG", True) is False
    monkeypatch.setenv("FLAG", "1")
    assert env_bool("FLAG", False) is True
    monkeypatch.delenv("FLAG")
    assert env_bool("FLAG", True) is True


def test_env_helpers_fail_loudly_on_bad_values(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG", True)
    monkeypatch.setenv("NUMBER", "twelve")
    with pytest.raises(ImproperlyConfigured, match="NUMBER"):
        env_int("NUMBER", 1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example.jp, b.example.jp,")
    assert env_list("HOSTS", []) == ["a.example.jp", "b.example.jp"]


def test_production_settings_send_the_strict_content_security_policy():
    # A 404 needs no tables (the in-memory database is empty); with DEBUG on, django-csp would
    # leave 404s alone, so this also shows the policy is on for production error pages.
    code = (
        "from django.test import Client; "
        "r = Client().get('/no-such-page/', secure=True, HTTP_HOST='plan.example.jp'); "
        "print(r.status_code); print(r['Content-Security-Policy'])"
    )
    result = manage("shell", "-v", "0", "-c", code, env=PRODUCTION_ENV)
    status, policy = result.stdout.strip().splitlines()
    assert status == "404", result.stderr
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
