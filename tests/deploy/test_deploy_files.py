"""The deploy files agree with the settings they depend on. (deploy/check.sh, run by
.ci/run, checks their syntax with systemd-analyze and nginx themselves.)"""

import re
from pathlib import Path

from django.conf import settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def nginx_site() -> str:
    return (DEPLOY / "nginx" / "plan.conf").read_text(encoding="utf-8")


def test_nginx_lets_the_largest_import_reach_the_app_with_room_for_the_form():
    (size,) = re.findall(r"client_max_body_size (\d+)m;", nginx_site())
    largest = max(settings.SHEET_IMPORT_MAX_BYTES, settings.PLAN_IMPORT_MAX_BYTES)
    assert largest < int(size) * 1024 * 1024 <= largest + 2 * 1024 * 1024


def test_nginx_serves_static_files_from_static_root_at_static_url():
    site = nginx_site()
    assert f"location {settings.STATIC_URL} {{" in site  # "/static/"
    # The app is installed in /srv/plan (WorkingDirectory of the units).
    assert f"alias /srv/plan/{settings.STATIC_ROOT.relative_to(settings.BASE_DIR)}/;" in site


def test_nginx_proxies_to_the_address_gunicorn_binds():
    (bind,) = re.findall(
        r"--bind (\S+)", (DEPLOY / "systemd" / "plan-web.service").read_text(encoding="utf-8")
    )
    assert f"server {bind};" in nginx_site()


def test_the_backup_service_writes_where_the_example_environment_points_backup_dir():
    service = (DEPLOY / "systemd" / "plan-backup.service").read_text(encoding="utf-8")
    (state,) = re.findall(r"^StateDirectory=(\S+)$", service, re.M)
    env = (DEPLOY / "plan.env.example").read_text(encoding="utf-8")
    assert f"BACKUP_DIR=/var/lib/{state}\n" in env
    assert "--keep 14" in service
