"""The one edit flow: where a save lands, what it says, and who a conflict was with.

Every edit form of the site is here, taken from the access matrix (its URL, a role that may
save, the phase and valid data), so a new form is covered as soon as it is in the matrix.
"""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evaluation.models import ProjectReport
from people.models import Role
from policies.fiscal_years import wareki_date
from tests.evaluation.test_access_matrix import MATRIX, SAVED
from tests.factories import ParticipantFactory, ProjectReportFactory, UserFactory

EDIT_FORMS = sorted(
    name
    for name, case in MATRIX.items()
    if SAVED in case.post.values()
    # Buttons and review actions (a phase move, a confirmation, a send-back, the release of
    # the drafts, the steps of a 訂正), not record forms.
    and name
    not in {
        "evaluation:cycle_move",
        "evaluation:drafts_release",
        "evaluation:committee_confirm",
        "evaluation:committee_review_confirm",
        "evaluation:committee_send_back",
        "evaluation:report_review",
        "evaluation:self_evaluation_review",
        "publication:correction",
    }
    # The 事務局's people pages are opened from the people list and return to it.
    and not name.startswith("people:")
)

# The record's own page: where a save lands when the form was not opened from a page.
OWN_PAGE = {
    "evaluation:committee_evaluation": "/cycles/revised-2017/2021/measures/1-1/committee/",
    "evaluation:cycle_create": "/cycles/revised-2017/2020/",
    "evaluation:cycle_edit": "/cycles/revised-2017/2021/",
    "evaluation:cycle_scale": "/cycles/revised-2017/2021/scale/",
    "evaluation:indicator_create": "/indicators/revised-2017/",
    "evaluation:indicator_edit": "/indicators/revised-2017/",
    "evaluation:indicator_value_edit": "/indicators/revised-2017/",
    "evaluation:project_create": "/projects/new-001/",
    "evaluation:project_edit": "/projects/city-001/",
    "evaluation:report": "/cycles/revised-2017/2021/projects/city-001/report/",
    "evaluation:self_evaluation": "/cycles/revised-2017/2021/measures/1-1/self/city/",
    "evaluation:scoring": "/cycles/revised-2017/2021/scoring/1-2/#id_rating",  # 保存して次へ: the next 施策
    "evaluation:follow_up": "/cycles/revised-2017/2021/follow-ups/",
    "evaluation:follow_up_points": "/cycles/revised-2017/2021/follow-ups/",
    "reminders:settings": "/settings/reminders/",
    "evaluation:meeting_create": "/cycles/revised-2017/2021/meetings/",
    "evaluation:meeting": "/cycles/revised-2017/2021/meetings/",
    "evaluation:plan_words": "/plans/revised-2017/words/",
    "evaluation:committee_summary": "/cycles/revised-2017/2021/summary/",
}

# What the success message names.
SAVED_MESSAGE = {
    "evaluation:committee_evaluation": "委員会評価「1-1 令和3（2021）年度」を保存しました。",
    "evaluation:cycle_create": "評価サイクル「改定計画 令和2（2020）年度」を保存しました。",
    "evaluation:cycle_edit": "評価サイクル「改定計画 令和3（2021）年度」を保存しました。",
    "evaluation:cycle_scale": "この年度の評価尺度を「3段階評価」にしました。",
    "evaluation:indicator_create": "参考指標「NPO法人数」を保存しました。",
    "evaluation:indicator_edit": "参考指標「市民活動団体の数」を保存しました。",
    "evaluation:indicator_value_edit": "参考指標の値「市民活動団体数 令和3（2021）年度」を保存しました。",
    "evaluation:project_create": "事業「新しい事業」を保存しました。",
    "evaluation:project_edit": "事業「新しい事業」を保存しました。",
    "evaluation:report": "実施状況「市民活動入門講座 令和3（2021）年度」を保存しました。",
    "evaluation:self_evaluation": "自己評価「1-1 市 令和3（2021）年度」を保存しました。",
    "evaluation:scoring": "委員評価「1-1 市民活動のきっかけづくり 令和3（2021）年度」を保存しました。",
    "evaluation:follow_up": "委員会意見への対応「1-1 市 令和3（2021）年度」を保存しました。",
    "evaluation:follow_up_points": (
        "1-1 市民活動のきっかけづくりの指摘事項を2個にしました（回答の項目 2件）。"
    ),
    "reminders:settings": "メールのお知らせの設定を保存しました。",
    "evaluation:meeting_create": "委員会の会議「令和3年8月2日の委員会（武蔵野プレイス）」を保存しました。",
    "evaluation:meeting": "委員会の会議「令和3年8月2日の委員会（武蔵野プレイス）」を保存しました。",
    "evaluation:committee_summary": "総評を保存しました。",
    "evaluation:plan_words": "「武蔵野市市民活動促進基本計画改定計画」の呼び方を保存しました。",
}

ORIGIN = "/plans/revised-2017/projects/?q=%E8%AC%9B%E5%BA%A7&body=city"


def test_every_edit_form_is_listed():
    assert set(EDIT_FORMS) == set(OWN_PAGE) == set(SAVED_MESSAGE)


def open_form(world, login, name):
    case = MATRIX[name]
    world.set_phase(case.phase)
    case.setup(world)
    role = next(r for r, outcome in case.post.items() if outcome == SAVED)
    return case, role, login(world.users[role]), reverse(name, kwargs=case.kwargs)


@pytest.mark.parametrize("name", EDIT_FORMS)
def test_each_edit_form_returns_to_the_page_it_was_opened_from(world, login, name):
    case, role, client, url = open_form(world, login, name)
    page = client.get(url, {"next": ORIGIN}).content.decode()
    assert (
        '<input type="hidden" name="next" value="/plans/revised-2017/projects/?q=%E8%AC%9B%E5%BA%A7&amp;body=city">'
        in page
    )
    data = {**case.data(world, role), "next": ORIGIN}
    data.pop("then", None)  # a plain 保存 (「保存して次へ」 goes on to the next record)
    response = client.post(url, data)
    assert (response.status_code, response["Location"]) == (302, ORIGIN)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [SAVED_MESSAGE[name]]


@pytest.mark.parametrize("name", EDIT_FORMS)
@pytest.mark.parametrize(
    "elsewhere", ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)"]
)
def test_each_edit_form_refuses_an_off_site_next_and_lands_on_the_record(
    world, login, name, elsewhere
):
    case, role, client, url = open_form(world, login, name)
    assert 'name="next"' not in client.get(url, {"next": elsewhere}).content.decode()
    response = client.post(url, {**case.data(world, role), "next": elsewhere})
    assert (response.status_code, response["Location"]) == (302, OWN_PAGE[name])


def test_links_that_open_forms_carry_the_page_they_are_on(world, login):
    html = login(world.users["staff_a"]).get("/todo/").content.decode()
    assert "/cycles/revised-2017/2021/projects/city-001/report/?next=%2Ftodo%2F" in html


REPORT = "/cycles/revised-2017/2021/projects/city-001/report/"


def test_the_conflict_panel_names_the_other_saver_and_when(world):
    report = ProjectReportFactory(cycle=world.cycle, project=world.project)
    yamada = UserFactory(username="yamada", last_name="山田", first_name="花子")
    ParticipantFactory(user=yamada, role=Role.SECRETARIAT)
    other, me = Client(), Client()
    other.force_login(yamada)
    me.force_login(world.users["staff_a"])
    other.post(
        REPORT, {"status": "done", "activities": "山田さんの内容", "version": report.version}
    )
    saved_at = ProjectReport.objects.get().history.first().history_date
    response = me.post(
        REPORT, {"status": "done", "activities": "わたしの内容", "version": report.version}
    )
    html = response.content.decode()
    when = f"{wareki_date(saved_at)} {timezone.localtime(saved_at):%H:%M}"  # 令和…年…月…日 in Tokyo
    assert f"花子 山田さんが保存した内容（{when}）" in html
    assert f"あなたが編集している間に、花子 山田さんがこの記録を保存しました（{when}）。" in html
    assert "わたしの内容" in html and "山田さんの内容" in html


def test_the_conflict_panel_says_when_it_was_the_same_person_in_another_tab(world, login):
    report = ProjectReportFactory(cycle=world.cycle, project=world.project)
    client = login(world.users["staff_a"])
    client.post(REPORT, {"status": "done", "activities": "タブ1の内容", "version": report.version})
    response = client.post(
        REPORT, {"status": "done", "activities": "タブ2の内容", "version": report.version}
    )
    html = response.content.decode()
    assert "別のタブまたは別の画面で、あなた自身が保存した内容（" in html
    assert "ほかの人" not in html and "さんが保存した内容" not in html


def test_half_width_katakana_typed_in_a_form_is_saved_full_width(world, login):
    client = login(world.users["staff_a"])
    client.post(REPORT, {"status": "done", "activities": "ｶﾞｲﾀﾞﾝｽ①（ﾊﾟｿｺﾝ）", "version": 0})
    assert ProjectReport.objects.get().activities == "ガイダンス①（パソコン）"
