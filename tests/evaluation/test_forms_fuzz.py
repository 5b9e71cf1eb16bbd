"""Hypothesis drives every form with arbitrary input: never a server error, and input that
is refused leaves the database as it was."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.models import Phase
from tests.evaluation.test_access_matrix import snapshot
from tests.factories import level

ANY_TEXT = st.text(max_size=300)
NUMBERISH = st.integers(min_value=-(10**12), max_value=10**12).map(str)
VALUE = st.one_of(ANY_TEXT, NUMBERISH, st.just(""), st.sampled_from(["2021", "2022-05-31", "0"]))

FORMS = {
    "report": (
        "staff_a",
        Phase.ENTRY,
        {"plan": "revised-2017", "year": 2021, "code": "city-001"},
        {
            "status": st.one_of(VALUE, st.sampled_from(["done", "partial", "not_done", "ended"])),
            "activities": VALUE,
            "times": VALUE,
            "participants": VALUE,
            "issues": VALUE,
            "goal": VALUE,
            "direction": st.one_of(VALUE, st.sampled_from(["expand", "complete"])),
            "version": st.one_of(VALUE, st.just("0")),
            # the 指標 rows (an inline formset), its row count included
            "children-TOTAL_FORMS": st.one_of(VALUE, st.sampled_from(["1", "2"])),
            "children-INITIAL_FORMS": st.one_of(VALUE, st.just("0")),
            "children-0-kind": st.one_of(VALUE, st.sampled_from(["activity", "outcome"])),
            "children-0-name": VALUE,
            "children-0-unit": VALUE,
            "children-0-target": VALUE,
            "children-0-actual": VALUE,
            "children-0-higher_is_better": st.one_of(VALUE, st.sampled_from(["True", "False"])),
            "children-0-confirm_unusual": VALUE,
            "children-0-version": st.one_of(VALUE, st.just("0")),
        },
    ),
    "self_evaluation": (
        "staff_a",
        Phase.ENTRY,
        {"plan": "revised-2017", "year": 2021, "number": "1-1", "body": "city"},
        {
            "rating": st.one_of(VALUE, st.builds(lambda: str(level("A").pk))),
            "reason": VALUE,
            "issues": VALUE,
            "response_to_committee": VALUE,
            "version": st.one_of(VALUE, st.just("0")),
        },
    ),
    "scoring": (
        "member",
        Phase.COMMITTEE,
        {"plan": "revised-2017", "year": 2021, "number": "1-1"},
        {
            "rating": st.one_of(VALUE, st.builds(lambda: str(level("－").pk))),
            "opinion": VALUE,
            "version": st.one_of(VALUE, st.just("0")),
        },
    ),
    "committee_evaluation": (
        "secretariat",
        Phase.COMMITTEE,
        {"plan": "revised-2017", "year": 2021, "number": "1-1"},
        {"rating": VALUE, "opinion": VALUE, "version": st.one_of(VALUE, st.just("0"))},
    ),
    "meeting_create": (
        "secretariat",
        Phase.COMMITTEE,
        {"plan": "revised-2017", "year": 2021},
        {
            "held_at": st.one_of(VALUE, st.just("2021-07-05T18:30")),
            "place": VALUE,
            "attendees": st.lists(VALUE, max_size=3),
            "measures": st.lists(VALUE, max_size=3),
            "summary": VALUE,
            "version": st.one_of(VALUE, st.just("0")),
        },
    ),
    "committee_summary": (
        "secretariat",
        Phase.COMMITTEE,
        {"plan": "revised-2017", "year": 2021},
        {"text": VALUE, "version": st.one_of(VALUE, st.just("0"))},
    ),
    "project_create": (
        "staff_a",
        Phase.ENTRY,
        {"plan": "revised-2017"},
        {
            "code": VALUE,
            "name": VALUE,
            "body": VALUE,
            "department": VALUE,
            "initiatives": st.lists(VALUE, max_size=3),
            "first_year": VALUE,
            "last_year": VALUE,
            "version": VALUE,
        },
    ),
    "cycle_create": (
        "secretariat",
        Phase.ENTRY,
        {"plan": "revised-2017"},
        {
            "fiscal_year": VALUE,
            "entry_due": VALUE,
            "committee_due": VALUE,
            "confirm_due": VALUE,
            "publish_due": VALUE,
            "version": VALUE,
        },
    ),
}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_arbitrary_input_never_breaks_a_form(world, client, name):
    role, phase, kwargs, fields = FORMS[name]
    world.set_phase(phase)
    client.force_login(world.users[role])
    url = reverse(f"evaluation:{name}", kwargs=kwargs)

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.fixed_dictionaries(fields))
    def post(data):
        before = snapshot(("evaluation",))
        response = client.post(url, data)
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert snapshot(("evaluation",)) == before, "refused input changed the database"

    post()
