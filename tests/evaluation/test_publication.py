"""Nothing reaches the public that the chair has not confirmed, a locked year's 評価表 never
changes, and a published year never shows the public an unpublished one beside it."""

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.models import CommitteeEvaluation, LockedSheet, Phase
from evaluation.services import TransitionError
from policies.models import Measure
from tests.evaluation.test_access_matrix import MATRIX
from tests.factories import (
    CommitteeEvaluationFactory,
    CycleFactory,
    ProjectFactory,
    ProjectReportFactory,
    SelfEvaluationFactory,
    body,
    level,
    measure,
    secretariat,
)

DRAFT = "強制した未確定の案の文章"
HIDDEN_2020 = "二〇二〇年度の非公開の委員会意見"


def confirm_all(cycle, *, except_numbers=()) -> None:
    for m in Measure.objects.of_plan(cycle.plan):
        if m.number not in except_numbers:
            CommitteeEvaluationFactory(
                cycle=cycle,
                measure=m,
                opinion=f"確定した意見{m.number}",
                confirmed_at=timezone.now(),
            )


def move(cycle, phase: str):
    """The secretariat moves the cycle one step, from the version it was read at."""
    return services.cycle_move(
        cycle=cycle, to_phase=phase, user=secretariat().user, expected_version=cycle.version
    )


def body_text(response) -> str:
    """Everything a response shows: HTML, CSV, or every part of an Excel file."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return content.decode("utf-8-sig", "replace")


# ------------------------------------------------------------------- moving to 確定


def test_moving_to_confirmed_is_refused_while_a_committee_evaluation_is_unconfirmed(db):
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.COMMITTEE)
    confirm_all(cycle, except_numbers=("1-1", "2-4"))
    CommitteeEvaluationFactory(cycle=cycle, measure=measure("1-1"), opinion="案")
    with pytest.raises(TransitionError) as refused:
        services.cycle_move(
            cycle=cycle,
            to_phase=Phase.CONFIRMED,
            user=secretariat().user,
            expected_version=cycle.version,
        )
    assert str(refused.value) == (
        "委員長が確定していない委員会評価があるため、「確定」に進めません: "
        "1-1 市民活動のきっかけづくり、2-4 市民活動に関する学びの機会の提供"
    )
    cycle.refresh_from_db()
    assert cycle.phase == Phase.COMMITTEE
    assert not LockedSheet.objects.exists()


def test_moving_to_confirmed_with_every_evaluation_confirmed_freezes_the_years_projects(db):
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.COMMITTEE)
    confirm_all(cycle)
    ProjectFactory(code="city-001", name="市民活動入門講座")
    moved = move(cycle, Phase.CONFIRMED)
    assert moved.phase == Phase.CONFIRMED
    assert [p.name for p in moved.locked_sheet.projects.all()] == ["市民活動入門講座"]
    back = move(moved, Phase.COMMITTEE)
    assert back.phase == Phase.COMMITTEE
    assert not LockedSheet.objects.exists()  # open again: the 事業 follow the live ones


# -------------------------------------------------------------------- forced draft


@pytest.fixture
def forced_draft(world):
    """A published 2021 whose 1-1 holds a draft written straight into the database,
    past every rule, and a published 2022 that shows 2021 as its previous year."""
    world.cycle.phase = Phase.PUBLISHED
    world.cycle.save()
    confirm_all(world.cycle, except_numbers=("1-1",))
    CommitteeEvaluation.objects.create(
        cycle=world.cycle, measure=measure("1-1"), rating=level("A"), opinion=DRAFT
    )
    ProjectReportFactory(cycle=world.cycle, project=world.project, activities="講座を開いた。")
    later = CycleFactory(fiscal_year=2022, phase=Phase.PUBLISHED)
    confirm_all(later)
    return world


PUBLIC_PAGES = {
    "evaluation:cycle",
    "evaluation:measure_year",
    "evaluation:sheet_print",
    "evaluation:sheet_xlsx",
    "evaluation:sheet_csv",
    "evaluation:dashboard",
    "evaluation:dashboard_trends",
    "policies:tree",
    "policies:measure",
}


@pytest.mark.parametrize("role", ["anonymous", "member", "staff_a"])
def test_a_draft_forced_into_a_published_year_is_shown_by_no_page_or_export(
    forced_draft, login, role
):
    client = login(forced_draft.users[role])
    shown = set()
    for name, case in MATRIX.items():
        if name in {"logout", "login"}:
            continue
        for year in (2021, 2022):
            kwargs = {**case.kwargs, "year": year} if "year" in case.kwargs else case.kwargs
            for query in ("", "?previous=1"):
                response = client.get(reverse(name, kwargs=kwargs) + query)
                if response.status_code == 200:
                    shown.add(name)
                    text = body_text(response)
                    if name == "evaluation:committee_evaluation":
                        # Staff's drafting page: the record itself, marked as a draft.
                        assert DRAFT not in text or "【案・未確定】" in text
                        continue
                    assert DRAFT not in text, (name, year, query)
    # The public pages were really read (a test that reads nothing cannot fail).
    assert shown >= PUBLIC_PAGES


def test_the_forced_draft_counts_in_no_rating_of_the_published_dashboard(forced_draft, client):
    html = client.get(
        reverse("evaluation:dashboard", kwargs={"plan": "revised-2017", "year": 2021})
    ).content.decode()
    assert "series-committee" not in html or DRAFT not in html
    sheet = client.get(
        reverse("evaluation:sheet_print", kwargs={"plan": "revised-2017", "year": 2021})
    )
    text = sheet.content.decode()
    assert "確定した意見1-2" in text  # the confirmed ones are there
    assert "【案・未確定】" not in text


# ---------------------------------------------------------------- previous-year leak


@pytest.fixture
def unpublished_2020(db):
    """2021 published; 2020 moved back to 確定 (not public), with its own evaluations."""
    earlier = CycleFactory(fiscal_year=2020, phase=Phase.CONFIRMED)
    CommitteeEvaluationFactory(
        cycle=earlier, measure=measure("1-1"), opinion=HIDDEN_2020, confirmed_at=timezone.now()
    )
    SelfEvaluationFactory(cycle=earlier, body=body("city"), reason=HIDDEN_2020)
    project = ProjectFactory(code="city-001", name="市民活動入門講座")
    ProjectReportFactory(cycle=earlier, project=project, activities=HIDDEN_2020)
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.PUBLISHED)
    confirm_all(cycle)
    return cycle


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("evaluation:sheet_print", {}),
        ("evaluation:sheet_xlsx", {}),
        ("evaluation:sheet_csv", {}),
        ("evaluation:measure_year", {"number": "1-1"}),
    ],
)
def test_a_published_year_never_shows_the_public_an_unpublished_previous_year(
    unpublished_2020, client, name, extra
):
    response = client.get(
        reverse(name, kwargs={"plan": "revised-2017", "year": 2021, **extra}) + "?previous=1"
    )
    assert response.status_code == 200
    assert HIDDEN_2020 not in body_text(response)


def test_insiders_still_see_last_years_columns(unpublished_2020, client):
    client.force_login(secretariat().user)
    response = client.get(
        reverse("evaluation:sheet_csv", kwargs={"plan": "revised-2017", "year": 2021})
        + "?previous=1"
    )
    assert HIDDEN_2020 in body_text(response)


def test_the_public_print_says_why_last_years_columns_are_missing(unpublished_2020, client):
    html = client.get(
        reverse("evaluation:sheet_print", kwargs={"plan": "revised-2017", "year": 2021})
        + "?previous=1"
    ).content.decode()
    assert "前年度はまだ公開されていないため、前年度の列は表示していません。" in html


def test_the_public_cannot_open_a_project_report_page_of_a_published_year(unpublished_2020, client):
    unregistered = ProjectFactory(
        code="secret-001", name="未公開年度に登録した事業", first_year=2022
    )
    for code in ("city-001", unregistered.code):
        response = client.get(
            reverse(
                "evaluation:report", kwargs={"plan": "revised-2017", "year": 2021, "code": code}
            )
        )
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_the_public_phase_history_names_nobody(unpublished_2020, client):
    moved_by = secretariat().user
    moved_by.first_name, moved_by.last_name = "花子", "事務"
    moved_by.save()
    unpublished_2020.phase = Phase.CONFIRMED
    unpublished_2020._history_user = moved_by
    unpublished_2020.save()
    url = reverse("evaluation:cycle", kwargs={"plan": "revised-2017", "year": 2021})
    unpublished_2020.phase = Phase.PUBLISHED
    unpublished_2020.save()
    html = client.get(url).content.decode()
    assert "段階の変更履歴" in html and "変更した人" not in html
    assert "花子" not in html and "事務 花子" not in html


# ------------------------------------------------------------ a locked year is fixed


def outputs(client, year: int) -> dict[str, bytes]:
    result = {}
    for name in ("sheet_print", "sheet_xlsx", "sheet_csv"):
        for query in ("", "?previous=1"):
            response = client.get(
                reverse(f"evaluation:{name}", kwargs={"plan": "revised-2017", "year": year}) + query
            )
            assert response.status_code == 200
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            if name == "sheet_xlsx":
                # Every part of the workbook, byte for byte (the zip container stamps each
                # part with the time it was written, so the archive itself differs).
                with zipfile.ZipFile(io.BytesIO(content)) as archive:
                    for part in archive.namelist():
                        result[f"{name}{query}:{part}"] = archive.read(part)
            else:
                result[f"{name}{query}"] = content
    return result


def test_editing_a_project_leaves_a_published_years_outputs_byte_identical(
    db, client, django_capture_on_commit_callbacks
):
    # Every save commits (its callbacks run): the edits below render the pages afresh
    # instead of reading the shared page cache of before.
    with django_capture_on_commit_callbacks(execute=True):
        published = CycleFactory(fiscal_year=2020, phase=Phase.COMMITTEE)
        confirm_all(published)
        project = ProjectFactory(
            code="city-001", name="市民活動入門講座", department="市民活動推進課", summary="概要"
        )
        ProjectReportFactory(cycle=published, project=project, activities="講座を3回開いた。")
        gone_later = ProjectFactory(code="city-002", name="終わる事業", last_year=None)
        who = secretariat().user
        move(move(published, Phase.CONFIRMED), Phase.PUBLISHED)
        entry = CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    assert entry.phase == Phase.ENTRY
    before = outputs(client, 2020)
    assert any("市民活動入門講座".encode() in v for v in before.values())

    # Staff edit the 事業 for the open year: name, 概要, 担当課, 展開, years; one is ended early.
    project.refresh_from_db()
    project.name, project.department, project.first_year = "新しい名前の講座", "別の課", 2021
    project.summary = "書き直した概要"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.record_save(
            instance=project,
            expected_version=project.version,
            user=who,
            m2m={"initiatives": [measure("2-4").initiatives.first()]},
        )
        gone_later.refresh_from_db()
        gone_later.first_year = 2021
        services.record_save(instance=gone_later, expected_version=gone_later.version, user=who)
    assert callbacks  # the shared page cache was invalidated

    after = outputs(client, 2020)
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], key
    # …while the open year shows the 事業 as they are now.
    client.force_login(who)
    csv_2021 = b"".join(
        client.get(
            reverse("evaluation:sheet_csv", kwargs={"plan": "revised-2017", "year": 2021})
        ).streaming_content
    ).decode("utf-8-sig")
    assert "新しい名前の講座" in csv_2021 and "市民活動入門講座" not in csv_2021


def test_the_measure_page_of_a_published_year_shows_its_projects_as_printed(db, client):
    published = CycleFactory(fiscal_year=2020, phase=Phase.COMMITTEE)
    confirm_all(published)
    project = ProjectFactory(code="city-001", name="市民活動入門講座")
    ProjectReportFactory(cycle=published, project=project, activities="講座を3回開いた。")
    who = secretariat().user
    move(move(published, Phase.CONFIRMED), Phase.PUBLISHED)
    project.refresh_from_db()
    project.name = "後で変えた名前"
    services.record_save(instance=project, expected_version=project.version, user=who)
    html = client.get(
        reverse(
            "evaluation:measure_year",
            kwargs={"plan": "revised-2017", "year": 2020, "number": "1-1"},
        )
    ).content.decode()
    assert "市民活動入門講座" in html and "講座を3回開いた。" in html
    assert "後で変えた名前" not in html


def test_a_project_edit_for_the_open_year_leaves_the_published_self_evaluation_cells(
    db, client, django_capture_on_commit_callbacks
):
    """The 該当なし scope of a locked year reads its frozen 事業: moving a 事業 to another 施策
    for the open year turns no published 「（未入力）」 into 「該当なし」."""
    # Every save commits (its callbacks run), so the edit below renders the pages afresh.
    with django_capture_on_commit_callbacks(execute=True):
        project = ProjectFactory(
            code="city-001",
            name="市民活動入門講座",
            first_year=2019,
            initiatives=[measure("1-1").initiatives.first()],
        )
        for year in (2019, 2020):
            cycle = CycleFactory(fiscal_year=year, phase=Phase.COMMITTEE)
            confirm_all(cycle)
            ProjectReportFactory(cycle=cycle, project=project, activities="講座を3回開いた。")
            move(move(cycle, Phase.CONFIRMED), Phase.PUBLISHED)
        CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    before = outputs(client, 2020)
    assert before["sheet_print?previous=1"].decode().count("（未入力）") == 2  # 市 under 1-1

    project.refresh_from_db()
    project.first_year = 2021
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.record_save(
            instance=project,
            expected_version=project.version,
            user=secretariat().user,
            m2m={"initiatives": [measure("2-4").initiatives.first()]},
        )
    assert callbacks  # the shared page cache was invalidated
    after = outputs(client, 2020)
    assert [key for key in before if after[key] != before[key]] == []
