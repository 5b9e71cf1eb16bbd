"""Independent scoring: while the committee scores, a member sees no other member's
current-year rating or opinion on any page or export; from 確定 on, they do. The 事務局
and the 委員長 see them all along.

Generated from the URL conf (through the access matrix's cases): every page is fetched
twice as the member, once with another member's 委員評価 at A with one opinion and once
at D with another. If nothing of it reaches the member, the two responses are the same.
"""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from evaluation import page_cache
from evaluation.models import Phase
from tests.evaluation.test_access_matrix import MATRIX
from tests.factories import MemberEvaluationFactory, level, measure, member

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
VARIANTS = [("A", "ほかの委員の意見・甲"), ("D", "ほかの委員の意見・乙")]


def readable(response) -> bytes:
    """What a person gets from the response: the page without its CSRF token, or the
    workbook's cell values (the file itself carries its creation time)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):  # an .xlsx (a zip)
        book = load_workbook(io.BytesIO(body), read_only=True)
        return repr([list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]).encode()
    return CSRF.sub(b"", body)


@pytest.fixture
def scored(world):
    """The cycle in 委員会評価, the member's own 委員評価 of 1-1, and another member's."""
    world.set_phase(Phase.COMMITTEE)
    for setup in {case.setup for case in MATRIX.values()}:  # each set-up once
        setup(world)
    MemberEvaluationFactory(
        cycle=world.cycle, member=world.users["member"], rating=level("B"), opinion="自分の意見"
    )
    other = MemberEvaluationFactory(cycle=world.cycle, member=member().user, measure=measure("1-1"))

    def set_other(variant: int) -> None:
        code, opinion = VARIANTS[variant]
        other.rating, other.opinion = level(code), opinion
        other.save()
        # What the save's commit does (the test's transaction never commits).
        page_cache.invalidate()

    world.set_other = set_other
    return world


def both_variants(world, client, url: str) -> tuple[bytes, bytes]:
    seen = []
    for variant in (0, 1):
        world.set_other(variant)
        seen.append(readable(client.get(url)))
    return seen[0], seen[1]


PAGES = sorted(name for name in MATRIX if not name.startswith("admin:"))


@pytest.mark.parametrize("name", PAGES)
def test_a_member_sees_no_other_members_score_before_confirmation(scored, login, name):
    client = login(scored.users["member"])
    first, second = both_variants(scored, client, reverse(name, kwargs=MATRIX[name].kwargs))
    assert "ほかの委員の意見".encode() not in first + second
    assert first == second


@pytest.mark.parametrize("name", PAGES)
def test_body_staff_see_no_members_score_before_confirmation(scored, login, name):
    client = login(scored.users["staff_a"])
    first, second = both_variants(scored, client, reverse(name, kwargs=MATRIX[name].kwargs))
    assert first == second


SCORE_PAGES = ["evaluation:measure_year", "evaluation:committee_evaluation", "evaluation:dashboard"]


@pytest.mark.parametrize("role", ["chair", "secretariat"])
@pytest.mark.parametrize("name", SCORE_PAGES)
def test_the_secretariat_and_the_chair_see_every_score_while_scoring(scored, login, role, name):
    client = login(scored.users[role])
    first, second = both_variants(scored, client, reverse(name, kwargs=MATRIX[name].kwargs))
    assert first != second
    if name != "evaluation:dashboard":  # the dashboard counts ratings; no opinions
        assert "ほかの委員の意見・甲".encode() in first


@pytest.mark.parametrize("name", SCORE_PAGES)
def test_a_member_sees_the_other_scores_once_the_cycle_is_confirmed(scored, login, name):
    scored.set_phase(Phase.CONFIRMED)
    client = login(scored.users["member"])
    first, second = both_variants(scored, client, reverse(name, kwargs=MATRIX[name].kwargs))
    assert first != second


def test_the_measure_page_tells_the_member_why_the_scores_are_hidden(scored, login):
    html = (
        login(scored.users["member"])
        .get(reverse("evaluation:measure_year", kwargs=MATRIX["evaluation:measure_year"].kwargs))
        .content.decode()
    )
    assert "委員はそれぞれ独立して評価するため" in html
    assert "自分の意見" in html  # the member's own is there
