"""Downloads of a search: CSV and JSON lines, streamed, in the search page's order."""

import csv
import io
import json
from dataclasses import replace
from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from statements import exports
from statements.models import Statement
from statements.search.engine import search_engine
from statements.search.forms import SearchForm
from statements.search.query import RESULTS_PER_PAGE

from .factories import make_statement


def body(response):
    assert response.streaming, "an export must stream, not build the whole file in memory"
    return b"".join(response.streaming_content).decode()


def search_order(params):
    form = SearchForm(QueryDict(urlencode(params, doseq=True)))
    assert form.is_valid()
    outcome = search_engine().run(form.search_request())
    return outcome.total, form


@pytest.fixture
def many(db, search_index, django_capture_on_commit_callbacks):
    """47 statements on one debate, more than two pages of search results."""
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(47):
            make_statement(
                f"bulk-{number:03}.txt",
                f"Statement by Mr. Speaker{number} (Freedonia)\n\n"
                f"On {number % 28 + 1} March 2019 we recall resolution 2341 (2017) on infrastructure, number {number}.",
            )
    return Statement.objects.count()


def test_csv_export_of_a_search_holds_every_result_in_search_order_with_a_header(client, seeded):
    response = client.get("/search/export.csv", {"q": "security"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="statements-search.csv"' == response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body(response))))
    total, _ = search_order({"q": "security"})
    statements = Statement.objects.in_bulk([int(row["id"]) for row in rows])
    assert len(rows) == total > 0
    first = statements[int(rows[0]["id"])]
    assert rows[0]["url"] == f"http://testserver/statements/{first.pk}/"
    assert rows[0]["text"] == first.body
    assert list(rows[0]) == exports.COLUMNS


def test_jsonl_export_is_one_json_object_a_line_with_the_resolutions_cited(client, seeded):
    response = client.get("/search/export.jsonl", {"q": "resolution 2341"})
    assert response["Content-Type"].startswith("application/x-ndjson")
    lines = body(response).splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == search_order({"q": "resolution 2341"})[0] == 1
    assert any(symbol.startswith("S/RES/2341") for symbol in records[0]["resolutions"])


def test_exports_larger_than_a_page_of_results_hold_every_statement_in_order(client, many, settings):
    settings.RATELIMIT_ENABLED = False
    assert many > 2 * RESULTS_PER_PAGE
    params = {"q": "infrastructure", "sort": "oldest"}
    total, form = search_order(params)
    assert total == many
    pages = (replace(form.search_request(), page=page) for page in range(1, 4))
    expected = [pk for request in pages for pk in search_engine().run(request).pks]
    rows = list(csv.DictReader(io.StringIO(body(client.get("/search/export.csv", params)))))
    assert [int(row["id"]) for row in rows] == expected
    records = [json.loads(line) for line in body(client.get("/search/export.jsonl", params)).splitlines()]
    assert [record["id"] for record in records] == expected


def test_exports_read_the_database_a_batch_at_a_time(many, django_assert_max_num_queries):
    """Three batches of 20 are three searches and a few queries each, never one query per row."""
    form = SearchForm(QueryDict("q=infrastructure"))
    assert form.is_valid()
    statements = exports.matching_statements(form, batch=20)
    first = next(statements)
    assert isinstance(first, Statement)
    with django_assert_max_num_queries(3 * 3):
        assert len(list(statements)) == many - 1


def test_an_export_of_a_search_that_finds_nothing_is_just_the_header(client, seeded):
    text = body(client.get("/search/export.csv", {"q": "zzxxqq"}))
    assert text.strip() == ",".join(exports.COLUMNS)
    assert body(client.get("/search/export.jsonl", {"q": "zzxxqq"})) == ""


@pytest.mark.parametrize("url", ["/search/export.csv", "/search/export.jsonl"])
def test_an_export_with_bad_parameters_is_a_400_naming_the_parameter(client, seeded, url):
    response = client.get(url, {"year": "1066"})
    assert response.status_code == 400 and "year" in response.json()["parameters"]
