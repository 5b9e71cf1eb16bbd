from pathlib import Path

from django.core.management import BaseCommand, CommandError

from ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "backup_db で保存したファイルから、データベース全体を置き換えて復元します。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="backup_db が作ったファイル")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="確認せずに復元する",
        )

    def handle(self, *args, file: str, database: str, interactive: bool, **options) -> None:
        if interactive:
            answer = input(
                "現在のデータベースの内容はすべて、バックアップの内容に置き換わります。"
                "続けるには yes と入力してください: "
            )
            if answer != "yes":
                raise CommandError("復元を取りやめました。")
        try:
            restore(Path(file), using=database)
        except BackupError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"復元しました: {file}")
