from django.core.management import BaseCommand, call_command

# Order matters only for readability: loaddata resolves natural keys across files.
PLAN_FIXTURES = [
    "rating_scale",
    "implementing_bodies",
    "plan_basic_2012",
    "plan_revised_2017",
    # Real data too: the committee's mid-term review of the first half (seed section IV).
    "evaluation_basic_2012_midterm",
]


class Command(BaseCommand):
    help = "計画の構造（評価尺度・実施主体・基本計画・改定計画）をフィクスチャから読み込みます。何度実行しても結果は同じです。"

    def handle(self, *args, **options) -> None:
        call_command("loaddata", *PLAN_FIXTURES, verbosity=options["verbosity"])
