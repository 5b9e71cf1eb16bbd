from django.core.management import BaseCommand, CommandError

from policies.models import Plan
from policies.plan_sheet import plan_rows, template_rows, write_csv, write_xlsx


class Command(BaseCommand):
    help = "読み込み済みの計画の構造を、import_plan と同じ形の Excel（.xlsx）または CSV に書き出します。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "plan", nargs="?", help="計画コード（例: revised-2017）。--template なら不要"
        )
        parser.add_argument(
            "--output", "-o", help="出力先（.xlsx または .csv）。省略すると CSV を標準出力へ"
        )
        parser.add_argument(
            "--template", action="store_true", help="記入例のテンプレートを書き出す"
        )

    def handle(self, *args, **options) -> None:
        if options["template"]:
            rows = template_rows()
        else:
            plan = (
                Plan.objects.select_related("predecessor", "rating_scale")
                .filter(code=options["plan"] or "")
                .first()
            )
            if plan is None:
                codes = "、".join(Plan.objects.values_list("code", flat=True))
                raise CommandError(
                    f"計画コード「{options['plan'] or ''}」の計画はありません（{codes}）。"
                )
            rows = plan_rows(plan)
        output = options["output"]
        if not output:
            self.stdout.ending = ""  # the rows carry their own line ends
            write_csv(rows, self.stdout)
        elif output.lower().endswith(".xlsx"):
            with open(output, "wb") as out:
                write_xlsx(rows, out)
        elif output.lower().endswith(".csv"):
            with open(output, "w", encoding="utf-8", newline="") as out:
                write_csv(rows, out)
        else:
            raise CommandError("出力先の名前は .xlsx か .csv で終えてください。")
