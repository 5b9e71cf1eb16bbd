import datetime
import json
from decimal import Decimal

from django.conf import settings
from django.core.management import BaseCommand, CommandParser, call_command
from django.db import transaction
from django.utils import timezone

from evaluation.follow_ups import follow_ups_open
from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    Direction,
    Indicator,
    IndicatorValue,
    Phase,
    ProjectReport,
    ReportStatus,
    SelfEvaluation,
)
from evaluation.sheet.locked import freeze, unfreeze
from people.models import Participant
from policies.fiscal_years import wareki_short
from policies.models import Measure, RatingLevel

# Every demo account shares this password; the fixture stores only its hash.
DEMO_PASSWORD = "musashino-demo-2021"
DEMO_FIXTURES = ["demo_users", "demo_people", "demo_evaluation", "demo_reminders"]
DEMO_PLAN = "revised-2017"
FIXTURE_YEAR = 2020  # the published year the fixture holds; earlier years are made from it
EARLIER_YEARS = (2017, 2018, 2019)

# 参考指標 of the demo: (name, unit, 施策, higher is better, values 2017–2020, target 2021).
REFERENCE_INDICATORS: list[tuple[str, str, list[str], bool, list[float], int]] = [
    ("【デモ】市民活動団体の登録数", "団体", ["2-1", "2-5"], True, [180, 192, 205, 198], 230),
    ("【デモ】ボランティア講座の受講者数", "人", ["1-1"], True, [320, 350, 390, 240], 400),
    (
        "【デモ】市民活動に参加したことがある市民の割合",
        "%",
        ["1-1", "2-4"],
        True,
        [18.5, 19.2, 20.1, 19.0],
        25,
    ),
]


class Command(BaseCommand):
    help = (
        "デモ用のユーザーと評価データ（【デモ】と表示）を読み込み、ログイン情報を表示します。"
        "令和2年度の評価を元に、平成29〜令和元年度も公開済みの年度として作り、参考指標に各年度の値を入れます。"
        "読み込み済みなら何もしません（デモで入力した内容を消さないため）。本番環境では使いません。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="読み込み済みでもデモデータを初期状態に戻す"
        )

    def handle(self, *args: object, reset: bool, **options: object) -> None:
        users = json.loads((settings.BASE_DIR / "fixtures" / "demo_users.json").read_text("utf-8"))
        usernames = [u["fields"]["username"] for u in users if u["model"] == "auth.user"]
        if reset or not Participant.objects.filter(user__username__in=usernames).exists():
            call_command("loaddata", *DEMO_FIXTURES, verbosity=options["verbosity"])
            earlier_years()
            reference_indicators()
            # The demo's open years start in 実施状況入力 without a phase move: open their
            # follow-up items of last year's committee opinions as the move would.
            for cycle in Cycle.objects.filter(phase__in=[Phase.ENTRY, Phase.COMMITTEE]):
                follow_ups_open(cycle=cycle, user=None)
            # The demo's published years print their 事業 as loaded, whatever is edited later.
            for cycle in Cycle.objects.locked().select_related("plan"):
                unfreeze(cycle)
                freeze(cycle)
        else:
            self.stdout.write(
                "デモデータは読み込み済みです（初期状態に戻すには load_demo --reset）。"
            )
        roles = {
            p.user.username: str(p)
            for p in Participant.objects.filter(user__username__in=usernames).select_related(
                "user", "body"
            )
        }
        self.stdout.write("")
        self.stdout.write(f"デモ用ユーザー（パスワードはすべて {DEMO_PASSWORD}）:")
        for username in usernames:
            self.stdout.write(f"  {username:<14} {roles.get(username, '')}")


def _rating_before(
    level: RatingLevel | None, scale: list[RatingLevel], years_before: int
) -> RatingLevel | None:
    """A rating a little lower the further back the year: the plan's life reads as progress
    towards the fixture's year (評価不能 and no rating stay as they are)."""
    if level is None or level.points is None:
        return level
    rated = [lv for lv in scale if lv.points is not None]
    rated.sort(key=lambda lv: lv.points or 0)  # None filtered out above
    index = rated.index(level) - (years_before + 1) // 2
    return rated[max(index, 0)]


@transaction.atomic
def earlier_years() -> None:
    """FY2017–2019 of the demo plan as published years, made from the fixture's FY2020 (same
    事業, 実施主体 and 施策, ratings a step lower the further back), every text marked 【デモ】,
    so that a newcomer's trend charts have a line to draw."""
    source = Cycle.objects.select_related("plan").get(
        plan__code=DEMO_PLAN, fiscal_year=FIXTURE_YEAR
    )
    scale = list(RatingLevel.objects.filter(scale_id=source.scale_id))
    reports = list(ProjectReport.objects.filter(cycle=source).select_related("project"))
    selves = list(SelfEvaluation.objects.filter(cycle=source).select_related("rating"))
    committee = list(
        CommitteeEvaluation.objects.filter(cycle=source)
        .confirmed()
        .select_related("rating", "confirmed_by")
    )
    for year in EARLIER_YEARS:
        back = FIXTURE_YEAR - year
        cycle = Cycle.objects.create(
            plan=source.plan,
            fiscal_year=year,
            phase=Phase.PUBLISHED,
            entry_due=datetime.date(year + 1, 5, 31),
            committee_due=datetime.date(year + 1, 7, 31),
            confirm_due=datetime.date(year + 1, 8, 31),
            publish_due=datetime.date(year + 1, 9, 30),
        )
        label = wareki_short(year)
        ProjectReport.objects.bulk_create(
            ProjectReport(
                cycle=cycle,
                project=r.project,
                goal=r.goal,
                status=ReportStatus.DONE,
                activities=f"【デモ】{label}: 講座・イベントを開催し、参加者に市民活動団体を紹介した。",
                times=max((r.times or 1) - back, 1),
                participants=round((r.participants or 10) * (1 - 0.1 * back)),
                issues=r.issues,
                direction=Direction.CONTINUE,
            )
            for r in reports
            if r.project.first_year <= year
        )
        SelfEvaluation.objects.bulk_create(
            SelfEvaluation(
                cycle=cycle,
                measure_id=e.measure_id,
                body_id=e.body_id,
                rating=_rating_before(e.rating, scale, back),
                reason=f"【デモ】{label}: 計画した事業を順に実施した。",
                issues="【デモ】参加者の固定化。",
            )
            for e in selves
        )
        CommitteeEvaluation.objects.bulk_create(
            CommitteeEvaluation(
                cycle=cycle,
                measure_id=e.measure_id,
                rating=_rating_before(e.rating, scale, back),
                opinion=f"【デモ】{label}の評価: 事業は進んでいるが、参加を広げる工夫が要る。",
                confirmed_by=e.confirmed_by,
                confirmed_at=timezone.make_aware(datetime.datetime(year + 1, 8, 20, 10)),
            )
            for e in committee
        )


@transaction.atomic
def reference_indicators() -> None:
    """The demo's 参考指標, with 実績値 for FY2017–2020 and the target for FY2021."""
    plan = Cycle.objects.get(plan__code=DEMO_PLAN, fiscal_year=FIXTURE_YEAR).plan
    for order, (name, unit, numbers, higher, actuals, target) in enumerate(
        REFERENCE_INDICATORS, start=1
    ):
        indicator = Indicator.objects.create(
            plan=plan,
            name=name,
            unit=unit,
            source="【デモ】市民活動推進課調べ",
            higher_is_better=higher,
            order=order,
        )
        indicator.measures.set(Measure.objects.of_plan(plan).filter(number__in=numbers))
        IndicatorValue.objects.bulk_create(
            [
                *(
                    IndicatorValue(
                        indicator=indicator, fiscal_year=year, actual=Decimal(str(value))
                    )
                    for year, value in zip((*EARLIER_YEARS, FIXTURE_YEAR), actuals, strict=True)
                ),
                IndicatorValue(
                    indicator=indicator, fiscal_year=FIXTURE_YEAR + 1, target=Decimal(target)
                ),
            ]
        )
