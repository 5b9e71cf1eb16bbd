import json

from django.conf import settings
from django.core.management import BaseCommand, call_command

from evaluation.follow_ups import follow_ups_open
from evaluation.models import Cycle, Participant, Phase
from evaluation.sheet.locked import freeze, unfreeze

# Every demo account shares this password; the fixture stores only its hash.
DEMO_PASSWORD = "musashino-demo-2021"
DEMO_FIXTURES = ["demo_users", "demo_evaluation", "demo_reminders"]


class Command(BaseCommand):
    help = (
        "デモ用のユーザーと評価データ（【デモ】と表示）を読み込み、ログイン情報を表示します。"
        "読み込み済みなら何もしません（デモで入力した内容を消さないため）。本番環境では使いません。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="読み込み済みでもデモデータを初期状態に戻す"
        )

    def handle(self, *args, reset: bool, **options) -> None:
        users = json.loads((settings.BASE_DIR / "fixtures" / "demo_users.json").read_text("utf-8"))
        usernames = [u["fields"]["username"] for u in users if u["model"] == "auth.user"]
        if reset or not Participant.objects.filter(user__username__in=usernames).exists():
            call_command("loaddata", *DEMO_FIXTURES, verbosity=options["verbosity"])
            # The demo's open years start in 実施状況入力 without a phase move: open their
            # follow-up items of last year's committee opinions as the move would.
            for cycle in Cycle.objects.filter(phase__in=[Phase.ENTRY, Phase.COMMITTEE]):
                follow_ups_open(cycle=cycle, user=None)
            # The demo's published years print their 事業 as loaded, whatever is edited later.
            for cycle in Cycle.objects.locked().select_related("plan"):
                unfreeze(cycle)
                freeze(cycle)
        else:
            self.stdout.write(
                "デモデータは読み込み済みです（初期状態に戻すには load_demo --reset）。"
            )
        roles = {
            p.user.username: str(p)
            for p in Participant.objects.filter(user__username__in=usernames).select_related(
                "user", "body"
            )
        }
        self.stdout.write("")
        self.stdout.write(f"デモ用ユーザー（パスワードはすべて {DEMO_PASSWORD}）:")
        for username in usernames:
            self.stdout.write(f"  {username:<14} {roles.get(username, '')}")
