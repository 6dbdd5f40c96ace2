"""What researchers' tools expect of the archive: CORS, conditional GET, JSON errors, cursors."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from statements.ingest import MeetingInfo, Overrides
from statements.models import Country, Meeting, Resolution, Speaker, Statement

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
    # The seeds hold no meeting record: one statement from a meeting, so its page is checked too.
    at_meeting = Overrides(meeting=MeetingInfo("S/PV.8699", dt.date(2020, 1, 9), "Maintenance of peace"), position=1)
    make_statement("meeting.txt", "Mr. Dang (Viet Nam): I open this meeting on peace.", overrides=at_meeting)
    return [*paths, Meeting.objects.get(symbol="S/PV.8699").get_absolute_url(), "/meetings/", "/countries/"]


def test_pages_api_and_feeds_answer_an_unchanged_etag_with_304(client, seeded):
    for path in conditional_paths():
        first = client.get(path)
        assert first.status_code == 200 and first.has_header("ETag"), path
        assert "public" in first["Cache-Control"] and max_age(first) > 0, path
        again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again.content == b"", path
        assert client.get(path, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200, path


def test_a_head_request_is_answered_as_a_get_would_be_without_the_body(client, seeded):
    """curl -I and link checkers ask with HEAD, and the API's preflight says HEAD is allowed."""
    for path in [*conditional_paths(), "/", "/about/api/", "/api/", "/api/openapi.json", "/trends/?q=peace"]:
        get, head = client.get(path), client.head(path)
        assert head.status_code == 200 and head.content == b"", path
        assert head["Content-Type"] == get["Content-Type"] and head["Cache-Control"] == get["Cache-Control"], path
    assert client.head("/api/statements/")["Access-Control-Allow-Origin"] == "*"


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


# ---------------------------------------------------------------- finding the right person and place


@pytest.fixture
def people(db, search_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for number, (name, country) in enumerate(
            [("Zoe Adams", "Chile"), ("Aaron Young", "Japan"), ("Koro Bessho", "Japan"), ("Koro Bessho", "Japan")]
        ):
            speech(300 + number, 2017, name=name, country=country)


def speaker_rows(response):
    return re.findall(r'<th scope="row"><a href="/speakers/\d+/[^"]+">([^<]+)</a>', response.content.decode())


def test_speakers_are_listed_by_surname_with_delegation_and_count(client, people):
    response = client.get("/speakers/")
    assert speaker_rows(response) == ["Zoe Adams", "Koro Bessho", "Aaron Young"]
    assert re.search(
        r"Koro Bessho</a>.*?Japan</a></td>\s*<td class=\"num\">2</td>", response.content.decode(), re.DOTALL
    )


def test_speakers_filter_by_name_or_delegation_on_the_server(client, people):
    assert speaker_rows(client.get("/speakers/", {"q": "bess"})) == ["Koro Bessho"]
    assert speaker_rows(client.get("/speakers/", {"q": "japan"})) == ["Koro Bessho", "Aaron Young"]
    assert speaker_rows(client.get("/speakers/", {"q": "koro japan"})) == ["Koro Bessho"]
    empty = client.get("/speakers/", {"q": "nobody"})
    assert speaker_rows(empty) == [] and "No speaker’s name or delegation contains “nobody”" in empty.content.decode()
    by_count = client.get("/speakers/", {"sort": "statements"})
    assert speaker_rows(by_count)[0] == "Koro Bessho"


def test_a_directory_filter_is_not_shown_as_a_search_of_the_archive(client, people):
    """The header's search box keeps the words of a search, not a speaker or country filter."""
    header = r'id="site-search-q" type="search" name="q" value="([^"]*)"'
    for path in ["/speakers/", "/countries/"]:
        assert re.search(header, client.get(path, {"q": "japan"}).content.decode())[1] == "", path
    assert re.search(header, client.get("/search/", {"q": "japan"}).content.decode())[1] == "japan"


def test_a_filter_too_long_or_an_unknown_sort_is_a_400_naming_it(client, people):
    response = client.get("/speakers/", {"q": "x" * 101})
    assert response.status_code == 400 and "q: Ensure this value has at most 100" in response.content.decode()
    assert client.get("/countries/", {"sort": "loudest"}).status_code == 400


def test_speaker_pages_keep_the_filter_in_their_page_links(
    client, db, search_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(55):
            speech(400 + number, 2018, name=f"Ann Person{number:02d}", country="Chile")
    response = client.get("/speakers/", {"q": "chile"})
    assert 'href="?q=chile&amp;page=2"' in response.content.decode()
    assert len(speaker_rows(client.get("/speakers/", {"q": "chile", "page": 2}))) == 5


def test_a_renamed_speaker_moves_to_their_new_surname(people):
    speaker = Speaker.objects.get(name="Zoe Adams")
    speaker.name = "Zoe Zephyr"
    speaker.save(update_fields=["name"])
    assert list(Speaker.objects.by_surname().values_list("name", flat=True))[-1] == "Zoe Zephyr"


def test_countries_filter_and_sort_by_statements(client, people):
    content = client.get("/countries/", {"q": "jap"}).content.decode()
    assert ">Japan</a>" in content and ">Chile</a>" not in content
    ordered = re.findall(
        r'<th scope="row"><a href="/countries/[^"]+">([^<]+)</a>',
        client.get("/countries/?sort=statements").content.decode(),
    )
    assert ordered == ["Japan", "Chile"]


def test_a_long_resolution_page_is_paged_and_grouped_by_year_with_a_jump_list(
    client, db, search_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(47):
            speech(500 + number, None if number == 46 else 2010 + number % 6)
    first = client.get("/resolutions/2341/").content.decode()
    assert first.count('class="citation"') == 20
    assert re.findall(r'<h3 class="year-group__title" id="year-(\d+)">', first) == ["2010", "2011", "2012"]
    jumps = {label: url for url, label in re.findall(r'<li><a href="([^"]+)">(\w+) <span', first)}
    assert list(jumps) == ["2010", "2011", "2012", "2013", "2014", "2015", "Undated"]
    assert (
        jumps["2010"] == "#year-2010"
        and jumps["2015"] == "?page=2#year-2015"
        and jumps["Undated"] == "?page=3#year-undated"
    )
    last = client.get("/resolutions/2341/?page=3").content.decode()
    assert 'id="year-undated"' in last and last.count('class="citation"') == 7


def test_a_chart_says_how_many_statements_it_leaves_out_undated(
    client, db, search_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        speech(600, 2017, name="Ida Two")
        speech(601, None, name="Ida Two")
    speaker = Speaker.objects.get(name="Ida Two")
    content = client.get(speaker.get_absolute_url()).content.decode()
    assert "1 dated statement; 1 undated. The dated one is in 2017." in content
    assert "all in 2017" not in content


# ---------------------------------------------------------------- rough edges


def test_conflicts_are_reported_from_the_loaded_registry_without_its_file(db, search_index, tmp_path):
    registry = tmp_path / "registry.csv"
    registry.write_text('"Number";"Year";"Date";"Topic"\n2349;2017;"31 March 2017";"Peace and security in Africa"\n')
    call_command("load_resolutions", str(registry), stdout=StringIO())
    registry.unlink()
    make_statement("bad-year.txt", "Mr. Bessho (Japan): We recall resolution 2349 (2016) on the Lake Chad Basin.")
    out = StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("load_resolutions", "--conflicts", stdout=out)
    assert (
        "1 citation gives a year the registry contradicts (1 Security Council resolution with a recorded year is loaded)"
        in out.getvalue()
    )
    assert "bad-year.txt: resolution 2349 cited as (2016), recorded year 2017" in out.getvalue()
    assert not any(q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE")) for q in queries.captured_queries)
    with pytest.raises(CommandError, match="give the registry CSV to load, or --conflicts alone"):
        call_command("load_resolutions", stdout=StringIO())


def test_one_matching_statement_is_offered_as_this_statement_not_these_1(client, seeded):
    content = client.get("/search/", {"q": "GICNT"}).content.decode()
    assert "Download this statement:" in content and "these 1 statements" not in content
    assert "Download these 3 statements:" in client.get("/search/", {"q": "security"}).content.decode()


def test_the_home_page_leaves_out_a_count_of_no_meetings(client, seeded):
    Statement.objects.update(meeting=None)
    Meeting.objects.all().delete()
    content = client.get("/").content.decode()
    assert "0 meetings" not in re.sub(r"<[^>]+>|\s+", " ", content) and 'stats__label">meeting' not in content
    assert '3</span> <span class="stats__label">statements' in content


def test_the_admin_is_branded_as_the_archive(admin_client):
    content = admin_client.get("/admin/").content.decode()
    assert "Statements archive" in content and "Django administration" not in content


def test_the_merge_form_offers_the_speaker_with_most_statements_and_warns_of_other_surnames(admin_client, people):
    young = Speaker.objects.get(name="Aaron Young")
    bessho = Speaker.objects.get(name="Koro Bessho")
    response = admin_client.post(
        "/admin/statements/speaker/", {"action": "merge_speakers", "_selected_action": [young.pk, bessho.pk]}
    )
    content = response.content.decode()
    assert re.search(rf'value="{bessho.pk}" id="keep-{bessho.pk}" checked', content), "the one with 2 statements"
    assert f'id="keep-{young.pk}" checked' not in content
    assert "different surnames (Bessho, Young)" in content


def test_a_merge_says_how_to_take_it_back(admin_client, people, django_capture_on_commit_callbacks):
    young = Speaker.objects.get(name="Aaron Young")
    bessho = Speaker.objects.get(name="Koro Bessho")
    moved = list(young.statements.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/statements/speaker/",
            {"action": "merge_speakers", "_selected_action": [young.pk, bessho.pk], "keep": bessho.pk},
            follow=True,
        )
    content = response.content.decode()
    assert "Merged Aaron Young (Japan) into Koro Bessho (Japan): 1 statement moved." in content
    listing = re.search(
        r'<a href="(/admin/statements/statement/\?id__in=[^"]+)">List the statements moved</a>', content
    )
    listed = admin_client.get(listing[1].replace("&amp;", "&")).content.decode()
    assert f"/admin/statements/statement/{moved[0]}/change/" in listed and "1 statement" in listed


def test_moving_one_statement_says_one_statement(admin_client, people):
    statement = Speaker.objects.get(name="Aaron Young").statements.get()
    bessho = Speaker.objects.get(name="Koro Bessho")
    response = admin_client.post(
        "/admin/statements/statement/",
        {"action": "move_statements", "_selected_action": [statement.pk], "apply": "1", "speaker": bessho.pk},
        follow=True,
    )
    assert "Moved 1 statement to Koro Bessho (Japan)." in response.content.decode()


# ---------------------------------------------------------------- the API page for people


def test_the_api_page_lists_every_endpoint_with_its_parameters_and_a_working_example(client, seeded):
    from statements.openapi import description

    meeting = Overrides(meeting=MeetingInfo("S/PV.8699", dt.date(2020, 1, 9), "Maintenance of peace"), position=1)
    make_statement("m.txt", "Mr. Dang (Viet Nam): I open this meeting on peace.", overrides=meeting)
    response = client.get("/about/api/")
    content = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    document = description("http://testserver/api/")
    for path, item in document["paths"].items():
        operation = item["get"]
        section = re.search(
            rf'<section class="api-op" id="{operation["operationId"]}".*?</section>', content, re.DOTALL
        )
        assert section and f"<code>/api{path}</code>" in section[0], path
        for parameter in operation["parameters"]:
            assert f"<code>{parameter['name']}</code>" in section[0], (path, parameter["name"])
        example = re.search(r"<code>curl '(http://testserver/api/.+?)'</code>", section[0])
        url = example[1].replace("&amp;", "&")
        answer = client.get(url)
        assert answer.status_code == 200 and answer["Content-Type"] == "application/json", url
        assert answer.json(), url


def test_the_footer_and_the_api_index_link_to_the_api_page(client, seeded):
    assert 'href="/about/api/">JSON API</a>' in client.get("/").content.decode()
    assert client.get("/api/").json()["documentation"] == "http://testserver/about/api/"


def test_speakers_are_shown_as_written_and_sorted_with_particles_and_regnal_numbers_on_the_surname(client, db):
    for name, country in [("Herman Van Rompuy", "EU"), ("King Mswati III", "Eswatini"), ("Zoe Adams", "Japan")]:
        Speaker.objects.create(name=name, country=Country.objects.get_or_create(name=country)[0])
    assert speaker_rows(client.get("/speakers/")) == ["Zoe Adams", "King Mswati III", "Herman Van Rompuy"]
