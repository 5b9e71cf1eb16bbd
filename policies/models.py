"""The plan's structure: plans, 基本施策, 施策, 展開 items, 実施主体 and the rating scale.

Every model has a natural key, so the fixtures in ``fixtures/`` carry no primary keys and
``loaddata`` updates rows in place instead of duplicating them.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policies.natural_keys import loaded_after
from policies.stored_text import Plain
from policies.versioning import Versioned

CIRCLED_NUMBERS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def circled(position: int) -> str:
    """A 展開 item's marker as printed in the plan: ①, ②, … (``Initiative.marker``)."""
    return CIRCLED_NUMBERS[position - 1]


class RatingScaleManager(models.Manager["RatingScale"]):
    def get_by_natural_key(self, code: str) -> "RatingScale":
        return self.get(code=code)


class RatingScale(Versioned):
    """A rating scale (評価の尺度), e.g. A 達成 … D 未達成, － 評価不能: a plan's default, or
    a cycle's own (the committee re-set its criteria in 2019).

    Versioned like every record people edit: the 事務局 edits a cycle's scale in the app
    (``evaluation.scale_edit``), and two of them saving at once get a conflict.
    """

    code = models.SlugField(_("コード"), unique=True)
    name = models.CharField(_("名称"), max_length=100)

    objects = RatingScaleManager()

    class Meta:
        verbose_name = _("評価尺度")
        verbose_name_plural = _("評価尺度")

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    def lock_reason(self, user=None) -> str:
        """A scale in use may not change under the ratings or the years that use it: a
        plan's default (every year without its own scale reads it), or a scale of a year
        that left 準備 or has a rating. Checked by ``record_save``, whoever saves."""
        if not self.pk:
            return ""
        if self.plans.exists():
            return gettext(
                "計画の既定の尺度は変更できません。年度の尺度として複製してから編集してください。"
            )
        users = self.cycles.all()  # the evaluation app's years, asked without importing it
        if users.started().exists():
            return gettext("「準備」の段階を過ぎた年度が使っている尺度は変更できません。")
        if any(cycle.has_ratings() for cycle in users):
            return gettext("評価が入力済みの年度が使っている尺度は変更できません。")
        return ""


class RatingLevelManager(models.Manager["RatingLevel"]):
    def get_by_natural_key(self, scale_code: str, code: str) -> "RatingLevel":
        return self.get(scale__code=scale_code, code=code)


class RatingLevel(Versioned):
    """One level of a scale. A level without points (評価不能) is left out of roll-ups."""

    scale = models.ForeignKey(
        RatingScale, on_delete=models.CASCADE, related_name="levels", verbose_name=_("評価尺度")
    )
    code = models.CharField(_("記号"), max_length=4)
    label = models.CharField(_("意味"), max_length=50)
    points = models.PositiveSmallIntegerField(
        _("点数"),
        null=True,
        blank=True,
        help_text=_("平均などの集計に使う点数。空欄の段階（評価不能）は集計から除きます。"),
    )
    order = models.PositiveSmallIntegerField(_("表示順"))

    objects = RatingLevelManager()

    class Meta:
        verbose_name = _("評価段階")
        verbose_name_plural = _("評価段階")
        ordering = ["scale", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "code"], name="unique_level_code_per_scale")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @loaded_after("policies.ratingscale")
    def natural_key(self) -> tuple[str, str]:
        return (*self.scale.natural_key(), self.code)

    def lock_reason(self, user=None) -> str:
        return self.scale.lock_reason() if self.scale_id else ""

    @property
    def counts_in_rollups(self) -> bool:
        return self.points is not None


class PlanQuerySet(models.QuerySet["Plan"]):
    def with_tree(self) -> "PlanQuerySet":
        """Prefetch 基本施策 → 施策 → 展開 (and each 再掲's original) in four queries."""
        initiatives = Initiative.objects.select_related("original__measure__basic_policy__plan")
        measures = Measure.objects.select_related("basic_policy__plan").prefetch_related(
            models.Prefetch("initiatives", queryset=initiatives),
            models.Prefetch("successors", queryset=Measure.objects.in_lineage_order()),
        )
        return self.prefetch_related(models.Prefetch("basic_policies__measures", queryset=measures))


_PlanManagerBase = models.Manager.from_queryset(PlanQuerySet)


class PlanManager(_PlanManagerBase["Plan"]):
    def get_by_natural_key(self, code: str) -> "Plan":
        return self.get(code=code)


# The generic name of each level and the Plan field holding what a plan calls it.
LEVEL_LABELS = {
    "基本施策": "basic_policy_label",
    "施策": "measure_label",
    "展開": "initiative_label",
    "施策の説明": "measure_description_label",
}


class Plan(Plain):
    """A plan document: the 基本計画 (FY2012–) or its 改定計画 (FY2017–)."""

    code = models.SlugField(_("コード"), unique=True)
    name = models.CharField(_("計画名"), max_length=200)
    short_name = models.CharField(_("略称"), max_length=50)
    first_year = models.PositiveSmallIntegerField(_("計画期間（開始年度）"))
    last_year = models.PositiveSmallIntegerField(_("計画期間（終了年度）"))
    goal = models.TextField(_("目標（市民活動の促進を通じて実現する社会像）"), blank=True)
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name=_("前の計画"),
    )
    rating_scale = models.ForeignKey(
        RatingScale, on_delete=models.PROTECT, related_name="plans", verbose_name=_("評価尺度")
    )
    # Each plan's own words: what it calls its levels, its predecessor, its 施策's text,
    # and what its 重点施策 are. Pages and files of the plan say these, never another's.
    basic_policy_label = models.CharField(
        _("基本施策の呼び方"),
        max_length=20,
        default="基本施策",
        help_text=_("施策体系のいちばん上の階層の名前"),
    )
    measure_label = models.CharField(_("施策の呼び方"), max_length=20, default="施策")
    initiative_label = models.CharField(
        _("展開の呼び方"), max_length=20, default="展開", help_text=_("施策の下の階層の名前")
    )
    measure_description_label = models.CharField(
        _("施策の説明の呼び方"),
        max_length=20,
        default="施策の説明",
        help_text=_("施策ごとの説明文の見出し"),
    )
    predecessor_label = models.CharField(
        _("前の計画の呼び方"),
        max_length=20,
        default="前の計画",
        help_text=_("この計画のページで前の計画を指す言葉"),
    )
    priority_note = models.TextField(
        _("重点施策の説明"),
        blank=True,
        help_text=_("施策体系に表示します。例: 重点施策は、この計画で力を入れて取り組む施策です。"),
    )

    # The structure is loaded from fixtures or imported from a spreadsheet; every later
    # change (a re-import, an admin's correction) keeps who, when and what.
    history = HistoricalRecords()
    objects = PlanManager()

    class Meta:
        verbose_name = _("計画")
        verbose_name_plural = _("計画")
        ordering = ["-first_year", "code"]

    def __str__(self) -> str:
        return self.name

    @loaded_after("policies.ratingscale")
    def natural_key(self) -> tuple[str]:
        return (self.code,)

    def get_absolute_url(self) -> str:
        return reverse("policies:tree", kwargs={"plan": self.code})

    @property
    def fiscal_years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    def term(self, generic: str) -> str:
        """A level's generic name for a file whose columns are the same in every plan:
        「展開」, or 「展開（この計画では「取組」）」 where the plan calls it otherwise."""
        own = getattr(self, LEVEL_LABELS[generic])
        return generic if own == generic else f"{generic}（この計画では「{own}」）"

    def locked_years(self) -> list[int]:
        """The fiscal years whose evaluation is 確定 or 公開 (what a change to the plan's
        titles must say it touches), oldest first."""
        return sorted(self.cycles.locked().values_list("fiscal_year", flat=True))


class DirectionManager(models.Manager["Direction"]):
    def get_by_natural_key(self, plan_code: str, number: int) -> "Direction":
        return self.get(plan__code=plan_code, number=number)


class Direction(Plain):
    """A new direction of the revision (改定計画推進に向けた新たな方向性, section V)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="directions", verbose_name=_("計画")
    )
    number = models.PositiveSmallIntegerField(_("番号"))
    title = models.CharField(_("方向性"), max_length=200)

    history = HistoricalRecords()
    objects = DirectionManager()

    class Meta:
        verbose_name = _("新たな方向性")
        verbose_name_plural = _("新たな方向性")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_direction_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @loaded_after("policies.plan")
    def natural_key(self) -> tuple[str, int]:
        return (*self.plan.natural_key(), self.number)


class BasicPolicyManager(models.Manager["BasicPolicy"]):
    def get_by_natural_key(self, plan_code: str, number: int) -> "BasicPolicy":
        return self.get(plan__code=plan_code, number=number)


class BasicPolicy(Plain):
    """基本施策: one of the plan's four basic policies."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="basic_policies", verbose_name=_("計画")
    )
    number = models.PositiveSmallIntegerField(_("番号"))
    title = models.CharField(_("基本施策名"), max_length=200)
    description = models.TextField(_("説明"), blank=True)

    history = HistoricalRecords()
    objects = BasicPolicyManager()

    class Meta:
        verbose_name = _("基本施策")
        verbose_name_plural = _("基本施策")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_basic_policy_per_plan")
        ]

    def __str__(self) -> str:
        return f"基本施策{self.number} {self.title}"

    @loaded_after("policies.plan")
    def natural_key(self) -> tuple[str, int]:
        return (*self.plan.natural_key(), self.number)

    @property
    def row_span(self) -> int:
        """Rows this 基本施策 spans in the plan tree (uses the prefetched measures)."""
        return sum(measure.row_span for measure in self.measures.all())


class MeasureQuerySet(models.QuerySet["Measure"]):
    def priority(self) -> "MeasureQuerySet":
        return self.filter(is_priority=True)

    def of_plan(self, plan: Plan) -> "MeasureQuerySet":
        return self.filter(basic_policy__plan=plan)

    def in_lineage_order(self) -> "MeasureQuerySet":
        """With their plan, oldest plan first, then by number: how lineage links are listed."""
        return self.select_related("basic_policy__plan").order_by(
            "basic_policy__plan__first_year",
            "basic_policy__plan__code",
            "basic_policy__number",
            "order",
        )


_MeasureManagerBase = models.Manager.from_queryset(MeasureQuerySet)


class MeasureManager(_MeasureManagerBase["Measure"]):
    def get_by_natural_key(self, plan_code: str, number: str) -> "Measure":
        return self.get(basic_policy__plan__code=plan_code, number=number)


class Measure(Plain):
    """施策: a measure under a 基本施策, numbered like "2-4"."""

    basic_policy = models.ForeignKey(
        BasicPolicy, on_delete=models.CASCADE, related_name="measures", verbose_name=_("基本施策")
    )
    number = models.CharField(_("施策番号"), max_length=10)
    order = models.PositiveSmallIntegerField(_("表示順"))
    title = models.CharField(_("施策名"), max_length=200)
    description = models.TextField(_("説明"), blank=True)
    is_priority = models.BooleanField(_("重点施策"), default=False)
    # Lineage: a 施策 may continue several of the previous plan's (merged) and one old 施策
    # may continue in several new ones (split).
    predecessors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="successors",
        verbose_name=_("前の計画の施策"),
        help_text=_(
            "前の計画で対応する施策。複数指定できます。年度をまたいで評価を比較するために使います。"
        ),
    )

    history = HistoricalRecords(m2m_fields=[predecessors])
    objects = MeasureManager()

    class Meta:
        verbose_name = _("施策")
        verbose_name_plural = _("施策")
        ordering = ["basic_policy__plan", "basic_policy__number", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["basic_policy", "number"], name="unique_measure_number_per_basic_policy"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @loaded_after("policies.basicpolicy")
    def natural_key(self) -> tuple[str, str]:
        return (self.basic_policy.plan.code, self.number)

    def get_absolute_url(self) -> str:
        return reverse(
            "policies:measure",
            kwargs={"plan": self.basic_policy.plan.code, "number": self.number},
        )

    @property
    def row_span(self) -> int:
        """Rows this 施策 spans in the plan tree: one per 展開 item, at least one."""
        return max(len(self.initiatives.all()), 1)

    def main_predecessor(self) -> "Measure | None":
        """Where one record of last year is shown (前年度, a trend point) and the 施策 has
        several predecessors (a merge): the first in lineage order. Uses a prefetch of
        ``predecessors`` (ordered with ``in_lineage_order``) when there is one."""
        return next(iter(self.predecessors.all()), None)


class InitiativeManager(models.Manager):
    def get_by_natural_key(self, plan_code: str, measure_number: str, position: int):
        return self.get(
            measure__basic_policy__plan__code=plan_code,
            measure__number=measure_number,
            position=position,
        )


class Initiative(Plain):
    """計画後期の展開: an initiative under a 施策, numbered ①②③….

    A (再掲) item is a reference to the original initiative, not a copy: it has no title of
    its own, and work reported on the original counts wherever it is listed.
    """

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="initiatives", verbose_name=_("施策")
    )
    position = models.PositiveSmallIntegerField(_("番号"))
    title = models.CharField(_("展開"), max_length=200, blank=True)
    description = models.TextField(_("内容"), blank=True)
    original = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relistings",
        verbose_name=_("再掲元"),
        help_text=_(
            "再掲の項目では、もとの展開を指定します（タイトルと内容はもとの項目のものを表示します）。"
        ),
    )

    history = HistoricalRecords()
    objects = InitiativeManager()
    # Set by the pages that read a year (``Prefetch(to_attr=...)`` or from a locked year):
    # the 事業 serving this item that year.
    year_projects: list

    class Meta:
        verbose_name = _("展開")
        verbose_name_plural = _("展開")
        ordering = ["measure", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "position"], name="unique_initiative_position_per_measure"
            ),
            # A 再掲 item carries no text of its own; an original item must have a title.
            models.CheckConstraint(
                condition=(Q(original__isnull=True) & ~Q(title=""))
                | (Q(original__isnull=False) & Q(title="") & Q(description="")),
                name="initiative_is_original_or_reference",
            ),
        ]

    def __str__(self) -> str:
        suffix = "（再掲）" if self.is_relisting else ""
        return f"{self.measure.number}{self.marker} {self.display_title}{suffix}"

    @loaded_after("policies.measure")
    def natural_key(self) -> tuple[str, str, int]:
        return (*self.measure.natural_key(), self.position)

    @property
    def marker(self) -> str:
        """The circled number printed in the plan: ①, ②, …"""
        return circled(self.position)

    @property
    def is_relisting(self) -> bool:
        return self.original_id is not None

    @property
    def source(self) -> "Initiative":
        """The item that carries the text and the work: itself, or the original it re-lists."""
        return self.original or self

    @property
    def display_title(self) -> str:
        return self.source.title

    @property
    def display_description(self) -> str:
        return self.source.description


class ImplementingBodyManager(models.Manager["ImplementingBody"]):
    def get_by_natural_key(self, code: str) -> "ImplementingBody":
        return self.get(code=code)


class ImplementingBody(Plain):
    """実施主体: 武蔵野市, 武蔵野プレイス, 武蔵野市民社会福祉協議会."""

    code = models.SlugField(_("コード"), unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("略称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("表示順"))

    objects = ImplementingBodyManager()

    class Meta:
        verbose_name = _("実施主体")
        verbose_name_plural = _("実施主体")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)
