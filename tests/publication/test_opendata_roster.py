"""The year's 委員名簿 in the open data and on the PDF: who evaluated the year, each year
its own committee (read by the cycle's 委員会評価 period)."""

from datetime import date

import pytest
from django.contrib.auth.models import User

from evaluation.models import Phase
from evaluation.sheet.pdf import sheet_pdf_html
from people.models import Office, Seat, SeatCategory
from publication.opendata import DATASETS, as_csv, roster_rows
from tests.factories import CycleFactory, member, revised_plan

pytestmark = pytest.mark.django_db


def seat(name: str, category: str, starts: str, ends: str | None = None, office: str = "") -> None:
    user = member().user
    User.objects.filter(pk=user.pk).update(last_name=name)
    Seat.objects.create(
        plan=revised_plan(),
        user_id=user.pk,
        category=category,
        office=office,
        starts_on=date.fromisoformat(starts),
        ends_on=date.fromisoformat(ends) if ends else None,
    )


@pytest.fixture
def years():
    seat("前委員長", SeatCategory.ACADEMIC, "2019-04-01", "2021-03-31", office=Office.CHAIR)
    seat("委員長", SeatCategory.ACADEMIC, "2021-04-01", office=Office.CHAIR)
    seat("退任", SeatCategory.CIVIC_GROUP, "2019-04-01", "2021-06-30")
    seat("新任", SeatCategory.PUBLIC, "2021-07-01")
    fy2019 = CycleFactory(fiscal_year=2019, phase=Phase.PUBLISHED)  # evaluated in FY2020
    fy2020 = CycleFactory(
        fiscal_year=2020,
        phase=Phase.PUBLISHED,
        entry_due=date(2021, 5, 31),
        committee_due=date(2021, 7, 31),
    )
    return fy2019, fy2020


def test_each_year_lists_the_committee_that_evaluated_it(years):
    fy2019, fy2020 = years
    assert [(r["氏名"], r["区分"], r["役職"]) for r in roster_rows(fy2019)] == [
        ("前委員長", "学識経験者", "委員長"),
        ("退任", "市民活動団体", ""),
    ]
    assert [(r["氏名"], r["任期の終わり"]) for r in roster_rows(fy2020)] == [
        ("委員長", None),
        ("退任", date(2021, 6, 30)),
        ("新任", None),
    ]


def test_the_roster_file_has_a_column_guide_and_a_csv(years):
    roster = DATASETS["roster"]
    assert [c.header for c in roster.columns][3:] == [
        "氏名",
        "区分",
        "役職",
        "任期の始まり",
        "任期の終わり",
    ]
    assert all(c.description for c in roster.columns)
    csv = as_csv(roster, roster_rows(years[1])).decode("utf-8")
    assert "revised-2017,2020,令和2（2020）年度,退任,市民活動団体,,2019-04-01,2021-06-30\r\n" in csv


def test_the_pdf_prints_the_year_s_roster(years):
    html = sheet_pdf_html(years[1], "")
    assert "委員名簿" in html
    assert "退任（令和3年6月30日まで）" in html
    assert "前委員長" not in html
