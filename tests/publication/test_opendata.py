import csv
import io
import json

import pytest

from evaluation.models import CommitteeEvaluation, Phase, Project
from tests.factories import CycleFactory, secretariat
from tests.publication.conftest import DRAFT_OPINION, MEMBER_OPINION

pytestmark = pytest.mark.django_db

BASE = "/opendata/revised-2017/2020/"


def csv_rows(content: bytes) -> list[dict]:
    assert content.startswith("\ufeff".encode())  # Japanese Excel reads UTF-8 only with a BOM
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def json_rows(content: bytes) -> list[dict]:
    return json.loads(content)["rows"]


def as_text(value) -> str:
    return "" if value is None else str(value)


@pytest.mark.parametrize(
    "dataset", ["measures", "projects", "project-initiatives", "project-indicators"]
)
def test_the_csv_and_the_json_agree_value_for_value(client, published, dataset):
    from_csv = csv_rows(client.get(f"{BASE}{dataset}.csv").content)
    from_json = json_rows(client.get(f"{BASE}{dataset}.json").content)
    assert len(from_csv) == len(from_json) > 0
    for c, j in zip(from_csv, from_json, strict=True):
        assert list(c) == list(j)
        assert c == {key: as_text(value) for key, value in j.items()}


def test_a_measure_row_carries_stable_codes_both_year_forms_and_numbers_as_numbers(
    client, published
):
    rows = json_rows(client.get(f"{BASE}measures.json").content)
    first = rows[0]
    assert len(rows) == 12
    assert first == {
        "計画コード": "revised-2017",
        "年度（西暦）": 2020,
        "年度（和暦）": "令和2（2020）年度",
        "基本施策番号": 1,
        "基本施策名": "市民活動の裾野の拡大",
        "施策番号": "1-1",
        "施策名": "市民活動のきっかけづくり",
        "重点施策": 1,
        "委員会評価（記号）": "B",
        "委員会評価（意味）": "概ね達成",
        "委員会評価（点）": 3,
        "評価尺度の最高点（点）": 4,
        "委員会による評価及び意見": "概ね達成。参加の入口は広がった。",
        "確定日": "2021-08-20",
    }


def test_a_project_row_has_its_code_body_and_counts_with_units_in_the_headers(client, published):
    rows = csv_rows(client.get(f"{BASE}projects.csv").content)
    assert [
        (r["事業コード"], r["実施主体コード"], r["実施状況"], r["回数（回）"], r["参加者数（人）"])
        for r in rows
    ] == [("city-001", "city", "実施", "3", "45")]
    indicators = json_rows(client.get(f"{BASE}project-indicators.json").content)
    assert [
        (r["事業コード"], r["指標名"], r["目標値"], r["実績値"], r["達成率（%）"])
        for r in indicators
    ] == [("city-001", "受講後に活動を始めた人", 10, 8, 80.0)]
    links = json_rows(client.get(f"{BASE}project-initiatives.json").content)
    assert [(r["事業コード"], r["施策番号"], r["展開番号"]) for r in links] == [
        ("city-001", "1-1", 1)
    ]


def test_neither_a_members_opinion_nor_a_draft_is_in_any_file(client, published):
    for dataset in ("measures", "projects", "project-initiatives", "project-indicators"):
        for fmt in ("csv", "json"):
            text = client.get(f"{BASE}{dataset}.{fmt}").content.decode("utf-8-sig")
            assert MEMBER_OPINION not in text
            assert DRAFT_OPINION not in text
    rows = json_rows(client.get(f"{BASE}measures.json").content)
    assert rows[1]["施策番号"] == "1-2"
    assert (rows[1]["委員会評価（記号）"], rows[1]["委員会による評価及び意見"]) == ("", "")


@pytest.mark.parametrize("phase", [Phase.ENTRY, Phase.COMMITTEE, Phase.CONFIRMED])
def test_a_year_not_published_is_404_for_everyone(client, published, phase):
    published.phase = phase
    published.save()
    for user in (None, secretariat().user):
        if user:
            client.force_login(user)
        for url in (f"{BASE}measures.csv", f"{BASE}projects.json"):
            assert client.get(url).status_code == 404
        page = client.get("/opendata/").content.decode()
        assert "2020/measures.csv" not in page


def test_an_unknown_dataset_or_year_is_404(client, published):
    assert client.get(f"{BASE}members.csv").status_code == 404
    assert client.get("/opendata/revised-2017/2019/measures.csv").status_code == 404


def test_the_index_lists_each_published_year_with_the_licence(client, published):
    CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    page = client.get("/opendata/").content.decode()
    assert "公共データ利用規約（第1.0版）（PDL1.0）" in page
    assert "CC BY 4.0" in page
    assert (
        page.count("/opendata/revised-2017/2020/") == 12
    )  # 6 datasets (with the 総評 and the 委員名簿) × CSV, JSON
    assert "/opendata/revised-2017/2021/" not in page


def test_a_re_download_with_the_etag_is_304_until_a_published_value_changes(
    client, published, django_capture_on_commit_callbacks
):
    url = f"{BASE}measures.csv"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    with django_capture_on_commit_callbacks(execute=True):
        evaluation = CommitteeEvaluation.objects.get(measure__number="1-1", cycle=published)
        evaluation.opinion = "概ね達成。（訂正）"
        evaluation.save()
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert again.headers["ETag"] != etag
    assert "概ね達成。（訂正）" in again.content.decode("utf-8-sig")


def test_the_column_dictionary_explains_every_header(client, published):
    page = client.get("/opendata/columns/").content.decode()
    headers = csv_rows(client.get(f"{BASE}projects.csv").content)[0].keys()
    for header in headers:
        assert f'<th scope="row">{header}</th>' in page


def test_a_file_costs_a_fixed_number_of_queries(client, published, django_assert_max_num_queries):
    client.get(f"{BASE}projects.csv")
    # The cycle, the cache (generation and entry), five history dates; the request's savepoint.
    with django_assert_max_num_queries(10):
        client.get(f"{BASE}projects.csv")


def test_editing_a_project_for_a_later_year_leaves_the_published_files_as_they_were(
    client, published, django_capture_on_commit_callbacks
):
    urls = [f"{BASE}{d}.{f}" for d in ("projects", "project-initiatives") for f in ("csv", "json")]
    before = [client.get(url).content for url in urls]
    with django_capture_on_commit_callbacks(execute=True):
        project = Project.objects.get(code="city-001")
        project.name = "市民活動入門講座（令和3年度から名称変更）"
        project.department = "市民活動推進課（新）"
        project.save()
    assert [client.get(url).content for url in urls] == before


def test_a_year_on_its_own_scale_reports_its_own_maximum(client, db):
    from datetime import UTC, datetime

    from policies.models import RatingLevel, RatingScale
    from tests.factories import CommitteeEvaluationFactory, chair, measure

    scale = RatingScale.objects.create(code="ten", name="10点評価（A〜C）")
    levels = {
        code: RatingLevel.objects.create(
            scale=scale, code=code, label=label, points=points, order=order
        )
        for code, label, points, order in [
            ("A", "達成", 10, 1),
            ("B", "一部達成", 5, 2),
            ("C", "未達成", 0, 3),
        ]
    }
    cycle = CycleFactory(fiscal_year=2019, phase=Phase.PUBLISHED, rating_scale=scale)
    CommitteeEvaluationFactory(
        cycle=cycle,
        measure=measure("1-1"),
        rating=levels["A"],
        confirmed_by=chair().user,
        confirmed_at=datetime(2020, 8, 20, tzinfo=UTC),
    )
    first = json_rows(client.get("/opendata/revised-2017/2019/measures.json").content)[0]
    assert (first["委員会評価（点）"], first["評価尺度の最高点（点）"]) == (10, 10)
