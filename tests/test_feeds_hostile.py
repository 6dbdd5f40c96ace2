"""Stored text reaches feed readers as text: markup in a statement is shown, never run."""

import xml.etree.ElementTree as ET

import pytest

from statements.models import Resolution

from .factories import make_statement

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = (
    "Mr. Mallory (Japan): On 3 March 2019 we recall resolution 2341 (2017). "
    '<img src=x onerror="alert(1)"> <script>alert(2)</script> '
    '<iframe srcdoc="<script>alert(3)</script>"></iframe> the end.'
)


@pytest.fixture
def hostile(db, search_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_statement("hostile.txt", HOSTILE)


def feed_paths(statement):
    resolution = Resolution.objects.get(number=2341)
    return [
        "/statements/feed/",
        f"/speakers/{statement.speaker.pk}/feed/",
        f"/countries/{statement.speaker.country.slug}/feed/",
        f"/resolutions/{resolution.number}/feed/",
        "/search/feed/?q=onerror",
    ]


def test_markup_in_a_statement_reaches_every_feed_reader_as_plain_text(client, hostile):
    for path in feed_paths(hostile):
        response = client.get(path)
        assert response.status_code == 200, path
        feed = ET.fromstring(response.content)
        entries = feed.findall(f"{ATOM}entry")
        assert len(entries) == 1, path
        for element in feed.iter():
            # A reader renders type="html" and "xhtml" content as markup; only text is safe here.
            assert element.get("type", "text") == "text" or element.tag == f"{ATOM}link", (path, element.tag)
        summary = entries[0].find(f"{ATOM}summary")
        assert summary.get("type") == "text"
        assert '<img src=x onerror="alert(1)">' in summary.text and "<script>alert(2)</script>" in summary.text
        assert "<iframe srcdoc=" in summary.text
