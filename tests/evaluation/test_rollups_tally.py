"""The members' tally of one 施策: count per level, median, spread (committee.tallies.member_tally and
member_tallies)."""

import pytest

from evaluation.committee.tallies import Tally, member_tallies, member_tally
from evaluation.models import MemberEvaluation, Phase
from evaluation.rollups import ratings
from policies.models import RatingLevel, RatingScale
from tests.factories import CycleFactory, MemberEvaluationFactory, level, measure

pytestmark = pytest.mark.django_db


def scored(cycle, *codes: str | None, number: str = "1-1") -> None:
    for code in codes:
        MemberEvaluationFactory(
            cycle=cycle, measure=measure(number), rating=level(code) if code else None
        )


def tally_of(cycle, number: str = "1-1") -> Tally:
    """As the committee's form tallies: the 施策's member evaluations and the cycle's levels."""
    evaluations = list(MemberEvaluation.objects.filter(cycle=cycle, measure=measure(number)))
    return member_tally(evaluations, ratings.rating_levels(cycle.plan, cycle.scale_id))


def counts(tally) -> dict[str, int]:
    return {lv.code: n for lv, n in tally.counts}


def test_it_counts_each_level_and_finds_the_median_and_the_spread():
    cycle = CycleFactory(phase=Phase.COMMITTEE)
    scored(cycle, "A", "B", "B", "C", "－", None)
    tally = tally_of(cycle)
    assert counts(tally) == {"A": 1, "B": 2, "C": 1, "D": 0, "－": 1}
    assert (tally.median, tally.spread, tally.spread_points) == ("B", "A〜C", 2)
    assert (tally.rated, tally.opinion_only) == (5, 1)


def test_an_even_split_gives_a_median_between_two_levels():
    cycle = CycleFactory(phase=Phase.COMMITTEE)
    scored(cycle, "B", "C")
    tally = tally_of(cycle)
    assert (tally.median, tally.spread, tally.spread_points) == ("B〜C", "B〜C", 1)


def test_agreement_has_no_spread_and_no_ratings_have_no_median():
    cycle = CycleFactory(phase=Phase.COMMITTEE)
    scored(cycle, "B", "B")
    scored(cycle, None, number="1-2")
    agreed = tally_of(cycle)
    assert (agreed.median, agreed.spread, agreed.spread_points) == ("B", "B", 0)
    opinions = tally_of(cycle, "1-2")
    assert (opinions.median, opinions.spread, opinions.rated, opinions.opinion_only) == (
        "",
        "",
        0,
        1,
    )


def test_every_measure_of_the_cycle_is_tallied_in_two_queries(django_assert_num_queries):
    cycle = CycleFactory(phase=Phase.COMMITTEE)
    scored(cycle, "A", "D")
    scored(cycle, "C", number="2-4")
    with django_assert_num_queries(2):
        tallies = member_tallies(cycle)
    assert {m: t.spread for m, t in tallies.items()} == {
        measure("1-1").pk: "A〜D",
        measure("2-4").pk: "C",
    }


def test_a_cycle_with_its_own_scale_is_tallied_on_that_scale():
    scale = RatingScale.objects.create(code="three", name="3段階評価（A〜C）")
    for order, (code, points) in enumerate([("A", 3), ("B", 2), ("C", 1)]):
        RatingLevel.objects.create(scale=scale, code=code, label=code, points=points, order=order)
    cycle = CycleFactory(phase=Phase.COMMITTEE, rating_scale=scale)
    for code in ["A", "C"]:
        MemberEvaluationFactory(
            cycle=cycle,
            measure=measure("1-1"),
            rating=RatingLevel.objects.get(scale=scale, code=code),
        )
    assert counts(tally_of(cycle)) == {"A": 1, "B": 0, "C": 1}
    assert member_tallies(cycle)[measure("1-1").pk].spread == "A〜C"
