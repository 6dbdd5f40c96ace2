"""Term trends: /trends/ charts per year the share of statements matching each search, with the
counts behind each point, filtered by forum and delegation, as SVG, a table and CSV."""

import csv
import datetime as dt
import html as html_module
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from statements import charts
from statements.ingest import Overrides
from statements.models import Statement

from .factories import make_statement

PLAN = [
    # (year, forum, country, text)
    (2018, "Security Council", "France", "We discussed climate change and its security risks."),
    (
        2018,
        "Security Council",
        "Japan",
        "Terrorism threatens us all; resolution 2341 (2017) protects infrastructure.",
    ),
    (2018, "General Assembly", "France", "Development and climate change are linked."),
    (2018, "General Assembly", "Japan", "We speak of trade and of fisheries."),
    (2019, "Security Council", "France", "Terrorism and climate change both matter here."),
    (2019, "Security Council", "Japan", "The mandate of the mission should be renewed."),
    (2019, "Security Council", "France", "Counter-terrorism cooperation under resolution 2341 (2017)."),
    (2019, "General Assembly", "Japan", "Climate finance is not the same as climate change adaptation."),
    (2020, "Security Council", "Japan", "Nothing about those subjects today."),
    (2020, "General Assembly", "France", "The pandemic and climate change, again."),
    (2020, "General Assembly", "Japan", "Terrorism in the Sahel; terrorism at sea."),
]


@pytest.fixture
def statements_over_years(db, search_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for number, (year, forum, country, text) in enumerate(PLAN):
            overrides = Overrides(
                fields={"date": dt.date(year, 3, 1 + number), "forum": forum},
                speaker={"name": f"Speaker{number}", "country": country},
            )
            make_statement(f"trend-{number:02}.txt", f"Statement by Speaker{number}\n\n{text}", overrides)
    return search_index


def expected(text, **filters):
    """{year: (matching, statements)} counted in the database."""
    statements = Statement.objects.filter(**filters)
    return {
        year: (statements.filter(year=year, body__iregex=text).count(), statements.filter(year=year).count())
        for year in sorted(set(statements.values_list("year", flat=True)))
    }


def table_numbers(html):
    """{query: {year: (matching, statements, percent)}} read from the page's text table."""
    head = re.search(r"<thead>(.*?)</thead>", html, re.DOTALL)[1]
    queries = [
        html_module.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
        for cell in re.findall(r'<th scope="col" class="num">(.*?)</th>', head)
    ]
    queries = queries[1:]  # the first numeric column is the year's statements
    numbers = {query: {} for query in queries}
    for row in re.findall(r"<tr><th scope=\"row\">(\d{4})</th>(.*?)</tr>", html, re.DOTALL):
        year, cells = int(row[0]), re.findall(r'<td class="num">(.*?)</td>', row[1], re.DOTALL)
        total = int(cells[0].replace(",", ""))
        for query, cell in zip(queries, cells[1:]):
            text = re.sub(r"<[^>]+>", "", cell)
            count, percent = re.match(r"\s*([\d,]+)\s*\(([\d.]+) %\)", text).groups()
            numbers[query][year] = (int(count.replace(",", "")), total, float(percent))
    return numbers


def test_trends_count_each_years_matching_statements_against_that_years_statements(client, statements_over_years):
    response = client.get("/trends/", {"q": ['"climate change"', "terrorism"]})
    assert response.status_code == 200
    numbers = table_numbers(response.content.decode())
    for query, pattern in (('"climate change"', "climate change"), ("terrorism", "terrorism")):
        wanted = expected(pattern)
        got = {year: (count, total) for year, (count, total, _percent) in numbers[query].items()}
        assert got == wanted, query
    count, total, percent = numbers['"climate change"'][2018]
    assert (count, total) == (2, 4) and percent == 50.0


def test_trends_filtered_by_forum_and_delegation_share_against_the_same_filter(client, statements_over_years):
    response = client.get(
        "/trends/", {"q": ["climate change", "terrorism"], "forum": "security-council", "country": "france"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    numbers = table_numbers(page)
    filters = {"forum": "Security Council", "speaker__country__name": "France"}
    assert {y: n[:2] for y, n in numbers["climate change"].items()} == expected("climate", **filters)
    assert {y: n[:2] for y, n in numbers["terrorism"].items()} == expected("terrorism", **filters)
    assert 2020 not in numbers["terrorism"] and numbers["terrorism"][2019] == (2, 2, 100.0)
    assert "under the same filter" in page


def test_each_point_links_to_the_search_that_found_its_statements(client, statements_over_years):
    page = client.get("/trends/", {"q": ["terrorism"], "forum": "security-council"}).content.decode()
    links = re.findall(r'<a class="trend__point" href="([^"]+)"', page)
    assert len(links) == 3  # 2018, 2019 and 2020 have Council statements
    numbers = table_numbers(page)["terrorism"]
    checked = 0
    for link in links:
        params = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
        assert params["forum"] == ["security-council"] and params["q"] == ["terrorism"]
        year = int(params["year"][0])
        if numbers[year][0]:
            found = re.search(r"(\d+) statements? found", client.get("/search/", params).content.decode())
            assert int(found[1]) == numbers[year][0]
            checked += 1
    assert checked == 2


def test_a_resolution_number_is_charted_like_on_the_search_page(client, statements_over_years):
    numbers = table_numbers(client.get("/trends/", {"q": ["2341"]}).content.decode())
    assert {year: n[0] for year, n in numbers["2341"].items()} == {2018: 1, 2019: 1, 2020: 0}


def test_a_prefix_is_charted_like_on_the_search_page(client, statements_over_years):
    numbers = table_numbers(client.get("/trends/", {"q": ["terror*"]}).content.decode())
    assert {year: n[:2] for year, n in numbers["terror*"].items()} == expected("terror")
    response = client.get("/trends/", {"q": ["ter* cli* cha* tra*"]})
    assert response.status_code == 400 and "too many words ending in *" in response.content.decode()


def test_trends_csv_holds_the_numbers_behind_the_chart(client, statements_over_years):
    response = client.get("/trends/data.csv", {"q": ["terrorism", "-climate change"]})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["query"] for row in rows[:1]] == ["terrorism"]
    assert {row["query"] for row in rows} == {"terrorism", "'-climate change"}  # neutralised for spreadsheets
    terrorism = {
        int(row["year"]): (int(row["matching"]), int(row["statements"])) for row in rows if row["query"] == "terrorism"
    }
    assert terrorism == expected("terrorism")


def test_more_than_five_searches_or_an_empty_one_is_a_clear_400(client, statements_over_years):
    response = client.get("/trends/", {"q": [f"word{n}" for n in range(6)]})
    assert response.status_code == 400 and "at most 5 searches" in response.content.decode()
    response = client.get("/trends/", {"q": ["-climate"]})
    assert response.status_code == 400 and "names nothing to look for" in response.content.decode()
    response = client.get("/trends/", {"q": ["x"], "forum": "<script>"})
    assert response.status_code == 400 and "<script>" not in response.content.decode()
    assert client.get("/trends/data.csv").status_code == 400


def test_trends_page_without_searches_shows_the_form(client, statements_over_years):
    response = client.get("/trends/")
    assert response.status_code == 200
    assert response.content.decode().count('id="trend-q') == 5


def test_trend_chart_puts_points_on_a_share_scale_and_breaks_lines_over_missing_years():
    from statements.search.query import parse_query
    from statements.trends import Point, Trend

    points = (Point(2000, 1, 10, "/a"), Point(2001, 5, 10, "/b"), Point(2003, 0, 4, "/c"))
    chart = charts.trend_chart([Trend(parse_query("peace"), points, "/s")])
    line = chart.lines[0]
    assert [mark.percent for mark in line.marks] == [10.0, 50.0, 0.0]
    assert len(line.segments) == 2  # 2002 has no statements: no line across it
    assert [label for _y, label in chart.y_ticks] == ["0 %", "10 %", "20 %", "30 %", "40 %", "50 %"]
    assert min(mark.y for mark in line.marks) >= chart.baseline - 220


@pytest.fixture
def live_trends(transactional_db, live_server, search_index):
    for number, (year, forum, country, text) in enumerate(PLAN):
        overrides = Overrides(
            fields={"date": dt.date(year, 3, 1 + number), "forum": forum},
            speaker={"name": f"Speaker{number}", "country": country},
        )
        make_statement(f"trend-{number:02}.txt", text, overrides)
    return live_server


@pytest.mark.browser
def test_a_reader_charts_three_searches_and_follows_a_point_to_its_search(live_trends, page):
    from .conftest import screenshot

    page.goto(live_trends.url + "/trends/")
    page.get_by_label("Search 1").fill('"climate change"')
    page.get_by_label("Search 2").fill("terrorism")
    page.get_by_label("Search 3").fill("2341")
    page.get_by_role("button", name="Chart").click()
    page.get_by_role("heading", name="Share of statements per year").wait_for()
    assert page.locator(".trend").count() == 3
    screenshot(page, "trends-seeded")
    page.get_by_role("link", name="terrorism, 2019: 2 of 4 statements").click()
    page.wait_for_url("**/search/?q=terrorism&year=2019")
    assert page.get_by_role("heading", name="2 statements found").is_visible()


def test_a_filter_without_statements_says_so_instead_of_an_empty_chart(client, statements_over_years):
    response = client.get("/trends/", {"q": ["terrorism"], "country": "tuvalu"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "No statement of a known year is in this selection" in page and "<svg" not in page.split("<main")[1]
