from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from ops.backup import BackupError, backup, file_suffix, prune


class Command(BaseCommand):
    help = (
        "データベース全体（履歴・ユーザー・セッションを含む）をファイルに保存します。"
        "PostgreSQL は pg_dump -Fc、SQLite は SQLite のバックアップ機能を使います。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output",
            help="保存先（既定: BACKUP_DIR（var/backups）の plan-<日時>.dump または .sqlite3）",
        )
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--keep",
            type=int,
            help="保存したあと、BACKUP_DIR の plan-<日時>.* を新しいほうからこの数だけ残して削除する",
        )

    def handle(self, *args, output: str | None, database: str, keep: int | None, **options) -> None:
        if keep is not None and (output or keep < 1):
            raise CommandError(
                "--keep は 1 以上の数で、--output を付けないとき（BACKUP_DIR に保存するとき）に使えます。"
            )
        if output:
            path = Path(output)
        else:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            path = settings.BACKUP_DIR / f"plan-{stamp}{file_suffix(database)}"
        try:
            backup(path, using=database)
        except BackupError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"バックアップしました: {path} ({path.stat().st_size:,} バイト)")
        if keep is not None:
            for old in prune(settings.BACKUP_DIR, keep):
                self.stdout.write(f"古いバックアップを削除しました: {old}")
