"""The archive in a real browser: Debian's Chromium driven by Playwright."""

import pytest

from .conftest import PHONE, has_no_horizontal_scroll, screenshot

pytestmark = pytest.mark.browser


def test_home_page_renders_the_seeds_without_errors(live_archive, page):
    page.goto(live_archive.url + "/")
    assert "Protection of Critical Infrastructure" in page.content()
    screenshot(page, "home")


def test_a_reader_opens_a_statement_and_follows_a_resolution_from_the_text(live_archive, page):
    page.goto(live_archive.url + "/")
    page.get_by_role("link", name="Protection of Critical Infrastructure Against Terrorist Attacks").first.click()
    page.wait_for_selector("#p5")
    assert page.locator(".para").count() > 10
    screenshot(page, "statement")

    page.locator("#p5 a.cite", has_text="2341").click()
    page.wait_for_url("**/resolutions/2341/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Resolution 2341")
    assert page.locator(".citation mark", has_text="2341").count() == 1
    screenshot(page, "resolution")

    page.locator(".citation__title").first.click()
    page.wait_for_url("**#p5")
    background = page.locator("#p5").evaluate("element => getComputedStyle(element).backgroundColor")
    assert background != "rgba(0, 0, 0, 0)", "the paragraph a reader was sent to is highlighted"


def test_the_skip_link_is_the_first_stop_and_jumps_to_the_content(live_archive, page):
    page.goto(live_archive.url + "/statements/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0, "the skip link shows when focused"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "keyboard focus is visible"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#content"
    assert page.evaluate("document.activeElement.id") == "content"


def test_pages_fit_a_phone_without_sideways_scrolling(live_archive, page):
    page.set_viewport_size(PHONE)
    for path, name in [
        ("/", "home-phone"),
        ("/statements/", "statements-phone"),
        ("/resolutions/", "resolutions-phone"),
        ("/speakers/", "speakers-phone"),
        ("/countries/japan/", "country-phone"),
    ]:
        page.goto(live_archive.url + path)
        assert has_no_horizontal_scroll(page), path
        screenshot(page, name)
    page.goto(live_archive.url + "/statements/")
    page.locator(".item__title a").nth(1).click()
    page.wait_for_selector("#p1")
    assert has_no_horizontal_scroll(page)
    screenshot(page, "statement-phone")


def test_the_header_search_box_sends_the_query_to_search(live_archive, page):
    page.goto(live_archive.url + "/statements/")
    page.get_by_label("Search statements").fill("infrastructure")
    page.get_by_label("Search statements").press("Enter")
    page.wait_for_url("**/search/?q=infrastructure")
