import time

from django.core.management import BaseCommand

from ops.scale_data import ENTRY_PLAN, ENTRY_YEAR, entry_sample, generate


class Command(BaseCommand):
    help = "計画を k 倍にした試験データ（5年度分の全入力つき）を作成します。ベンチマーク用。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--k", type=int, required=True, help="実際の計画の何倍にするか")
        parser.add_argument("--code", help="作成する計画のコード（既定: scale-k<k>）")
        parser.add_argument(
            "--entry-year",
            action="store_true",
            help=f"{ENTRY_PLAN} の {ENTRY_YEAR} 年度を実施状況入力の段階で作り、事業を1件入力する",
        )

    def handle(self, *args, k: int, code: str | None, entry_year: bool, **options) -> None:
        started = time.perf_counter()
        plan = generate(k, code=code)
        self.stdout.write(f"{plan.code}: {time.perf_counter() - started:.1f}s")
        if entry_year:
            report = entry_sample()
            self.stdout.write(f"{report.cycle}: {report.project.name}")
