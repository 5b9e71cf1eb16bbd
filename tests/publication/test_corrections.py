"""訂正 of a published year: the 事務局 opens it with a reason, corrects the year's records
(nobody else can), the 委員長 approves, and 第2版 is published with its 正誤表 while 第1版
stays as it was; the public is served 第1版 until then."""

import io
import logging

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from evaluation import access, services
from evaluation.models import (
    CommitteeEvaluation,
    CorrectionState,
    Indicator,
    IndicatorValue,
    Phase,
    ProjectReport,
)
from publication import corrections
from publication.models import Correction, Edition, EditionFile
from tests.evaluation.conftest import fresh_idle_timeout
from tests.evaluation.test_publication import confirm_all
from tests.evaluation.test_sheet_pdf import pages_of
from tests.factories import (
    CycleFactory,
    ProjectFactory,
    ProjectReportFactory,
    chair,
    member,
    secretariat,
    staff,
)

pytestmark = pytest.mark.django_db

SHEET = "/cycles/revised-2017/2020/sheet/"
SHEET_XLSX = "/cycles/revised-2017/2020/sheet.xlsx"
EDITIONS = "/cycles/revised-2017/2020/editions/"
CORRECTION = "/cycles/revised-2017/2020/correction/"
REASON = "実施回数の誤記を訂正しました。"


@pytest.fixture
def people(db):
    return {"secretariat": secretariat().user, "chair": chair().user}


@pytest.fixture
def published(people, django_capture_on_commit_callbacks):
    """令和2年度, 公開 with 第1版; one 事業 with its 実施状況 and one 参考指標 value."""
    cycle = CycleFactory(fiscal_year=2020, phase=Phase.COMMITTEE)
    confirm_all(cycle)
    project = ProjectFactory(code="city-001", name="市民活動入門講座")
    ProjectReportFactory(cycle=cycle, project=project, activities="講座を3回開いた。")
    indicator = Indicator.objects.create(plan=cycle.plan, name="市民活動団体数", unit="団体")
    IndicatorValue.objects.create(indicator=indicator, fiscal_year=2020, actual=120, target=100)
    for phase in (Phase.CONFIRMED, Phase.PUBLISHED):
        with django_capture_on_commit_callbacks(execute=True):
            cycle = services.cycle_move(
                cycle=cycle,
                to_phase=phase,
                user=people["secretariat"],
                expected_version=cycle.version,
            )
    return cycle


@pytest.fixture
def opened(published, people):
    corrections.correction_open(cycle=published, reason=REASON, user=people["secretariat"])
    published.refresh_from_db()
    return published


def correct_report(cycle, user, text="講座を4回開いた。"):
    report = ProjectReport.objects.get(cycle=cycle)
    report.activities = text
    return services.record_save(instance=report, expected_version=report.version, user=user)


def first_edition_hashes() -> dict[str, str]:
    return dict(
        EditionFile.objects.filter(edition__number=1).values_list("name", "sha256").order_by()
    )


# ----------------------------------------------------------------- opening


def test_the_secretariat_opens_a_correction_of_a_published_year_and_it_is_logged(
    published, people, caplog
):
    with caplog.at_level(logging.INFO, logger="security"):
        found = corrections.correction_open(
            cycle=published, reason=REASON, user=people["secretariat"]
        )
    assert found.state == CorrectionState.OPEN and found.opened_by == people["secretariat"]
    record = next(r for r in caplog.records if getattr(r, "event", "") == "correction.opened")
    assert record.user_id == people["secretariat"].pk and record.cycle == published.pk
    assert "訂正を始めました" in record.getMessage()


def test_a_correction_needs_a_reason_a_published_year_and_the_secretariat(published, people):
    with pytest.raises(ValidationError, match="理由"):
        corrections.correction_open(cycle=published, reason="  ", user=people["secretariat"])
    with pytest.raises(ValidationError, match="事務局"):
        corrections.correction_open(cycle=published, reason=REASON, user=people["chair"])
    open_year = CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    with pytest.raises(ValidationError, match="公開"):
        corrections.correction_open(cycle=open_year, reason=REASON, user=people["secretariat"])
    assert not Correction.objects.exists()


def test_a_year_has_at_most_one_pending_correction(opened, people):
    with pytest.raises(ValidationError, match="進行中の訂正"):
        corrections.correction_open(cycle=opened, reason="別の訂正", user=people["secretariat"])
    with pytest.raises(IntegrityError):  # the database refuses it too, whoever writes
        Correction.objects.create(cycle=opened, reason="別の訂正", opened_by=people["chair"])


# ----------------------------------------------------------------- who corrects


def test_while_a_correction_is_open_only_the_secretariat_changes_the_years_records(opened, people):
    for other in (chair().user, member().user, staff().user):
        with pytest.raises(ValidationError, match="確定"):
            correct_report(opened, other, "ほかの人の訂正")
    saved = correct_report(opened, people["secretariat"])
    assert saved.activities == "講座を4回開いた。"
    assert saved.history.latest().history_user == people["secretariat"]  # history kept


def test_the_record_pages_let_the_secretariat_edit_and_tell_the_others_why_not(opened, people):
    project = ProjectReport.objects.get(cycle=opened).project
    assert access.report_access(people["secretariat"], opened, project).edit
    refused = access.report_access(staff().user, opened, project)
    assert not refused.edit and "訂正中" in refused.reason
    assert access.committee_evaluation_access(
        people["secretariat"], opened, CommitteeEvaluation.objects.filter(cycle=opened).first()
    ).edit
    assert not access.committee_evaluation_access(people["chair"], opened, None).edit


def test_a_confirmed_committee_evaluation_and_the_years_indicator_value_are_corrected(
    opened, people
):
    evaluation = CommitteeEvaluation.objects.filter(cycle=opened).first()
    evaluation.opinion = "訂正した意見"
    services.record_save(
        instance=evaluation, expected_version=evaluation.version, user=people["secretariat"]
    )
    value = IndicatorValue.objects.get()
    rule = access.indicator_access(people["secretariat"], opened.plan_id, True)
    assert access.indicator_value_access(people["secretariat"], rule, value).edit
    assert not access.indicator_value_access(chair().user, rule, value).edit
    value.actual = 130
    services.record_save(instance=value, expected_version=value.version, user=people["secretariat"])
    assert IndicatorValue.objects.get().actual == 130


def test_the_admin_and_the_cycles_dates_stay_locked_during_a_correction(opened, people):
    report = ProjectReport.objects.get(cycle=opened)
    assert report.lock_reason()  # the admin asks without a user
    assert opened.lock_reason(people["secretariat"])  # the year, its dates and its scale


def test_without_an_open_correction_nobody_changes_a_published_year(published, people):
    with pytest.raises(ValidationError):
        correct_report(published, people["secretariat"])


# ----------------------------------------------------------------- the public meanwhile


def test_the_public_keeps_the_published_edition_while_a_correction_is_open(opened, people, client):
    before = client.get(SHEET)
    correct_report(opened, people["secretariat"])
    during = client.get(SHEET)
    assert during["X-Edition"] == "1" and during.content == before.content
    assert "講座を3回開いた。" in during.content.decode()
    assert "講座を4回開いた。" not in client.get(SHEET_XLSX).content.decode(errors="ignore")
    projects = client.get("/opendata/revised-2017/2020/projects.json")
    assert projects["X-Edition"] == "1" and "講座を4回開いた" not in projects.content.decode()


def test_the_plan_wide_public_pages_leave_out_a_year_under_correction_until_it_is_published(
    opened, people, client
):
    value = IndicatorValue.objects.get()
    value.actual = 987
    services.record_save(instance=value, expected_version=value.version, user=people["secretariat"])
    for path in ("/indicators/revised-2017/", "/dashboard/revised-2017/"):
        assert "987" not in client.get(path).content.decode(), path
    correct_report(opened, people["secretariat"])
    corrections.correction_submit(cycle=opened, user=people["secretariat"])
    assert "987" not in client.get("/indicators/revised-2017/").content.decode()
    corrections.correction_approve(cycle=opened, user=people["chair"])
    assert "987" in client.get("/indicators/revised-2017/").content.decode()


# ----------------------------------------------------------------- approval


def test_approval_publishes_edition_2_with_its_errata_and_keeps_edition_1(
    opened, people, client, caplog, tmp_path
):
    first = first_edition_hashes()
    correct_report(opened, people["secretariat"])
    corrections.correction_submit(cycle=opened, user=people["secretariat"])
    with caplog.at_level(logging.INFO, logger="security"):
        second = corrections.correction_approve(cycle=opened, user=people["chair"])

    assert second.number == 2 and second.is_published
    today = timezone.localdate().isoformat()
    assert second.errata == [
        {
            "where": "事業 city-001 実施内容",
            "before": "講座を3回開いた。",
            "after": "講座を4回開いた。",
            "reason": REASON,
            "date": today,
        }
    ]
    correction = Correction.objects.get()
    assert correction.state == CorrectionState.PUBLISHED and correction.edition == second
    assert correction.approved_by == people["chair"]
    assert {getattr(r, "event", "") for r in caplog.records} >= {"correction.approved"}
    # The public now gets 第2版, with the 正誤表 on the editions page and in the workbook.
    assert client.get(SHEET)["X-Edition"] == "2"
    page = client.get(EDITIONS).content.decode()
    assert REASON in page and "講座を3回開いた。" in page and "講座を4回開いた。" in page
    book = openpyxl.load_workbook(io.BytesIO(client.get(SHEET_XLSX).content))
    assert [c.value for c in list(book["正誤表"].iter_rows())[2]] == [
        "事業 city-001 実施内容",
        "講座を3回開いた。",
        "講座を4回開いた。",
        REASON,
        today,
    ]
    # The PDF carries the 正誤表 on a page of its own after the 評価表.
    pdf = pages_of(
        bytes(EditionFile.objects.get(edition=second, name="sheet.pdf").content), tmp_path
    )
    first_pdf = bytes(EditionFile.objects.get(edition__number=1, name="sheet.pdf").content)
    assert len(pdf) == len(pages_of(first_pdf, tmp_path)) + 1
    assert "正誤表（第2版）" in pdf[-1] and REASON in pdf[-1].replace(" ", "")
    assert "講座を4回開いた。" in pdf[-1] and "講座を3回開いた。" in pdf[-1]
    # 第1版 is as it was, file by file, and still downloads.
    assert first_edition_hashes() == first
    old = client.get(
        reverse(
            "publication:edition_file",
            kwargs={"plan": "revised-2017", "year": 2020, "edition": 1, "name": "sheet.xlsx"},
        )
    )
    assert old["ETag"] == f'"{first["sheet.xlsx"]}"' and old["X-Edition"] == "1"
    # The year is locked again for everyone, the secretariat included.
    with pytest.raises(ValidationError):
        correct_report(opened, people["secretariat"], "また直す")


def test_the_chair_sends_back_with_a_comment_and_the_secretariat_corrects_again(opened, people):
    correct_report(opened, people["secretariat"])
    corrections.correction_submit(cycle=opened, user=people["secretariat"])
    # Waiting for approval, the records stay as submitted.
    with pytest.raises(ValidationError):
        correct_report(opened, people["secretariat"], "承認待ちの間の変更")
    with pytest.raises(ValidationError, match="委員長"):
        corrections.correction_approve(cycle=opened, user=people["secretariat"])
    with pytest.raises(ValidationError, match="コメント"):
        corrections.correction_send_back(cycle=opened, comment="", user=people["chair"])
    corrections.correction_send_back(cycle=opened, comment="回数を再確認", user=people["chair"])
    assert Correction.objects.get().state == CorrectionState.OPEN
    correct_report(opened, people["secretariat"], "講座を5回開いた。")
    assert Edition.objects.count() == 1


def test_nothing_changed_cannot_be_submitted_and_a_change_cannot_be_withdrawn(opened, people):
    with pytest.raises(ValidationError, match="変わった箇所がありません"):
        corrections.correction_submit(cycle=opened, user=people["secretariat"])
    correct_report(opened, people["secretariat"])
    with pytest.raises(ValidationError, match="取り下げられません"):
        corrections.correction_withdraw(cycle=opened, user=people["secretariat"])
    correct_report(opened, people["secretariat"], "講座を3回開いた。")  # put back
    corrections.correction_withdraw(cycle=opened, user=people["secretariat"])
    assert Correction.objects.get().state == CorrectionState.WITHDRAWN
    with pytest.raises(ValidationError):
        correct_report(opened, people["secretariat"])


# ----------------------------------------------------------------- the page


def login(client, user):
    client.force_login(user)
    fresh_idle_timeout(client)
    return client


def test_the_correction_page_opens_shows_the_changes_and_approves(
    published, people, client, django_assert_max_num_queries
):
    login(client, people["secretariat"])
    response = client.post(CORRECTION, {"action": "open", "reason": REASON})
    assert response.status_code == 302
    correct_report(Correction.objects.get().cycle, people["secretariat"])
    with django_assert_max_num_queries(40):
        page = client.get(CORRECTION).content.decode()
    assert REASON in page and "講座を4回開いた。" in page and "委員長に承認を求める" in page
    client.post(CORRECTION, {"action": "submit"})
    login(client, people["chair"])
    assert "承認して新しい版を公開する" in client.get(CORRECTION).content.decode()
    assert client.post(CORRECTION, {"action": "approve"}).status_code == 302
    assert Edition.objects.get(number=2).is_published


def test_a_refused_action_says_why_and_keeps_what_was_typed(opened, people, client):
    login(client, people["chair"])
    typed = "チェアが書いた文"
    response = client.post(CORRECTION, {"action": "send_back", "comment": typed})
    page = response.content.decode()
    assert response.status_code == 200 and typed in page and "委員長" in page
    assert Correction.objects.get().state == CorrectionState.OPEN
