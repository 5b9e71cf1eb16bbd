"""The demo: after `load_demo`, a run of send_reminders writes its messages under var/mail/
(here a temporary folder) with the file backend, the development default."""

import email
import email.policy

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_a_demo_run_writes_the_expected_messages_to_files(settings, tmp_path):
    call_command("load_demo", verbosity=0)
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.SITE_URL = "http://127.0.0.1:8000"
    call_command("send_reminders", now="2022-06-01T09:00+09:00")  # the day after 5月31日
    call_command("send_reminders", now="2022-06-01T10:00+09:00")  # an hour later: nothing
    (written,) = tmp_path.iterdir()
    raw = written.read_bytes().split(b"\n" + b"-" * 79 + b"\n")
    messages = [
        email.message_from_bytes(part, policy=email.policy.default) for part in raw if part.strip()
    ]
    assert [(str(m["To"]), str(m["Subject"]).strip()) for m in messages] == [
        (
            "jimukyoku@demo.example.jp",
            "【市民活動促進基本計画】改定計画 令和3（2021）年度 入力状況のまとめ: "
            "「実施状況入力」の期限を過ぎています（未入力 25件）",
        ),
        (
            "place-tanto@demo.example.jp",
            "【市民活動促進基本計画】改定計画 令和3（2021）年度 「実施状況入力」の期限を過ぎています（未入力 14件）",
        ),
        (
            "shakyo-tanto@demo.example.jp",
            "【市民活動促進基本計画】改定計画 令和3（2021）年度 「実施状況入力」の期限を過ぎています（未入力 14件）",
        ),
        (
            "shi-tanto@demo.example.jp",
            "【市民活動促進基本計画】改定計画 令和3（2021）年度 「実施状況入力」の期限を過ぎています（未入力 14件）",
        ),
    ]
    city = messages[3].get_content()
    assert "http://127.0.0.1:8000/cycles/revised-2017/2021/projects/demo-city-03/report/" in city
