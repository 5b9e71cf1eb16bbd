"""A second plan runs in the same instance with its own committee, staff and 事務局.

The access matrix's plan-wide, year and 施策 pages are opened on the second plan (the
基本計画, its year 2015 in 実施状況入力): the people of the first plan (the matrix's actors,
taking part in the 改定計画 only) get there what an anonymous visitor gets — a 403 for a
login, the public pages as they are — and the second plan's own people get what their
counterparts get on the first plan.
"""

import pytest
from django.urls import reverse

from evaluation.models import Phase
from people.models import Participant, Role
from policies.models import Plan
from tests.evaluation.test_access_matrix import (
    CYCLE,
    FORBIDDEN,
    LOGIN,
    MATRIX,
    MEASURE,
    PLAN,
    check,
    snapshot,
)
from tests.factories import CycleFactory, ParticipantFactory, body, revised_plan

SECOND = {"plan": "basic-2012"}
SECOND_KWARGS = {
    str(PLAN): SECOND,
    str(CYCLE): {**SECOND, "year": 2015},
    str(MEASURE): {**SECOND, "year": 2015, "number": "1-1"},
}
# The matrix's pages of a plan, a year or a 施策 that need no records set up first; less an
# old address that redirects everyone and 「前の計画から引き継ぐ」 (the 基本計画 has no
# predecessor, so it is refused to all).
NAMES = sorted(
    name
    for name, case in MATRIX.items()
    if str(case.kwargs) in SECOND_KWARGS
    and case.setup.__name__ == "<lambda>"
    and name not in {"evaluation:member_evaluation", "evaluation:project_continue"}
)
INSIDERS = ["member", "chair", "staff_a", "staff_b", "secretariat"]


@pytest.fixture
def second(world):
    """The 基本計画's year 2016 and its own people; the matrix's actors leave it."""
    basic = Plan.objects.get(code="basic-2012")
    for user in world.users.values():
        if user is not None:
            user.participant.plans.set([revised_plan()])
    CycleFactory(plan=basic, fiscal_year=2015, phase=Phase.ENTRY)
    return {
        "member": ParticipantFactory(role=Role.MEMBER, plans=[basic]).user,
        "chair": ParticipantFactory(role=Role.CHAIR, plans=[basic]).user,
        "staff_a": ParticipantFactory(role=Role.STAFF, body=body("city"), plans=[basic]).user,
        "staff_b": ParticipantFactory(role=Role.STAFF, body=body("place"), plans=[basic]).user,
        "secretariat": ParticipantFactory(role=Role.SECRETARIAT, plans=[basic]).user,
    }


def test_the_second_plan_has_pages_of_every_kind():
    assert len(NAMES) == 34
    assert {"evaluation:cycle", "evaluation:measure_year", "evaluation:sheet_print"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_people_of_another_plan_see_only_what_the_public_sees(world, second, login, name):
    url = reverse(name, kwargs=SECOND_KWARGS[str(MATRIX[name].kwargs)])
    public = login(None).get(url)
    asks_login = public.status_code == 302 and public["Location"].startswith("/login/")
    expected = FORBIDDEN if asks_login else None
    for role in INSIDERS:
        client = login(world.users[role])
        before = snapshot()
        response = client.get(url)
        if expected is None:
            assert response.status_code == public.status_code, role
        else:
            check(response, expected, before)
        client.logout()


@pytest.mark.parametrize("name", NAMES)
def test_its_own_people_see_what_their_counterparts_see_in_the_first_plan(
    world, second, login, name
):
    case = MATRIX[name]
    url = reverse(name, kwargs=SECOND_KWARGS[str(case.kwargs)])
    for role in INSIDERS:
        response = login(second[role]).get(url)
        expected = case.get[role]
        assert expected != LOGIN
        assert response.status_code == {"ok": 200, "redirect": 302, "forbidden": 403}.get(
            expected, response.status_code
        ), (role, expected)
        login(None).logout()


def test_the_people_of_one_plan_are_not_the_people_of_the_other(world, second):
    basic = Plan.objects.get(code="basic-2012")
    assert set(Participant.objects.filter(plans=basic).values_list("user", flat=True)) == {
        u.pk for u in second.values()
    }
