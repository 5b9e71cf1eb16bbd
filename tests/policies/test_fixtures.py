"""The plan fixtures against the seed document, character for character."""

import pytest

from policies.models import BasicPolicy, ImplementingBody, Initiative, Measure, Plan, RatingLevel

pytestmark = pytest.mark.django_db

REVISED = "revised-2017"
ORIGINAL = "basic-2012"


def revised_measure(number: str) -> Measure:
    return Measure.objects.get_by_natural_key(REVISED, number)


def test_there_are_two_plans_the_revision_following_the_original():
    revised = Plan.objects.get(code=REVISED)
    assert revised.name == "武蔵野市市民活動促進基本計画改定計画"
    assert (revised.first_year, revised.last_year) == (2017, 2021)
    assert revised.predecessor.name == "武蔵野市市民活動促進基本計画"
    assert (revised.predecessor.first_year, revised.predecessor.last_year) == (2012, 2021)


def test_the_goal_is_the_plans_social_vision():
    assert Plan.objects.get(code=REVISED).goal == (
        "市民による公益的活動が活性化し、同時に市民活動団体相互や行政等の他の組織との間における"
        "「連携と協働」が実現し、すべての団体・組織が課題を解決していく社会"
    )


def test_the_revision_has_4_basic_policies_12_measures_and_40_initiatives():
    assert BasicPolicy.objects.filter(plan__code=REVISED).count() == 4
    assert Measure.objects.filter(basic_policy__plan__code=REVISED).count() == 12
    assert Initiative.objects.filter(measure__basic_policy__plan__code=REVISED).count() == 40


def test_the_original_plan_has_the_same_12_measures_without_initiatives():
    assert Measure.objects.filter(basic_policy__plan__code=ORIGINAL).count() == 12
    assert not Initiative.objects.filter(measure__basic_policy__plan__code=ORIGINAL).exists()


def test_the_three_priority_measures_are_1_1_2_4_and_2_6():
    priority = Measure.objects.filter(basic_policy__plan__code=REVISED).priority()
    assert [(m.number, m.title) for m in priority] == [
        ("1-1", "市民活動のきっかけづくり"),
        ("2-4", "市民活動に関する学びの機会の提供"),
        ("2-6", "コーディネート機能の強化"),
    ]


def test_the_eight_relisted_items_point_to_their_originals():
    relistings = Initiative.objects.filter(
        measure__basic_policy__plan__code=REVISED, original__isnull=False
    ).select_related("measure", "original__measure")
    assert sorted(
        (f"{i.measure.number}{i.marker}", f"{i.original.measure.number}{i.original.marker}")
        for i in relistings
    ) == [
        ("2-1③", "1-2①"),
        ("2-3②", "2-1②"),
        ("2-4④", "1-1②"),
        ("3-1②", "2-2②"),
        ("3-1④", "1-1②"),
        ("3-1⑤", "2-5①"),
        ("4-1③", "2-5②"),
        ("4-2③", "2-4③"),
    ]


def test_a_relisted_item_is_a_reference_not_a_copy():
    relisting = Initiative.objects.get_by_natural_key(REVISED, "3-1", 4)
    assert relisting.title == ""
    assert relisting.description == ""
    assert relisting.display_title == "市民活動に対する理解促進のための講座等の企画・実施"
    assert relisting.source == Initiative.objects.get_by_natural_key(REVISED, "1-1", 2)


def test_basic_policy_titles_match_the_revision():
    assert list(BasicPolicy.objects.filter(plan__code=REVISED).values_list("number", "title")) == [
        (1, "市民活動の裾野の拡大"),
        (2, "市民活動の促進と自律・自立に向けた支援の充実"),
        (3, "市民活動の場の活用促進"),
        (4, "課題解決のための「連携と協働」の推進"),
    ]


def test_the_original_plan_keeps_its_first_half_titles():
    assert BasicPolicy.objects.get_by_natural_key(ORIGINAL, 3).title == "市民活動の場の利用促進"
    assert [
        (m.number, m.title)
        for m in Measure.objects.filter(
            basic_policy__plan__code=ORIGINAL, number__in=["2-2", "2-5", "2-6", "3-2", "4-2"]
        )
    ] == [
        ("2-2", "相談体制の充実"),
        ("2-5", "団体交流の促進"),
        ("2-6", "中間支援組織等の支援力強化に向けた取組み"),
        ("3-2", "多様な活動の場の提供"),
        ("4-2", "連携と協働に向けた庁内体制の構築"),
    ]


def test_titles_keep_their_full_width_characters():
    assert BasicPolicy.objects.get_by_natural_key(REVISED, 4).title == (
        "課題解決のための「連携と協働」の推進"
    )
    assert Initiative.objects.get_by_natural_key(REVISED, "4-2", 1).title == (
        "「連携・協働」の意識の共有"
    )
    assert Initiative.objects.get_by_natural_key(REVISED, "1-2", 3).title == (
        "市民活動団体のPRに資するイベント等の企画・実施"
    )
    assert revised_measure("3-2").title == "多様な活動の場の情報提供"


def test_every_revised_measure_links_to_its_first_half_predecessor():
    lineage = {
        m.number: [p.title for p in m.predecessors.all()]
        for m in Measure.objects.filter(basic_policy__plan__code=REVISED).prefetch_related(
            "predecessors__basic_policy__plan"
        )
        if all(p.basic_policy.plan.code == ORIGINAL for p in m.predecessors.all())
    }
    assert len(lineage) == 12
    assert revised_measure("2-6").title == "コーディネート機能の強化"
    assert lineage["2-6"] == ["中間支援組織等の支援力強化に向けた取組み"]
    assert (revised_measure("2-2").title, lineage["2-2"]) == ("相談体制の拡充", ["相談体制の充実"])
    assert (revised_measure("4-2").title, lineage["4-2"]) == (
        "連携と協働に向けた体制の整備",
        ["連携と協働に向けた庁内体制の構築"],
    )


def test_initiatives_per_measure_follow_the_plan():
    counts = {
        m.number: m.initiatives.count()
        for m in Measure.objects.filter(basic_policy__plan__code=REVISED)
    }
    assert counts == {
        "1-1": 4, "1-2": 4, "2-1": 4, "2-2": 2, "2-3": 2, "2-4": 5,
        "2-5": 2, "2-6": 3, "3-1": 5, "3-2": 2, "4-1": 3, "4-2": 4,
    }  # fmt: skip


def test_the_three_implementing_bodies():
    assert list(ImplementingBody.objects.values_list("name", "short_name")) == [
        ("武蔵野市", "市"),
        ("武蔵野プレイス", "武蔵野プレイス"),
        ("武蔵野市民社会福祉協議会", "市民社協"),
    ]


def test_the_rating_scale_leaves_unratable_out_of_rollups():
    levels = RatingLevel.objects.filter(scale=Plan.objects.get(code=REVISED).rating_scale)
    assert [(lv.code, lv.label, lv.counts_in_rollups) for lv in levels] == [
        ("A", "達成", True),
        ("B", "概ね達成", True),
        ("C", "一部達成", True),
        ("D", "未達成", True),
        ("－", "評価不能", False),
    ]


def test_the_four_new_directions_of_the_revision():
    assert list(Plan.objects.get(code=REVISED).directions.values_list("title", flat=True)) == [
        "市民活動への参加を促す環境の創出",
        "コーディネート機能の具体化",
        "コミュニティ政策との連携",
        "行政の役割",
    ]
