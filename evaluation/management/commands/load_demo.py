import datetime
import json
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import BaseCommand, CommandParser, call_command
from django.db import transaction
from django.utils import timezone

from evaluation.follow_ups import follow_up_points_set, follow_ups_open
from evaluation.models import (
    CommitteeEvaluation,
    Cycle,
    Direction,
    FollowUp,
    FollowUpStatus,
    Indicator,
    IndicatorValue,
    MemberEvaluation,
    Phase,
    Project,
    ProjectReport,
    ReportStatus,
    SelfEvaluation,
)
from evaluation.sheet.locked import freeze, unfreeze
from people.models import Participant, Seat, committee_users
from policies.fiscal_years import wareki_short
from policies.models import Measure, RatingLevel

# Every demo account shares this password; the fixture stores only its hash.
DEMO_PASSWORD = "musashino-demo-2021"
DEMO_FIXTURES = ["demo_users", "demo_people", "demo_evaluation", "demo_reminders"]
DEMO_PLAN = "revised-2017"
FIXTURE_YEAR = 2020  # the published year the fixture holds; earlier years are made from it
EARLIER_YEARS = (2017, 2018, 2019)
DEMO_SECRETARIAT = "jimukyoku"  # the 事務局 who splits the earlier years' opinions into points
# The 指摘事項 of every earlier year's demo opinion (①②), answered the next year.
OPINION_POINTS = (
    "講座の参加者を市民活動につなげる仕組みを作ること。",
    "若い世代への周知を工夫すること。",
)
# Each member's rating against the committee's, in steps of the scale (rotated per 施策).
MEMBER_STEPS = (0, 1, 0, -1, 0, 0, -1, 1)
# The demo members' previous 任期: the committee that evaluated FY2017.
EARLIER_TERM = (datetime.date(2018, 4, 1), datetime.date(2019, 3, 31))

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
            # Made once: --reset restores the fixture's records; the years made from them are
            # published, so locked, and stay as they were made.
            made = Cycle.objects.filter(plan__code=DEMO_PLAN, fiscal_year__in=EARLIER_YEARS)
            if not made.exists():
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


@dataclass
class FixtureYear:
    """The fixture's FY2020 records the earlier years are made from."""

    cycle: Cycle
    scale: list[RatingLevel]
    reports: list[ProjectReport]
    selves: list[SelfEvaluation]
    committee: list[CommitteeEvaluation]


def _fixture_year() -> FixtureYear:
    source = Cycle.objects.select_related("plan").get(
        plan__code=DEMO_PLAN, fiscal_year=FIXTURE_YEAR
    )
    return FixtureYear(
        cycle=source,
        scale=list(RatingLevel.objects.filter(scale_id=source.scale_id)),
        reports=list(ProjectReport.objects.filter(cycle=source).select_related("project")),
        selves=list(SelfEvaluation.objects.filter(cycle=source).select_related("rating")),
        committee=list(
            CommitteeEvaluation.objects.filter(cycle=source)
            .confirmed()
            .select_related("rating", "confirmed_by")
        ),
    )


@transaction.atomic
def earlier_years() -> None:
    """FY2017–2019 of the demo plan as published years, made from the fixture's FY2020 (same
    事業, 実施主体 and 施策, ratings a step lower the further back), every text marked 【デモ】,
    so that a newcomer's trend charts have a line to draw: with each member's 委員評価, the
    committee that served then (``earlier_seats``) and the 回答報告書 of each year
    (``follow_up_answers``)."""
    source = _fixture_year()
    earlier_seats()
    for year in EARLIER_YEARS:
        cycle = Cycle.objects.create(
            plan=source.cycle.plan,
            fiscal_year=year,
            phase=Phase.PUBLISHED,
            entry_due=datetime.date(year + 1, 5, 31),
            committee_due=datetime.date(year + 1, 7, 31),
            confirm_due=datetime.date(year + 1, 8, 31),
            publish_due=datetime.date(year + 1, 9, 30),
        )
        _earlier_reports(source, cycle)
        _earlier_evaluations(source, cycle)
        member_evaluations(cycle, source.scale)
    follow_up_answers()


def _earlier_reports(source: FixtureYear, cycle: Cycle) -> None:
    """The 実施状況 of the 事業 that had begun by the year: fewer times and participants the
    further back."""
    year = cycle.fiscal_year
    back = FIXTURE_YEAR - year
    ProjectReport.objects.bulk_create(
        ProjectReport(
            cycle=cycle,
            project=r.project,
            goal=r.goal,
            status=ReportStatus.DONE,
            activities=f"【デモ】{wareki_short(year)}: 講座・イベントを開催し、参加者に市民活動団体を紹介した。",
            times=max((r.times or 1) - back, 1),
            participants=round((r.participants or 10) * (1 - 0.1 * back)),
            issues=r.issues,
            direction=Direction.CONTINUE,
        )
        for r in source.reports
        if r.project.first_year <= year
    )


def _earlier_evaluations(source: FixtureYear, cycle: Cycle) -> None:
    """The 自己評価 and the confirmed 委員会評価, a step lower the further back; each opinion
    has two points (指摘事項) the next year's 回答報告書 answers."""
    year = cycle.fiscal_year
    back = FIXTURE_YEAR - year
    label = wareki_short(year)
    SelfEvaluation.objects.bulk_create(
        SelfEvaluation(
            cycle=cycle,
            measure_id=e.measure_id,
            body_id=e.body_id,
            rating=_rating_before(e.rating, source.scale, back),
            reason=f"【デモ】{label}: 計画した事業を順に実施した。",
            issues="【デモ】参加者の固定化。",
        )
        for e in source.selves
    )
    CommitteeEvaluation.objects.bulk_create(
        CommitteeEvaluation(
            cycle=cycle,
            measure_id=e.measure_id,
            rating=_rating_before(e.rating, source.scale, back),
            opinion=f"【デモ】{label}の評価: 事業は進んでいるが、参加を広げる工夫が要る。"
            f"①{OPINION_POINTS[0]}②{OPINION_POINTS[1]}",
            confirmed_by=e.confirmed_by,
            confirmed_at=timezone.make_aware(datetime.datetime(year + 1, 8, 20, 10)),
        )
        for e in source.committee
    )


def earlier_seats() -> None:
    """The committee that evaluated FY2017 (its 委員会評価 was in 2018): the demo members'
    previous 任期, 2018-04-01 to 2019-03-31, with the same 区分 and 役職 (the fixture's seats
    begin on 2019-04-01). Each seat is copied whole, so the copy has every field it has."""
    for seat in Seat.objects.filter(starts_on=EARLIER_TERM[1] + datetime.timedelta(days=1)):
        seat.pk = None
        seat.starts_on, seat.ends_on = EARLIER_TERM
        seat.save()


def member_evaluations(cycle: Cycle, scale: list[RatingLevel]) -> None:
    """Every serving member's 委員評価 of every 施策 the committee rated: around the confirmed
    rating (half of them on it, the others a step either side), so the committee's rating is
    the members' most frequent one; 評価不能 and opinions without a rating stay as they are."""
    rated = sorted((lv for lv in scale if lv.points is not None), key=lambda lv: lv.points or 0)
    members = list(committee_users(cycle.plan_id, *cycle.committee_period()).order_by("username"))
    evaluations = []
    for i, committee in enumerate(cycle.committee_evaluations.select_related("rating")):
        for k, member in enumerate(members):
            rating = committee.rating
            if rating is not None and rating in rated:
                step = MEMBER_STEPS[(i + k) % len(MEMBER_STEPS)]
                rating = rated[min(max(rated.index(rating) + step, 0), len(rated) - 1)]
            opinion = (
                ""
                if k % 3
                else f"【デモ】{wareki_short(cycle.fiscal_year)}: 参加の広がりに注目したい。"
            )
            evaluations.append(
                MemberEvaluation(
                    cycle=cycle,
                    measure_id=committee.measure_id,
                    member=member,
                    rating=rating,
                    opinion=opinion if rating is not None else opinion or "【デモ】意見のみ。",
                )
            )
    MemberEvaluation.objects.bulk_create(evaluations)


def _departments() -> dict[int, str]:
    """Each 実施主体's 担当課 in the demo: the 課 most of its 事業 belong to."""
    counts = Counter(
        Project.objects.filter(plan__code=DEMO_PLAN).values_list("body_id", "department")
    )
    departments: dict[int, str] = {}
    for (body_id, department), _count in counts.most_common():
        departments.setdefault(body_id, department)
    return departments


def follow_up_answers() -> None:
    """The 回答報告書 of FY2017–2020: each year opens its items as the phase move would
    (one per 実施主体 concerned by last year's opinions, items not 対応済 carried forward),
    the 事務局 splits each demo opinion into its two points, and every item is answered.
    Every FY2020 item ends 対応済, so FY2021 opens with FY2020's opinions only."""
    secretariat = User.objects.get(username=DEMO_SECRETARIAT)
    departments = _departments()
    for year in (*EARLIER_YEARS, FIXTURE_YEAR):
        cycle = Cycle.objects.get(plan__code=DEMO_PLAN, fiscal_year=year)
        follow_ups_open(cycle=cycle, user=secretariat)
        points = [f"【デモ】{point}" for point in OPINION_POINTS]
        split: dict[int | None, FollowUp] = {}
        for item in FollowUp.objects.filter(
            cycle=cycle,
            carried_from__isnull=True,
            point_number=1,
            opinion__opinion__contains=OPINION_POINTS[0],
        ).order_by("measure_id", "body__order"):
            split.setdefault(item.opinion_id, item)
        for item in split.values():
            follow_up_points_set(item=item, points=points, user=secretariat)
        _answer(cycle, departments)


def _answer(cycle: Cycle, departments: dict[int, str]) -> None:
    """Every item of the year answered: most 対応済, every fourth 対応中 (carried forward and
    closed the next year), one 対応困難 in FY2019; all of FY2020's 対応済."""
    label = wareki_short(cycle.fiscal_year)
    items = list(FollowUp.objects.filter(cycle=cycle).order_by("pk"))
    for n, item in enumerate(items):
        item.department = item.department or departments.get(item.body_id, "")
        item.timing = f"{label}中"
        item.status = FollowUpStatus.DONE
        if item.carried_from_id:
            item.action = f"【デモ】{label}: 前年度から続けた取組みを終えた。"
            continue
        item.policy = "【デモ】講座の修了者と市民活動団体が出会う場を設ける。"
        item.action = f"【デモ】{label}に、講座の修了者と団体の交流会を開いた。"
        if cycle.fiscal_year == FIXTURE_YEAR:
            continue
        if n % 4 == 3:
            item.status = FollowUpStatus.IN_PROGRESS
        elif n == 1 and cycle.fiscal_year == EARLIER_YEARS[-1]:
            item.status = FollowUpStatus.DIFFICULT
            item.difficulty_reason = "【デモ】会場の確保が難しく、今年度は開けなかった。"
    FollowUp.objects.bulk_update(
        items, ["department", "policy", "action", "timing", "status", "difficulty_reason"]
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
