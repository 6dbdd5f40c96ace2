"""The search page in a real browser: search, narrow, widen, page through, open a result."""

import datetime as dt

import pytest

from .conftest import screenshot
from .factories import make_statement

pytestmark = pytest.mark.browser

COUNTRIES = ["Chile", "Ghana", "Norway"]


@pytest.fixture
def archive_with_many(live_archive):
    """The seeds and 27 short statements on multilateralism from three delegations."""
    for n in range(27):
        country = COUNTRIES[n % 3]
        text = (
            f"Mr. Delegate{n} ({country}): {country} supports multilateral diplomacy and the work of the "
            f"Security Council under resolution 2341 (2017) on critical infrastructure, point {n}."
        )
        make_statement(f"extra-{n:02}.txt", text, date=dt.date(2019, 1, 1) + dt.timedelta(days=n))
    return live_archive


def test_search_narrow_widen_page_through_and_open_a_statement(archive_with_many, page):
    base = archive_with_many.url
    page.goto(base + "/search/")
    page.get_by_label("Search the statements").fill("multilateral")
    page.get_by_role("button", name="Search", exact=True).last.click()
    page.wait_for_url("**/search/?q=multilateral*")
    assert "27 statements found" in page.locator("#results-heading").inner_text()
    assert page.locator(".result").count() == 20
    screenshot(page, "search-results")

    page.locator("#facet-country + ul").get_by_role("link", name="Ghana").click()
    assert "9 statements found" in page.locator("#results-heading").inner_text()
    assert page.locator(".chip .chip__value").inner_text() == "Ghana"
    screenshot(page, "search-narrowed")

    page.get_by_role("link", name="Remove country: Ghana").click()
    assert "27 statements found" in page.locator("#results-heading").inner_text()
    assert page.locator(".chip").count() == 0

    page.get_by_role("link", name="Next →").click()
    assert page.locator(".result").count() == 7
    assert "21–27 of 27" in page.locator(".pagination__summary").inner_text()

    first = page.locator(".result .item__title a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url("**/statements/**")
    assert title in page.locator("h1").inner_text()


def test_resolution_search_links_to_the_resolution_and_marks_the_number(archive_with_many, page):
    page.goto(archive_with_many.url + "/search/?q=S/RES/2341%20(2017)")
    assert "28 statements found" in page.locator("#results-heading").inner_text()
    assert page.locator(".result__snippet mark").first.inner_text() == "2341"
    page.locator(".callout__main a").click()
    page.wait_for_url("**/resolutions/2341/")


def test_html_in_a_statement_never_runs_on_the_search_page(live_archive, page):
    make_statement(
        "xss.txt",
        "Mr. Smith (South Africa): We reject <img src=x onerror=\"document.title='owned'\"> and <script>document.title='owned'</script> entirely.",
    )
    page.goto(live_archive.url + "/search/?q=reject")
    assert page.title() != "owned"
    assert "<script>" in page.locator(".result__snippet").inner_text()


def test_a_researcher_on_a_phone_can_search_and_narrow(archive_with_many, browser):
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True)
    phone = context.new_page()
    try:
        phone.goto(archive_with_many.url + "/search/?q=critical+infrastructure&country=chile")
        assert "statements found" in phone.locator("#results-heading").inner_text()
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the page scrolls sideways ({width}px wide)"
        screenshot(phone, "search-phone")
        phone.get_by_role("link", name="Narrow by speaker, country, forum, year or resolution ↓").click()
        screenshot(phone, "search-phone-facets")
    finally:
        context.close()


def test_a_misspelt_search_offers_the_word_the_archive_has(live_archive, page):
    page.goto(live_archive.url + "/search/?q=infrastucture")
    page.get_by_role("link", name="infrastructure").click()
    assert "1 statement found" in page.locator("#results-heading").inner_text()
    screenshot(page, "search-after-did-you-mean")


def test_a_bad_parameter_gets_an_explanation(live_archive, browser):
    context = browser.new_context()  # the 400 itself is logged as a console error
    try:
        tab = context.new_page()
        response = tab.goto(live_archive.url + "/search/?q=peace&page=abc")
        assert response.status == 400
        assert "could not be run" in tab.locator(".search-problem").inner_text()
        screenshot(tab, "search-bad-parameter")
    finally:
        context.close()
