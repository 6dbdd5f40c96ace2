"""The citation formats each statement offers: BibTeX, CSL JSON, a citation to copy, stable URLs."""

import json
import re

import pytest

from statements.citing import bibtex
from statements.models import Statement


@pytest.fixture
def keynote(seeded):
    return Statement.objects.get(title="Keynote Address")


def test_bibtex_is_one_entry_with_the_stable_url_author_title_and_year(client, keynote):
    response = client.get(f"/statements/{keynote.pk}/cite.bib")
    assert response["Content-Type"].startswith("application/x-bibtex")
    text = response.content.decode()
    entry = re.fullmatch(r"@misc\{([\w-]+),\n((?:  \w+ = .+,\n)*  \w+ = .+)\n\}\n", text)
    assert entry, text
    fields = dict(re.findall(r"^  (\w+) = (.+?),?$", entry[2], re.MULTILINE))
    assert fields["url"] == f"{{http://testserver/statements/{keynote.pk}/}}"
    assert fields["title"] == "{{Keynote Address}}"
    assert fields["author"] == "{{Kentaro Sonoura}}"
    assert fields["year"] == "2017"
    assert text.count("{") == text.count("}")


def test_bibtex_escapes_what_latex_would_read_as_commands(keynote):
    keynote.title = "Costs of 50% & more_ {braces} #1"
    text = bibtex(keynote, "http://x/statements/1/")
    assert r"50\% \& more\_ \{braces\} \#1" in text


def test_csl_json_is_a_speech_with_title_author_date_and_url(client, keynote):
    response = client.get(f"/statements/{keynote.pk}/cite.json")
    assert response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    [item] = json.loads(response.content)
    assert item["type"] == "speech"
    assert item["title"] == "Keynote Address"
    assert item["author"] == [{"literal": "Kentaro Sonoura"}]
    assert item["issued"] == {"date-parts": [[2017, 6, 1]]}
    assert item["URL"] == f"http://testserver/statements/{keynote.pk}/"


def test_the_statement_page_offers_a_citation_to_copy_and_paragraph_permalinks(client, keynote):
    page = client.get(keynote.get_absolute_url()).content.decode()
    assert 'id="cite-text"' in page and f"http://testserver/statements/{keynote.pk}/" in page
    assert "Kentaro Sonoura (Japan), “Keynote Address,”" in page
    assert f'href="/statements/{keynote.pk}/cite.bib"' in page and f'href="/statements/{keynote.pk}/cite.json"' in page
    assert 'data-copy="cite-text" hidden' in page, "the copy button appears only when its script runs"
    for number in range(1, len(keynote.paragraphs) + 1):
        assert f'id="p{number}"' in page and f'href="#p{number}"' in page
    assert "<script>" not in page and " style=" not in page


def test_the_stable_url_leads_to_the_statement(client, keynote):
    response = client.get(f"/statements/{keynote.pk}/")
    assert response.status_code == 301 and response["Location"] == keynote.get_absolute_url()
