from django.core.management import BaseCommand
from django.db import transaction

from evaluation.models import Cycle
from publication.editions import edition_build, edition_publish


class Command(BaseCommand):
    help = (
        "確定・公開の年度のうち、版がまだない年度（版の仕組みより前に確定した年度、デモの年度）の"
        "第1版を新しい年度から順に作ります。公開の年度はそのまま公開します。版がある年度には何もしません。"
        "make run はサーバーを起動したあとに裏で実行します（版ができるまで、その年度のページはその場で描きます）。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--plan", help="この計画（コード）の年度だけ")
        parser.add_argument("--year", type=int, help="この年度（西暦）だけ")

    def handle(self, *args, plan: str | None, year: int | None, **options) -> None:
        cycles = (
            Cycle.objects.locked()
            .filter(editions__isnull=True)
            .select_related("plan")
            .order_by("-fiscal_year", "plan__code")
        )
        if plan:
            cycles = cycles.filter(plan__code=plan)
        if year:
            cycles = cycles.filter(fiscal_year=year)
        for cycle in cycles:
            # One year at a time, built and published together: another builder (a second
            # `make run`) that got there first is seen here, and a stopped build leaves no
            # draft; the server's own writes wait for one year at most.
            with transaction.atomic():
                if cycle.editions.exists():
                    continue
                edition = edition_build(cycle=cycle, user=None)
                if cycle.is_published:
                    edition_publish(cycle=cycle, user=None)
            self.stdout.write(
                f"{cycle.plan.short_name} {edition}: {edition.files.count()} ファイル"
            )
