from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from people.two_factor.services import two_factor_reset


class Command(BaseCommand):
    help = (
        "二段階認証を初期化します（スマートフォンをなくした管理者など）。"
        "次のログインで認証アプリを設定し直します。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="ログインのユーザー名")

    def handle(self, *args: object, username: str, **options: object) -> None:
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"ユーザー {username} は登録されていません。") from None
        try:
            two_factor_reset(actor=None, user=user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"{username} の二段階認証を初期化しました。")
