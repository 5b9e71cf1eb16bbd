import pytest

from evaluation.models import Project
from policies.kana import full_width_katakana
from policies.stored_text import normalize_text_fields


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ｶﾀｶﾅ", "カタカナ"),
        ("ｶﾞｯｺｳ", "ガッコウ"),  # the voiced mark combines with the letter before it
        ("ﾊﾟｿｺﾝｾﾐﾅｰ", "パソコンセミナー"),
        ("ｳﾞｧｲｵﾘﾝ", "ヴァイオリン"),
        ("｢ﾎﾞﾗﾝﾃｨｱ｣､ｻﾛﾝ･ｶﾌｪ｡", "「ボランティア」、サロン・カフェ。"),
        ("ﾞ", "゛"),  # a mark on its own stays a visible mark
    ],
)
def test_half_width_katakana_becomes_full_width(typed, stored):
    assert full_width_katakana(typed) == stored


def test_everything_else_is_left_as_typed():
    text = "①講座（全3回）ＡＢＣ１２３ abc 123 ｱ"
    assert full_width_katakana(text) == "①講座（全3回）ＡＢＣ１２３ abc 123 ア"


def test_every_text_field_of_a_record_is_converted():
    project = Project(name="ｼﾆｱ向けｽﾏﾎ講座", department="ｼﾐﾝ活動推進課", summary="①ﾊﾟｿｺﾝ", code="x")
    normalize_text_fields(project)
    assert (project.name, project.department, project.summary, project.code) == (
        "シニア向けスマホ講座",
        "シミン活動推進課",
        "①パソコン",
        "x",
    )


@pytest.mark.django_db
def test_every_writer_stores_full_width_because_the_base_model_converts_on_save():
    from tests.factories import ProjectFactory

    project = ProjectFactory(name="ｺﾐｭﾆﾃｨ講座", summary="①ﾎﾞﾗﾝﾃｨｱ（ｶﾌｪ）")
    project.refresh_from_db()
    assert (project.name, project.summary) == ("コミュニティ講座", "①ボランティア（カフェ）")
