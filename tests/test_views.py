"""The pages people read: what a researcher sees on each, and what must never break."""

import re

import pytest
from django.template.loader import render_to_string

from statements.markup import linked_paragraphs
from statements.models import Citation, Country, Meeting, Resolution, Speaker, Statement

from .factories import make_meeting_statement, make_statement

INFRASTRUCTURE = "Protection of Critical Infrastructure Against Terrorist Attacks"
XSS_TEXT = (
    "Mr. Mallory (Freedonia): We welcome resolution 2341 <script>alert(1)</script> today.\n\n"
    "A second paragraph with <img src=x onerror=alert(1)> in it."
)


def html(response):
    return response.content.decode()


def paragraph(page, number):
    """The HTML of paragraph `number` on a statement page."""
    match = re.search(rf'<div class="para" id="p{number}">(.*?)</div>', page, re.DOTALL)
    assert match, f"no paragraph p{number}"
    return match.group(1)


@pytest.fixture
def infrastructure(seeded):
    return Statement.objects.get(title=INFRASTRUCTURE)


@pytest.fixture
def peace_operations(seeded):
    return Statement.objects.get(document_references__symbol="S/PV.7750")


# --- Home -------------------------------------------------------------------------------


def test_home_shows_counts_recent_statements_and_most_cited_resolutions(client, seeded):
    response = client.get("/")
    page = html(response)
    assert response.status_code == 200
    assert INFRASTRUCTURE in page
    assert re.search(r'stats__number">3</span> <span class="stats__label">statements', page)
    assert re.search(r'stats__number">2</span> <span class="stats__label">speakers', page)
    assert re.search(r'stats__number">1</span> <span class="stats__label">country', page)
    assert re.search(r'stats__number">4</span> <span class="stats__label">resolutions cited', page)
    assert 'href="/resolutions/2341/"' in page


def test_every_page_has_landmarks_a_skip_link_a_labelled_search_box_and_the_favicon(client, seeded):
    page = html(client.get("/statements/"))
    for landmark in ("<header", "<nav", '<main id="content"', "<footer"):
        assert landmark in page
    assert '<a class="skip-link" href="#content">' in page
    assert '<label class="visually-hidden" for="site-search-q">' in page and 'name="q"' in page
    assert 'action="/search/"' in page
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert '<a href="/statements/" aria-current="page">Statements</a>' in page


def test_an_empty_archive_still_has_a_front_page(client, db):
    response = client.get("/")
    assert response.status_code == 200 and "The archive is empty" in html(response)


# --- Statements ---------------------------------------------------------------------------


def test_statement_list_is_newest_first_with_undated_statements_last(client, seeded):
    titles = re.findall(r'class="item__title"><a [^>]*>([^<]*)', html(client.get("/statements/")))
    undated = Statement.objects.get(date=None).display_title
    assert titles == ["Keynote Address", INFRASTRUCTURE, undated]


def test_statement_list_pages_by_twenty_and_junk_pages_are_404(client, db):
    for number in range(25):
        make_statement(f"s{number}.txt", f"Mr. Speaker{number} (Japan): We discuss peace and security item {number}.")
    first, second = client.get("/statements/"), client.get("/statements/?page=2")
    assert first.status_code == 200 and html(first).count('class="item"') == 20
    assert 'href="?page=2" rel="next"' in html(first)
    assert second.status_code == 200 and html(second).count('class="item"') == 5
    assert "21–25 of 25" in html(second)
    for junk in ("3", "0", "-1", "abc", "1.5", "9" * 5000, "99999999999999999999"):
        assert client.get("/statements/", {"page": junk}).status_code == 404, junk


def test_statement_page_shows_paragraphs_with_anchors_and_permalinks(client, infrastructure):
    response = client.get(infrastructure.get_absolute_url())
    page = html(response)
    assert response.status_code == 200
    for number in range(1, len(infrastructure.paragraphs) + 1):
        assert f'<div class="para" id="p{number}">' in page
        assert f'<a class="para__num" href="#p{number}"' in page
    assert "I would first like to express my sincere appreciation" in paragraph(page, 2)


def test_statement_page_shows_who_spoke_where_and_when(client, infrastructure):
    page = html(client.get(infrastructure.get_absolute_url()))
    speaker = infrastructure.speaker
    assert f'H.E. Mr. <a href="{speaker.get_absolute_url()}">Koro Bessho</a>' in page
    assert "Permanent Representative of Japan to the United Nations" in page
    assert 'href="/countries/japan/"' in page
    assert "13 February 2017" in page and "United Nations Security Council" in page
    assert infrastructure.source in page


def test_cited_resolutions_are_linked_where_they_stand_in_the_text(client, infrastructure):
    page = html(client.get(infrastructure.get_absolute_url()))
    welcome = paragraph(page, 5)
    assert re.search(r'resolution <a class="cite" href="/resolutions/2341/"[^>]*>2341</a> on the protection', welcome)
    both = paragraph(page, 4)
    assert '<a class="cite" href="/resolutions/2309/"' in both and '<a class="cite" href="/resolutions/2322/"' in both
    assert '<a class="cited__symbol" href="/resolutions/2341/">S/RES/2341</a>' in page


def test_cited_documents_are_linked_where_they_stand_in_the_text(client, peace_operations):
    page = html(client.get(peace_operations.get_absolute_url()))
    assert re.search(r'\(see <a class="cite" href="/search/\?q=S%2FPV.7750"[^>]*>S/PV.7750</a>\)', page)
    assert '<a class="cite" href="/search/?q=S%2F2015%2F446"' in page
    assert '<a class="cite" href="/resolutions/2295/"' in page


def test_a_cited_meeting_we_hold_links_to_its_page(client, db):
    make_meeting_statement("m.txt", "Mr. Dang (Viet Nam): We thank all speakers at this meeting today.", 1, "S/PV.7750")
    statement = make_statement(
        "c.txt", "Mr. Bessho (Japan): As we said in the open debate (see S/PV.7750), peace matters."
    )
    page = html(client.get(statement.get_absolute_url()))
    assert '<a class="cite" href="/meetings/S/PV.7750/"' in page


def test_a_number_that_is_part_of_another_symbol_is_not_linked_as_the_resolution(db):
    statement = make_statement(
        "x.txt", "Mr. Bessho (Japan): The report S/2017/2341 came first. We welcome resolution 2341 (2017) today."
    )
    citations = list(statement.citations.select_related("resolution"))
    [(_, text)] = linked_paragraphs(statement, citations, [], {})
    assert "S/2017/2341 came first" in text
    assert text.count('href="/resolutions/2341/"') == 1 and "resolution <a" in text


def test_statement_page_offers_more_like_this(client, infrastructure, peace_operations):
    page = html(client.get(infrastructure.get_absolute_url()))
    more = page[page.index('id="more-title"') :]
    assert peace_operations.get_absolute_url() in more and "Keynote Address" in more


def test_short_and_wrong_statement_urls_redirect_to_the_canonical_one(client, infrastructure):
    canonical = infrastructure.get_absolute_url()
    for url in (f"/statements/{infrastructure.pk}/", f"/statements/{infrastructure.pk}/some-old-title/"):
        response = client.get(url)
        assert response.status_code == 301 and response["Location"] == canonical


def test_unknown_statement_is_a_404_page_that_fits_the_site(client, db):
    response = client.get("/statements/999999/anything/")
    assert response.status_code == 404
    assert "We could not find that page" in html(response) and "skip-link" in html(response)


def test_statement_pages_refuse_post(client, infrastructure):
    assert client.post(infrastructure.get_absolute_url()).status_code == 405


# --- Untrusted text ---------------------------------------------------------------------------


def test_html_in_a_statement_is_shown_as_text_everywhere_it_appears(client, seeded):
    statement = make_statement("evil.txt", XSS_TEXT)
    assert "<script>" in statement.body
    urls = [
        statement.get_absolute_url(),
        "/",
        "/statements/",
        statement.speaker.get_absolute_url(),
        statement.speaker.country.get_absolute_url(),
        "/resolutions/2341/",
    ]
    for url in urls:
        page = html(client.get(url))
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url
    detail = html(client.get(statement.get_absolute_url()))
    assert "&lt;img src=x onerror=alert(1)&gt;" in detail
    assert '<a class="cite" href="/resolutions/2341/"' in paragraph(detail, 1)


def test_html_in_a_meeting_speech_is_shown_as_text(client, db):
    make_meeting_statement("m.txt", XSS_TEXT, 1)
    page = html(client.get("/meetings/S/PV.8699%20(Resumption%201)/"))
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- Speakers and countries ---------------------------------------------------------------------


def test_speaker_list_shows_country_and_statement_counts(client, seeded):
    page = html(client.get("/speakers/"))
    bessho = Speaker.objects.get(name="Koro Bessho")
    row = re.search(rf'<a href="{bessho.get_absolute_url()}">Koro Bessho</a>.*?</tr>', page, re.DOTALL).group()
    assert ">Japan</a>" in row and '<td class="num">2</td>' in row


def test_speaker_page_lists_statements_newest_first_and_resolutions_cited_most(client, seeded):
    bessho = Speaker.objects.get(name="Koro Bessho")
    response = client.get(bessho.get_absolute_url())
    page = html(response)
    assert response.status_code == 200
    assert "Permanent Representative of Japan" in page and "2 statements" in page
    titles = re.findall(r'class="item__title"><a [^>]*>([^<]*)', page)
    assert titles == [INFRASTRUCTURE, Statement.objects.get(date=None).display_title]
    cited = page[page.index('id="cited-title"') :]
    for number in (2295, 2309, 2322, 2341):
        assert f'href="/resolutions/{number}/"' in cited


def test_speaker_url_without_or_with_a_wrong_slug_redirects(client, seeded):
    bessho = Speaker.objects.get(name="Koro Bessho")
    for url in (f"/speakers/{bessho.pk}/", f"/speakers/{bessho.pk}/someone-else/"):
        response = client.get(url)
        assert response.status_code == 301 and response["Location"] == bessho.get_absolute_url()
    assert client.get("/speakers/999999/nobody/").status_code == 404


def test_country_list_and_page_show_speakers_statements_and_resolutions(client, seeded):
    listing = html(client.get("/countries/"))
    assert re.search(
        r'href="/countries/japan/">Japan</a>.*?<td class="num">2</td>\s*<td class="num">3</td>', listing, re.DOTALL
    )
    response = client.get("/countries/japan/")
    page = html(response)
    assert response.status_code == 200
    assert "Koro Bessho" in page and "Kentaro Sonoura" in page and "3 statements" in page
    assert 'href="/resolutions/2341/"' in page
    assert client.get("/countries/atlantis/").status_code == 404


# --- Resolutions -----------------------------------------------------------------------------


def test_resolution_registry_sorts_by_citations_number_or_year(client, seeded):
    Resolution.objects.create(body="SC", number=1, year=1946, title="Military Staff Committee")
    make_statement("twice.txt", "Mr. Bessho (Japan): Resolution 2341 and resolution 2295 matter to us all.")
    by_citations = html(client.get("/resolutions/"))
    assert by_citations.index("S/RES/2341") < by_citations.index("S/RES/2309") < by_citations.index("S/RES/1 (1946)")
    by_number = html(client.get("/resolutions/", {"sort": "number"}))
    assert by_number.index("S/RES/1 (1946)") < by_number.index("S/RES/2295")
    by_year = html(client.get("/resolutions/", {"sort": "year"}))
    assert by_year.index("S/RES/2295 (2016)") < by_year.index("S/RES/1 (1946)")
    assert "Military Staff Committee" in by_year


def test_an_unknown_sort_is_a_400_with_a_message_and_the_default_order(client, seeded):
    response = client.get("/resolutions/", {"sort": "price; DROP TABLE"})
    assert response.status_code == 400
    assert "That sort order does not exist" in html(response) and "S/RES/2341" in html(response)
    assert client.get("/resolutions/", {"page": "7"}).status_code == 404


def test_resolution_page_lists_each_citing_statement_by_date_with_its_sentence(client, seeded):
    make_statement(
        "later.txt",
        "Statement by Mr. Ken Tanaka, Minister, Japan\n1 June 2018\nWe recall resolution 2341 on infrastructure today.",
    )
    response = client.get("/resolutions/2341/")
    page = html(response)
    assert response.status_code == 200
    assert "Cited in 2 statements" in page
    assert page.index(INFRASTRUCTURE) < page.index("Ken Tanaka")
    assert "We welcome the adoption today resolution <mark>2341</mark> on the protection" in page
    infrastructure = Statement.objects.get(title=INFRASTRUCTURE)
    assert f'href="{infrastructure.get_absolute_url()}#p5"' in page


def test_a_year_that_contradicts_the_registry_is_flagged(client, db):
    Resolution.objects.create(body="SC", number=2341, year=2017)
    make_statement("wrong-year.txt", "Mr. Bessho (Japan): We welcome resolution 2341 (2016) on infrastructure.")
    assert Citation.objects.get().year_conflicts
    page = html(client.get("/resolutions/2341/"))
    assert "Year conflict: the text gives 2016, the registry 2017" in page


def test_a_registered_resolution_nobody_cites_has_a_page_and_an_unknown_one_is_404(client, db):
    Resolution.objects.create(body="SC", number=242, year=1967, title="The situation in the Middle East")
    response = client.get("/resolutions/242/")
    assert response.status_code == 200
    assert "The situation in the Middle East" in html(response) and "No statement in the archive cites" in html(
        response
    )
    assert client.get("/resolutions/243/").status_code == 404
    assert client.get("/resolutions/abc/").status_code == 404


def test_general_assembly_resolution_page(client, db):
    make_statement("ga.txt", "Mr. Bessho (Japan): General Assembly resolution 46/182 guides humanitarian work.")
    response = client.get("/resolutions/ga/46/182/")
    assert response.status_code == 200
    assert "Resolution 46/182" in html(response) and "A/RES/46/182" in html(response)
    assert client.get("/resolutions/182/").status_code == 404
    assert client.get("/resolutions/ga/47/182/").status_code == 404


# --- Meetings ------------------------------------------------------------------------------------


def test_meeting_page_lists_its_statements_in_order_of_position(client, db):
    make_meeting_statement("b.txt", "Mr. Nebenzia (Russian Federation): I speak second in this debate on peace.", 2)
    make_meeting_statement("a.txt", "Mr. Dang (Viet Nam): I open this meeting of the Council on peace today.", 1)
    meeting = Meeting.objects.get()
    assert meeting.get_absolute_url() == "/meetings/S/PV.8699%20(Resumption%201)/"
    response = client.get(meeting.get_absolute_url())
    page = html(response)
    assert response.status_code == 200
    assert "S/PV.8699 (Resumption 1)" in page and "Maintenance of international peace and security" in page
    assert page.index("Dang") < page.index("Nebenzia")
    listing = html(client.get("/meetings/"))
    assert (
        'href="/meetings/S/PV.8699%20(Resumption%201)/"' in listing
        and '<td class="num meetings-table__count">2<span' in listing
    )
    assert client.get("/meetings/S/PV.1/").status_code == 404


def test_statement_page_links_to_its_meeting(client, db):
    statement = make_meeting_statement(
        "a.txt", "Mr. Dang (Viet Nam): I open this meeting of the Council on peace today.", 3
    )
    page = html(client.get(statement.get_absolute_url()))
    assert 'href="/meetings/S/PV.8699%20(Resumption%201)/">S/PV.8699 (Resumption 1)</a>, speech 3' in page


# --- Errors ----------------------------------------------------------------------------------


def test_the_500_page_renders_without_any_context():
    page = render_to_string("500.html")
    assert "Something went wrong" in page and "/static/css/archive.css" in page


def test_directory_pages_answer_on_an_empty_archive(client, db):
    for url in ("/statements/", "/speakers/", "/countries/", "/resolutions/", "/meetings/"):
        assert client.get(url).status_code == 200, url
    assert Country.objects.count() == 0
