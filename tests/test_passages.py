"""Quotable passages: /search/?view=passages lists the matching paragraphs with their permalinks;
facets and filters are the same in both views; a paragraph's permalink highlights it and offers
a "copy quotation" button."""

import datetime as dt
import re

import pytest

from statements.ingest import Overrides
from statements.models import Citation

from .factories import make_statement

LONG = (
    "We thank the presidency for convening this debate.\n\n"
    "Our region has seen many changes this year.\n\n"
    "Climate change is a threat multiplier for fragile states, and water scarcity follows it.\n\n"
    "We recall resolution 2341 (2017) on the protection of critical infrastructure.\n\n"
    "In closing, climate change must stay on this Council's agenda.\n\n"
    "<img src=x onerror=alert(1)> Thank you."
)
SPREAD = "The climate of our talks has improved.\n\nA change of course is needed on trade."


def speech(source, text, country, date, forum="Security Council", speaker="Quill"):
    overrides = Overrides(fields={"date": date, "forum": forum}, speaker={"name": speaker, "country": country})
    return make_statement(source, text, overrides)


@pytest.fixture
def two_speeches_with_passages(db, search_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        long = speech("long.txt", LONG, "France", dt.date(2019, 5, 2))
        spread = speech("spread.txt", SPREAD, "Japan", dt.date(2020, 1, 9), forum="General Assembly", speaker="Sorrel")
    return long, spread


def passages(response):
    """[(permalink, text)] of the passages listed, in order."""
    html = response.content.decode()
    items = re.findall(r'<li class="item result passage">(.*?)</li>', html, re.DOTALL)
    found = []
    for item in items:
        link = re.search(r'<a class="passage__link" href="([^"]+)"', item)[1]
        quote = re.sub(r"<[^>]+>", "", re.search(r"<blockquote[^>]*>(.*?)</blockquote>", item, re.DOTALL)[1])
        found.append((link, " ".join(quote.split())))
    return found


def test_passages_view_lists_each_matching_paragraph_with_its_permalink_speaker_and_date(
    client, two_speeches_with_passages
):
    long, _spread = two_speeches_with_passages
    response = client.get("/search/", {"q": "climate change", "view": "passages", "country": "france"})
    assert response.status_code == 200
    found = passages(response)
    assert [link for link, _text in found] == [f"{long.get_absolute_url()}#p3", f"{long.get_absolute_url()}#p5"]
    assert found[0][1].startswith("Climate change is a threat multiplier")
    html = response.content.decode()
    assert "Quill" in html
    assert "France" in html and "2 May 2019" in html
    assert "<mark>Climate</mark>" in html or "<mark>Climate change</mark>" in html


def test_a_query_whose_words_are_in_different_paragraphs_shows_the_paragraph_holding_most(
    client, two_speeches_with_passages
):
    _long, spread = two_speeches_with_passages
    response = client.get("/search/", {"q": "climate change", "view": "passages", "country": "japan"})
    found = passages(response)
    assert [link for link, _text in found] == [f"{spread.get_absolute_url()}#p1"]
    assert "spread over several paragraphs" in response.content.decode()


def test_a_prefix_finds_the_paragraphs_holding_a_word_starting_with_it(client, two_speeches_with_passages):
    response = client.get("/search/", {"q": "clim* chang*", "view": "passages"})
    found = [(link.rsplit("#", 1)[1], text[:20]) for link, text in passages(response)]
    # "changes" alone (p2) holds half the query; SPREAD has no paragraph holding all of it.
    assert found[:2] == [("p3", "Climate change is a "), ("p5", "In closing, climate ")]
    assert found[2:] == [("p1", "The climate of our t")]


def test_resolution_search_shows_the_citing_paragraph(client, two_speeches_with_passages):
    long, _spread = two_speeches_with_passages
    citation = Citation.objects.get(statement=long, resolution__number=2341)
    for query in ("2341", "S/RES/2341 (2017)", "resolution 2341"):
        found = passages(client.get("/search/", {"q": query, "view": "passages"}))
        assert [link for link, _text in found] == [f"{long.get_absolute_url()}#p{citation.paragraph + 1}"], query
        assert found[0][1].startswith("We recall resolution 2341")


def test_facets_and_filters_are_the_same_in_both_views(client, two_speeches_with_passages):
    params = {"q": "climate"}
    statements = client.get("/search/", params)
    passages_view = client.get("/search/", {**params, "view": "passages"})

    def counts(response):
        return [(g.name, [(v.key, v.count, v.selected) for v in g.values]) for g in response.context["facets"]]

    assert counts(statements) == counts(passages_view) and len(counts(statements)) >= 3
    assert passages_view.context["page"].paginator.count == statements.context["page"].paginator.count == 2
    narrowed = client.get("/search/", {**params, "view": "passages", "forum": "general-assembly"})
    assert [link for link, _text in passages(narrowed)] == [f"{two_speeches_with_passages[1].get_absolute_url()}#p1"]
    # a facet link in the passages view keeps the passages view
    facet_links = re.findall(r'href="(\?[^"]*country=[^"]*)"', passages_view.content.decode())
    assert facet_links and all("view=passages" in link for link in facet_links)


def test_statement_results_link_to_the_first_matching_paragraph(client, two_speeches_with_passages):
    long, _spread = two_speeches_with_passages
    html = client.get("/search/", {"q": "water scarcity"}).content.decode()
    assert f'href="{long.get_absolute_url()}#p3"' in html
    html = client.get("/search/", {"q": "2341"}).content.decode()
    assert f'href="{long.get_absolute_url()}#p4"' in html


def test_switching_views_keeps_the_search_and_its_filters(client, two_speeches_with_passages):
    html = client.get("/search/", {"q": "climate", "country": "france"}).content.decode()
    switch = re.search(r'<ul class="view-switch".*?</ul>', html, re.DOTALL)[0]
    assert "?q=climate&amp;country=france&amp;view=passages" in switch


def test_passages_come_twenty_a_page(client, db, search_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(9):
            paragraphs = "\n\n".join(f"Paragraph {n} speaks of fisheries and the sea." for n in range(3))
            speech(
                f"fish-{number}.txt",
                f"Statement by Mr. Carp{number}\n\n{paragraphs}",
                "France",
                dt.date(2018, 1, 1 + number),
            )
    first = client.get("/search/", {"q": "fisheries", "view": "passages"})
    assert len(passages(first)) == 20 and "view=passages&amp;page=2" in first.content.decode()
    second = client.get("/search/", {"q": "fisheries", "view": "passages", "page": 2})
    assert len(passages(second)) == 7 and "page=3" not in second.content.decode()
    assert not set(passages(first)) & set(passages(second))
    assert client.get("/search/", {"q": "fisheries", "view": "passages", "page": 3}).status_code == 404


def test_passages_show_stored_markup_as_text(client, two_speeches_with_passages):
    html = client.get("/search/", {"q": "thank", "view": "passages"}).content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_an_unknown_view_is_a_clear_400(client, two_speeches_with_passages):
    response = client.get("/search/", {"q": "climate", "view": "paragraphs"})
    assert response.status_code == 400 and "paragraphs" in response.content.decode()


def test_statement_page_paragraphs_carry_permalinks_and_a_copy_quotation_button(client, two_speeches_with_passages):
    long, _spread = two_speeches_with_passages
    html = client.get(long.get_absolute_url()).content.decode()
    assert '<div class="para" id="p3">' in html and 'href="#p3"' in html
    assert re.search(r'<button type="button" class="para__copy button-small" data-quote="p3" hidden>', html)
    assert "<script>" not in html.split("<main", 1)[1].split("</main>")[0]  # no inline script (CSP)


@pytest.fixture
def live_passages(transactional_db, live_server, search_index):
    long = speech("long.txt", LONG, "France", dt.date(2019, 5, 2))
    speech("spread.txt", SPREAD, "Japan", dt.date(2020, 1, 9), forum="General Assembly", speaker="Sorrel")
    return live_server, long


@pytest.mark.browser
def test_a_reader_goes_from_a_passage_to_its_highlighted_paragraph_and_copies_the_quotation(live_passages, page):
    from .conftest import screenshot

    live_server, long = live_passages
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}/search/?q=climate+change&view=passages")
    page.get_by_role("link", name="Paragraph 3", exact=True).wait_for()
    screenshot(page, "passages-view")
    page.get_by_role("link", name="Paragraph 3", exact=True).click()
    page.wait_for_url(f"**{long.get_absolute_url()}#p3")
    target = page.locator("#p3")
    assert target.evaluate("element => element.matches(':target')")
    assert target.evaluate("element => getComputedStyle(element).backgroundColor") != "rgba(0, 0, 0, 0)"
    button = target.get_by_role("button", name="Copy quotation")
    assert button.is_visible() and not page.locator("#p4").get_by_role("button").is_visible()
    button.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("“Climate change is a threat multiplier")
    assert f"/statements/{long.pk}/#p3" in copied and "Statements Archive" in copied
    screenshot(page, "paragraph-permalink")


def test_passage_pages_beyond_the_last_listed_are_refused_with_a_clear_400(client, two_speeches_with_passages):
    from statements.search.passages import MAX_PASSAGE_PAGES

    response = client.get("/search/", {"q": "climate", "view": "passages", "page": MAX_PASSAGE_PAGES + 1})
    assert response.status_code == 400
    assert f"Passages are listed up to page {MAX_PASSAGE_PAGES}" in response.content.decode()


def test_a_passage_names_the_delegation_of_its_statement_under_the_name_of_its_year(
    client, db, search_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        speech("siam.txt", "Siam welcomes the new members to the family of nations.", "Thailand", dt.date(1947, 9, 20))
        speech(
            "later.txt", "Thailand welcomes the new members to the family of nations.", "Thailand", dt.date(1990, 9, 20)
        )
    found = client.get("/search/", {"q": "welcomes", "view": "passages", "sort": "oldest"}).content.decode()
    sources = re.findall(r'<p class="item__meta passage__source">(.*?)</p>', found, re.DOTALL)
    assert len(sources) == 2
    assert "<span>Siam</span>" in sources[0] and "Thailand" not in sources[0]
    assert "<span>Thailand</span>" in sources[1]
