import time

from django.core.management import BaseCommand

from ops.scale_data import generate


class Command(BaseCommand):
    help = "計画を k 倍にした試験データ（5年度分の全入力つき）を作成します。ベンチマーク用。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--k", type=int, required=True, help="実際の計画の何倍にするか")
        parser.add_argument("--code", help="作成する計画のコード（既定: scale-k<k>）")

    def handle(self, *args, k: int, code: str | None, **options) -> None:
        started = time.perf_counter()
        plan = generate(k, code=code)
        self.stdout.write(f"{plan.code}: {time.perf_counter() - started:.1f}s")
