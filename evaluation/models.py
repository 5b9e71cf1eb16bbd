"""The 評価表 records: who takes part, the yearly cycle, and what is entered in it.

Every editable record carries a ``version`` for optimistic locking (see ``services.py``)
and a django-simple-history table, so nothing is overwritten silently and every change
keeps who, when and what.
"""

from datetime import date, datetime
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from evaluation.achievement import achievement_rate
from people.models import Participant, Role, Seat, SeatQuerySet
from policies.fiscal_years import wareki, wareki_date
from policies.models import (
    ImplementingBody,
    Initiative,
    Measure,
    Plan,
    RatingLevel,
    RatingScale,
)
from policies.natural_keys import loaded_after
from policies.versioning import Versioned


class Phase(models.TextChoices):
    PREPARATION = "preparation", _("準備")
    ENTRY = "entry", _("実施状況入力")
    COMMITTEE = "committee", _("委員会評価")
    CONFIRMED = "confirmed", _("確定")
    PUBLISHED = "published", _("公開")


PHASES: list[str] = list(Phase.values)
# 確定 and 公開: the year's evaluation is final; nothing in it changes until moved back.
LOCKED_PHASES: tuple[str, ...] = (Phase.CONFIRMED, Phase.PUBLISHED)


class CorrectionState(models.TextChoices):
    """The states of a 訂正 of a published year (``publication.Correction``). Named here,
    beside the phases, because the lock rule of the records reads them
    (``Cycle.correctable_by``) and the records never import publication."""

    OPEN = "open", _("訂正中")
    SUBMITTED = "submitted", _("承認待ち")
    PUBLISHED = "published", _("承認済み・公開")
    WITHDRAWN = "withdrawn", _("取り下げ")


Record = TypeVar("Record", bound=models.Model)


class RecordQuerySet(models.QuerySet[Record]):
    def find(self, **lookups) -> Record | None:
        """The record a unique lookup names, or None. Without any ORDER BY: the models'
        default joins the cycle, the plan and the 施策 to sort one row, and ``first()``'s
        ORDER BY id can make SQLite walk the table in id order instead of using the unique
        index (1.3 ms instead of 0.3 for last year's committee opinion)."""
        return next(iter(self.filter(**lookups).order_by()[:1]), None)


class CycleQuerySet(RecordQuerySet["Cycle"]):
    def published(self) -> "CycleQuerySet":
        return self.filter(phase=Phase.PUBLISHED)

    def locked(self) -> "CycleQuerySet":
        """確定 and 公開 (``LOCKED_PHASES``): asked through ``plan.cycles`` and
        ``scale.cycles`` by the policies app, which sits below this one."""
        return self.filter(phase__in=LOCKED_PHASES)

    def started(self) -> "CycleQuerySet":
        """Past 準備."""
        return self.exclude(phase=Phase.PREPARATION)

    def get_by_natural_key(self, plan_code: str, fiscal_year: int) -> "Cycle":
        return self.get(plan__code=plan_code, fiscal_year=fiscal_year)


class Cycle(Versioned):
    """評価サイクル: one plan's evaluation of one fiscal year, moving through phases."""

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("計画")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    phase = models.CharField(
        _("段階"), max_length=20, choices=Phase.choices, default=Phase.PREPARATION
    )
    entry_due = models.DateField(_("実施状況入力の期限"), null=True, blank=True)
    committee_due = models.DateField(_("委員会評価の期限"), null=True, blank=True)
    confirm_due = models.DateField(_("確定の期限"), null=True, blank=True)
    publish_due = models.DateField(_("公開の予定日"), null=True, blank=True)
    rating_scale = models.ForeignKey(
        RatingScale,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cycles",
        verbose_name=_("評価尺度"),
        help_text=_(
            "この年度の評価に使う尺度。準備の段階で選び、評価が1件でも入力されると変えられません。"
            "空欄なら計画の既定の尺度です。"
        ),
    )

    drafts_released_at = models.DateTimeField(
        _("委員会評価の案を委員に公開した日時"),
        null=True,
        blank=True,
        help_text=_(
            "空欄のあいだ、委員（委員長を除く）は自分の評価を保存した施策の案だけを見られます。"
        ),
    )

    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("評価サイクル")
        verbose_name_plural = _("評価サイクル")
        ordering = ["plan", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "fiscal_year"], name="unique_cycle_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.plan.short_name} {wareki(self.fiscal_year)}"

    @loaded_after("policies.plan")
    def natural_key(self) -> tuple[str, int]:
        return (*self.plan.natural_key(), self.fiscal_year)

    def get_absolute_url(self) -> str:
        return reverse(
            "evaluation:cycle", kwargs={"plan": self.plan.code, "year": self.fiscal_year}
        )

    @property
    def phase_index(self) -> int:
        return PHASES.index(self.phase)

    @property
    def next_phase(self) -> str | None:
        index = self.phase_index
        return PHASES[index + 1] if index + 1 < len(PHASES) else None

    @property
    def previous_phase(self) -> str | None:
        index = self.phase_index
        return PHASES[index - 1] if index > 0 else None

    @property
    def is_published(self) -> bool:
        return self.phase == Phase.PUBLISHED

    @property
    def is_locked(self) -> bool:
        """確定 and 公開: everything is read-only until the secretariat moves the phase back."""
        return self.phase in LOCKED_PHASES

    @cached_property
    def in_correction(self) -> bool:
        """A 訂正 is open on this locked year (``publication.Correction``, read through its
        reverse relation: the records never import publication), read once per instance."""
        return self.is_locked and self.corrections.filter(state=CorrectionState.OPEN).exists()

    def committee_period(self) -> tuple[date, date]:
        """The days of the year's 委員会評価: from the end of staff entry to the committee's
        due date (without due dates, the fiscal year after the one evaluated). The committee
        serving then evaluates the year and is its 委員名簿."""
        start = self.entry_due or date(self.fiscal_year + 1, 4, 1)
        end = self.committee_due or date(self.fiscal_year + 2, 3, 31)
        return start, max(start, end)

    def roster(self) -> "SeatQuerySet":
        """委員名簿 of the year (name, 区分, 役職): the seats serving in its 委員会評価, so an
        earlier year keeps the committee that evaluated it."""
        return Seat.objects.filter(plan_id=self.plan_id).roster(*self.committee_period())

    def correctable_by(self, user) -> bool:
        """The one exception to the lock of a 確定/公開 year's records: while a 訂正 is open
        on the year, the 事務局 corrects them (history kept as for any save); nobody else,
        and nobody through the admin, which asks without a user."""
        if user is None or not user.is_authenticated or not self.in_correction:
            return False
        return Participant.objects.filter(
            user_id=user.pk, role=Role.SECRETARIAT, plans=self.plan_id
        ).exists()

    def lock_reason(self, user=None) -> str:
        """A 確定/公開 year's cycle keeps its year, due dates and scale, whoever writes (the
        cycle edit page, the admin): the published year's pages and files are labelled by
        them. Its phase moves only through ``services.cycle_move``."""
        if self.is_locked:
            return _(
                "%(cycle)sは「%(phase)s」の段階のため、年度・期限・評価尺度は変更できません。"
            ) % {"cycle": self, "phase": self.get_phase_display()}
        return ""

    def previous_for(self, measure: Measure) -> tuple["Cycle", Measure] | None:
        """Last year's cycle and the same 施策 in it, across the revision if need be.

        The revised plan's first year (FY2017) follows the original plan's mid-term review,
        where the same 施策 is its predecessor. A 施策 that merges several of the previous
        plan's shows its first predecessor (``Measure.main_predecessor``).
        """
        previous_year = self.fiscal_year - 1
        same_plan = Cycle.objects.find(plan_id=self.plan_id, fiscal_year=previous_year)
        if same_plan:
            return same_plan, measure
        if self.plan.predecessor_id:
            earlier = Cycle.objects.find(
                plan_id=self.plan.predecessor_id, fiscal_year=previous_year
            )
            predecessor = measure.main_predecessor() if earlier else None
            if earlier is not None and predecessor is not None:
                return earlier, predecessor
        return None

    def clean(self) -> None:
        """The scale is chosen in 準備 and fixed once any rating exists (checked here, so
        every writer — forms, the admin, imports — keeps the rule)."""
        super().clean()
        saved = Cycle.objects.filter(pk=self.pk).select_related("plan").first()
        if saved is None or saved.scale_id == self.scale_id:
            return
        if saved.phase != Phase.PREPARATION:
            raise ValidationError(
                {"rating_scale": _("評価尺度を変えられるのは「準備」の段階だけです。")}
            )
        if saved.has_ratings():
            raise ValidationError(
                {"rating_scale": _("この年度は評価が入力済みのため、評価尺度は変えられません。")}
            )

    @property
    def scale_id(self) -> int:
        """The rating scale of this year: its own, else the plan's default."""
        return self.rating_scale_id or self.plan.rating_scale_id

    def has_ratings(self) -> bool:
        """Any rating entered this year (a 自己評価 always has one): the scale is then fixed."""
        return (
            Cycle.objects.filter(pk=self.pk)
            .filter(
                Q(self_evaluations__isnull=False)
                | Q(member_evaluations__rating__isnull=False)
                | Q(committee_evaluations__rating__isnull=False)
            )
            .exists()
        )

    def due_date(self, phase: str | None = None) -> date | None:
        """The due date of a phase (the current one by default)."""
        dates: dict[str, date | None] = {
            Phase.ENTRY: self.entry_due,
            Phase.COMMITTEE: self.committee_due,
            Phase.CONFIRMED: self.confirm_due,
            Phase.PUBLISHED: self.publish_due,
        }
        return dates.get(phase or self.phase)


class ProjectQuerySet(models.QuerySet["Project"]):
    def of_plan(self, plan: Plan) -> "ProjectQuerySet":
        """The plan's 事業, and those a later plan continued (their years in this plan stay)."""
        return self.filter(Q(plan=plan) | Q(previous_plan=plan))

    def active_in(self, fiscal_year: int) -> "ProjectQuerySet":
        """事業 running in that fiscal year."""
        return self.filter(running_between(fiscal_year))


def running_between(first: int, last: int | None = None, via: str = "") -> Q:
    """The one spelling of "a 事業 runs in a year" (or in any year of ``first``…``last``), as a
    Q object; ``via`` is the path to the 事業 when filtering another model ("projects")."""
    prefix = f"{via}__" if via else ""
    last = first if last is None else last
    return Q(**{f"{prefix}first_year__lte": last}) & (
        Q(**{f"{prefix}last_year__isnull": True}) | Q(**{f"{prefix}last_year__gte": first})
    )


_ProjectManagerBase = models.Manager.from_queryset(ProjectQuerySet)


class ProjectManager(_ProjectManagerBase["Project"]):
    def get_by_natural_key(self, code: str) -> "Project":
        return self.get(code=code)


class Project(Versioned):
    """事業: a project of one 実施主体 that serves one or more 展開 items."""

    code = models.SlugField(
        _("事業コード"),
        max_length=40,
        unique=True,
        help_text=_("評価表の出力・取り込みで事業を特定するコード（例: city-001）。"),
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="projects", verbose_name=_("計画")
    )
    # A 事業 that carries on into the next plan keeps its row (code, history, 実施状況 and
    # 指標 of every year): ``plan`` becomes the new plan, this the one it came from.
    previous_plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="continued_projects",
        verbose_name=_("引き継いだ前の計画"),
    )
    body = models.ForeignKey(
        ImplementingBody,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("実施主体"),
    )
    department = models.CharField(_("担当課"), max_length=100, blank=True)
    name = models.CharField(_("事業名"), max_length=200)
    summary = models.TextField(_("事業概要"), blank=True)
    initiatives = models.ManyToManyField(
        Initiative,
        related_name="projects",
        verbose_name=_("展開"),
        help_text=_("この事業が取り組む展開。再掲の項目は、もとの展開を選びます。"),
    )
    first_year = models.PositiveSmallIntegerField(_("開始年度"))
    last_year = models.PositiveSmallIntegerField(
        _("終了年度"), null=True, blank=True, help_text=_("継続中なら空欄。")
    )

    _history_m2m_fields = ["initiatives"]  # the inherited history records the 展開 too
    objects = ProjectManager()
    # Set by the pages that read a year (``Prefetch(to_attr=...)``): its 実施状況 of the year
    # (施策 page), of this and last year (scoring material), and the two picked out.
    year_reports: list["ProjectReport"]
    scoring_reports: list["ProjectReport"]
    current_report: "ProjectReport | None"
    previous_report: "ProjectReport | None"

    class Meta:
        verbose_name = _("事業")
        verbose_name_plural = _("事業")
        ordering = ["body__order", "code"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    def get_absolute_url(self) -> str:
        return reverse("evaluation:project", kwargs={"code": self.code})

    def serves(self, plan_id: int) -> bool:
        """Whether the 事業 belongs to that plan's years: its plan, or the one it continued."""
        return plan_id in (self.plan_id, self.previous_plan_id)

    def is_active_in(self, fiscal_year: int) -> bool:
        return self.first_year <= fiscal_year and (
            self.last_year is None or fiscal_year <= self.last_year
        )


class ReportStatus(models.TextChoices):
    DONE = "done", _("実施")
    PARTIAL = "partial", _("一部実施")
    NOT_DONE = "not_done", _("未実施")
    ENDED = "ended", _("終了")


class ReviewState(models.TextChoices):
    """Where an entry (or the committee's draft) stands with whoever checks it: sent back
    with a comment (差し戻し), saved again after that (再提出), checked (確認済).
    See ``evaluation.send_back``."""

    SUBMITTED = "submitted", _("提出済")
    SENT_BACK = "sent_back", _("差し戻し")
    RESUBMITTED = "resubmitted", _("再提出")
    CHECKED = "checked", _("確認済")


def review_state_field():
    return models.CharField(
        _("確認の状況"),
        max_length=20,
        choices=ReviewState.choices,
        default=ReviewState.SUBMITTED,
        editable=False,
    )


def review_comment_field():
    return models.TextField(
        _("差し戻しのコメント"), blank=True, editable=False, help_text=_("差し戻した理由。")
    )


class Direction(models.TextChoices):
    """今後の方向性 of a 事業 (set on its yearly 実施状況)."""

    EXPAND = "expand", _("拡充")
    CONTINUE = "continue", _("継続")
    IMPROVE = "improve", _("改善して継続")
    REDUCE = "reduce", _("縮小")
    END = "end", _("終了")
    COMPLETE = "complete", _("完了")


class ProjectReportQuerySet(RecordQuerySet["ProjectReport"]):
    def get_by_natural_key(self, plan_code: str, fiscal_year: int, project_code: str):
        return self.get(
            cycle__plan__code=plan_code, cycle__fiscal_year=fiscal_year, project__code=project_code
        )


class ProjectReport(Versioned):
    """実施状況: what a 事業 did in one fiscal year."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="reports", verbose_name=_("評価サイクル")
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="reports", verbose_name=_("事業")
    )
    status = models.CharField(_("実施状況"), max_length=20, choices=ReportStatus.choices)
    activities = models.TextField(_("実施内容"), help_text=_("この年度に行ったことを書きます。"))
    times = models.PositiveIntegerField(_("回数"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("参加者数"), null=True, blank=True)
    issues = models.TextField(_("課題"), blank=True)
    review_state = review_state_field()
    review_comment = review_comment_field()
    goal = models.TextField(
        _("事業の目標（その年度の計画）"),
        blank=True,
        help_text=_("年度の初めに立てた、この年度の計画・目標。"),
    )
    direction = models.CharField(
        _("今後の方向性"), max_length=20, choices=Direction.choices, blank=True
    )

    objects = ProjectReportQuerySet.as_manager()
    indicator_list: list["ProjectIndicator"]  # its 指標 in order, when prefetched so

    class Meta:
        verbose_name = _("実施状況")
        verbose_name_plural = _("実施状況")
        ordering = ["cycle", "project"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "project"], name="unique_report_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.project} {wareki(self.cycle.fiscal_year)}"

    @loaded_after("evaluation.cycle", "evaluation.project")
    def natural_key(self) -> tuple:
        return (*self.cycle.natural_key(), self.project.code)


class SelfEvaluationQuerySet(RecordQuerySet["SelfEvaluation"]):
    def get_by_natural_key(self, plan_code: str, fiscal_year: int, number: str, body: str):
        return self.get(
            cycle__plan__code=plan_code,
            cycle__fiscal_year=fiscal_year,
            measure__number=number,
            measure__basic_policy__plan__code=plan_code,
            body__code=body,
        )

    def with_response_rule(self) -> "SelfEvaluationQuerySet":
        """Marks whether the year has follow-up items (``SelfEvaluation.shown_response``), in
        the same query."""
        return self.annotate(
            year_has_follow_ups=models.Exists(
                FollowUp.objects.filter(cycle_id=models.OuterRef("cycle_id"))
            )
        )


class SelfEvaluation(Versioned):
    """自己評価: one 実施主体's evaluation of one 施策 in one year."""

    cycle = models.ForeignKey(
        Cycle,
        on_delete=models.PROTECT,
        related_name="self_evaluations",
        verbose_name=_("評価サイクル"),
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="self_evaluations", verbose_name=_("施策")
    )
    body = models.ForeignKey(
        ImplementingBody,
        on_delete=models.PROTECT,
        related_name="self_evaluations",
        verbose_name=_("実施主体"),
    )
    rating = models.ForeignKey(
        RatingLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("評価")
    )
    reason = models.TextField(_("評価の理由"))
    issues = models.TextField(_("課題"), blank=True)
    response_to_committee = models.TextField(
        _("前年度の委員会意見への対応"),
        blank=True,
        help_text=_("前年度の委員会による評価及び意見を受けて、どう対応したか（対応方針）。"),
    )
    review_state = review_state_field()
    review_comment = review_comment_field()

    objects = SelfEvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("自己評価")
        verbose_name_plural = _("自己評価")
        ordering = ["cycle", "measure", "body__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "measure", "body"], name="unique_self_evaluation"
            )
        ]

    @property
    def shown_response(self) -> str:
        """The old free text 「前年度の委員会意見への対応」, shown only for a year without
        follow-up items (回答報告書): once a year has them, the answer is the items' and the
        old text, which could contradict them, is kept for history only. Read through
        ``SelfEvaluationQuerySet.with_response_rule``; unread, nothing is shown."""
        if getattr(self, "year_has_follow_ups", True):
            return ""
        return self.response_to_committee

    def __str__(self) -> str:
        return f"{self.measure.number} {self.body.short_name} {wareki(self.cycle.fiscal_year)}"

    @loaded_after("evaluation.cycle", "policies.measure")
    def natural_key(self) -> tuple:
        return (*self.cycle.natural_key(), self.measure.number, self.body.code)


class MemberEvaluationQuerySet(RecordQuerySet["MemberEvaluation"]):
    def get_by_natural_key(self, plan_code: str, fiscal_year: int, number: str, username: str):
        return self.get(
            cycle__plan__code=plan_code,
            cycle__fiscal_year=fiscal_year,
            measure__number=number,
            measure__basic_policy__plan__code=plan_code,
            member__username=username,
        )


class MemberEvaluation(Versioned):
    """委員評価: one committee member's score and opinion of one 施策 in one year."""

    cycle = models.ForeignKey(
        Cycle,
        on_delete=models.PROTECT,
        related_name="member_evaluations",
        verbose_name=_("評価サイクル"),
    )
    measure = models.ForeignKey(
        Measure,
        on_delete=models.PROTECT,
        related_name="member_evaluations",
        verbose_name=_("施策"),
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="member_evaluations",
        verbose_name=_("委員"),
    )
    rating = models.ForeignKey(
        RatingLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("評価"),
        help_text=_("評価か意見のどちらか一方があれば保存できます。"),
    )
    opinion = models.TextField(
        _("意見"),
        blank=True,
        help_text=_(
            "言いたいことがなければ空欄のままで構いません（「意見なし」として記録します）。"
        ),
    )

    objects = MemberEvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("委員評価")
        verbose_name_plural = _("委員評価")
        ordering = ["cycle", "measure", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "measure", "member"], name="unique_member_evaluation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure.number} {self.member} {wareki(self.cycle.fiscal_year)}"

    @loaded_after("evaluation.cycle", "policies.measure", "auth.user")
    def natural_key(self) -> tuple:
        return (*self.cycle.natural_key(), self.measure.number, self.member.get_username())

    def clean(self) -> None:
        """A rating or an opinion (at least one): a member comments where they have
        something to say (checked here, so every writer keeps the rule)."""
        super().clean()
        if self.rating_id is None and not self.opinion.strip():
            raise ValidationError(
                _(
                    "評価か意見の少なくとも一方を入力してください。"
                    "意見がなければ、評価だけで保存できます（「意見なし」として記録します）。"
                )
            )


class ChairConfirmedQuerySet(RecordQuerySet[Record]):
    """Records the 委員長 confirms (``ChairConfirmed``): the 委員会評価 and the 総評."""

    def confirmed(self) -> "ChairConfirmedQuerySet[Record]":
        return self.filter(confirmed_at__isnull=False)


class CommitteeEvaluationQuerySet(ChairConfirmedQuerySet["CommitteeEvaluation"]):
    def shown(self, seen: Q | None = None) -> "CommitteeEvaluationQuerySet":
        """What may be shown as the committee's evaluation: in a locked (確定/公開) year only
        what the chair confirmed; before that, drafts too (every page marks them 案).
        ``seen``: which of them the viewer may read (``access.committee_drafts_seen_by``).

        Moving to 確定 is refused while a draft is unconfirmed (``services.cycle_move``), so
        this only bites on data forced past that rule; it is the public's guarantee.
        """
        shown = self.exclude(confirmed_at__isnull=True, cycle__phase__in=LOCKED_PHASES)
        return shown.filter(seen) if seen else shown

    def get_by_natural_key(self, plan_code: str, fiscal_year: int, number: str):
        return self.get(
            cycle__plan__code=plan_code,
            cycle__fiscal_year=fiscal_year,
            measure__number=number,
            measure__basic_policy__plan__code=plan_code,
        )


class ChairConfirmed(Versioned):
    """A record the 委員長 confirms (a 委員会評価, the 総評): once confirmed it is locked,
    except to a 訂正 of its year (``Cycle.correctable_by``)."""

    cycle: "Cycle"
    confirmed_at: "datetime | None"
    locked_message: "str | Promise" = ""  # what the refusal says, per kind of record

    class Meta:
        abstract = True

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def lock_reason(self, user=None) -> str:
        if self.is_confirmed and not self.cycle.correctable_by(user):
            return str(self.locked_message)
        return super().lock_reason(user)


class CommitteeEvaluation(ChairConfirmed):
    """委員会評価: the committee's compiled rating and 評価及び意見 for one 施策 in one year.

    Drafted by the secretariat, then confirmed by the chair; confirmed means locked.
    """

    cycle = models.ForeignKey(
        Cycle,
        on_delete=models.PROTECT,
        related_name="committee_evaluations",
        verbose_name=_("評価サイクル"),
    )
    measure = models.ForeignKey(
        Measure,
        on_delete=models.PROTECT,
        related_name="committee_evaluations",
        verbose_name=_("施策"),
    )
    rating = models.ForeignKey(
        RatingLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("評価"),
        help_text=_("任意です（計画期間前半の評価のように、意見だけの評価もあります）。"),
    )
    opinion = models.TextField(_("委員会による評価及び意見"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("確定した委員長"),
    )
    # 職務代理: the 委員長 in whose place ``confirmed_by`` (the 副委員長) confirmed.
    confirmed_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("職務代理で確定したときの委員長"),
    )
    confirmed_at = models.DateTimeField(_("確定日時"), null=True, blank=True)
    review_state = review_state_field()
    review_comment = review_comment_field()
    meeting = models.ForeignKey(
        "Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drafts",
        verbose_name=_("審議した会議"),
        help_text=_("会議での審議を受けて案を書いたり変えたりしたときは、その会議を選びます。"),
    )

    objects = CommitteeEvaluationQuerySet.as_manager()

    locked_message = _("委員長が確定した評価は編集できません。")

    class Meta:
        verbose_name = _("委員会評価")
        verbose_name_plural = _("委員会評価")
        ordering = ["cycle", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "measure"], name="unique_committee_evaluation")
        ]

    def __str__(self) -> str:
        return f"{self.measure.number} {wareki(self.cycle.fiscal_year)}"

    @loaded_after("evaluation.cycle", "policies.measure")
    def natural_key(self) -> tuple:
        return (*self.cycle.natural_key(), self.measure.number)


class CommitteeSummary(ChairConfirmed):
    """総評: the committee's overall view of the year, written by the 事務局 and confirmed by
    the 委員長 with the drafts; printed at the head of the 評価表 and in its open data."""

    cycle = models.OneToOneField(
        Cycle, on_delete=models.PROTECT, related_name="summary", verbose_name=_("評価サイクル")
    )
    text = models.TextField(_("総評"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("確定した委員長"),
    )
    confirmed_at = models.DateTimeField(_("確定日時"), null=True, blank=True)

    objects = ChairConfirmedQuerySet.as_manager()

    locked_message = _("委員長が確定した総評は編集できません。")

    class Meta:
        verbose_name = _("総評")
        verbose_name_plural = _("総評")

    def __str__(self) -> str:
        return _("%(year)sの総評") % {"year": wareki(self.cycle.fiscal_year)}


class Meeting(Versioned):
    """委員会の会議: one meeting of the committee in a cycle's year, where it deliberates on
    some of the 施策 (議題) and the 事務局 records who attended and the 議事要旨. A draft
    changed because of it names it (``CommitteeEvaluation.meeting``, kept in the history)."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("評価サイクル")
    )
    held_at = models.DateTimeField(_("日時"))
    place = models.CharField(_("場所"), max_length=100)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="committee_meetings",
        verbose_name=_("出席者"),
    )
    measures = models.ManyToManyField(
        Measure,
        blank=True,
        related_name="meetings",
        verbose_name=_("議題（審議した施策）"),
    )
    summary = models.TextField(_("議事要旨"), blank=True)

    class Meta:
        verbose_name = _("委員会の会議")
        verbose_name_plural = _("委員会の会議")
        ordering = ["cycle", "held_at", "pk"]

    def __str__(self) -> str:
        return _("%(date)sの委員会（%(place)s）") % {
            "date": wareki_date(self.held_at),
            "place": self.place,
        }


class Indicator(Versioned):
    """参考指標: a figure the secretariat tracks beside the ratings (e.g. 登録団体数)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("計画")
    )
    name = models.CharField(_("指標名"), max_length=200)
    unit = models.CharField(_("単位"), max_length=20, blank=True)
    source = models.CharField(
        _("出典"), max_length=200, blank=True, help_text=_("数値の出どころ（調査名・統計名など）。")
    )
    higher_is_better = models.BooleanField(
        _("値が大きいほどよい"),
        default=True,
        help_text=_("外すと、値が小さいほどよい指標として達成率を計算します（目標値÷実績値）。"),
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    measures = models.ManyToManyField(
        Measure,
        blank=True,
        related_name="indicators",
        verbose_name=_("関連する施策"),
        help_text=_("この指標の傾向を見る施策（複数可）。施策のページと評価表に表示します。"),
    )

    _history_m2m_fields = ["measures"]  # the inherited history records the 施策 too

    class Meta:
        verbose_name = _("参考指標")
        verbose_name_plural = _("参考指標")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="unique_indicator_name_per_plan")
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(Versioned):
    """One fiscal year's 実績値 (and optional 目標値) of a 参考指標."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("参考指標")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    actual = models.DecimalField(
        _("実績値"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("まだ実績がなければ空欄（目標値だけ先に登録できます）。"),
    )
    target = models.DecimalField(
        _("目標値"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("参考指標の値")
        verbose_name_plural = _("参考指標の値")
        ordering = ["indicator", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year"], name="unique_indicator_value_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {wareki(self.fiscal_year)}"

    def lock_reason(self, user=None) -> str:
        """A value of a 確定/公開 year is part of what that year showed the committee and
        the public: it no longer changes, whoever writes (the value form, the admin), except
        by the 事務局 through a 訂正 of that year (``Cycle.correctable_by``)."""
        locked = (
            Cycle.objects.locked()
            .filter(plan_id=self.indicator.plan_id, fiscal_year=self.fiscal_year)
            .first()
        )
        if self.fiscal_year and locked and not locked.correctable_by(user):
            return _(
                "%(year)sの評価は確定しているため、この年度の参考指標の値は変更できません。"
            ) % {"year": wareki(self.fiscal_year)}
        return ""

    @property
    def achievement(self) -> float | None:
        """達成率 (see ``evaluation.achievement``); None without both values."""
        return achievement_rate(
            self.actual, self.target, higher_is_better=self.indicator.higher_is_better
        )


class FollowUpStatus(models.TextChoices):
    DONE = "done", _("対応済")
    IN_PROGRESS = "in_progress", _("対応中")
    NOT_YET = "not_yet", _("未対応")
    DIFFICULT = "difficult", _("対応困難")


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def open(self) -> "FollowUpQuerySet":
        """Not closed yet: carried forward to the next year."""
        return self.exclude(status=FollowUpStatus.DONE)


class FollowUp(Versioned):
    """委員会意見への対応 (one item of the 回答報告書): one 実施主体's answer, in year N+1, to one
    point (指摘事項) of the committee's confirmed opinion of year N on a 施策 — the 施策 it has
    事業 under, or, for a 施策 without 事業, the first 実施主体 (the city) — with its 担当課.
    The 事務局 splits an opinion into numbered points (``point_number``, ``point``); until
    then the whole opinion is point 1. Carried forward to the next year until 対応済
    (``carried_from``). See ``evaluation.follow_ups``."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("評価サイクル")
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("施策")
    )
    body = models.ForeignKey(
        ImplementingBody,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("実施主体"),
    )
    opinion = models.ForeignKey(
        CommitteeEvaluation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("委員会意見"),
        help_text=_("対応する委員会による評価及び意見（確定したもの）。"),
    )
    point_number = models.PositiveSmallIntegerField(_("指摘事項の番号"), default=1)
    point = models.TextField(
        _("指摘事項"),
        blank=True,
        help_text=_("委員会意見のうち、この項目で答える点。空欄のときは意見の全体です。"),
    )
    department = models.CharField(
        _("担当課"), max_length=100, blank=True, help_text=_("この指摘事項に対応する課。")
    )
    policy = models.TextField(
        _("対応方針"), blank=True, help_text=_("委員会意見を受けて、どう対応するか（したか）。")
    )
    action = models.TextField(
        _("取組内容"), blank=True, help_text=_("対応方針にそって、実際に行った（行う）取組み。")
    )
    timing = models.CharField(
        _("時期"),
        max_length=100,
        blank=True,
        help_text=_("取組みの時期。例: 令和3年度中、令和4年4月から"),
    )
    status = models.CharField(
        _("対応状況"),
        max_length=20,
        choices=FollowUpStatus.choices,
        default=FollowUpStatus.NOT_YET,
    )
    difficulty_reason = models.TextField(
        _("対応困難の理由"), blank=True, help_text=_("対応状況が「対応困難」のときに書きます。")
    )
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("前年度からの繰り越し元"),
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("委員会意見への対応")
        verbose_name_plural = _("委員会意見への対応")
        ordering = ["cycle", "measure", "point_number", "body__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "measure", "body", "opinion", "point_number"],
                name="unique_follow_up_point",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure.number} {self.body.short_name} {wareki(self.cycle.fiscal_year)}"

    def clean(self) -> None:
        if self.status == FollowUpStatus.DIFFICULT and not self.difficulty_reason.strip():
            raise ValidationError(
                {"difficulty_reason": _("「対応困難」のときは、その理由を書いてください。")}
            )


class LockedSheet(models.Model):
    """The 事業 as a locked (確定/公開) year's 評価表 printed them, frozen when the year was
    locked, so a later edit of a 事業 (name, 担当課, 展開, years) never changes that year.

    Taken by ``services.cycle_move`` on the move to 確定 (and, for a year locked before
    this existed, on its first read: ``sheet.locked.frozen_projects``); dropped when the
    secretariat moves the year back to 委員会評価, where the 事業 may change again.
    """

    cycle = models.OneToOneField(
        Cycle, on_delete=models.CASCADE, related_name="locked_sheet", verbose_name=_("評価サイクル")
    )
    taken_at = models.DateTimeField(_("固定した日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("確定した評価表の事業")
        verbose_name_plural = _("確定した評価表の事業")

    def __str__(self) -> str:
        return str(self.cycle)


class LockedProject(models.Model):
    """One 事業 as printed in a locked year: the fields the 評価表 shows, and its 展開."""

    sheet = models.ForeignKey(LockedSheet, on_delete=models.CASCADE, related_name="projects")
    # PROTECT: a 事業 printed in a locked year cannot be deleted from under it.
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("事業コード"), max_length=40)
    name = models.CharField(_("事業名"), max_length=200)
    body = models.ForeignKey(ImplementingBody, on_delete=models.PROTECT, related_name="+")
    department = models.CharField(_("担当課"), max_length=100, blank=True)
    summary = models.TextField(_("事業概要"), blank=True)
    initiative_ids = models.JSONField(_("展開"), default=list)
    position = models.PositiveIntegerField(_("順番"))

    class Meta:
        verbose_name = _("確定した評価表の事業")
        verbose_name_plural = _("確定した評価表の事業")
        ordering = ["sheet", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "project"], name="unique_locked_project")
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorKind(models.TextChoices):
    ACTIVITY = "activity", _("活動指標")
    OUTCOME = "outcome", _("成果指標")


class ProjectIndicator(Versioned):
    """指標 of a 事業 in one year (活動指標 or 成果指標): 目標値, 実績値 → 達成率.

    A target may be entered at the start of the year and the actual later.
    """

    report = models.ForeignKey(
        ProjectReport,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("実施状況"),
    )
    kind = models.CharField(
        _("種類"), max_length=20, choices=IndicatorKind.choices, default=IndicatorKind.ACTIVITY
    )
    name = models.CharField(_("指標名"), max_length=200)
    unit = models.CharField(_("単位"), max_length=20, blank=True)
    target = models.DecimalField(
        _("目標値"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    actual = models.DecimalField(
        _("実績値"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    higher_is_better = models.BooleanField(
        _("大きいほどよい"),
        default=True,
        help_text=_("外すと「小さいほどよい」指標として達成率を計算します（目標値÷実績値）。"),
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("事業の指標")
        verbose_name_plural = _("事業の指標")
        # By the column, not by "report": that would follow the 実施状況's own ordering
        # through four joins on every read of one 実施状況's 指標.
        ordering = ["report_id", "order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def achievement(self) -> float | None:
        return achievement_rate(self.actual, self.target, higher_is_better=self.higher_is_better)

    @property
    def direction_label(self) -> str:
        return gettext("大きいほどよい") if self.higher_is_better else gettext("小さいほどよい")


class ImportReceipt(models.Model):
    """A confirmed 評価表 import, by its preview token: a second click on 確定 (or a
    second tab) finds it and says truthfully that the import was already saved."""

    token = models.CharField(max_length=32, unique=True)
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("取り込みの記録")
        verbose_name_plural = _("取り込みの記録")

    def __str__(self) -> str:
        return self.token
