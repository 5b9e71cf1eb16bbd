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
            "「実施状況入力」の期限を過ぎています（未入力 44件）",
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
            "【市民活動促進基本計画】改定計画 令和3（2021）年度 「実施状況入力」の期限を過ぎています（未入力 16件）",
        ),
    ]
    summary, city = messages[0].get_content(), messages[3].get_content()
    # 25 実施状況 and 自己評価 and the 19 委員会意見への対応 the bodies' own mails count too
    # (3-2 and 4-1 have no 事業: the city answers them).
    assert (
        "未入力は合わせて 44件（実施状況 10件、自己評価 15件、委員会意見への対応 19件）です。"
        in summary
    )
    assert "未入力が残っている実施主体: 3（市、武蔵野プレイス、市民社協）" in summary
    # Each body's line counts what its staff's own mail counts (in the subjects).
    assert [line for line in summary.splitlines() if line.startswith("■ ")] == [
        "■ 市: 未入力 16件",
        "■ 武蔵野プレイス: 未入力 14件",
        "■ 市民社協: 未入力 14件",
    ]
    assert city.count("http://127.0.0.1:8000/") == 2  # their own やること, their settings
    assert "http://127.0.0.1:8000/todo/" in city
