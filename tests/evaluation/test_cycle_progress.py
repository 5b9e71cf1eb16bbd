"""The cycle page's 入力の進み具合 and its CSV (the dashboard's roll-up, no second count)."""

from django.urls import reverse

from tests.factories import (
    MemberEvaluationFactory,
    ProjectFactory,
    ProjectReportFactory,
    SelfEvaluationFactory,
    body,
    measure,
)

CYCLE = reverse("evaluation:cycle", kwargs={"plan": "revised-2017", "year": 2021})
CSV = reverse("evaluation:cycle_progress_csv", kwargs={"plan": "revised-2017", "year": 2021})


def some_entries(world) -> None:
    ProjectReportFactory(cycle=world.cycle, project=world.project)
    ProjectFactory(code="city-002", name="職員研修", body=body("city"))
    SelfEvaluationFactory(cycle=world.cycle, measure=measure("1-1"), body=body("place"))
    MemberEvaluationFactory(cycle=world.cycle, member=world.users["member"], measure=measure("2-4"))


def test_the_secretariat_sees_each_body_and_member_with_what_is_missing_linked(world, login):
    some_entries(world)
    page = login(world.users["secretariat"]).get(CYCLE).content.decode()
    assert 'id="progress-body-city"' in page
    assert "1 / 2" in page and "未入力 1件" in page
    # the form comes back to the cycle page after saving
    assert (
        '<a href="/cycles/revised-2017/2021/projects/city-002/report/'
        '?next=%2Fcycles%2Frevised-2017%2F2021%2F">職員研修</a>' in page
    )
    assert f'id="progress-member-{world.users["member"].username}"' in page
    assert "1 / 12" in page
    assert "入力状況をCSVでダウンロード" in page
    assert reverse("reminders:sent_log", kwargs={"plan": "revised-2017", "year": 2021}) in page


def test_others_see_the_counts_but_not_the_lists(world, login):
    some_entries(world)
    page = login(world.users["staff_b"]).get(CYCLE).content.decode()
    assert "入力の進み具合" in page and "1 / 2" in page
    assert "/projects/city-002/report/" not in page
    assert "入力状況をCSVでダウンロード" not in page


def test_the_public_sees_no_progress_of_a_published_year(world, client):
    world.set_phase("published")
    assert "入力の進み具合" not in client.get(CYCLE).content.decode()


def test_the_progress_csv_opens_in_japanese_excel(world, login):
    some_entries(world)
    response = login(world.users["secretariat"]).get(CSV)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == 'attachment; filename="progress-revised-2017-2021.csv"'
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff年度,記録,実施主体・委員,入力済み,対象,未入力,未入力の一覧\r\n")
    rows = text.splitlines()
    assert "2021,実施状況,市,1,2,1,職員研修" in rows
    assert "2021,実施状況,武蔵野プレイス,0,0,0," in rows
    member = world.users["member"].get_full_name()
    assert (
        f"2021,委員評価,{member},1,12,11,"
        "1-1、1-2、2-1、2-2、2-3、2-5、2-6、3-1、3-2、4-1、4-2" in rows
    )


def test_the_cycle_page_costs_the_same_queries_whatever_the_size(
    world, login, django_assert_max_num_queries
):
    client = login(world.users["secretariat"])
    some_entries(world)
    # The page's queries (4 of them the roll-up), the session, user and savepoints.
    with django_assert_max_num_queries(15):
        client.get(CYCLE)
    for n in range(20):
        ProjectFactory(code=f"city-1{n:02d}", body=body("city"))
        MemberEvaluationFactory(cycle=world.cycle, measure=measure("1-1"))  # 20 more members
    with django_assert_max_num_queries(15):
        client.get(CYCLE)


def test_due_dates_are_shown_in_the_era(world, login):
    world.cycle.entry_due = "2019-05-31"
    world.cycle.save()
    client = login(world.users["staff_a"])
    assert "この段階の期限: 令和元年5月31日" in client.get(CYCLE).content.decode()
    cycles = client.get(reverse("evaluation:cycles", kwargs={"plan": "revised-2017"}))
    assert "<td>令和元年5月31日</td>" in cycles.content.decode()
