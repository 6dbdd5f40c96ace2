"""Citation analytics: the charts' numbers against the database, and the SVG they are drawn as."""

import re
from collections import Counter
from itertools import combinations

import pytest
from django.template.loader import render_to_string

from statements import charts
from statements.ingest import Overrides
from statements.models import Citation, Country, Resolution, Speaker, Statement

from .factories import make_statement

TEXTS = [
    # (source, speaker, country, date, resolutions cited)
    ("a1.txt", "Ms. Ana Ruiz", "Norway", "3 March 2017", "resolutions 2341 (2017) and 2286 (2016)"),
    ("a2.txt", "Ms. Ana Ruiz", "Norway", "9 May 2019", "resolution 2341 (2017)"),
    ("a3.txt", "Ms. Ana Ruiz", "Norway", "1 June 2019", "resolutions 2341 (2017), 2286 (2016) and 1325 (2000)"),
    ("b1.txt", "Mr. Bo Lind", "Chile", "2 February 2019", "resolution 2286 (2016)"),
    ("b2.txt", "Mr. Bo Lind", "Chile", "4 April 2021", "resolutions 2341 (2017) and 1325 (2000)"),
    ("c1.txt", "Mr. Cy Odd", "Chile", "", "resolution 2341 (2017)"),
]


@pytest.fixture
def resolution_2341(db, search_index, django_capture_on_commit_callbacks):
    """The statements in TEXTS, ingested and indexed; returns resolution 2341, which most of them cite."""
    with django_capture_on_commit_callbacks(execute=True):
        for source, speaker, country, date, cited in TEXTS:
            honorific, name = speaker.split(" ", 1)
            who = Overrides(speaker={"name": name, "honorific": honorific, "country": country})
            make_statement(source, f"Statement by {speaker}\n{date}\n\nWe recall {cited} today.", overrides=who)
    return Resolution.objects.get(body="SC", number=2341)


def years_from_rows(statements):
    return sorted(Counter(s.date.year for s in statements if s.date).items())


def test_statements_per_year_match_the_rows_counted_one_by_one(resolution_2341):
    assert Statement.objects.exclude(date=None).count() >= 4, "the texts' dates were read"
    for speaker in Speaker.objects.all():
        assert charts.statements_per_year(speaker.statements.all()) == years_from_rows(speaker.statements.all())
    citing = Statement.objects.citing(resolution_2341)
    assert charts.statements_per_year(citing) == years_from_rows(citing)
    assert charts.statements_per_year(citing) == [(2017, 1), (2019, 2), (2021, 1)]


def test_delegations_citing_a_resolution_are_counted_by_statement(resolution_2341):
    expected = Counter(
        c.statement.speaker.country.name
        for c in Citation.objects.filter(resolution=resolution_2341).select_related("statement__speaker__country")
    )
    got = {country.name: country.statement_count for country in charts.citing_delegations(resolution_2341)}
    assert got == dict(expected) == {"Norway": 3, "Chile": 2}
    assert [country.name for country in charts.citing_delegations(resolution_2341)] == ["Norway", "Chile"]


def test_resolutions_cited_together_count_the_statements_citing_both(resolution_2341):
    cited = {}
    for citation in Citation.objects.all():
        cited.setdefault(citation.statement_id, set()).add(citation.resolution_id)
    pairs = Counter()
    for resolutions in cited.values():
        for a, b in combinations(sorted(resolutions), 2):
            pairs[a, b] += 1
            pairs[b, a] += 1
    expected = {other: count for (one, other), count in pairs.items() if one == resolution_2341.pk}
    together = charts.cited_together(resolution_2341)
    assert {r.pk: r.citation_count for r in together} == expected
    assert [r.number for r in together] == [1325, 2286] or [r.number for r in together] == [2286, 1325]
    assert all(r.citation_count == 2 for r in together)


def test_the_year_chart_has_a_bar_per_year_linking_to_the_search_for_it(resolution_2341):
    speaker = Speaker.objects.get(name="Bo Lind")
    rows = [
        (y, n, charts.search_url(speaker=speaker.pk, year=y))
        for y, n in charts.statements_per_year(speaker.statements.all())
    ]
    chart = charts.year_chart(rows, chart_id="t")
    assert [(bar.year, bar.count) for bar in chart.bars] == [(2019, 1), (2020, 0), (2021, 1)]
    assert chart.bars[0].url == f"/search/?speaker={speaker.pk}&year=2019" and chart.bars[1].url is None
    svg = render_to_string("includes/_chart_bars.html", {"chart": chart})
    assert svg.count('<a class="chart__link"') == 2
    assert f'href="/search/?speaker={speaker.pk}&amp;year=2021"' in svg
    assert '<title id="t-title">' in svg and '<desc id="t-desc">2 statements from 2019 to 2021' in svg
    assert re.search(r"<th scope=\"row\"><a [^>]+>2019</a></th><td class=\"num\">1</td>", svg)
    assert "style=" not in svg


def test_the_search_pages_year_partial_draws_facet_rows_oldest_first():
    rows = [("2021", 4, "/search/?q=x&year=2021"), ("2019", 8, "/search/?q=x&year=2019")]
    html = render_to_string(
        "includes/_chart_years.html", {"years": rows, "chart_title": "Matching statements per year"}
    )
    assert html.index(">2019<") < html.index(">2021<")
    assert 'href="/search/?q=x&amp;year=2019"' in html and "Matching statements per year" in html
    assert 'height="120.0"' in html, "the busiest year is the full height"
    assert render_to_string("includes/_chart_years.html", {"years": []}).strip() == ""


def test_resolution_speaker_and_country_pages_show_their_charts(client, resolution_2341):
    page = client.get("/resolutions/2341/").content.decode()
    assert 'id="resolution-years-title"' in page and 'href="/search/?resolution=sc-2341&amp;year=2019"' in page
    assert "Cited together with" in page and 'href="/resolutions/2286/"' in page
    assert re.search(r"Norway</span></a>\s*<span class=\"ranking__count\">3", page)
    speaker = Speaker.objects.get(name="Ana Ruiz")
    page = client.get(speaker.get_absolute_url()).content.decode()
    assert f'href="/search/?speaker={speaker.pk}&amp;year=2019"' in page and "Resolutions cited most" in page
    country = Country.objects.get(name="Chile")
    page = client.get(country.get_absolute_url()).content.decode()
    assert 'href="/search/?country=chile&amp;year=2021"' in page


def test_a_page_without_dated_statements_has_no_chart(client, resolution_2341):
    speaker = Speaker.objects.get(name="Cy Odd")
    assert "chart__svg" not in client.get(speaker.get_absolute_url()).content.decode()


def test_charts_count_in_the_database_in_one_query(resolution_2341, django_assert_num_queries):
    with django_assert_num_queries(1):
        charts.statements_per_year(Statement.objects.citing(resolution_2341))
    with django_assert_num_queries(1):
        list(charts.cited_together(resolution_2341))
