"""二段階認証 (TOTP) for the 事務局 and the admin site's users, switched on by
``REQUIRE_TOTP_FOR``: the password alone reaches nothing, the first sign-in sets up an
authenticator app and shows 10 recovery codes once, a wrong code is refused in Japanese and
makes the next one wait, a recovery code works once, and the 事務局 resets a lost phone."""

import logging
from binascii import unhexlify
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from people.two_factor.services import two_factor_reset
from people.two_factor.views import ENROL_KEY
from tests.factories import PASSWORD, UserFactory, chair, member, secretariat, staff

pytestmark = pytest.mark.django_db

TODO = reverse("evaluation:todo")
CODE_PAGE = reverse("people:two_factor")
ENROL_PAGE = reverse("people:two_factor_enrol")


@pytest.fixture
def required(settings):
    settings.REQUIRE_TOTP_FOR = ["secretariat", "admin"]


def signed_in(user: User) -> Client:
    """A browser that has given the right password (and nothing more)."""
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def app(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="認証アプリ", confirmed=True)


def code_of(key_hex: str) -> str:
    """What the authenticator app shows now for the secret ``key_hex``."""
    return f"{totp(unhexlify(key_hex)):06d}"


def recovery_codes(user: User, *codes: str) -> None:
    device = StaticDevice.objects.create(user=user, name="回復コード", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=device, token=code)


def test_with_the_setting_off_the_password_alone_reaches_todo():
    person = secretariat().user
    app(person)
    assert signed_in(person).get(TODO).status_code == 200


def test_the_password_alone_does_not_reach_todo(required):
    person = secretariat().user
    app(person)
    response = signed_in(person).get(TODO)
    assert response.status_code == 302
    assert response["Location"] == f"{CODE_PAGE}?next=%2Ftodo%2F"


def test_the_password_alone_does_not_reach_the_admin_site(required):
    admin = UserFactory(is_staff=True, is_superuser=True)
    app(admin)
    response = signed_in(admin).get("/admin/")
    assert response["Location"] == f"{CODE_PAGE}?next=%2Fadmin%2F"


def test_members_chairs_and_staff_are_not_asked(required):
    for participant in (member(), chair(), staff()):
        assert signed_in(participant.user).get(TODO).status_code == 200


def test_the_code_page_asks_for_the_code_in_japanese(required, django_assert_max_num_queries):
    person = secretariat().user
    app(person)
    client = signed_in(person)
    with django_assert_max_num_queries(6):
        page = client.get(CODE_PAGE, {"next": TODO})
    assert page.status_code == 200
    assert "確認コードの入力" in page.content.decode()


def test_a_valid_code_reaches_where_the_person_was_going(required):
    person = secretariat().user
    device = app(person)
    client = signed_in(person)
    response = client.post(CODE_PAGE, {"code": code_of(device.key), "next": TODO})
    assert response["Location"] == TODO
    assert client.get(TODO).status_code == 200
    assert client.get("/admin/").status_code == 302  # not staff: the admin's own login


def test_the_admin_site_opens_after_a_valid_code(required):
    admin = UserFactory(is_staff=True, is_superuser=True)
    device = app(admin)
    client = signed_in(admin)
    client.post(CODE_PAGE, {"code": code_of(device.key)})
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused_in_japanese_and_the_next_waits(required):
    person = secretariat().user
    device = app(person)
    client = signed_in(person)
    right_now = code_of(device.key)
    wrong = client.post(CODE_PAGE, {"code": "000000" if right_now != "000000" else "999999"})
    assert wrong.status_code == 200
    assert "確認コードが正しくありません" in wrong.content.decode()
    # Even the right code waits out the throttle (1 s after the first failure, then 2, 4 …).
    right = client.post(CODE_PAGE, {"code": code_of(device.key)})
    assert right.status_code == 429
    assert "確認コードを続けて間違えたため、しばらく受け付けません" in right.content.decode()
    assert client.get(TODO).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttling_failure_timestamp -= timedelta(seconds=2)  # the second has passed
    device.save()
    assert client.post(CODE_PAGE, {"code": code_of(device.key)})["Location"] == "/"
    assert client.get(TODO).status_code == 200


def test_what_was_typed_stays_in_the_field(required):
    person = secretariat().user
    app(person)
    page = signed_in(person).post(CODE_PAGE, {"code": "12345"}).content.decode()
    assert "確認コードが正しくありません" in page
    assert 'value="12345"' in page


def test_a_recovery_code_works_once(required):
    person = secretariat().user
    app(person)
    recovery_codes(person, "abcd2345", "efgh6723")
    first = signed_in(person)
    response = first.post(CODE_PAGE, {"code": "ABCD 2345", "next": TODO}, follow=True)
    assert response.redirect_chain[-1][0] == TODO
    assert "回復コードでログインしました" in response.content.decode()
    assert "残り1個" in response.content.decode()
    again = signed_in(person).post(CODE_PAGE, {"code": "abcd2345"})
    assert "回復コードが正しくないか、すでに使われています" in again.content.decode()


def test_without_a_device_the_person_is_sent_to_set_one_up(required):
    person = secretariat().user
    response = signed_in(person).get(TODO, follow=True)
    assert [url for url, _status in response.redirect_chain] == [
        f"{CODE_PAGE}?next=%2Ftodo%2F",
        f"{ENROL_PAGE}?next=%2Ftodo%2F",
    ]


def test_the_set_up_shows_a_qr_code_and_the_secret_and_then_ten_recovery_codes(
    required, django_assert_max_num_queries
):
    person = secretariat().user
    client = signed_in(person)
    # Session, user, role, device; the secret kept in the session (savepoints counted).
    with django_assert_max_num_queries(9):
        page = client.get(ENROL_PAGE, {"next": TODO})
    body = page.content.decode()
    assert "<svg" in body and "<title>認証アプリで読み取るQRコード</title>" in body
    key = client.session[ENROL_KEY]
    assert "設定キー" in body
    done = client.post(ENROL_PAGE, {"code": code_of(key), "next": TODO})
    assert done.status_code == 200
    body = done.content.decode()
    assert "この画面を印刷するか書き留めてください" in body
    shown = [t.token for t in StaticToken.objects.filter(device__user=person)]
    assert len(shown) == 10
    assert all(f"<code>{code}</code>" in body for code in shown)
    assert TOTPDevice.objects.get(user=person).confirmed
    assert client.get(TODO).status_code == 200
    # Shown once: the set-up page now just goes on.
    assert client.get(ENROL_PAGE)["Location"] == "/"


def test_a_wrong_code_does_not_finish_the_set_up(required):
    person = secretariat().user
    client = signed_in(person)
    client.get(ENROL_PAGE)
    response = client.post(ENROL_PAGE, {"code": "abc"})
    assert "確認コードが正しくありません" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=person, confirmed=True).exists()
    assert client.get(TODO).status_code == 302


def test_a_password_alone_cannot_set_up_another_phone(required):
    person = secretariat().user
    app(person)
    response = signed_in(person).get(ENROL_PAGE)
    assert response["Location"] == f"{CODE_PAGE}?next=%2F"


def test_the_secretariat_resets_a_lost_phone_and_the_chair_is_told(
    required, caplog, django_capture_on_commit_callbacks
):
    actor = secretariat()
    chair_user = chair().user
    chair_user.email = "chair@example.jp"
    chair_user.save()
    person = secretariat()
    app(person.user)
    recovery_codes(person.user, "abcd2345")
    client = Client()
    client.force_login(actor.user)
    device = app(actor.user)
    client.post(CODE_PAGE, {"code": code_of(device.key)})
    with (
        caplog.at_level(logging.INFO, logger="security"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("people:two_factor_reset", kwargs={"pk": person.pk}))
    assert response["Location"] == reverse("people:list")
    assert not TOTPDevice.objects.filter(user=person.user).exists()
    assert not StaticDevice.objects.filter(user=person.user).exists()
    assert [m.subject for m in mail.outbox] == [
        f"【進捗管理】二段階認証の初期化: {person.user.last_name}"
        "（設定済み → 未設定（次のログインで設定し直します））"
    ]
    assert "two_factor.reset" in [getattr(r, "event", "") for r in caplog.records]
    # The person's next sign-in sets up a new phone.
    assert signed_in(person.user).get(CODE_PAGE)["Location"] == f"{ENROL_PAGE}?next=%2F"


def test_the_people_page_offers_the_reset_only_for_a_person_with_a_device():
    actor = secretariat()
    with_app, without = member(), member()
    app(with_app.user)
    client = Client()
    client.force_login(actor.user)
    page = client.get(reverse("people:list")).content.decode()
    assert reverse("people:two_factor_reset", kwargs={"pk": with_app.pk}) in page
    assert reverse("people:two_factor_reset", kwargs={"pk": without.pk}) not in page


def test_nobody_resets_their_own_and_only_an_admin_resets_an_admin():
    actor = secretariat()
    admin = UserFactory(is_staff=True)
    app(actor.user)
    app(admin)
    client = Client()
    client.force_login(actor.user)
    own = client.post(reverse("people:two_factor_reset", kwargs={"pk": actor.pk}), follow=True)
    assert "自分自身の二段階認証は初期化できません" in own.content.decode()
    with pytest.raises(ValidationError, match="管理者の二段階認証を初期化できるのは"):
        two_factor_reset(actor=actor.user, user=admin)
    assert TOTPDevice.objects.count() == 2


def test_the_reset_totp_command_resets_an_administrator(capsys):
    admin = UserFactory(username="kanri", is_staff=True, is_superuser=True)
    app(admin)
    call_command("reset_totp", "kanri")
    assert not TOTPDevice.objects.filter(user=admin).exists()
    assert "kanri の二段階認証を初期化しました。" in capsys.readouterr().out
    with pytest.raises(CommandError, match="二段階認証をまだ設定していません"):
        call_command("reset_totp", "kanri")
    with pytest.raises(CommandError, match="ユーザー nobody は登録されていません"):
        call_command("reset_totp", "nobody")
