"""The JSON API: exercised from its own OpenAPI description, and checked against the search page."""

from urllib.parse import urlencode

import pytest
import schemathesis
from django.http import QueryDict
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from archive.wsgi import application
from statements.models import Citation, Resolution, Speaker, Statement
from statements.search.engine import search_engine
from statements.search.forms import SearchForm

from .factories import make_statement

# The description is read without the database: /api/openapi.json is built from code alone.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
# Valid requests only: like the search page, the API reads an empty parameter (`date_to=`) as
# absent, which schemathesis's negative mode counts as wrongly accepted. Wrong values are
# tested below by name.
schema.config.generation.update(modes=[GenerationMode.POSITIVE])


@pytest.fixture
def no_throttle(settings):
    settings.RATELIMIT_ENABLED = False  # schemathesis sends hundreds of requests a minute


@pytest.fixture
def keep_the_test_connection():
    """Calls straight into the WSGI app must not close the test's database connection after each
    request, as Django's own test client arranges (PostgreSQL would otherwise see it closed)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_api_operation_answers_as_its_openapi_description_says(
    case, seeded, no_throttle, keep_the_test_connection
):
    # A 400 for a valid-shaped request is right when parameters contradict each other
    # (date_to before date_from), which OpenAPI cannot express; every other check still runs.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


def test_api_lists_link_to_the_next_page_with_absolute_urls(client, seeded):
    first = client.get("/api/statements/", {"page_size": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2
    assert first["previous"] is None
    assert first["next"].startswith("http://testserver/api/statements/?") and "cursor=" in first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert second["previous"].startswith("http://testserver/")
    ids = [item["id"] for item in first["results"] + second["results"]]
    assert ids == list(Statement.objects.newest_first().values_list("pk", flat=True))


@pytest.mark.parametrize(
    "params",
    [
        {"q": "resolution 2341"},
        {"q": "terrorism"},
        {"q": "security", "sort": "oldest"},
        {"country": "japan"},
        {"year": "2017"},
        {"q": "S/PV.7750"},
    ],
)
def test_api_search_finds_what_the_search_page_finds_in_the_same_order(client, seeded, params):
    form = SearchForm(QueryDict(urlencode(params)))
    assert form.is_valid()
    expected = search_engine().run(form.search_request())
    answer = client.get("/api/statements/", params).json()
    assert answer["count"] == expected.total
    assert [item["id"] for item in answer["results"]] == expected.pks


def test_api_statement_has_its_text_in_paragraphs_and_each_citation_with_its_sentence(client, seeded):
    citation = Citation.objects.select_related("statement", "resolution").get(resolution__number=2341)
    statement = citation.statement
    data = client.get(f"/api/statements/{statement.pk}/").json()
    assert data["paragraphs"] == statement.body.split("\n\n")
    cited = {item["resolution"]["key"]: item for item in data["citations"]}
    assert cited["sc-2341"]["sentence"] == citation.sentence
    assert cited["sc-2341"]["html_url"] == f"http://testserver/statements/{statement.pk}/#p{citation.paragraph + 1}"
    assert cited["sc-2341"]["resolution"]["url"] == "http://testserver/api/resolutions/sc-2341/"
    assert data["speaker"]["url"] == f"http://testserver/api/speakers/{statement.speaker_id}/"
    assert data["cite"]["bibtex"] == f"http://testserver/statements/{statement.pk}/cite.bib"


def test_api_resolution_lists_the_statements_citing_it_and_links_to_a_search(client, seeded):
    data = client.get("/api/resolutions/sc-2341/").json()
    statements = Statement.objects.citing(Resolution.objects.get(number=2341))
    assert data["citation_count"] == statements.count()
    assert [c["statement"]["id"] for c in data["citations"]["results"]] == [s.pk for s in statements]
    assert data["statements"] == "http://testserver/api/statements/?resolution=sc-2341"


def test_api_speakers_countries_and_meetings_carry_counts_and_links(client, seeded):
    speaker = Speaker.objects.get(name="Koro Bessho")
    data = client.get(f"/api/speakers/{speaker.pk}/").json()
    assert data["statement_count"] == speaker.statements.count()
    assert data["country"]["url"] == "http://testserver/api/countries/japan/"
    country = client.get(data["country"]["url"]).json()
    assert country["statement_count"] == Statement.objects.filter(speaker__country__slug="japan").count()
    assert client.get("/api/meetings/").json()["count"] >= 0


@pytest.mark.parametrize(
    "query, parameter",
    [
        ({"page_size": "1000"}, "page_size"),
        ({"page": "0"}, "page"),
        ({"year": "1066"}, "year"),
        ({"date_from": "tomorrow"}, "date_from"),
        ({"sort": "loudest"}, "sort"),
        ({"q": "x" * 600}, "q"),
    ],
)
def test_api_names_the_parameter_that_is_wrong(client, seeded, query, parameter):
    response = client.get("/api/statements/", query)
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    body = response.json()
    assert parameter in body["parameters"] and parameter in body["error"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/statements/999999/",
        "/api/statements/abc/",
        "/api/statements/99999999999999999999999/",
        "/api/speakers/0/",
        "/api/countries/atlantis/",
        "/api/resolutions/sc-9999/",
        "/api/resolutions/2341/",
        "/api/meetings/-1/",
        "/api/nowhere/",
        "/api/statements/?page=99",
    ],
)
def test_api_unknown_ids_and_pages_are_json_404s(client, seeded, path):
    response = client.get(path)
    assert response.status_code == 404 and "error" in response.json()


def test_api_lists_statements_from_the_database_when_nothing_is_searched(client, db, search_index):
    """Without q or filters the list is read from the database, so it never depends on the index."""
    make_statement("plain.txt", "Statement by Mr. Ray (Freedonia)\n\nWe speak today.")
    search_index.clear()
    assert client.get("/api/statements/").json()["count"] == 1


def test_a_reversed_date_range_is_a_400_naming_the_parameter(client, seeded):
    response = client.get("/api/statements/", {"date_from": "2020-01-01", "date_to": "2019-01-01"})
    assert response.status_code == 400
    assert "date_to" in response.json()["parameters"]
