"""The pages issue 13 changed, in Chromium at 1,280 px and on a 390 px phone, checked with axe-core.

axe-core (MPL-2.0) is vendored for the tests only in tests/vendor/axe.min.js; the site never
loads it. Screenshots land in test-artifacts/screenshots/conventions-*.png.
"""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from statements.ingest import MeetingInfo, Overrides
from statements.models import Statement

from .conftest import screenshot, watched_tab
from .factories import make_statement

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TOPIC = "Maintenance of international peace and security: protection of civilians in armed conflict"
PEOPLE = [
    ("Koro Bessho", "Japan"),
    ("Kentaro Sonoura", "Japan"),
    ("Yasuhisa Shiozaki", "Japan"),
    ("Vassily Nebenzia", "Russian Federation"),
    ("Dang Dinh Quy", "Viet Nam"),
    ("Barbara Woodward", "United Kingdom"),
]


@pytest.fixture
def archive_citing_2341(live_archive, settings):
    """The seeds, 47 more statements citing resolution 2341 over seven years, and 12 meetings."""
    settings.RATELIMIT_ENABLED = False
    for number in range(47):
        name, country = PEOPLE[number % len(PEOPLE)]
        fields = {"date": dt.date(2010 + number % 7, 1 + number % 12, 1 + number % 27)} if number != 46 else {}
        meeting = MeetingInfo(
            f"S/PV.{8600 + number % 12}", dt.date(2020, 1 + number % 12, 9), f"{TOPIC} ({number % 12})"
        )
        who = Overrides(speaker={"name": name, "honorific": "Mr.", "country": country}, fields=fields, meeting=meeting)
        make_statement(
            f"long-{number}.txt",
            f"Statement by Mr. {name}\n\nWe recall resolution 2341 (2017) on critical infrastructure, point {number}.",
            overrides=who,
        )
    return live_archive


@pytest.fixture
def tab(browser):
    """A tab whose CSP lets the test inject axe-core; fails the test on any console error."""
    yield from watched_tab(browser, viewport=DESKTOP, bypass_csp=True)


def axe_violations(page):
    page.add_script_tag(content=AXE)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [node["html"][:300] for node in v["nodes"]][:2]) for v in result["violations"]]


def look(page, name, sizes=(DESKTOP, PHONE), tolerated=()):
    """Screenshot at each width and check with axe-core; the page fits each width."""
    for size in sizes:
        page.set_viewport_size(size)
        screenshot(page, f"conventions-{name}-{size['width']}")
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], f"{name} scrolls sideways"
        assert [found for found in axe_violations(page) if found[0] not in tolerated] == [], name


def test_speakers_filtered_by_delegation_read_by_surname_on_desktop_and_phone(archive_citing_2341, tab):
    tab.goto(archive_citing_2341.url + "/speakers/")
    tab.get_by_label("Name or delegation").fill("japan")
    tab.get_by_role("button", name="Show").click()
    tab.wait_for_url("**/speakers/?q=japan&sort=name")
    names = tab.locator(".data-table tbody th a").all_inner_texts()
    assert names == ["Koro Bessho", "Yasuhisa Shiozaki", "Kentaro Sonoura"]
    assert tab.locator(".data-table tbody td").first.inner_text() == "Japan"
    look(tab, "speakers-japan")


def test_countries_filter_on_the_server(archive_citing_2341, tab):
    tab.goto(archive_citing_2341.url + "/countries/?q=united&sort=statements")
    assert tab.locator(".data-table tbody th a").all_inner_texts() == ["United Kingdom"]
    look(tab, "countries-united")


def test_a_long_resolution_page_jumps_to_a_year_on_another_page(archive_citing_2341, tab):
    tab.goto(archive_citing_2341.url + "/resolutions/2341/")
    assert tab.locator(".citation").count() == 20
    look(tab, "resolution-long")
    tab.set_viewport_size(DESKTOP)
    tab.locator(".year-jumps a", has_text="2015").click()
    tab.wait_for_url("**/resolutions/2341/?page=2#year-2015")
    # The page scrolls (smoothly) until the year's heading is at the top of the window.
    tab.wait_for_function("document.getElementById('year-2015').getBoundingClientRect().top < 200")
    assert tab.locator("#year-2015").is_visible()
    screenshot(tab, "conventions-resolution-jumped-1280")


def test_the_meetings_list_fits_a_phone_with_topics_in_a_few_lines(archive_citing_2341, tab):
    tab.set_viewport_size(PHONE)
    tab.goto(archive_citing_2341.url + "/meetings/")
    rows = tab.locator(".meetings-table tbody tr")
    assert rows.count() == 12
    for index in range(rows.count()):
        row = rows.nth(index)
        count = row.locator(".meetings-table__count").bounding_box()
        assert count["x"] + count["width"] <= PHONE["width"], "the speeches column is on screen"
        topic = row.locator(".meetings-table__topic")
        lines = topic.evaluate("t => t.getBoundingClientRect().height / parseFloat(getComputedStyle(t).lineHeight)")
        assert lines <= 3.2, f"topic wraps to {lines:.1f} lines"
    look(tab, "meetings", sizes=(PHONE, DESKTOP))


def test_the_home_page_on_a_phone_has_one_search_box_and_no_empty_counts(live_archive, tab):
    tab.set_viewport_size(PHONE)
    tab.goto(live_archive.url + "/")
    visible = [box for box in tab.locator("input[type=search]").all() if box.is_visible()]
    assert len(visible) == 1
    assert "0 meetings" not in tab.locator(".stats").inner_text().replace("\n", " ")
    look(tab, "home", sizes=(PHONE, DESKTOP))


def test_the_api_page_reads_well_and_its_examples_open(archive_citing_2341, tab):
    tab.goto(archive_citing_2341.url + "/")
    tab.get_by_role("link", name="JSON API").click()
    tab.wait_for_url("**/about/api/")
    assert tab.locator(".api-op").count() == 10
    look(tab, "api-page")
    tab.set_viewport_size(DESKTOP)
    tab.locator("#get_statement").get_by_role("link", name="Open this example").click()
    assert '"paragraphs"' in tab.content()


def test_the_admin_statement_page_fits_a_laptop_window_and_carries_the_archive_name(archive_citing_2341, tab):
    get_user_model().objects.create_superuser("editor", "editor@example.org", "a long enough password 1")
    tab.goto(archive_citing_2341.url + "/admin/login/")
    tab.get_by_label("Username").fill("editor")
    tab.get_by_label("Password").fill("a long enough password 1")
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url("**/admin/")
    assert "Statements archive" in tab.locator("#site-name").inner_text()
    statement = Statement.objects.get(source="000_d635279429bd5661.txt")
    tab.goto(f"{archive_citing_2341.url}/admin/statements/statement/{statement.pk}/change/")
    assert tab.locator("#citations-group").is_visible()
    assert tab.get_by_label("Cited year, citation 1").is_visible()
    # Django heads each inline row's title column with an empty <th> (axe: minor).
    look(tab, "admin-statement", tolerated={"empty-table-header"})
    assert tab.get_by_role("combobox", name="Meeting").is_visible(), "an empty autocomplete box has a name"
    tab.locator("#citations-group .add-row a").click()
    assert tab.get_by_role("combobox", name="Resolution, new row").is_visible()
