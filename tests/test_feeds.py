"""Atom feeds of new statements: the site's, a speaker's, a country's, a resolution's and a search's."""

import re
import xml.etree.ElementTree as ET

import pytest

from statements.models import Country, Resolution, Speaker, Statement

ATOM = "{http://www.w3.org/2005/Atom}"


def atom(response):
    """The feed parsed, after checking what every Atom feed and entry must carry."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}") is not None, f"the feed has no {name}"
    for link in feed.iter(f"{ATOM}link"):
        assert link.get("href").startswith("http://testserver/"), link.get("href")
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), f"an entry has no {name}"
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/statements/")
    return feed


def entry_ids(feed):
    return [
        int(re.search(r"/statements/(\d+)/", entry.findtext(f"{ATOM}id"))[1]) for entry in feed.findall(f"{ATOM}entry")
    ]


def test_the_site_feed_is_valid_atom_with_every_statement(client, seeded):
    feed = atom(client.get("/statements/feed/"))
    assert sorted(entry_ids(feed)) == sorted(Statement.objects.values_list("pk", flat=True))


def test_a_speakers_feed_holds_only_their_statements(client, seeded):
    speaker = Speaker.objects.get(name="Koro Bessho")
    feed = atom(client.get(f"/speakers/{speaker.pk}/feed/"))
    assert sorted(entry_ids(feed)) == sorted(speaker.statements.values_list("pk", flat=True))
    assert "Koro Bessho" in feed.findtext(f"{ATOM}title")


def test_a_countrys_feed_holds_its_delegations_statements(client, seeded):
    feed = atom(client.get("/countries/japan/feed/"))
    assert sorted(entry_ids(feed)) == sorted(
        Statement.objects.filter(speaker__country__slug="japan").values_list("pk", flat=True)
    )


def test_a_resolutions_feed_holds_the_statements_citing_it(client, seeded):
    resolution = Resolution.objects.get(body="SC", number=2341)
    feed = atom(client.get("/resolutions/2341/feed/"))
    assert entry_ids(feed) == list(Statement.objects.citing(resolution).values_list("pk", flat=True))
    assert "S/RES/2341" in [c.get("term") for c in feed.iter(f"{ATOM}category")]


def test_a_search_feed_holds_what_the_search_finds_and_links_back_to_the_search(client, seeded):
    feed = atom(client.get("/search/feed/", {"q": "resolution 2341"}))
    assert len(entry_ids(feed)) == 1
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["alternate"] == "http://testserver/search/?q=resolution+2341"
    assert links["self"] == "http://testserver/search/feed/?q=resolution+2341"


def test_a_search_feed_with_bad_parameters_is_a_400_and_unknown_objects_404(client, seeded):
    assert client.get("/search/feed/", {"year": "1066"}).status_code == 400
    assert client.get("/speakers/99999/feed/").status_code == 404
    assert client.get("/resolutions/9999/feed/").status_code == 404


@pytest.mark.parametrize("path", ["/", "/statements/", "speaker", "country", "/resolutions/2341/"])
def test_pages_announce_their_feed_to_browsers_and_show_a_link_to_it(client, seeded, path):
    if path == "speaker":
        path = Speaker.objects.get(name="Koro Bessho").get_absolute_url()
    elif path == "country":
        path = Country.objects.get(slug="japan").get_absolute_url()
    page = client.get(path).content.decode()
    head = page.split("</head>")[0]
    match = re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">', head)
    assert match, "no feed announced in <head>"
    assert f'class="feed-link" href="{match[1]}"' in page
    assert client.get(match[1]).status_code == 200
