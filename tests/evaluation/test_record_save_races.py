"""Two people creating the same record at once see the conflict panel, not a message about
the record's key (the other's row appears between the look-up and the check)."""

import pytest

from evaluation import services
from evaluation.models import SelfEvaluation
from tests.factories import SelfEvaluationFactory, body, level, measure, staff


def test_a_create_that_loses_the_race_is_a_conflict_with_the_winners_record(world, monkeypatch):
    winner = SelfEvaluationFactory(cycle=world.cycle, body=body("city"), reason="先に保存した理由")
    real = services._locked_current
    calls = []

    def not_yet_visible(instance):
        calls.append(instance)
        # The first look-up runs before the other person's row is committed.
        return None if len(calls) == 1 else real(instance)

    monkeypatch.setattr(services, "_locked_current", not_yet_visible)
    mine = SelfEvaluation(
        cycle=world.cycle,
        measure=measure("1-1"),
        body=body("city"),
        rating=level("B"),
        reason="後から保存した理由",
    )
    with pytest.raises(services.EditConflict) as conflict:
        services.record_save(instance=mine, expected_version=0, user=staff("city").user)
    assert conflict.value.current.pk == winner.pk
    assert conflict.value.current.reason == "先に保存した理由"
    assert SelfEvaluation.objects.get().reason == "先に保存した理由"
