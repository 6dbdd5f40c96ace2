"""A long Security Council speech, cut into paragraphs, on its pages (issue 10).

The excerpt (tests/excerpts/unsc_long_statement_citations.txt, a 2020 record with no line
breaks) cites resolution 2543 in its first paragraph and 1401 in its fifth: the statement
page numbers the paragraphs, links each citation where it stands, the resolution page sends
a reader to that paragraph, and importing the same text again gives the same paragraphs.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from statements.models import Citation, Statement

from .conftest import screenshot
from .factories import make_statement

EXCERPT = Path(__file__).resolve().parent / "excerpts" / "unsc_long_statement_citations.txt"


def long_statement():
    return make_statement("UNSC_2020_SPV.8759_spch013", EXCERPT.read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_a_council_wall_of_text_is_stored_as_numbered_paragraphs_with_citations_in_place(client, search_index):
    statement = long_statement()
    assert len(statement.paragraphs) >= 5
    citation = Citation.objects.get(statement=statement, resolution__number=1401)
    assert "Resolution 1401 (2002) initiated" in statement.paragraphs[citation.paragraph]
    assert citation.paragraph > 0

    page = client.get(statement.get_absolute_url()).content.decode()
    assert len(re.findall(r'<div class="para" id="p\d+">', page)) == len(statement.paragraphs)
    paragraph = page.split(f'id="p{citation.paragraph + 1}"', 1)[1].split('<div class="para"', 1)[0]
    assert re.search(r'<a class="cite" href="/resolutions/1401/"[^>]*>1401</a>', paragraph)

    resolution_page = client.get(reverse("statements:resolution-detail", args=[1401])).content.decode()
    assert f"{statement.get_absolute_url()}#p{citation.paragraph + 1}" in resolution_page


@pytest.mark.django_db
def test_importing_the_same_text_again_gives_the_same_paragraphs(search_index):
    first = long_statement()
    paragraphs, pk = first.paragraphs, first.pk
    Statement.objects.filter(pk=pk).delete()
    again = long_statement()
    assert again.paragraphs == paragraphs
    assert Citation.objects.get(statement=again, resolution__number=1401).paragraph == (
        next(index for index, text in enumerate(paragraphs) if "Resolution 1401" in text)
    )


@pytest.mark.django_db
def test_a_search_snippet_comes_from_the_paragraph_that_matches(
    client, search_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        long_statement()
    page = client.get(reverse("statements:search"), {"q": "initiated relationship"}).content.decode()
    snippet = page.split('class="item__excerpt result__snippet">', 1)[1].split("</p>", 1)[0]
    assert "<mark>initiated</mark>" in snippet and "Resolution 1401" in snippet
    assert "\n" not in snippet.strip()  # one paragraph's words, not the paragraph break


@pytest.mark.browser
@pytest.mark.parametrize("width, name", [(1280, "long-council-statement"), (390, "long-council-statement-phone")])
def test_a_long_council_statement_reads_as_paragraphs_on_a_screen_and_a_phone(
    live_server, search_index, page, width, name
):
    statement = long_statement()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + statement.get_absolute_url())
    assert page.locator(".para").count() == len(statement.paragraphs)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    screenshot(page, name)


@pytest.mark.django_db
def test_a_resolution_cited_again_in_a_later_paragraph_is_linked_there_too_unless_an_editor_removed_it(client):
    text = (
        "Mr. Delegate (Japan): We recall resolution 2341 (2017) on critical infrastructure.\n\n"
        "Attacks on power grids continue across many regions of the world.\n\n"
        "Full implementation of resolution 2341 (2017) and of S/2020/1 remains our duty."
    )
    statement = make_statement("again.txt", text)
    page = client.get(statement.get_absolute_url()).content.decode()
    linked = [
        number
        for number in (1, 2, 3)
        if re.search(
            r'<a class="cite" href="/resolutions/2341/"', page.split(f'id="p{number}"', 1)[1].split("</div>")[0]
        )
    ]
    assert linked == [1, 3]
    assert re.search(r'<a class="cite" href="/search/\?q=S%2F2020%2F1"', page)

    Citation.objects.filter(statement=statement).delete()
    page = client.get(statement.get_absolute_url()).content.decode()
    assert 'href="/resolutions/2341/"' not in page, "what is not stored is not linked"
