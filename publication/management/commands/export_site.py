from pathlib import Path

from django.core.management import BaseCommand, CommandError

from evaluation.models import Cycle
from publication.bundle import build_bundle
from publication.models import EditionFile


class Command(BaseCommand):
    help = (
        "公開した年度の公開用ファイル（施策体系・ダッシュボード・各施策・評価表・オープンデータの"
        "静的な HTML 一式）を zip に書き出します。市のホームページにそのまま置けます。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("plan", help="計画のコード（例: revised-2017）")
        parser.add_argument("year", type=int, help="年度（西暦、例: 2020）")
        parser.add_argument("--output", required=True, help="書き出す zip ファイル")

    def handle(self, *args, plan: str, year: int, output: str, **options) -> None:
        cycle = (
            Cycle.objects.select_related("plan").filter(plan__code=plan, fiscal_year=year).first()
        )
        if cycle is None:
            raise CommandError(f"{plan} の {year} 年度の評価サイクルはありません。")
        if not cycle.is_published:
            raise CommandError(
                f"{cycle} は「{cycle.get_phase_display()}」の段階です。公開した年度だけ書き出せます。"
            )
        # The bundle of the edition the public is served, as published; built now only for
        # a year published before editions existed.
        stored = EditionFile.objects.served().filter(edition__cycle=cycle, public=False).first()
        data = bytes(stored.content) if stored else build_bundle(cycle)
        Path(output).write_bytes(data)
        self.stdout.write(f"{output} に書き出しました（{len(data) // 1024} KB）。")
