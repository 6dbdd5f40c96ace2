"""What researchers' tools expect of the archive: CORS, conditional GET, JSON errors, cursors."""

import datetime as dt
import re

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from statements.ingest import Overrides
from statements.models import Meeting, Resolution, Speaker, Statement

from .factories import make_statement


def speech(number, year=None, name="Koro Bessho", country="Japan", cites="resolution 2341 (2017)"):
    fields = {"date": dt.date(year, 1 + number % 4, 1)} if year else {}
    who = Overrides(speaker={"name": name, "honorific": "Mr.", "country": country}, fields=fields)
    return make_statement(
        f"s-{number}.txt", f"Statement by Mr. {name}\n\nWe recall {cites}, point {number}.", overrides=who
    )


@pytest.fixture
def many(db, search_index, django_capture_on_commit_callbacks):
    """23 statements: some share a date, two have none, so the order needs its tie-breakers."""
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(23):
            speech(number, None if number % 8 == 7 else 2015 + number % 3)
    return Statement.objects.newest_first()


# ---------------------------------------------------------------- CORS and errors


def test_any_web_page_may_read_the_api_and_its_errors(client, seeded):
    for path in ["/api/", "/api/statements/", "/api/openapi.json", "/api/speakers/0/", "/api/statements/?page=0"]:
        assert client.get(path)["Access-Control-Allow-Origin"] == "*", path
    preflight = client.options("/api/statements/", HTTP_ORIGIN="https://notebook.example")
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in client.get("/statements/")


def test_writing_to_the_api_gets_a_json_405_naming_the_allowed_method(client, seeded):
    for method in (client.post, client.put, client.delete):
        response = method("/api/statements/")
        assert response.status_code == 405 and response["Content-Type"] == "application/json"
        assert "GET" in response["Allow"] and "read-only" in response.json()["error"]


def test_a_post_refused_by_csrf_is_a_json_403_on_the_api(seeded):
    response = Client(enforce_csrf_checks=True).post("/api/statements/", {"q": "x"})
    assert response.status_code == 403 and response["Content-Type"] == "application/json"
    assert response.json()["error"].startswith("Forbidden")


def test_a_throttled_api_client_gets_json_with_retry_after(client, seeded, settings):
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_SEARCH = (1, 60)
    answers = [client.get("/api/statements/", REMOTE_ADDR="203.0.113.9") for _ in range(3)]
    refused = answers[-1]
    assert refused.status_code == 429 and refused["Content-Type"] == "application/json"
    assert int(refused["Retry-After"]) > 0
    assert (
        refused.json()["error"]
        == f"Too many requests from your address; try again in {refused['Retry-After']} seconds."
    )
    assert refused["Access-Control-Allow-Origin"] == "*"
    page = client.get("/search/?q=x", REMOTE_ADDR="203.0.113.9")
    assert page.status_code == 429 and page["Content-Type"].startswith("text/html"), "pages keep their HTML 429"


# ---------------------------------------------------------------- conditional GET and caching


def conditional_paths():
    statement = Statement.objects.get(source="000_d635279429bd5661.txt")
    speaker = statement.speaker
    paths = [
        statement.get_absolute_url(),
        speaker.get_absolute_url(),
        speaker.country.get_absolute_url(),
        "/resolutions/2341/",
        "/statements/",
        "/speakers/",
        "/api/statements/",
        f"/api/statements/{statement.pk}/",
        "/api/resolutions/sc-2341/",
        "/statements/feed/",
        f"/speakers/{speaker.pk}/feed/",
        "/search/?q=terrorism",
    ]
    meeting = Meeting.objects.first()
    if meeting:
        paths.append(meeting.get_absolute_url())
    return paths


def test_pages_api_and_feeds_answer_an_unchanged_etag_with_304(client, seeded):
    for path in conditional_paths():
        first = client.get(path)
        assert first.status_code == 200 and first.has_header("ETag"), path
        again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again.content == b"", path
        assert client.get(path, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200, path


def test_an_edited_statement_gets_a_new_etag(client, seeded):
    statement = Statement.objects.get(source="000_d635279429bd5661.txt")
    before = client.get(statement.get_absolute_url())["ETag"]
    statement.place = "New York"
    statement.save()
    after = client.get(statement.get_absolute_url(), HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and after["ETag"] != before


def max_age(response):
    return int(re.search(r"max-age=(\d+)", response["Cache-Control"])[1])


def test_a_statement_may_be_kept_longer_than_a_list_or_a_search(client, seeded):
    statement = Statement.objects.first()
    kept = max_age(client.get(statement.get_absolute_url()))
    for path in ["/statements/", "/speakers/", "/search/?q=security", "/api/statements/", "/statements/feed/"]:
        response = client.get(path)
        assert "public" in response["Cache-Control"] and max_age(response) < kept, path
    assert max_age(client.get(f"/api/statements/{statement.pk}/")) == kept


def test_errors_are_not_marked_cacheable(client, seeded):
    for path in ["/statements/999999/", "/api/statements/999999/", "/resolutions/?sort=loudest"]:
        assert "max-age" not in client.get(path).get("Cache-Control", ""), path


def test_favicon_ico_answers_with_the_archive_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("favicon.svg")
    assert finders.find("favicon.svg"), "the icon it points to is a static file"


# ---------------------------------------------------------------- keyset pagination


def walk(client, url, direction="next"):
    pages = []
    while url:
        answer = client.get(url)
        assert answer.status_code == 200, answer.content
        pages.append(answer.json())
        url = pages[-1][direction]
    return pages


def ids(pages):
    return [item["id"] for page in pages for item in page["results"]]


def test_following_next_links_visits_every_statement_once_in_order(client, many):
    pages = walk(client, "/api/statements/?page_size=4")
    assert ids(pages) == list(many.values_list("pk", flat=True))
    assert all("cursor=" in page["next"] for page in pages[:-1]) and pages[-1]["next"] is None
    assert {page["count"] for page in pages} == {23}
    back = walk(client, pages[-1]["previous"], "previous")
    assert ids(back[::-1]) == ids(pages[:-1]), "previous links walk back over the same pages"


def test_oldest_first_cursors_put_undated_statements_last(client, many):
    pages = walk(client, "/api/statements/?page_size=5&sort=oldest")
    found = [Statement.objects.get(pk=pk) for pk in ids(pages)]
    dates = [s.date for s in found]
    undated = Statement.objects.filter(date=None).count()
    assert undated == 2 and len(found) == 23
    assert dates[-undated:] == [None] * undated and dates[:-undated] == sorted(dates[:-undated])


def test_the_last_page_costs_what_the_first_does(client, many):
    """Keyset paging: no OFFSET in the SQL of a page reached by links, and the same queries."""
    first_url = "/api/statements/?page_size=4"
    with CaptureQueriesContext(connection) as first:
        client.get(first_url)
    pages = walk(client, first_url)
    with CaptureQueriesContext(connection) as last:
        client.get(pages[-2]["next"])
    assert not any("OFFSET" in query["sql"].upper() for query in last.captured_queries)
    assert len(last.captured_queries) <= len(first.captured_queries) + 1


@pytest.mark.parametrize(
    "path, order",
    [
        ("/api/speakers/", lambda: list(Speaker.objects.order_by("name", "pk").values_list("pk", flat=True))),
        ("/api/meetings/", lambda: list(Meeting.objects.order_by("-date", "symbol").values_list("pk", flat=True))),
    ],
)
def test_other_lists_page_by_cursor_too(client, many, path, order):
    for number in range(5):
        speech(100 + number, 2020, name=f"Speaker{number} Person", country="Chile")
    assert ids(walk(client, f"{path}?page_size=2")) == order()


def test_resolution_lists_with_tied_counts_page_by_cursor_without_losing_one(client, many):
    for number in range(6):
        speech(200 + number, 2019, cites=f"resolution {2300 + number} (2016)")
    pages = walk(client, "/api/resolutions/?page_size=2")
    keys = [item["key"] for page in pages for item in page["results"]]
    assert len(keys) == len(set(keys)) == Resolution.objects.count()
    url, seen = "/api/resolutions/sc-2341/?page_size=4", []
    while url:
        citations = client.get(url).json()["citations"]
        seen += [item["statement"]["id"] for item in citations["results"]]
        url = citations["next"]
    assert len(seen) == len(set(seen)) == citations["count"] == 23


def test_a_made_up_cursor_is_a_400_naming_the_cursor(client, many):
    for cursor in ["nonsense", "WzEsWzFdXQ", "W10", "!!!"]:
        response = client.get("/api/statements/", {"cursor": cursor})
        assert response.status_code == 400 and "cursor" in response.json()["parameters"], cursor
    both = client.get("/api/statements/", {"cursor": "x", "page": 2})
    assert both.status_code == 400 and "page or cursor" in both.json()["error"]


def test_a_page_number_still_jumps_to_that_page(client, many):
    third = client.get("/api/statements/?page_size=4&page=3").json()
    assert ids([third]) == list(many.values_list("pk", flat=True))[8:12]
    assert ids([client.get(third["previous"]).json()]) == list(many.values_list("pk", flat=True))[4:8]
