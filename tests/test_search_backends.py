"""The way out to Elasticsearch 7 and Solr, proved without a server: the mapping and schema the
archive generates, the requests it sends (captured from the clients' transports), and a 503 when
the engine cannot be reached."""

import json
import logging
import re
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from haystack import connections

from archive.settings import haystack_connection
from statements.search.engine import search_engine
from statements.search.haystack_engine import HaystackSearch
from statements.search.query import SearchRequest, parse_query

pytest.importorskip("elasticsearch")
pytest.importorskip("pysolr")

EXACT_FIELDS = ("speaker", "country", "forum", "year", "resolution", "symbol")
# Nothing listens on port 9 (discard) here: a connection is refused at once.
UNREACHABLE_ES = "elasticsearch7://127.0.0.1:9/archive"
UNREACHABLE_SOLR = "solr://127.0.0.1:9/solr/archive"


@pytest.fixture
def engine_at(monkeypatch, settings):
    """Point haystack's default connection at HAYSTACK_URL=url for one test, as settings.py reads it."""
    saved = connections.connections_info

    def use(url):
        monkeypatch.setenv("HAYSTACK_URL", url)
        settings.HAYSTACK_CONNECTIONS = {"default": haystack_connection()}
        connections.connections_info = settings.HAYSTACK_CONNECTIONS
        connections.thread_local.connections = {}
        return connections["default"].get_backend()

    yield use
    connections.connections_info = saved
    connections.thread_local.connections = {}


def unified_fields():
    return connections["default"].get_unified_index().all_searchfields()


# --- Elasticsearch


def test_the_settings_make_an_elasticsearch_outage_raise_instead_of_answering_nothing(engine_at):
    backend = engine_at(UNREACHABLE_ES)
    assert backend.silently_fail is False
    assert isinstance(search_engine(), HaystackSearch)


def test_elasticsearch_mapping_makes_facet_and_exact_fields_keywords_and_the_text_analysed(engine_at):
    backend = engine_at(UNREACHABLE_ES)
    content_field, mapping = backend.build_schema(unified_fields())
    assert {name: mapping[name]["type"] for name in EXACT_FIELDS} == dict.fromkeys(EXACT_FIELDS, "keyword")
    assert content_field == "text" and mapping["text"] == {"type": "text", "analyzer": "snowball"}
    assert mapping["date"]["type"] == "date"


class FakeElasticsearch:
    """Stands in for the server behind the Elasticsearch client's transport, keeping every request."""

    def __init__(self, buckets):
        self.requests, self.buckets = [], buckets

    def perform_request(self, method, url, headers=None, params=None, body=None):
        self.requests.append((method, url, body))
        if url.endswith("/_search"):
            aggregations = {
                name: {"meta": {"_type": "terms"}, "buckets": self.buckets.get(name, [])}
                for name in body.get("aggs", {})
            }
            hit = {
                "_id": "statements.statement.5",
                "_score": 1.0,
                "_source": {"django_ct": "statements.statement", "django_id": "5"},
            }
            return {"hits": {"total": {"value": 1}, "max_score": 1.0, "hits": [hit]}, "aggregations": aggregations}
        if method == "GET" and url.endswith("/_mapping"):
            return {}
        return {"acknowledged": True}

    def searches(self):
        return [body for _method, url, body in self.requests if url.endswith("/_search")]


def fake_elasticsearch(backend, monkeypatch, buckets=None):
    fake = FakeElasticsearch(buckets or {})
    monkeypatch.setattr(backend.conn.transport, "perform_request", fake.perform_request)
    return fake


def test_elasticsearch_is_sent_the_keyword_mapping_when_the_index_is_set_up(engine_at, monkeypatch):
    backend = engine_at(UNREACHABLE_ES)
    fake = fake_elasticsearch(backend, monkeypatch)
    backend.setup()
    (put_mapping,) = [body for method, url, body in fake.requests if method == "PUT" and url.endswith("/_mapping")]
    assert {name: put_mapping["properties"][name]["type"] for name in EXACT_FIELDS} == dict.fromkeys(
        EXACT_FIELDS, "keyword"
    )


def test_elasticsearch_facets_are_asked_in_its_own_words_and_counted_without_their_own_selection(
    engine_at, monkeypatch
):
    backend = engine_at(UNREACHABLE_ES)
    buckets = {"country": [{"key": "japan", "doc_count": 3}, {"key": "france", "doc_count": 2}]}
    fake = fake_elasticsearch(backend, monkeypatch, buckets)
    request = SearchRequest(parse_query("climate"), selected={"country": ("japan",)})
    outcome = HaystackSearch().run(request)
    main, *others = fake.searches()
    assert main["aggs"]["speaker"]["terms"] == {"field": "speaker", "size": 20, "min_doc_count": 1}
    assert not any("limit" in agg["terms"] or "mincount" in agg["terms"] for agg in main["aggs"].values())
    assert "japan" in json.dumps(main["query"])
    # The country facet is counted by a second request without the country selected.
    (country,) = [body for body in others if set(body.get("aggs", {})) == {"country"}]
    assert "japan" not in json.dumps(country["query"]) and "climate" in json.dumps(country["query"])
    assert outcome.facets["country"] == [("japan", 3), ("france", 2)]
    assert outcome.pks == [5] and outcome.total == 1


def test_elasticsearch_is_sent_a_prefix_as_a_wildcard_and_a_left_out_prefix_as_a_negated_one(engine_at, monkeypatch):
    backend = engine_at(UNREACHABLE_ES)
    fake = fake_elasticsearch(backend, monkeypatch)
    outcome = HaystackSearch().run(SearchRequest(parse_query("japan* -develop* *peace")))
    query = fake.searches()[0]["query"]
    query_string = json.dumps(query)
    assert "(japan*)" in query_string and "NOT ((develop*))" in query_string and "(peace)" in query_string
    assert '"analyze_wildcard": true' in query_string  # so that the engine stems japanese* as it indexed
    assert outcome.suggestion is None


def fake_solr(backend, monkeypatch):
    """Answer the Solr backend's requests with no results; returns the parameters each one sent."""
    sent = []

    def send_request(method, path="", body=None, headers=None, files=None):
        sent.append(parse_qs(urlsplit(path).query) if "?" in path else parse_qs(body or ""))
        return json.dumps({"response": {"numFound": 0, "docs": []}, "facet_counts": {"facet_fields": {}}})

    monkeypatch.setattr(backend.conn, "_send_request", send_request)
    return sent


def test_solr_is_sent_a_prefix_as_a_wildcard(engine_at, monkeypatch):
    backend = engine_at(UNREACHABLE_SOLR)
    sent = fake_solr(backend, monkeypatch)
    HaystackSearch().run(SearchRequest(parse_query("japan*")))
    assert "(japan*)" in sent[0]["q"][0]


def test_elasticsearch_did_you_mean_offers_its_suggestion_when_that_finds_something(engine_at, monkeypatch):
    backend = engine_at(UNREACHABLE_ES)
    fake = fake_elasticsearch(backend, monkeypatch)
    answer = fake.perform_request

    def perform_request(method, url, headers=None, params=None, body=None):
        response = answer(method, url, headers, params, body)
        if url.endswith("/_search"):
            if "terrorism" not in json.dumps(body["query"]):
                response["hits"] = {"total": {"value": 0}, "max_score": None, "hits": []}
            options = [{"text": "terrorism", "score": 0.88, "freq": 3}]
            response["suggest"] = {"suggest": [{"text": "terorism", "offset": 0, "length": 8, "options": options}]}
        return response

    monkeypatch.setattr(backend.conn.transport, "perform_request", perform_request)
    outcome = HaystackSearch().run(SearchRequest(parse_query("terorism")))
    assert outcome.total == 0 and outcome.suggestion == "terrorism"
    assert any(body.get("suggest", {}).get("suggest", {}).get("text") == "terorism" for body in fake.searches())


def test_an_unreachable_elasticsearch_gives_503_on_the_search_page_and_the_api(client, db, engine_at, caplog):
    engine_at(UNREACHABLE_ES)
    with caplog.at_level(logging.ERROR, logger="statements.site"):
        page = client.get("/search/", {"q": "climate"})
        api = client.get("/api/statements/", {"q": "climate"})
    assert page.status_code == 503 and b"Search is temporarily unavailable" in page.content
    assert api.status_code == 503 and api.json() == {"error": "The search index cannot be read just now."}
    lines = [record.getMessage() for record in caplog.records if record.name == "statements.site"]
    assert len(lines) == 2 and all("the search engine cannot answer: ConnectionError" in line for line in lines)


# --- Solr


def test_solr_schema_from_build_solr_schema_has_string_facet_and_exact_fields(engine_at):
    engine_at(UNREACHABLE_SOLR)
    out = StringIO()
    call_command("build_solr_schema", stdout=out)
    fields = dict(re.findall(r'<field name="(\w+)" type="(\w+)"', out.getvalue()))
    assert {name: fields[name] for name in EXACT_FIELDS} == dict.fromkeys(EXACT_FIELDS, "string")
    assert fields["text"] == "text_en"


def test_solr_facets_are_asked_in_its_own_words(engine_at, monkeypatch):
    backend = engine_at(UNREACHABLE_SOLR)
    sent = fake_solr(backend, monkeypatch)
    HaystackSearch().run(SearchRequest(parse_query("climate")))
    params = sent[0]
    assert params["f.speaker.facet.limit"] == ["20"] and params["f.speaker.facet.mincount"] == ["1"]
    assert set(params["facet.field"]) == {"speaker", "country", "forum", "year", "resolution"}


def test_an_unreachable_solr_gives_503_on_the_search_page_and_the_api(client, db, engine_at):
    engine_at(UNREACHABLE_SOLR)
    assert client.get("/search/", {"q": "climate"}).status_code == 503
    assert client.get("/api/statements/", {"q": "climate"}).status_code == 503
