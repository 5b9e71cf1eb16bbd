from playwright.sync_api import expect

from tests.factories import UserFactory

PAGES = ["/login/", "/plans/revised-2017/", "/plans/revised-2017/measures/2-4/", "/admin/login/"]


def test_every_page_loads_under_the_policy_with_no_violation(page, pages):
    problems = {}
    for path in PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
        problems[path] = pages.problems(page)
    assert problems == dict.fromkeys(PAGES, [])


def test_bootstrap_styles_and_scripts_run_under_the_policy(page, pages):
    page.set_viewport_size({"width": 600, "height": 900})
    page.goto("/plans/revised-2017/")
    navbar = page.locator("nav.navbar")
    # The stylesheets applied (the site's dark blue, 4.5:1 or more for white text), and
    # Bootstrap's script opens the menu.
    expect(navbar).to_have_css("background-color", "rgb(8, 66, 152)")
    menu = page.locator("#main-nav")
    expect(menu).to_be_hidden()
    page.get_by_role("button", name="メニューを開く").click()
    expect(menu).to_be_visible()
    assert pages.problems(page) == []


def test_the_admin_works_under_the_policy(page, pages):
    UserFactory(username="admin-user", is_staff=True, is_superuser=True)
    page.goto("/admin/login/")
    page.get_by_label("ユーザー名").fill("admin-user")
    page.get_by_label("パスワード").fill("correct-horse-battery")
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator("#site-name")).to_contain_text("市民活動促進基本計画 進捗管理 管理画面")
    page.goto("/admin/policies/measure/")
    expect(page.locator("#result_list")).to_be_visible()
    page.locator("#result_list tbody a").first.click()
    expect(page.locator("#content h1, #content h2").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert pages.problems(page) == []


def test_an_inline_script_would_be_reported(page, pages):
    # Guards the guard: the listeners must notice what the policy blocks.
    page.goto("/plans/revised-2017/")
    page.evaluate(
        "const s = document.createElement('script'); s.textContent = '1'; document.body.append(s)"
    )
    page.wait_for_timeout(200)
    assert any("script-src" in problem for problem in pages.problems(page))
