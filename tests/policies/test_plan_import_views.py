"""The upload page for a plan's structure: who may use it, the preview, the confirmation."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from policies.models import Measure, Plan
from policies.plan_sheet import template_rows, write_csv
from tests.factories import UserFactory, secretariat
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
    user = secretariat().user
    user.user_permissions.add(Permission.objects.get(codename="import_plan"))
    client.force_login(user)
    return client


def test_the_secretariat_with_the_permission_previews_then_saves_a_new_plan(importer):
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


def test_the_secretariat_without_the_permission_is_told_why_and_cannot_upload(client):
    client.force_login(secretariat().user)
    page = client.get(UPLOAD).content.decode()
    assert "「計画の構造を表計算ファイルから取り込む」の権限を受けてください" in page
    before = snapshot()
    assert client.post(UPLOAD, {"file": template_file()}).status_code == 403
    assert snapshot() == before


def test_a_refused_file_lists_its_errors_in_japanese_and_saves_nothing(importer):
    before = snapshot()
    response = importer.post(UPLOAD, {"file": template_file(("1-1①,1-2、2-1", "9-9①,1-2、2-1"))})
    page = response.content.decode()
    assert response.status_code == 200
    assert "次の理由で取り込めませんでした。何も保存していません。" in page
    assert "25行目「再掲元」: 再掲元「9-9①」はこのファイルの展開にありません。" in page
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


def test_the_template_downloads_as_excel_in_the_import_layout(importer):
    response = importer.get(reverse("policies:plan_import_template", kwargs={"fmt": "xlsx"}))
    assert response["Content-Disposition"] == 'attachment; filename="plan-template.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = [row for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "【計画】"
    assert rows[1][:2] == ("項目", "内容")


def test_anyone_downloads_a_loaded_plans_structure_as_csv(client):
    response = client.get(
        reverse("policies:plan_export", kwargs={"plan": "revised-2017", "fmt": "csv"})
    )
    text = response.content.decode("utf-8")
    assert response["Content-Disposition"] == 'attachment; filename="plan-revised-2017.csv"'
    assert text.startswith("\ufeff【計画】\r\n項目,内容\r\n計画コード,revised-2017\r\n")
