import re

from playwright.sync_api import expect


def test_the_tree_shows_the_40_initiatives(page):
    page.goto("/plans/revised-2017/")
    expect(page.locator(".initiative-marker")).to_have_count(40)
    expect(page.get_by_role("heading", level=1)).to_contain_text("市民活動促進基本計画")


def test_a_relisted_item_leads_to_its_original(page):
    page.goto("/plans/revised-2017/")
    page.get_by_role("link", name="（再掲 1-1②）").first.click()
    expect(page).to_have_url(re.compile(r"/plans/revised-2017/measures/1-1/#initiative-2$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("1-1")
    original = page.locator("#initiative-2")
    expect(original).to_be_in_viewport()
    expect(original).to_contain_text("再掲先")
