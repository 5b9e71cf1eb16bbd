"""Closing the loop: confirmed committee opinions become next year's follow-up items per
実施主体 concerned, carried forward until 対応済; the 対応状況 report; the migration of the
old free-text 「前年度の委員会意見への対応」."""

import csv
import importlib
import io
import re

import pytest
from django.apps import apps
from django.urls import reverse
from openpyxl import load_workbook

from evaluation import follow_ups, services
from evaluation.models import FollowUp, FollowUpStatus, Phase
from policies.models import Initiative
from tests.factories import (
    CommitteeEvaluationFactory,
    CycleFactory,
    ProjectFactory,
    SelfEvaluationFactory,
    body,
    measure,
    secretariat,
)

CONFIRMED = "2021-06-01T10:00:00+09:00"


def item_keys(cycle) -> list[tuple[str, str, int | None]]:
    return sorted(
        (f.measure.number, f.body.code, f.opinion.cycle.fiscal_year if f.opinion else None)
        for f in FollowUp.objects.filter(cycle=cycle)
    )


@pytest.fixture
def years(world):
    """FY2020 with confirmed opinions on 1-1 and 1-2 and a draft on 2-1; FY2021 where
    武蔵野市 has a 事業 under 1-1 and 武蔵野プレイス one under 1-1 too."""
    last = CycleFactory(fiscal_year=2020, phase=Phase.PUBLISHED)
    for number in ["1-1", "1-2"]:
        CommitteeEvaluationFactory(
            cycle=last, measure=measure(number), confirmed_at=CONFIRMED, opinion=f"{number}の意見"
        )
    # A draft (as if forced into a published year): no follow-up.
    CommitteeEvaluationFactory(cycle=last, measure=measure("2-1"), confirmed_at=None)
    ProjectFactory(code="place-001", body=body("place"))
    world.set_phase(Phase.PREPARATION)
    return last, world


def test_confirmed_opinions_become_items_for_each_body_with_projects(years):
    last, world = years
    opened = follow_ups.follow_ups_open(cycle=world.cycle, user=None)
    # 1-2 has no 事業 this year: the city answers it; the 2-1 draft was never confirmed.
    assert item_keys(world.cycle) == [
        ("1-1", "city", 2020),
        ("1-1", "place", 2020),
        ("1-2", "city", 2020),
    ]
    assert (opened.created, opened.carried) == (3, 0)
    assert follow_ups.follow_ups_open(cycle=world.cycle, user=None).created == 0  # idempotent


def test_a_new_item_starts_with_the_department_of_the_bodys_projects_else_the_bodys_name(
    years,
):
    last, world = years
    ProjectFactory(code="city-002", body=body("city"), department="生涯学習スポーツ課")
    ProjectFactory(code="place-002", body=body("place"), department="")  # no 担当課 given
    follow_ups.follow_ups_open(cycle=world.cycle, user=None)
    departments = {(f.measure.number, f.body.code): f.department for f in FollowUp.objects.all()}
    assert departments == {
        ("1-1", "city"): "市民活動推進課、生涯学習スポーツ課",
        ("1-1", "place"): "市民活動推進課",
        ("1-2", "city"): "武蔵野市",  # a 施策 without 事業: the body itself
    }


def test_moving_the_cycle_into_entry_opens_the_items(years):
    last, world = years
    user = secretariat().user
    services.cycle_move(
        cycle=world.cycle, to_phase=Phase.ENTRY, user=user, expected_version=world.cycle.version
    )
    item = FollowUp.objects.get(cycle=world.cycle, body=body("city"), measure=measure("1-1"))
    assert (item.status, item.history.first().history_user) == (FollowUpStatus.NOT_YET, user)


def test_items_not_closed_are_carried_forward_until_done(years):
    last, world = years
    follow_ups.follow_ups_open(cycle=world.cycle, user=None)
    city = FollowUp.objects.get(cycle=world.cycle, body=body("city"), measure=measure("1-1"))
    city.policy, city.status = "講座の広報を見直す。", FollowUpStatus.IN_PROGRESS
    city.save()
    place = FollowUp.objects.get(cycle=world.cycle, body=body("place"))
    place.status = FollowUpStatus.DONE
    place.save()

    next_year = CycleFactory(fiscal_year=2022, phase=Phase.PREPARATION)
    opened = follow_ups.follow_ups_open(cycle=next_year, user=None)
    carried = FollowUp.objects.get(cycle=next_year, measure=measure("1-1"))
    assert (opened.created, opened.carried) == (0, 2)  # and the city's answer on 1-2
    assert (carried.body.code, carried.policy, carried.status, carried.carried_from) == (
        "city",
        "講座の広報を見直す。",
        FollowUpStatus.IN_PROGRESS,
        city,
    )
    assert carried.opinion.opinion == "1-1の意見"


def test_the_first_revised_year_answers_the_mid_term_review_of_the_original_plan(world):
    # The fixtures hold the confirmed FY2016 mid-term opinions of the original plan.
    world.set_phase(Phase.PREPARATION)
    first = CycleFactory(fiscal_year=2017, phase=Phase.PREPARATION)
    ProjectFactory(code="city-2017", body=body("city"), first_year=2017)
    follow_ups.follow_ups_open(cycle=first, user=None)
    item = FollowUp.objects.get(cycle=first, measure=measure("1-1"))
    assert (item.measure.number, item.opinion.cycle.fiscal_year) == ("1-1", 2016)
    assert item.opinion.measure == measure("1-1").main_predecessor()


def test_the_migration_keeps_every_response_text(db):
    CycleFactory(fiscal_year=2020, phase=Phase.PUBLISHED)
    cycle = CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    last = CommitteeEvaluationFactory(cycle=CycleFactory(fiscal_year=2020), confirmed_at=CONFIRMED)
    texts = {"city": "SNSでの告知を増やした。", "place": "館内掲示を見直した。"}
    for code, text in texts.items():
        SelfEvaluationFactory(cycle=cycle, body=body(code), response_to_committee=text)
    SelfEvaluationFactory(cycle=cycle, body=body("shakyo"))  # no text: no item
    migration = importlib.import_module(
        "evaluation.migrations.0006_response_to_committee_into_follow_ups"
    )
    migration.forward(apps, None)
    items = FollowUp.objects.filter(cycle=cycle).order_by("body__order")
    assert [(i.body.code, i.policy, i.status, i.opinion) for i in items] == [
        ("city", texts["city"], "in_progress", last),
        ("place", texts["place"], "in_progress", last),
    ]


# --- pages ----------------------------------------------------------------------------------


@pytest.fixture
def opened(years):
    last, world = years
    world.set_phase(Phase.ENTRY)
    follow_ups.follow_ups_open(cycle=world.cycle, user=None)
    return world


def edit_url(item) -> str:
    return reverse(
        "evaluation:follow_up", kwargs={"plan": "revised-2017", "year": 2021, "pk": item.pk}
    )


def test_a_body_writes_its_policy_and_status_and_difficult_needs_a_reason(opened, login):
    item = FollowUp.objects.get(body=body("city"), measure=measure("1-1"))
    client = login(opened.users["staff_a"])
    refused = client.post(
        edit_url(item), {"policy": "人員が足りない。", "status": "difficult", "version": 1}
    )
    assert "「対応困難」のときは、その理由を書いてください。" in refused.content.decode()
    assert "人員が足りない。" in refused.content.decode()
    client.post(
        edit_url(item),
        {"policy": "講座を増やす。", "status": "in_progress", "version": 1},
    )
    item.refresh_from_db()
    assert (item.policy, item.status, item.version) == ("講座を増やす。", "in_progress", 2)
    other = login(opened.users["staff_b"]).post(
        edit_url(item), {"policy": "x", "status": "done", "version": 2}
    )
    assert other.status_code == 403


def test_the_todo_lists_the_opinions_still_to_answer(opened, login):
    html = login(opened.users["staff_a"]).get(reverse("evaluation:todo")).content.decode()
    assert "委員会意見への対応（市）" in html
    assert edit_url(FollowUp.objects.get(body=body("city"), measure=measure("1-1"))) in html


def test_the_report_prints_and_downloads_the_same_rows(opened, login):
    item = FollowUp.objects.get(body=body("city"), measure=measure("1-1"))
    item.policy, item.status, item.difficulty_reason = "=1+1 広報", "difficult", "予算がない。"
    item.save()
    client = login(opened.users["member"])
    kwargs = {"plan": "revised-2017", "year": 2021}
    html = client.get(reverse("evaluation:follow_up_report", kwargs=kwargs)).content.decode()
    assert "1-1の意見" in html and "対応困難" in html and "予算がない。" in html

    response = client.get(reverse("evaluation:follow_up_csv", kwargs=kwargs))
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E5%9B%9E%E7%AD%94%E5%A0%B1%E5%91%8A%E6%9B%B8_"
        "%E6%94%B9%E5%AE%9A%E8%A8%88%E7%94%BB_%E4%BB%A4%E5%92%8C3%EF%BC%882021%EF%BC%89"
        "%E5%B9%B4%E5%BA%A6.csv"
    )  # 回答報告書_改定計画_令和3（2021）年度.csv
    text = response.content.decode()
    assert text.startswith("\ufeff年度,施策番号")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1] == [
        "2021",
        "1-1",
        "市民活動のきっかけづくり",
        "2020",
        "C",
        "1-1の意見",
        "1",
        "1-1の意見",  # not split yet: the point is the whole opinion
        "武蔵野市",
        "市民活動推進課",  # the 担当課 of its 事業, filled in when the item was made
        "'=1+1 広報",
        "",
        "",
        "対応困難",
        "予算がない。",
        "",
    ]
    book = load_workbook(
        io.BytesIO(client.get(reverse("evaluation:follow_up_xlsx", kwargs=kwargs)).content)
    )
    sheet = book.active
    assert sheet.title == "令和3（2021）年度"
    assert sheet["A1"].value == "委員会意見への対応状況（回答報告書） 改定計画 令和3（2021）年度"
    assert sheet["A2"].value.startswith(
        "令和2（2020）年度の委員会による評価及び意見への対応　作成日: 令和"
    )
    assert [c.value for c in sheet[4]] == [
        "施策",
        "指摘事項",
        "実施主体・担当課",
        "対応方針",
        "取組内容",
        "時期",
        "対応状況",
    ]
    assert [c.value for c in sheet[5]] == [
        "1-1 市民活動のきっかけづくり（評価 C）",
        "1. 1-1の意見",
        "市\n市民活動推進課",
        "=1+1 広報",  # typed as text in the xlsx: shown as written, never run, no apostrophe
        None,
        None,
        "対応困難\n理由: 予算がない。",
    ]
    assert sheet.cell(5, 4).data_type == "s"
    assert sheet.row_dimensions[5].height == 45  # three wrapped lines show in LibreOffice too
    assert sheet.max_row == 7  # 1-1 市, 1-1 プレイス, 1-2 市 (no 事業: the city answers)
    # Prints as delivered: A4 landscape, one page wide, the heading on every page, page n / N.
    assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$4:$4"
    assert sheet.oddFooter.center.text == "&P / &N"
    assert sheet.print_area == "'令和3（2021）年度'!$A$1:$G$7"


def test_the_report_links_to_the_answers_each_person_may_write_now(opened, login):
    city = FollowUp.objects.get(body=body("city"), measure=measure("1-1"))
    place = FollowUp.objects.get(body=body("place"), measure=measure("1-1"))
    url = reverse("evaluation:follow_up_report", kwargs={"plan": "revised-2017", "year": 2021})
    split = reverse(
        "evaluation:follow_up_points", kwargs={"plan": "revised-2017", "year": 2021, "pk": city.pk}
    )

    def links(user) -> tuple[bool, bool, bool]:
        html = login(user).get(url).content.decode()
        return edit_url(city) in html, edit_url(place) in html, split in html

    assert links(opened.users["staff_a"]) == (True, False, False)
    assert links(opened.users["secretariat"]) == (True, True, True)
    assert links(opened.users["member"]) == (False, False, False)
    # Outside 実施状況入力 the rules allow no answer and no split: no link offers one.
    opened.set_phase(Phase.COMMITTEE)
    assert links(opened.users["secretariat"]) == (False, False, False)
    assert links(opened.users["staff_a"]) == (False, False, False)


@pytest.mark.parametrize("extra", [0, 8])
def test_the_report_has_a_fixed_query_count(opened, login, django_assert_max_num_queries, extra):
    lecture = Initiative.objects.get_by_natural_key("revised-2017", "1-2", 1)
    for n in range(extra):
        ProjectFactory(code=f"x-{n}", body=body("shakyo"), initiatives=[lecture])
    follow_ups.follow_ups_open(cycle=opened.cycle, user=None)
    client = login(opened.users["member"])
    kwargs = {"plan": "revised-2017", "year": 2021}
    with django_assert_max_num_queries(8):
        assert client.get(reverse("evaluation:follow_up_report", kwargs=kwargs)).status_code == 200


def test_the_scoring_page_shows_the_follow_ups(opened, login):
    opened.set_phase(Phase.COMMITTEE)
    item = FollowUp.objects.get(body=body("place"))
    item.policy = "館内の案内を増やした。"
    item.save()
    html = (
        login(opened.users["member"])
        .get(
            reverse(
                "evaluation:scoring", kwargs={"plan": "revised-2017", "year": 2021, "number": "1-1"}
            )
        )
        .content.decode()
    )
    assert "委員会意見への対応状況" in html and "館内の案内を増やした。" in html


def test_the_report_pdf_prints_the_same_cells_with_page_numbers(opened, login, tmp_path):
    import subprocess

    item = FollowUp.objects.get(body=body("city"), measure=measure("1-1"))
    item.department, item.policy, item.timing = (
        "市民活動推進課",
        "講座の周知を強める。",
        "令和3年度中",
    )
    item.save()
    kwargs = {"plan": "revised-2017", "year": 2021}
    response = login(opened.users["member"]).get(reverse("evaluation:follow_up_pdf", kwargs=kwargs))
    assert response["Content-Type"] == "application/pdf"
    assert "%E5%9B%9E%E7%AD%94%E5%A0%B1%E5%91%8A%E6%9B%B8_" in response["Content-Disposition"]
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "委員会意見への対応状況（回答報告書）" in text
    assert "発行: 武蔵野市 市民部 市民活動推進課" in text and "作成日: 令和" in text
    assert "講座の周知を強める。" in text and "令和3年度中" in text and "1-2 多様な" in text
    assert re.search(r"\b1 ?/ ?1\b", text)  # 「1 / 1」: pdftotext may close up the spaces
