from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from ops.backup import BackupError, backup, file_suffix


class Command(BaseCommand):
    help = (
        "データベース全体（履歴・ユーザー・セッションを含む）をファイルに保存します。"
        "PostgreSQL は pg_dump -Fc、SQLite は SQLite のバックアップ機能を使います。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output", help="保存先（既定: var/backups/plan-<日時>.dump または .sqlite3）"
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, output: str | None, database: str, **options) -> None:
        if output:
            path = Path(output)
        else:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            path = settings.BASE_DIR / "var" / "backups" / f"plan-{stamp}{file_suffix(database)}"
        try:
            backup(path, using=database)
        except BackupError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"バックアップしました: {path} ({path.stat().st_size:,} バイト)")
