"""事業の目標, 今後の方向性 and the 指標 of a 実施状況, edited on its form as a formset."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from evaluation.models import ProjectIndicator, ProjectReport
from tests.factories import ProjectReportFactory, secretariat

pytestmark = pytest.mark.django_db

REPORT = reverse(
    "evaluation:report", kwargs={"plan": "revised-2017", "year": 2021, "code": "city-001"}
)
MEASURE_PAGE = reverse(
    "evaluation:measure_year", kwargs={"plan": "revised-2017", "year": 2021, "number": "1-1"}
)


def indicator_rows(*rows: dict, initial: int = 0) -> dict:
    """The formset's POST data: management form, then each row's fields."""
    data = {"children-TOTAL_FORMS": str(len(rows)), "children-INITIAL_FORMS": str(initial)}
    for n, row in enumerate(rows):
        cells = {"kind": "activity", "higher_is_better": "True", "version": "0", **row}
        data.update({f"children-{n}-{k}": v for k, v in cells.items()})
    return data


def report_data(version: int = 0, **fields) -> dict:
    return {
        "goal": "入門講座を年4回開く。",
        "status": "done",
        "activities": "入門講座を年3回開催した。",
        "direction": "improve",
        "version": str(version),
        **fields,
    }


@pytest.fixture
def staff_client(world) -> Client:
    client = Client()
    client.force_login(world.users["staff_a"])
    return client


def test_staff_save_the_goal_the_direction_and_two_indicators_in_one_go(world, staff_client):
    response = staff_client.post(
        REPORT,
        {
            **report_data(),
            **indicator_rows(
                {"name": "講座の参加者数", "unit": "人", "target": "60", "actual": "45"},
                {"kind": "outcome", "name": "活動を始めた人の割合", "unit": "%", "target": "30"},
            ),
        },
    )
    assert response.status_code == 302
    report = ProjectReport.objects.get()
    assert (report.goal, report.direction) == ("入門講座を年4回開く。", "improve")
    rows = list(report.indicators.values_list("kind", "name", "unit", "target", "actual", "order"))
    assert rows == [
        ("activity", "講座の参加者数", "人", Decimal("60.00"), Decimal("45.00"), 0),
        ("outcome", "活動を始めた人の割合", "%", Decimal("30.00"), None, 1),  # no actual yet
    ]
    first = report.indicators.first()
    assert first.history.get().history_user == world.users["staff_a"]

    html = staff_client.get(MEASURE_PAGE).content.decode()
    assert "活動指標「講座の参加者数」目標 60人 ／ 実績 45人（75.0%）" in html
    assert "成果指標「活動を始めた人の割合」目標 30% ／ 実績 —"  # — : no value yet in html
    assert "改善して継続" in html and "入門講座を年4回開く。" in html


def test_one_empty_row_is_offered_folded_and_each_save_offers_one_more(world, staff_client):
    html = staff_client.get(REPORT).content.decode()
    assert 'name="children-TOTAL_FORMS" value="1"' in html
    assert "<summary" in html and "指標を追加する" in html

    staff_client.post(
        REPORT, {**report_data(), **indicator_rows({"name": "講座の参加者数"}, {"name": "回数"})}
    )
    html = staff_client.get(REPORT).content.decode()
    assert 'name="children-TOTAL_FORMS" value="3"' in html
    assert 'name="children-INITIAL_FORMS" value="2"' in html


def test_a_saved_indicators_figures_are_shown_as_typed(world, staff_client):
    staff_client.post(
        REPORT,
        {**report_data(), **indicator_rows({"name": "回数", "target": "60", "actual": "12.5"})},
    )
    html = staff_client.get(REPORT).content.decode()
    assert 'name="children-0-target" value="60"' in html  # not the stored 60.00
    assert 'name="children-0-actual" value="12.5"' in html


def test_saving_again_without_changes_leaves_the_indicators_as_they_were(world, staff_client):
    row = {"name": "回数", "target": "60", "actual": "12.5"}
    staff_client.post(REPORT, {**report_data(), **indicator_rows(row)})
    saved = ProjectIndicator.objects.get()
    report = ProjectReport.objects.get()
    again = {**row, "id": str(saved.pk), "version": str(saved.version)}
    response = staff_client.post(
        REPORT, {**report_data(version=report.version), **indicator_rows(again, initial=1)}
    )
    assert response.status_code == 302
    kept = ProjectIndicator.objects.get()
    assert kept.version == saved.version  # no new version, no history entry for nothing
    assert kept.history.count() == 1


def test_an_empty_row_marks_nothing_required_until_something_is_typed_in_it(world, staff_client):
    html = staff_client.get(REPORT).content.decode()
    row = html[html.index('class="mb-2 indicator-add"') :]
    assert "asteriskField" not in row.split("</details>")[0]
    started = staff_client.post(REPORT, {**report_data(), **indicator_rows({"unit": "人"})})
    assert started.status_code == 200  # a started row needs its name
    row = started.content.decode().split('class="mb-2 indicator-add" open')[1]
    assert "asteriskField" in row.split("</details>")[0]
    assert ProjectReport.objects.count() == 0


def test_an_empty_extra_row_adds_nothing(world, staff_client):
    staff_client.post(REPORT, {**report_data(), **indicator_rows({"name": ""}, {"name": ""})})
    assert ProjectIndicator.objects.count() == 0
    assert ProjectReport.objects.count() == 1


def test_an_implausible_rate_asks_for_confirmation_and_keeps_what_was_typed(world, staff_client):
    row = {"name": "講座の参加者数", "unit": "人", "target": "20", "actual": "45"}
    response = staff_client.post(REPORT, {**report_data(), **indicator_rows(row)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "達成率が 225.0% で、200% を超えています。" in html
    assert "この値で正しいことを確認しました" in html
    assert 'value="講座の参加者数"' in html and "入門講座を年3回開催した。" in html
    assert ProjectReport.objects.count() == 0  # nothing saved, not even the 実施状況

    confirmed = {**row, "confirm_unusual": "on"}
    response = staff_client.post(REPORT, {**report_data(), **indicator_rows(confirmed)})
    assert response.status_code == 302
    assert ProjectIndicator.objects.get().actual == Decimal("45")


def test_a_negative_count_asks_for_confirmation(world, staff_client):
    row = {"name": "講座の回数", "unit": "回", "actual": "-3"}
    response = staff_client.post(REPORT, {**report_data(), **indicator_rows(row)})
    assert "実績値がマイナス（-3）です。" in response.content.decode()
    assert ProjectIndicator.objects.count() == 0


def test_an_indicator_can_be_deleted_and_the_history_keeps_who(world, staff_client):
    report = ProjectReportFactory(cycle=world.cycle, project=world.project)
    kept = ProjectIndicator.objects.create(report=report, name="参加者数", target=10)
    gone = ProjectIndicator.objects.create(report=report, name="回数", target=4, order=1)
    data = {
        **report_data(version=report.version),
        **indicator_rows(
            {"id": str(kept.pk), "name": "参加者数", "target": "12", "version": str(kept.version)},
            {
                "id": str(gone.pk),
                "name": "回数",
                "target": "4",
                "DELETE": "on",
                "version": str(gone.version),
            },
            initial=2,
        ),
    }
    assert staff_client.post(REPORT, data).status_code == 302
    assert list(ProjectIndicator.objects.values_list("name", "target", "version")) == [
        ("参加者数", Decimal("12.00"), kept.version + 1)
    ]
    deletion = ProjectIndicator.history.filter(id=gone.pk, history_type="-").get()
    assert deletion.history_user == world.users["staff_a"]


def test_two_people_editing_indicators_see_a_conflict_and_can_save_again(world, staff_client):
    report = ProjectReportFactory(cycle=world.cycle, project=world.project)
    indicator = ProjectIndicator.objects.create(report=report, name="参加者数", target=10)
    other = Client()
    other.force_login(secretariat().user)
    opened = report.version
    row = {"id": str(indicator.pk), "name": "参加者数", "version": str(indicator.version)}
    staff_client.post(
        REPORT,
        {**report_data(version=opened), **indicator_rows({**row, "target": "20"}, initial=1)},
    )
    response = other.post(
        REPORT,
        {**report_data(version=opened), **indicator_rows({**row, "target": "30"}, initial=1)},
    )
    html = response.content.decode()
    assert "さんがこの記録を保存しました" in html
    assert 'value="30"' in html  # the second person's input stays in the form
    assert ProjectIndicator.objects.get().target == Decimal("20")

    # Saving again overrides knowingly: the form now carries the saved versions.
    again = {
        **report_data(version=response.context["form"].data["version"]),
        **indicator_rows(
            {
                **row,
                "target": "30",
                "version": response.context["formset"].data["children-0-version"],
            },
            initial=1,
        ),
    }
    assert other.post(REPORT, again).status_code == 302
    assert ProjectIndicator.objects.get().target == Decimal("30")


def test_the_report_form_reads_its_indicators_in_fixed_queries(
    world, staff_client, django_assert_max_num_queries
):
    report = ProjectReportFactory(cycle=world.cycle, project=world.project)
    ProjectIndicator.objects.create(report=report, name="指標1")
    with django_assert_max_num_queries(30) as few:
        staff_client.get(REPORT)
    ProjectIndicator.objects.bulk_create(
        [ProjectIndicator(report=report, name=f"指標{n}") for n in range(2, 11)]
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(REPORT)


def test_more_rows_than_allowed_are_refused_with_a_message(world, staff_client):
    rows = [{"name": f"指標{n}"} for n in range(21)]
    response = staff_client.post(REPORT, {**report_data(), **indicator_rows(*rows)})
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors() == [
        "最大で 20 個のフォームを送信してください。"
    ]
    assert ProjectIndicator.objects.count() == 0
