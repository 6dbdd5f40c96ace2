"""Page links: one pager for directories, search results and passages."""

import re

from django.core.paginator import Paginator

from statements.pagination import page_links

from .factories import make_statement


def url_for(number):
    return f"/list/?page={number}"


def test_a_single_page_has_no_pager():
    assert page_links(1, url_for, paginator=Paginator(range(20), 20)) is None
    assert page_links(1, url_for, more=False) is None


def test_far_pages_are_elided_and_the_current_one_has_no_link():
    links = page_links(20, url_for, paginator=Paginator(range(800), 20))
    assert [number for number, _url in links["numbers"]] == [1, None, 18, 19, 20, 21, 22, None, 40]
    assert links["previous"] == url_for(19) and links["next"] == url_for(21)
    assert dict(links["numbers"])[None] is None, "a gap has no address"


def test_uncounted_pages_reach_back_and_go_on_only_while_there_is_more():
    last = page_links(7, url_for, more=False)
    assert last["next"] is None and last["previous"] == url_for(6)
    assert [number for number, _url in last["numbers"]] == [3, 4, 5, 6, 7]
    assert page_links(7, url_for, more=True)["next"] == url_for(8)


def test_a_directory_pager_keeps_the_filter_and_sort_of_the_page(client, db):
    for number in range(55):
        make_statement(
            f"s{number}.txt",
            f"Mr. Delegate{number} (Japan): We discuss peace and security for everyone, item {number}.",
        )
    page = client.get("/speakers/", {"q": "Delegate", "sort": "statements"}).content.decode()
    assert re.search(r'href="\?q=Delegate&amp;sort=statements&amp;page=2" rel="next"', page)
    assert "1–50 of 55" in page
