import json

from django.conf import settings
from django.core.management import BaseCommand, call_command

# Every demo account shares this password; the fixture stores only its hash.
DEMO_PASSWORD = "musashino-demo-2021"
DEMO_FIXTURES = ["demo_users"]


class Command(BaseCommand):
    help = "デモ用のユーザー（とデモデータ）を読み込み、ログイン情報を表示します。本番環境では使いません。"

    def handle(self, *args, **options) -> None:
        call_command("loaddata", *DEMO_FIXTURES, verbosity=options["verbosity"])
        users = json.loads((settings.BASE_DIR / "fixtures" / "demo_users.json").read_text("utf-8"))
        self.stdout.write("")
        self.stdout.write("デモ用ユーザー（パスワードはすべて共通）:")
        self.stdout.write(f"  パスワード: {DEMO_PASSWORD}")
        for user in users:
            fields = user["fields"]
            self.stdout.write(f"  {fields['username']:<14} {fields['last_name']}")
