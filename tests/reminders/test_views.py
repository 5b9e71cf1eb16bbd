from django.urls import reverse

from reminders.models import ReminderPreference, SentReminder

SETTINGS = reverse("reminders:settings")


def form(**overrides) -> dict:
    data = {
        "email": "new@example.jp",
        "opened": "on",
        "due_soon": "on",
        "overdue": "on",
        "summary": "on",
        "send_back": "on",
        "version": 0,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_settings_page_starts_from_the_accounts_address(world, login):
    user = world.users["staff_a"]
    user.email = "account@example.jp"
    user.save()
    page = login(user).get(SETTINGS).content.decode()
    assert 'value="account@example.jp"' in page
    assert "期限が近づいたとき" in page


def test_without_an_address_the_page_says_nothing_will_arrive(world, login):
    page = login(world.users["member"]).get(SETTINGS).content.decode()
    assert "メールアドレスが登録されていないため、いまはお知らせが届きません。" in page


def test_a_person_saves_their_address_and_turns_a_kind_off(world, login):
    client = login(world.users["staff_a"])
    response = client.post(SETTINGS, form(due_soon=None))
    assert response.status_code == 302
    saved = ReminderPreference.objects.get(user=world.users["staff_a"])
    assert (saved.email, saved.due_soon, saved.overdue, saved.version) == (
        "new@example.jp",
        False,
        True,
        1,
    )
    assert saved.history.count() == 1


def test_a_bad_address_is_refused_in_japanese_and_what_was_typed_stays(world, login):
    response = login(world.users["staff_a"]).post(SETTINGS, form(email="not an address"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "有効なメールアドレスを入力してください。" in page
    assert 'value="not an address"' in page
    assert not ReminderPreference.objects.exists()


def test_two_tabs_saving_at_once_show_a_conflict_and_keep_the_input(world, login):
    client = login(world.users["staff_a"])
    client.post(SETTINGS, form(email="first@example.jp"))
    response = client.post(SETTINGS, form(email="second@example.jp", version=0))
    page = response.content.decode()
    assert "別のタブまたは別の画面で、あなた自身がこの記録を保存しました" in page
    assert 'value="second@example.jp"' in page
    assert ReminderPreference.objects.get().email == "first@example.jp"


def test_each_person_edits_only_their_own_settings(world, login):
    login(world.users["staff_b"]).post(SETTINGS, form(email="b@example.jp"))
    login(world.users["staff_a"]).post(SETTINGS, form(email="a@example.jp"))
    assert dict(ReminderPreference.objects.values_list("user__username", "email")) == {
        world.users["staff_a"].username: "a@example.jp",
        world.users["staff_b"].username: "b@example.jp",
    }


def test_the_secretariat_sees_what_was_sent_to_whom_and_when(world, login):
    from datetime import UTC, datetime

    SentReminder.objects.create(
        user=world.users["staff_a"],
        cycle=world.cycle,
        phase="entry",
        kind="overdue",
        occasion="2021-06-30",
        recipient="staff-a@example.jp",
        subject="【市民活動促進基本計画】期限を過ぎています（未入力 2件）",
        items=2,
        claimed_at=datetime(2021, 7, 1, 0, 5, tzinfo=UTC),
        claimed_by="node-1:4242",
        sent_at=datetime(2021, 7, 1, 0, 5, tzinfo=UTC),
    )
    SentReminder.objects.create(
        user=world.users["secretariat"],
        cycle=world.cycle,
        phase="entry",
        kind="summary",
        occasion="overdue:2021-06-30",
        recipient="secretariat@example.jp",
        subject="【市民活動促進基本計画】入力状況のまとめ",
        claimed_at=datetime(2021, 7, 1, 0, 6, tzinfo=UTC),
        claimed_by="node-2:77",
    )
    url = reverse("reminders:sent_log", kwargs={"plan": "revised-2017", "year": 2021})
    page = login(world.users["secretariat"]).get(url).content.decode()
    assert "令和3年7月1日 09:05" in page  # Asia/Tokyo, in 和暦
    assert "送信中または結果不明（令和3年7月1日 09:06 に開始）" in page
    assert "staff-a@example.jp" in page
    assert "期限を過ぎたとき（期限の翌日）" in page
    assert "【市民活動促進基本計画】期限を過ぎています（未入力 2件）" in page


def test_only_the_secretariat_is_offered_the_summary(world, login):
    staff_page = login(world.users["staff_a"]).get(SETTINGS).content.decode()
    assert 'name="summary"' not in staff_page
    secretariat_page = login(world.users["secretariat"]).get(SETTINGS).content.decode()
    assert 'name="summary"' in secretariat_page


def test_arbitrary_input_never_breaks_the_settings_form(world, client):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.evaluation.test_access_matrix import snapshot

    value = st.one_of(st.text(max_size=300), st.just(""), st.just("on"), st.just("0"))
    client.force_login(world.users["staff_a"])

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.fixed_dictionaries(
            {
                "email": value,
                "opened": value,
                "overdue": value,
                "version": st.one_of(value, st.just("0")),
            }
        )
    )
    def post(data):
        before = snapshot(("reminders",))
        response = client.post(SETTINGS, data)
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert snapshot(("reminders",)) == before, "refused input changed the database"

    post()
