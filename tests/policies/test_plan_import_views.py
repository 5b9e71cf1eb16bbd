"""The upload page for a plan's structure: who may use it, the preview, the confirmation."""

import gc
import io
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.urls import reverse
from openpyxl import load_workbook

from policies.models import Measure, Plan
from policies.plan_sheet import template_rows, write_csv
from tests.factories import UserFactory, secretariat, staff
from tests.policies.test_plan_import import snapshot

pytestmark = pytest.mark.django_db
UPLOAD = reverse("policies:plan_import")
CONFIRM = reverse("policies:plan_import_confirm")


def template_file(replace: tuple[str, str] = ("", "")) -> SimpleUploadedFile:
    out = io.StringIO()
    write_csv(template_rows(), out)
    text = out.getvalue().replace(*replace) if replace[0] else out.getvalue()
    return SimpleUploadedFile("next.csv", text.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def importer(client):
    # The 事務局's role carries the right: no permission is granted in the admin first.
    client.force_login(secretariat().user)
    return client


def test_the_secretariat_previews_then_saves_a_new_plan(importer):
    response = importer.post(UPLOAD, {"file": template_file()})
    page = response.content.decode()
    assert response.status_code == 200
    assert "まだ何も保存していません" in page
    assert "（例）きっかけづくり" in page
    assert not Plan.objects.filter(code="next-2022").exists()

    digest = response.context["preview"].digest
    response = importer.post(CONFIRM, {"digest": digest})
    assert response.status_code == 302
    assert response["Location"] == reverse("policies:tree", kwargs={"plan": "next-2022"})
    assert Measure.objects.of_plan(Plan.objects.get(code="next-2022")).count() == 2
    page = importer.get(response["Location"]).content.decode()
    assert "計画の構造を取り込みました（新規 8件、変更 0件）。" in page


def test_an_administrator_without_a_role_may_import(client):
    client.force_login(UserFactory(username="it-admin", is_superuser=True, is_staff=True))
    response = client.post(UPLOAD, {"file": template_file()})
    assert response.status_code == 200
    assert response.context["preview"].count("create") == 8


def test_a_body_staff_member_may_not_open_the_plan_import(client):
    client.force_login(staff().user)
    assert client.get(UPLOAD).status_code == 403
    before = snapshot()
    assert client.post(UPLOAD, {"file": template_file()}).status_code == 403
    assert snapshot() == before


def test_a_refused_file_lists_its_errors_in_japanese_and_saves_nothing(importer):
    before = snapshot()
    response = importer.post(UPLOAD, {"file": template_file(("1-1①,1-2、2-1", "9-9①,1-2、2-1"))})
    page = response.content.decode()
    assert response.status_code == 200
    assert "次の理由で取り込めませんでした。何も保存していません。" in page
    assert (
        "31行目 L列「再掲元」: 再掲元「9-9①」（施策 9-9 の展開①）はこのファイルにありません。"
        in page
    )
    assert snapshot() == before


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(importer, settings):
    settings.PLAN_IMPORT_MAX_BYTES = 100
    response = importer.post(UPLOAD, {"file": template_file()})
    assert "上限は 100 バイトです。" in response.content.decode()


def test_a_confirmation_after_the_plan_changed_meanwhile_saves_nothing(importer):
    digest = importer.post(UPLOAD, {"file": template_file()}).context["preview"].digest
    # Someone else imports a different version of the same plan in between.
    other = importer.post(UPLOAD, {"file": template_file(("（例）情報の提供", "情報"))})
    importer.post(CONFIRM, {"digest": other.context["preview"].digest})
    importer.post(UPLOAD, {"file": template_file()})  # this user's own preview again…
    before = snapshot()
    session = importer.session
    session["plan_import"]["digest"] = digest  # …but confirming the first one
    session.save()
    response = importer.post(CONFIRM, {"digest": digest})
    assert response.status_code == 302
    assert snapshot() == before
    page = importer.get(response["Location"]).content.decode()
    assert "確認のあいだに計画の構造が変わりました。何も保存していません。" in page


def test_confirming_without_a_preview_goes_back_to_the_upload(importer):
    response = importer.post(CONFIRM, {"digest": "nothing"})
    assert response["Location"] == UPLOAD


def template_download(client) -> bytes:
    response = client.get(reverse("policies:plan_import_template", kwargs={"fmt": "xlsx"}))
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E8%A8%88%E7%94%BB%E3%81%AE%E6%A7%8B%E9%80%A0_"
        "%E3%83%86%E3%83%B3%E3%83%97%E3%83%AC%E3%83%BC%E3%83%88.xlsx"  # 計画の構造_テンプレート
    )
    return response.content


def test_the_template_downloads_as_excel_in_the_import_layout_with_its_explanation(importer):
    workbook = load_workbook(io.BytesIO(template_download(importer)))
    assert workbook.sheetnames == ["計画", "説明", "選択肢"]
    rows = list(workbook["計画"].iter_rows(values_only=True))
    assert rows[0][0] == "【計画】"
    assert rows[1][:2] == ("項目", "内容")
    assert rows[5][:2] == ("計画期間（開始年度）", "令和4（2022）年度")
    assert rows[6][:2] == ("計画期間（終了年度）", "令和8（2026）年度")
    explained = [row[0] for row in workbook["説明"].iter_rows(values_only=True)]
    assert "【施策体系】の列" in explained and "再掲の行" in explained
    assert workbook["選択肢"].sheet_state == "hidden"


def test_the_template_offers_drop_downs_where_a_value_comes_from_a_list(importer):
    sheet = load_workbook(io.BytesIO(template_download(importer)))["計画"]
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists == {
        "B9": "選択肢!$A$1:$A$2",  # 前の計画: 改定計画, 基本計画
        "B10": "選択肢!$B$1:$B$1",  # 評価尺度: tama-4
        "H29:H329": '"○"',
        "I29:I329": '"①,②,③,④,⑤,⑥,⑦,⑧,⑨,⑩,⑪,⑫,⑬,⑭,⑮,⑯,⑰,⑱,⑲,⑳"',
    }
    choices = load_workbook(io.BytesIO(template_download(importer)))["選択肢"]
    assert [row for row in choices.iter_rows(values_only=True)] == [
        ("改定計画", "tama-4"),
        ("基本計画", None),
    ]


def test_the_templates_example_imports_as_it_is_downloaded(importer):
    file = SimpleUploadedFile("計画の構造_テンプレート.xlsx", template_download(importer))
    response = importer.post(UPLOAD, {"file": file})
    assert response.context["preview"].count("create") == 8
    importer.post(CONFIRM, {"digest": response.context["preview"].digest})
    plan = Plan.objects.get(code="next-2022")
    assert (plan.first_year, plan.last_year, plan.predecessor.code) == (2022, 2026, "revised-2017")


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_the_templates_explanation_sheet_opens_in_libreoffice(importer, tmp_path):
    (tmp_path / "template.xlsx").write_bytes(template_download(importer))
    # The CSV filter's 12th token picks the sheet: 2 is 説明.
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "template.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = (tmp_path / "template-説明.csv").read_text(encoding="utf-8")
    assert text.startswith("計画の構造（施策体系）の取り込み: 記入のしかた,,\n")
    assert "再掲元,再掲の行だけ: もとの展開,1-1②、1-1-2、（再掲）1-1②、1-1の②\n" in text


def test_anyone_downloads_a_loaded_plans_structure_as_csv(client):
    response = client.get(
        reverse("policies:plan_export", kwargs={"plan": "revised-2017", "fmt": "csv"})
    )
    text = response.content.decode("utf-8")
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E8%A8%88%E7%94%BB%E3%81%AE%E6%A7%8B%E9%80%A0_"
        "%E6%94%B9%E5%AE%9A%E8%A8%88%E7%94%BB.csv"  # 計画の構造_改定計画.csv
    )
    assert text.startswith("\ufeff【計画】\r\n項目,内容\r\n計画コード,revised-2017\r\n")


def big_plan_file(measures: int) -> SimpleUploadedFile:
    """A plan of ``measures`` 施策 (10 to a 基本施策), two 展開 each, the second a 再掲."""
    text = template_file().read().decode("utf-8").removeprefix("\ufeff")
    rows = [line.split(",") for line in text.splitlines()]
    tree = rows.index(["【施策体系】"]) + 2
    body = []
    for m in range(measures):
        bp, number = m // 10 + 1, f"{m // 10 + 1}-{m % 10 + 1}"
        head = ["next-2022", str(bp), f"基本施策{bp}", "", number, f"施策{number}", "", ""]
        body.append([*head, "①", f"展開{number}", "", "", "1-1"])
        body.append(
            [*head, "②", "", "", "1-1①" if m else "", "1-1"]
            if m
            else [*head, "②", "展開", "", "", "1-1"]
        )
    out = io.StringIO()
    write_csv(rows[:tree] + body, out)
    return SimpleUploadedFile("big.csv", out.getvalue().encode("utf-8"))


@pytest.mark.parametrize("measures", [10, 100])
def test_the_preview_reads_the_database_in_the_same_number_of_queries_at_any_size(
    importer, measures, django_assert_num_queries
):
    file = big_plan_file(measures)
    # session and user (2), the secretariat's role (1); the previous plan and the scale
    # found by what the file calls them, the plan's current words (3); the plan, same-named plans, the previous plan
    # and its 施策, the scale (twice) and its levels (7); the plan switcher; the session
    # write; two savepoint pairs (the request, the session write)
    with django_assert_num_queries(19):
        response = importer.post(UPLOAD, {"file": file})
    # the plan, its 新たな方向性, the 基本施策, the 施策 and two 展開 each (the scale exists)
    assert response.context["preview"].count("create") == 2 + measures // 10 + 3 * measures


def test_a_new_plan_sits_beside_the_others_in_the_switcher_and_the_cycle_list(importer):
    digest = importer.post(UPLOAD, {"file": template_file()}).context["preview"].digest
    importer.post(CONFIRM, {"digest": digest})
    tree = importer.get(reverse("policies:tree", kwargs={"plan": "revised-2017"})).content.decode()
    assert (
        "（例）第三期市民活動促進基本計画" in tree
        and "武蔵野市市民活動促進基本計画改定計画" in tree
    )
    cycles = importer.get(reverse("evaluation:cycles", kwargs={"plan": "next-2022"}))
    assert cycles.status_code == 200
    importer.logout()
    assert importer.get(reverse("home"))["Location"] == "/plans/next-2022/"  # the newest


def test_the_admin_edits_a_measures_predecessors(client):
    client.force_login(UserFactory(username="it-admin", is_superuser=True, is_staff=True))
    measure = Measure.objects.get_by_natural_key("revised-2017", "2-2")
    page = client.get(reverse("admin:policies_measure_change", args=[measure.pk]))
    assert page.status_code == 200
    assert "前の計画の施策" in page.content.decode()
    listing = client.get(reverse("admin:policies_measure_changelist")).content.decode()
    assert "相談体制の拡充" in listing


def test_a_csv_download_finishes_its_request_once(client):
    """A file object wrapped around the response would close it again when collected,
    and closing a response closes the request's database connection."""
    finished = []

    def count(**kwargs) -> None:
        finished.append(1)

    request_finished.connect(count)
    try:
        client.get(reverse("policies:plan_export", kwargs={"plan": "basic-2012", "fmt": "csv"}))
        gc.collect()
    finally:
        request_finished.disconnect(count)
    assert len(finished) == 1


def renamed_plan_file(client) -> SimpleUploadedFile:
    """The loaded 改定計画 as exported, with 施策 1-1 and its ① 展開 renamed."""
    url = reverse("policies:plan_export", kwargs={"plan": "revised-2017", "fmt": "csv"})
    text = client.get(url).content.decode("utf-8")
    text = text.replace(",市民活動のきっかけづくり,", ",市民活動の入口づくり,")  # each row
    old = Measure.objects.get(basic_policy__plan__code="revised-2017", number="1-1")
    first = old.initiatives.get(position=1).title
    assert f",{first}," in text
    text = text.replace(f",{first},", ",新しい展開の名前,", 1)
    return SimpleUploadedFile("renamed.csv", text.encode("utf-8"), content_type="text/csv")


def test_renaming_titles_a_published_year_printed_is_named_in_the_preview(importer):
    from evaluation.models import Phase
    from tests.factories import CycleFactory

    CycleFactory(fiscal_year=2019, phase=Phase.CONFIRMED)
    CycleFactory(fiscal_year=2020, phase=Phase.PUBLISHED)
    CycleFactory(fiscal_year=2021, phase=Phase.ENTRY)
    first = Measure.objects.get(basic_policy__plan__code="revised-2017", number="1-1")
    first_title = first.initiatives.get(position=1).title
    response = importer.post(UPLOAD, {"file": renamed_plan_file(importer)})
    preview = response.context["preview"]
    assert preview.locked_years == ["令和元（2019）年度", "令和2（2020）年度"]
    assert preview.renamed == [
        ("施策 1-1", "市民活動のきっかけづくり", "市民活動の入口づくり"),
        ("展開 1-1①", first_title, "新しい展開の名前"),
    ]
    page = response.content.decode()
    assert (
        "次の名称は、確定・公開した年度（令和元（2019）年度、令和2（2020）年度）の評価表に載っています。"
        in page
    )
    assert "施策 1-1: 「市民活動のきっかけづくり」→「市民活動の入口づくり」" in page


def test_renaming_titles_of_a_plan_without_a_locked_year_says_nothing_of_published_years(
    importer,
):
    response = importer.post(UPLOAD, {"file": renamed_plan_file(importer)})
    assert response.context["preview"].count_changed == 2
    assert response.context["preview"].renamed == []
    assert "確定・公開した年度" not in response.content.decode()
