from pathlib import Path

from django.core.management import BaseCommand, CommandError

from policies import plan_import
from policies.plan_files import parse_file


class Command(BaseCommand):
    help = (
        "計画の構造（施策体系）を Excel（.xlsx）または CSV から取り込みます。"
        "変更点を表示してから保存します（--dry-run なら保存しません）。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="取り込むファイル（.xlsx または .csv）")
        parser.add_argument(
            "--dry-run", action="store_true", help="変更点を表示するだけで保存しない"
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"ファイル {path} がありません。")
        try:
            structure = parse_file(path.name, path.read_bytes())
            if options["dry_run"]:
                result = plan_import.preview(structure)
            else:
                result = plan_import.apply(structure, user=None)
        except plan_import.ImportRejected as error:
            raise CommandError(
                "取り込めませんでした。何も保存していません。\n" + "\n".join(error.errors)
            ) from None
        for level, changes, same in result.levels:
            for change in changes:
                label = "新規" if change.action == "create" else "変更"
                details = "、".join(
                    f"{name}: {old or '（空）'} → {new}" for name, old, new in change.fields
                )
                self.stdout.write(f"{label} {level} {change.key}: {details}")
            if same:
                self.stdout.write(f"変更なし {level}: {same}件")
        for kept in result.kept:
            self.stdout.write(f"ファイルにないため変更しません: {kept}")
        done = "保存しませんでした（--dry-run）" if options["dry_run"] else "保存しました"
        self.stdout.write(
            f"計画 {result.plan_code}: 新規 {result.count('create')}件、変更 {result.count('change')}件、"
            f"変更なし {result.count('same')}件。{done}。"
        )
