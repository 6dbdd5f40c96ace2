"""Charts, feeds and citations in a real browser: click a year, land on that year's statements."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from statements.ingest import Overrides
from statements.models import Resolution, Speaker, Statement

from .conftest import PHONE, has_no_horizontal_scroll, screenshot
from .factories import make_statement

pytestmark = pytest.mark.browser

YEARS = [2014, 2015, 2015, 2016, 2018, 2019, 2019, 2019, 2020, 2021, 2021]


@pytest.fixture
def bessho_over_the_years(live_archive, settings):
    """The seeds and a run of Koro Bessho's statements over the years, citing resolution 2341."""
    settings.RATELIMIT_ENABLED = False
    for number, year in enumerate(YEARS):
        who = Overrides(
            speaker={"name": "Koro Bessho", "honorific": "Mr.", "country": "Japan"},
            fields={"date": dt.date(year, 3, number + 1)},
        )
        make_statement(
            f"years-{number}.txt",
            f"Statement by Mr. Koro Bessho\n\nWe recall resolution 2341 "
            f"(2017) and resolution 2286 (2016), point {number}.",
            overrides=who,
        )
    return live_archive


def test_clicking_a_year_on_a_speakers_chart_lands_on_their_statements_of_that_year(bessho_over_the_years, page):
    speaker = Speaker.objects.get(name="Koro Bessho")
    page.goto(bessho_over_the_years.url + speaker.get_absolute_url())
    bar = page.locator("#speaker-years-caption ~ .chart__scroll a.chart__link", has_text="2019")
    assert bar.get_attribute("aria-label").startswith("2019: 3")
    screenshot(page, "analytics-speaker")
    bar.click()
    page.wait_for_url(f"**/search/?speaker={speaker.pk}&year=2019")
    expected = speaker.statements.filter(date__year=2019).count()
    assert page.locator(".results-head__count").inner_text().startswith(f"All {expected} statement")


def test_clicking_a_year_on_a_resolutions_chart_lands_on_the_statements_citing_it_that_year(
    bessho_over_the_years, page
):
    page.goto(bessho_over_the_years.url + "/resolutions/2341/")
    chart = page.locator("figure.chart")
    assert "Statements citing it, per year" in chart.locator("figcaption").inner_text()
    assert chart.locator("a.chart__link").count() == len({*YEARS, 2017})
    assert page.locator(".ranking__label", has_text="2286").count() == 1, "cited together with 2286"
    screenshot(page, "analytics-resolution")
    chart.locator("summary").click()
    assert chart.locator("table").is_visible(), "the numbers are there as a table too"
    chart.locator("a.chart__link", has_text="2021").click()
    page.wait_for_url("**/search/?resolution=sc-2341&year=2021")
    resolution = Resolution.objects.get(body="SC", number=2341)
    expected = Statement.objects.citing(resolution).filter(date__year=2021).count()
    assert page.locator(".results-head__count").inner_text().startswith(f"All {expected} statement")


def test_a_year_bar_is_reachable_and_visible_with_the_keyboard(bessho_over_the_years, page):
    page.goto(bessho_over_the_years.url + "/resolutions/2341/")
    first_bar = page.locator("a.chart__link").first
    first_bar.focus()
    stroke = first_bar.locator(".chart__hit").evaluate("element => getComputedStyle(element).stroke")
    assert stroke not in ("none", ""), "the focused bar is outlined"
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?resolution=sc-2341&year=2014")


def test_the_citation_box_copies_the_citation(bessho_over_the_years, page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    statement = Statement.objects.get(title="Keynote Address")
    page.goto(bessho_over_the_years.url + statement.get_absolute_url())
    button = page.locator("button[data-copy=cite-text]")
    button.click()
    expect(button).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#cite-text").inner_text()
    screenshot(page, "analytics-statement-cite")


def test_charts_and_citations_fit_a_phone(bessho_over_the_years, page):
    page.set_viewport_size(PHONE)
    speaker = Speaker.objects.get(name="Koro Bessho")
    statement = Statement.objects.get(title="Keynote Address")
    for path, name in [
        ("/resolutions/2341/", "analytics-resolution-phone"),
        (speaker.get_absolute_url(), "analytics-speaker-phone"),
        ("/countries/japan/", "analytics-country-phone"),
        (statement.get_absolute_url(), "analytics-statement-phone"),
    ]:
        page.goto(bessho_over_the_years.url + path)
        assert has_no_horizontal_scroll(page), path
        screenshot(page, name)
