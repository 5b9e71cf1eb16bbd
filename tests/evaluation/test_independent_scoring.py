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
from evaluation.models import CommitteeEvaluation, CommitteeSummary, MemberEvaluation, Phase
from tests.evaluation.test_access_matrix import CYCLE as CYCLE_OF_MATRIX
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


# An unanchored score: the committee's draft of a 施策 waits until the member's own score
# of it is saved, or until the 事務局 releases the drafts to the committee.

DRAFTS = [("A", "委員会の案・甲"), ("D", "委員会の案・乙")]


@pytest.fixture
def drafted(world):
    """The cycle in 委員会評価 with a draft of 1-1 that the member has not scored yet."""
    world.set_phase(Phase.COMMITTEE)
    for setup in {case.setup for case in MATRIX.values()}:  # each set-up once
        setup(world)
    draft, _created = CommitteeEvaluation.objects.get_or_create(
        cycle=world.cycle, measure=measure("1-1")
    )
    assert not MemberEvaluation.objects.filter(
        cycle=world.cycle, measure=measure("1-1"), member=world.users["member"]
    ).exists()

    # The 総評 is a draft of the committee's too: it follows the same rule.
    summary = CommitteeSummary.objects.create(cycle=world.cycle, text="")

    def set_other(variant: int) -> None:
        code, opinion = DRAFTS[variant]
        draft.rating, draft.opinion = level(code), opinion
        draft.save()
        summary.text = f"{opinion}の総評"
        summary.save()
        page_cache.invalidate()

    world.set_other = set_other
    return world


@pytest.mark.parametrize("name", PAGES)
def test_a_member_sees_no_draft_of_a_measure_before_scoring_it(drafted, login, name):
    client = login(drafted.users["member"])
    first, second = both_variants(drafted, client, reverse(name, kwargs=MATRIX[name].kwargs))
    assert "委員会の案".encode() not in first + second
    assert first == second


DRAFT_PAGES = [
    "evaluation:measure_year",
    "evaluation:committee_evaluation",
    "evaluation:dashboard",
    "evaluation:dashboard_trends",
    "evaluation:sheet_print",
    "evaluation:sheet_csv",
    "evaluation:sheet_xlsx",
]


@pytest.mark.parametrize("name", DRAFT_PAGES)
def test_a_member_sees_the_draft_once_their_own_score_is_saved(drafted, login, name):
    MemberEvaluationFactory(
        cycle=drafted.cycle, member=drafted.users["member"], measure=measure("1-1")
    )
    client = login(drafted.users["member"])
    first, second = both_variants(drafted, client, reverse(name, kwargs=MATRIX[name].kwargs))
    assert first != second


@pytest.mark.parametrize("name", DRAFT_PAGES)
def test_every_member_sees_the_drafts_once_the_secretariat_releases_them(drafted, login, name):
    release = reverse("evaluation:drafts_release", kwargs=CYCLE_OF_MATRIX)
    login(drafted.users["secretariat"]).post(
        release, {"version": drafted.cycle.version, "confirmed": "1"}
    )
    client = login(drafted.users["member"])
    first, second = both_variants(drafted, client, reverse(name, kwargs=MATRIX[name].kwargs))
    assert first != second


def test_the_draft_page_tells_the_member_why_the_draft_waits(drafted, login):
    url = reverse(
        "evaluation:committee_evaluation", kwargs=MATRIX["evaluation:committee_evaluation"].kwargs
    )
    response = login(drafted.users["member"]).get(url)
    assert response.status_code == 403
    assert (
        "あなたの評価を保存するか、事務局が案を委員に公開するまで表示しません"
        in response.content.decode()
    )


def test_releasing_the_drafts_asks_first_then_records_who_and_when(drafted, login):
    client = login(drafted.users["secretariat"])
    url = reverse("evaluation:drafts_release", kwargs=CYCLE_OF_MATRIX)
    asked = client.post(url, {"version": drafted.cycle.version})
    assert "委員全員に公開しますか" in asked.content.decode()
    drafted.cycle.refresh_from_db()
    assert drafted.cycle.drafts_released_at is None
    client.post(url, {"version": drafted.cycle.version, "confirmed": "1"})
    drafted.cycle.refresh_from_db()
    assert drafted.cycle.drafts_released_at is not None
    assert drafted.cycle.history.first().history_user == drafted.users["secretariat"]


@pytest.mark.parametrize("role", ["chair", "secretariat"])
def test_the_chair_and_the_secretariat_see_drafts_without_scoring(drafted, login, role):
    name = "evaluation:measure_year"
    client = login(drafted.users[role])
    first, second = both_variants(drafted, client, reverse(name, kwargs=MATRIX[name].kwargs))
    assert "委員会の案・甲".encode() in first


@pytest.mark.parametrize("name", PAGES)
def test_body_staff_see_no_draft_before_the_secretariat_releases_them(drafted, login, name):
    client = login(drafted.users["staff_a"])
    first, second = both_variants(drafted, client, reverse(name, kwargs=MATRIX[name].kwargs))
    assert "委員会の案".encode() not in first + second
    assert first == second


@pytest.mark.parametrize("name", DRAFT_PAGES)
def test_body_staff_see_the_drafts_once_released(drafted, login, name):
    release = reverse("evaluation:drafts_release", kwargs=CYCLE_OF_MATRIX)
    login(drafted.users["secretariat"]).post(
        release, {"version": drafted.cycle.version, "confirmed": "1"}
    )
    client = login(drafted.users["staff_a"])
    first, second = both_variants(drafted, client, reverse(name, kwargs=MATRIX[name].kwargs))
    assert first != second
