"""Importing a plan's structure: the round trip against the fixtures, natural keys, and
every refusal leaving the database as it was."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command

from evaluation.models import CommitteeEvaluation, Cycle
from policies import plan_import
from policies.models import BasicPolicy, Direction, Initiative, Measure, Plan, RatingScale
from policies.plan_files import parse_file
from policies.plan_sheet import plan_rows, template_rows, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def fixture_text(code: str) -> str:
    """A plan serialized the way its fixture file is written: natural keys, the plan, its
    新たな方向性 and 基本施策, then each 施策 followed by its 展開."""
    objects = [
        Plan.objects.get(code=code),
        *Direction.objects.filter(plan__code=code).order_by("number"),
        *BasicPolicy.objects.filter(plan__code=code).order_by("number"),
    ]
    for m in Measure.objects.filter(basic_policy__plan__code=code).order_by(
        "basic_policy__number", "order"
    ):
        objects += [m, *m.initiatives.order_by("position")]
    text = serializers.serialize(
        "json", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )
    return json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


def scale_text() -> str:
    objects = [*RatingScale.objects.order_by("code")]
    for scale in objects[:]:
        objects += list(scale.levels.order_by("order"))
    text = serializers.serialize(
        "json",
        objects,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
        # What the fixture holds; the edit version is the database's bookkeeping.
        fields=["code", "name", "scale", "label", "points", "order"],
    )
    return json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


def as_csv(rows) -> bytes:
    out = io.StringIO()
    write_csv(rows, out)
    return out.getvalue().encode("utf-8")


def as_xlsx(rows) -> bytes:
    out = io.BytesIO()
    write_xlsx(rows, out)
    return out.getvalue()


def exported(code: str, fmt: str) -> bytes:
    plan = Plan.objects.get(code=code)
    return as_xlsx(plan_rows(plan)) if fmt == "xlsx" else as_csv(plan_rows(plan))


def load(data: bytes, name: str = "plan.csv", user=None) -> plan_import.Preview:
    return plan_import.apply(parse_file(name, data), user=user)


def empty_the_database() -> None:
    """Everything that the plans hold up, then the plans and the scales themselves."""
    CommitteeEvaluation.objects.all().delete()
    Cycle.objects.all().delete()
    Initiative.objects.filter(original__isnull=False).delete()
    Measure.predecessors.through.objects.all().delete()
    Plan.objects.filter(predecessor__isnull=False).delete()
    Plan.objects.all().delete()
    RatingScale.objects.all().delete()


def snapshot() -> list:
    """Every row of the plan structure, history tables included."""
    return [
        sorted(map(repr, model.objects.values()))
        for model in apps.get_app_config("policies").get_models()
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exporting_both_plans_and_importing_them_into_an_empty_database_gives_the_fixtures_byte_for_byte(
    fmt,
):
    files = {code: exported(code, fmt) for code in ["basic-2012", "revised-2017"]}
    empty_the_database()
    assert Plan.objects.count() == 0
    for code in ["basic-2012", "revised-2017"]:  # the predecessor first
        load(files[code], f"{code}.{fmt}")
    for code, name in [("basic-2012", "plan_basic_2012"), ("revised-2017", "plan_revised_2017")]:
        assert fixture_text(code) == (FIXTURES / f"{name}.json").read_text(encoding="utf-8")
    assert scale_text() == (FIXTURES / "rating_scale.json").read_text(encoding="utf-8")


def test_the_export_carries_every_initiative_relisting_and_lineage():
    text = exported("revised-2017", "csv").decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert rows[0] == ["【計画】"]
    assert ["計画コード", "revised-2017"] in rows
    assert ["前の計画", "basic-2012"] in rows
    tree = rows[rows.index(["【施策体系】"]) + 2 :]
    assert len(tree) == 40
    # 3-1④ is the 再掲 of 1-1②: no text of its own; the lineage is on every row.
    relisting = next(row for row in tree if row[4] == "3-1" and row[8] == "④")
    assert relisting[9:] == ["", "", "1-1②", "3-1"]


def test_an_unchanged_reimport_changes_nothing_not_even_the_history():
    data = exported("revised-2017", "xlsx")
    before = snapshot()
    result = load(data, "plan.xlsx")
    assert (result.count("create"), result.count("change"), result.count("same")) == (0, 0, 62)
    assert snapshot() == before


def test_a_changed_title_updates_the_same_measure_and_keeps_the_history(django_user_model):
    user = django_user_model.objects.create_user("admin", is_superuser=True)
    original = Measure.objects.get_by_natural_key("revised-2017", "2-2")
    data = exported("revised-2017", "csv").replace(
        "相談体制の拡充".encode(), "相談体制の強化".encode()
    )
    result = load(data, user=user)
    assert [(c.level, c.key, c.fields) for c in result.changes if c.action != "same"] == [
        ("施策", "2-2", [("施策名", "相談体制の拡充", "相談体制の強化")])
    ]
    measure = Measure.objects.get_by_natural_key("revised-2017", "2-2")
    assert (measure.pk, measure.title) == (original.pk, "相談体制の強化")
    latest = measure.history.first()
    assert (latest.history_type, latest.title, latest.history_user) == ("~", "相談体制の強化", user)
    assert Measure.objects.of_plan(measure.basic_policy.plan).count() == 12


def test_the_template_loads_a_new_plan_with_a_relisting_and_a_merged_lineage():
    result = load(as_csv(template_rows()))
    assert result.count("create") == 8
    plan = Plan.objects.get(code="next-2022")
    assert (plan.first_year, plan.last_year, plan.predecessor.code) == (2022, 2026, "revised-2017")
    merged = Measure.objects.get_by_natural_key("next-2022", "1-2")
    assert [p.natural_key() for p in merged.predecessors.all()] == [
        ("revised-2017", "1-2"),
        ("revised-2017", "2-1"),
    ]
    relisting = Initiative.objects.get_by_natural_key("next-2022", "1-2", 1)
    assert relisting.original == Initiative.objects.get_by_natural_key("next-2022", "1-1", 1)
    assert relisting.title == ""


def test_import_plan_and_export_plan_commands_round_trip(tmp_path):
    path = tmp_path / "revised.xlsx"
    call_command("export_plan", "revised-2017", output=str(path))
    out = io.StringIO()
    call_command("import_plan", str(path), stdout=out)
    assert out.getvalue().splitlines()[-1] == (
        "計画 revised-2017: 新規 0件、変更 0件、変更なし 62件。保存しました。"
    )


def test_export_plan_without_an_output_writes_csv_to_the_standard_output():
    out = io.StringIO()
    call_command("export_plan", "basic-2012", stdout=out)
    assert out.getvalue().encode("utf-8") == exported("basic-2012", "csv")


def test_import_plan_dry_run_lists_the_changes_and_saves_nothing(tmp_path):
    path = tmp_path / "template.csv"
    call_command("export_plan", template=True, output=str(path))
    out = io.StringIO()
    call_command("import_plan", str(path), dry_run=True, stdout=out)
    lines = out.getvalue().splitlines()
    assert "新規 展開 1-2①: 再掲元: （空） → 1-1①" in lines
    assert lines[-1] == (
        "計画 next-2022: 新規 8件、変更 0件、変更なし 1件。保存しませんでした（--dry-run）。"
    )
    assert not Plan.objects.filter(code="next-2022").exists()


# --- refusals: each leaves the database exactly as it was ------------------------------


def template_csv() -> str:
    return as_csv(template_rows()).decode("utf-8")


def with_rows(*extra: str) -> bytes:
    return (template_csv() + "".join(f"{row}\r\n" for row in extra)).encode("utf-8")


TREE_ROW = "next-2022,1,（例）市民活動の裾野の拡大,,{number},{title},,,{item},{item_title},,{original},{lineage}"


def tree_row(
    number="1-3", title="新しい施策", item="①", item_title="展開", original="", lineage=""
):
    return TREE_ROW.format(
        number=number,
        title=title,
        item=item,
        item_title=item_title,
        original=original,
        lineage=lineage,
    )


REFUSALS = {
    "unknown 再掲元": (
        with_rows(tree_row(item_title="", original="9-9①")),
        "32行目 L列「再掲元」: 再掲元「9-9①」（施策 9-9 の展開①）はこのファイルにありません。",
    ),
    "a 再掲 of a 再掲": (
        with_rows(tree_row(item_title="", original="1-2①")),
        "32行目 L列「再掲元」: 「1-2①」は再掲の項目です。再掲の再掲はできないので、もとの展開（1-1①）を指定してください。",
    ),
    "duplicate 展開番号": (
        with_rows(tree_row(number="1-1", title="", item="②", item_title="同じ番号")),
        "32行目 I列「展開番号」: 施策 1-1 の展開番号 ② が30行目と重複しています。",
    ),
    "duplicate 施策番号 under another 基本施策": (
        with_rows(
            "next-2022,2,基本施策2,,1-1,重複,,,①,展開,,,",
        ),
        "32行目 E列「施策番号」: 施策番号「1-1」が重複しています（29行目は基本施策1）。",
    ),
    "a 施策 with no 展開": (
        with_rows(tree_row(item="", item_title="")),
        "32行目 I列「展開番号」: 施策 1-3 に展開がありません（この計画の他の施策には展開があります）。",
    ),
    "lineage to a 施策 that does not exist": (
        with_rows(tree_row(lineage="9-9")),
        "32行目 M列「前計画の施策」: 前の計画（改定計画）に施策「9-9」はありません（前の計画の施策: 1-1、1-2、2-1、2-2、2-3、2-4、2-5、2-6、3-1、3-2、4-1、4-2。複数なら「、」か「・」で区切ります）。",
    ),
    "a period that overlaps the same plan": (
        template_csv()
        .replace("（例）第三期市民活動促進基本計画", "武蔵野市市民活動促進基本計画改定計画")
        .replace("（開始年度）,令和4（2022）年度", "（開始年度）,令和3")
        .encode("utf-8"),
        "「【計画】」: 計画期間（2021〜2026年度）が、同じ名前の計画（計画コード revised-2017、2017〜2021年度）と重なっています。同じ計画なら計画コードを合わせてください。",
    ),
    "a lineage without a previous plan": (
        template_csv().replace("前の計画,revised-2017", "前の計画,").encode("utf-8"),
        "29行目 M列「前計画の施策」: 「【計画】」に前の計画がないので、前計画の施策は指定できません。",
    ),
    "a previous plan that is not loaded": (
        template_csv().replace("前の計画,revised-2017", "前の計画,nothing").encode("utf-8"),
        "「【計画】」の「前の計画」: 「nothing」という計画は読み込まれていません。読み込み済みの計画の計画コード・計画名・略称のどれかを書いてください（「改定計画」（revised-2017）、「基本計画」（basic-2012））。",
    ),
    "a changed rating scale": (
        template_csv().replace(",概ね達成,3,", ",ほぼ達成,3,").encode("utf-8"),
        "「【評価尺度】」: 評価尺度「tama-4」はすでにあり、内容が違います。評価済みの記録の意味が変わらないよう、変えるときは別の尺度コードにしてください。",
    ),
    "a changed header": (
        template_csv().replace("展開の内容", "内容").encode("utf-8"),
        "28行目: 「【施策体系】」の列見出しが読めません（K列「内容」は使えない列見出しです）。使える列見出しは「計画コード、基本施策番号、基本施策名、基本施策の説明、施策番号、施策名、施策の説明、重点施策、展開番号、展開、展開の内容、再掲元、前計画の施策」です（順番は自由。「施策番号」は必ず置きます）。",
    ),
    "an end before the start": (
        template_csv().replace("（終了年度）,令和8（2026）年度", "（終了年度）,R2").encode("utf-8"),
        "7行目 B列「計画期間（終了年度）」: 終了年度（令和2（2020）年度）が開始年度（令和4（2022）年度）より前です。",
    ),
    "a title too long for the model": (
        with_rows(tree_row(title="長" * 201)),
        "32行目 施策 1-3「施策名」: この値は 200 文字以下でなければなりません( 201 文字になっています)。",
    ),
    "a 再掲元 that is not in the file, echoed as typed": (
        with_rows(tree_row(item_title="", original="（再掲）９－９①")),
        "32行目 L列「再掲元」: 再掲元「（再掲）９－９①」（施策 9-9 の展開①）はこのファイルにありません。",
    ),
    "an unreadable priority mark, echoed as typed": (
        with_rows(tree_row().replace("新しい施策,,,", "新しい施策,,たぶん,")),
        "32行目 H列「重点施策」: 重点施策なら「○」（「重点」「重点施策」も可）、そうでなければ空欄にしてください（「たぶん」）。",
    ),
    "an unreadable year": (
        template_csv()
        .replace("（開始年度）,令和4（2022）年度", "（開始年度）,来年")
        .encode("utf-8"),
        "6行目 B列「計画期間（開始年度）」: 「来年」は年度として読めません。2021、令和3、R3 のように入力してください。",
    ),
    "a blank 展開番号 is said once, without follow-on errors": (
        with_rows(tree_row(item="", item_title="番号のない展開")),
        "32行目 I列「展開番号」: 展開「番号のない展開」の展開番号（①〜⑳）を入力してください。",
    ),
    "a previous plan nobody loaded, named by name": (
        template_csv().replace("前の計画,revised-2017", "前の計画,第二次計画").encode("utf-8"),
        "「【計画】」の「前の計画」: 「第二次計画」という計画は読み込まれていません。読み込み済みの計画の計画コード・計画名・略称のどれかを書いてください（「改定計画」（revised-2017）、「基本計画」（basic-2012））。",
    ),
    "a layout problem is said once, not once a row": (
        ("第三期計画\r\n" + "施策番号,施策名,内容\r\n" + "1-1,きっかけ,\r\n" * 26).encode("utf-8"),
        "このファイルはテンプレートの形になっていません（1行目は「第三期計画」）。2行目の列見出し（施策番号など）の上に、"
        "A列に「【施策体系】」とだけ書いた行を入れてください。さらにその上に、A列に「【計画】」とだけ書いた行を入れ、"
        "その下に「計画名」「計画期間（開始年度）」「計画期間（終了年度）」「前の計画」などを、A列に項目、B列に内容で"
        "1行ずつ書いてください。表題の行はそのままでかまいません（テンプレートの「説明」シートに、各行の書き方と例があります）。"
        "また、2行目: 「【施策体系】」の列見出しが読めません（C列「内容」は使えない列見出しです）。使える列見出しは"
        "「計画コード、基本施策番号、基本施策名、基本施策の説明、施策番号、施策名、施策の説明、重点施策、展開番号、展開、"
        "展開の内容、再掲元、前計画の施策」です（順番は自由。「施策番号」は必ず置きます）。",
    ),
    "not a spreadsheet": (
        b"\x00\x01binary",
        "Excel（.xlsx）または CSV（.csv）のファイルではありません。",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_refused_file_says_why_by_row_and_column_and_saves_nothing(case):
    data, message = REFUSALS[case]
    before = snapshot()
    with pytest.raises(plan_import.ImportRejected) as rejected:
        load(data)
    assert message in rejected.value.errors
    if "once" in case:
        assert rejected.value.errors == [message]
    assert snapshot() == before


def test_an_error_while_saving_rolls_back_everything_saved_before_it(monkeypatch):
    before = snapshot()
    structure = parse_file("plan.csv", as_csv(template_rows()))
    real_save = plan_import._save

    def failing_on_initiatives(instance, user, errors, what):
        if isinstance(instance, Initiative):
            errors.append(f"{what}: 保存できません")
            return
        real_save(instance, user, errors, what)

    monkeypatch.setattr(plan_import, "_save", failing_on_initiatives)
    with pytest.raises(plan_import.ImportRejected):
        plan_import.apply(structure, user=None)
    assert snapshot() == before


def test_a_confirmation_after_someone_changed_the_plan_saves_nothing():
    structure = parse_file("plan.csv", as_csv(template_rows()))
    digest = plan_import.preview(structure).digest
    load(as_csv(template_rows()).replace("（例）情報の提供".encode(), "別の名前".encode()))
    before = snapshot()
    with pytest.raises(plan_import.ChangedMeanwhile):
        plan_import.apply(structure, user=None, digest=digest)
    assert snapshot() == before


def test_what_the_file_leaves_out_is_listed_and_kept():
    text = exported("revised-2017", "csv").decode("utf-8")
    without = "\r\n".join(line for line in text.split("\r\n") if ",4-2," not in line)
    result = load(without.encode("utf-8"))
    assert result.kept == ["施策 4-2", "展開 4-2①", "展開 4-2②", "展開 4-2③", "展開 4-2④"]
    assert Measure.objects.filter(basic_policy__plan__code="revised-2017").count() == 12


def test_the_docs_show_the_template_as_the_download_gives_it():
    readme = (Path(settings.BASE_DIR) / "docs" / "plan-data.md").read_text(encoding="utf-8")
    shown = readme.split("テンプレートの中身（CSV）:\n\n```csv\n", 1)[1].split("```", 1)[0]
    downloaded = as_csv(template_rows()).decode("utf-8").removeprefix("\ufeff")
    assert shown == downloaded.replace("\r\n", "\n")
