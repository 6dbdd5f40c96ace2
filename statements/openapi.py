"""The OpenAPI 3.1 description of the API in statements/api.py, served at /api/openapi.json.

Written by hand to say what the views do; tests/test_api.py runs schemathesis against the
running application from this description, so the two cannot drift apart unnoticed.
"""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .api import DEFAULT_PAGE_SIZE, MAX_CURSOR_CHARS, MAX_PAGE, MAX_PAGE_SIZE
from .caching import DETAIL_SECONDS, cacheable
from .keys import RESOLUTION_KEY_SHAPE
from .models import COUNTRY_KINDS, Country, Meeting, Resolution, Speaker, Statement
from .search.forms import KEY_SHAPES, MAX_KEY_CHARS, MAX_QUERY_CHARS, MAX_SELECTED_PER_FACET, SORTS

RESOLUTION_KEY = f"^(?:{RESOLUTION_KEY_SHAPE})$"


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema):
    return {"anyOf": [schema, {"type": "null"}]}


def _object(properties, required=None):
    return {"type": "object", "properties": properties, "required": required or list(properties)}


STRING, INTEGER, URL = {"type": "string"}, {"type": "integer"}, {"type": "string", "format": "uri"}
DATE = _nullable({"type": "string", "format": "date"})

PAGE_PARAMETERS = [
    {
        "name": "page",
        "in": "query",
        "description": "Page number, from 1, to jump to a page; the next and previous links use cursors.",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
    },
    {
        "name": "page_size",
        "in": "query",
        "description": f"Items a page, at most {MAX_PAGE_SIZE}.",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
    },
]
CURSOR_PARAMETER = {
    "name": "cursor",
    "in": "query",
    "description": "Where a next or previous link continues the list (keyset pagination: every page costs "
    "what the first does). Made by the API; not with page. A search (q or filters) is paged by page.",
    "schema": {"type": "string", "maxLength": MAX_CURSOR_CHARS},
}


def _facet(name, description):
    return {
        "name": name,
        "in": "query",
        "style": "form",
        "explode": True,
        "description": description,
        "schema": {
            "type": "array",
            "maxItems": MAX_SELECTED_PER_FACET,
            "items": {"type": "string", "maxLength": MAX_KEY_CHARS, "pattern": f"^(?:{KEY_SHAPES[name].pattern})$"},
        },
    }


SEARCH_PARAMETERS = [
    {
        "name": "q",
        "in": "query",
        "description": 'Words, "phrases", prefixes (japan*), -exclusions, resolution numbers '
        "(2341, S/RES/2341 (2017), 46/182) and document symbols (S/PV.7750), as on /search/.",
        "schema": {"type": "string", "maxLength": MAX_QUERY_CHARS},
    },
    _facet("speaker", "Speaker ids; several mean any of them."),
    _facet("country", "Country slugs; several mean any of them."),
    _facet("forum", "Forum keys, as /search/ links them."),
    _facet("year", "Years; several mean any of them."),
    _facet("resolution", "Resolution keys (sc-2341, ga-46-182); several mean statements citing all of them."),
    {
        "name": "date_from",
        "in": "query",
        "description": "Statements on or after this date.",
        "schema": {"type": "string", "format": "date", "pattern": r"^(19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}$"},
    },
    {
        "name": "date_to",
        "in": "query",
        "description": "Statements on or before this date.",
        "schema": {"type": "string", "format": "date", "pattern": r"^(19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}$"},
    },
    {
        "name": "sort",
        "in": "query",
        "description": "Relevance is the default for words; newest otherwise.",
        "schema": {"type": "string", "enum": [key for key, _label in SORTS]},
    },
]

SCHEMAS = {
    "Error": {
        "type": "object",
        "properties": {
            "error": STRING,
            "parameters": {"type": "object", "additionalProperties": {"type": "array", "items": STRING}},
        },
        "required": ["error"],
    },
    "ResolutionRef": _object({"key": STRING, "symbol": STRING, "url": URL}),
    "SpeakerRef": _object({"id": INTEGER, "name": STRING, "url": URL}),
    "CountryRef": _object({"slug": STRING, "name": STRING, "url": URL}),
    "MeetingRef": _object({"id": INTEGER, "symbol": STRING, "url": URL}),
    "Statement": _object(
        {
            "id": INTEGER,
            "url": URL,
            "html_url": URL,
            "title": STRING,
            "date": DATE,
            "speaker": _nullable(_ref("SpeakerRef")),
            "speaker_as_written": _nullable(
                {**STRING, "description": "The source's words when they name no single person (speaker is null)."}
            ),
            "role": _nullable({**STRING, "description": "The speaker's role when delivering it."}),
            "country": _nullable(_ref("CountryRef")),
            "country_name": _nullable({**STRING, "description": "The delegation's name in the statement's year."}),
            "source": {**STRING, "description": "The source identifier: manifest id, file name or JSON-lines id."},
            "provenance": {**STRING, "description": "Where the text comes from, in words."},
            "forum": STRING,
            "occasion": STRING,
            "meeting": _nullable(_ref("MeetingRef")),
            "resolutions": {"type": "array", "items": _ref("ResolutionRef")},
        }
    ),
    "StatementDetail": {
        "allOf": [
            _ref("Statement"),
            _object(
                {
                    "place": STRING,
                    "language": STRING,
                    "position": _nullable(INTEGER),
                    "paragraphs": {
                        "type": "array",
                        "items": STRING,
                        "description": "The text, a paragraph each; paragraph n is at html_url#pn.",
                    },
                    "citations": {
                        "type": "array",
                        "items": _object(
                            {
                                "resolution": _ref("ResolutionRef"),
                                "sentence": STRING,
                                "paragraph": INTEGER,
                                "cited_year": _nullable(INTEGER),
                                "html_url": URL,
                            }
                        ),
                    },
                    "documents": {
                        "type": "array",
                        "items": _object({"symbol": STRING, "sentence": STRING, "paragraph": INTEGER, "html_url": URL}),
                    },
                    "cite": _object({"bibtex": URL, "csl_json": URL}),
                }
            ),
        ]
    },
    "Speaker": {
        "allOf": [
            _ref("SpeakerRef"),
            _object(
                {
                    "html_url": URL,
                    "honorific": STRING,
                    "role": STRING,
                    "country": _nullable(_ref("CountryRef")),
                    "statement_count": INTEGER,
                    "statements": URL,
                }
            ),
        ]
    },
    "Country": {
        "allOf": [
            _ref("CountryRef"),
            _object(
                {
                    "html_url": URL,
                    "kind": {"type": "string", "enum": COUNTRY_KINDS},
                    "former_names": {
                        "type": "array",
                        "items": _object({"name": STRING, "from": _nullable(INTEGER), "until": INTEGER}),
                    },
                    "statement_count": INTEGER,
                    "statements": URL,
                }
            ),
        ]
    },
    "Meeting": {
        "allOf": [
            _ref("MeetingRef"),
            _object({"html_url": URL, "date": DATE, "topic": STRING, "kind": STRING, "statement_count": INTEGER}),
        ]
    },
    "MeetingDetail": {"allOf": [_ref("Meeting"), _object({"speeches": {"type": "array", "items": _ref("Statement")}})]},
    "Resolution": {
        "allOf": [
            _ref("ResolutionRef"),
            _object(
                {
                    "html_url": URL,
                    "body": {"type": "string", "enum": ["SC", "GA"]},
                    "session": _nullable(INTEGER),
                    "number": INTEGER,
                    "year": _nullable(INTEGER),
                    "date": DATE,
                    "title": STRING,
                    "citation_count": INTEGER,
                    "statements": URL,
                }
            ),
        ]
    },
    "Citing": _object(
        {"statement": _ref("Statement"), "sentence": STRING, "paragraph": INTEGER, "cited_year": _nullable(INTEGER)}
    ),
    "ResolutionDetail": {"allOf": [_ref("Resolution"), _object({"citations": _ref("CitingPage")})]},
}
for _name in ("Statement", "Speaker", "Country", "Meeting", "Resolution", "Citing"):
    SCHEMAS[f"{_name}Page"] = _object(
        {
            "count": INTEGER,
            "next": _nullable(URL),
            "previous": _nullable(URL),
            "results": {"type": "array", "items": _ref(_name)},
        }
    )


def _json(schema, description):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = _ref("Error")
BAD, MISSING = _json(ERROR, "A parameter is wrong; `parameters` names it."), _json(ERROR, "Not found.")
UNAVAILABLE = _json(ERROR, "The search index cannot be read just now.")
THROTTLED = {
    **_json(ERROR, "Too many requests from this address: wait the seconds Retry-After gives."),
    "headers": {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
}


def _list(name, summary, parameters=(), searches=False):
    responses = {
        "200": _json(_ref(f"{name}Page"), summary),
        "400": BAD,
        "404": _json(ERROR, "No such page."),
        "429": THROTTLED,
    }
    if searches:
        responses["503"] = UNAVAILABLE
    return {
        "get": {
            "summary": summary,
            "operationId": f"list_{name.lower()}s",
            "parameters": [*parameters, *PAGE_PARAMETERS, CURSOR_PARAMETER],
            "responses": responses,
        }
    }


def _detail(name, summary, parameter, schema=None, parameters=()):
    responses = {"200": _json(_ref(schema or name), summary), "404": MISSING, "429": THROTTLED}
    if parameters:
        responses["400"] = BAD
    return {
        "get": {
            "summary": summary,
            "operationId": f"get_{name.lower()}",
            "parameters": [{**parameter, "in": "path", "required": True}, *parameters],
            "responses": responses,
        }
    }


def description(base_url):
    """The OpenAPI document, with the server's own address."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Statements Archive API",
            "version": "1.0",
            "description": "Read-only JSON about diplomatic statements, their speakers, delegations, meetings "
            "and the resolutions they cite. Lists are paginated (next and previous links carry a cursor); every "
            "object links to its neighbours. Any origin may read it (CORS); answers carry an ETag and answer "
            "If-None-Match with 304; errors are JSON.",
        },
        "servers": [{"url": base_url.rstrip("/")}],
        "paths": {
            "/statements/": _list(
                "Statement",
                "Statements newest first, or found by a search as on /search/.",
                SEARCH_PARAMETERS,
                searches=True,
            ),
            "/statements/{id}/": _detail(
                "Statement",
                "A statement with its text in paragraphs and its citations.",
                {"name": "id", "schema": {"type": "integer", "minimum": 1}},
                "StatementDetail",
            ),
            "/speakers/": _list("Speaker", "Speakers by name."),
            "/speakers/{id}/": _detail(
                "Speaker", "A speaker.", {"name": "id", "schema": {"type": "integer", "minimum": 1}}
            ),
            "/countries/": _list("Country", "Delegations by name."),
            "/countries/{slug}/": _detail(
                "Country",
                "A delegation.",
                {"name": "slug", "schema": {"type": "string", "pattern": "^[a-z0-9-]{1,80}$"}},
            ),
            "/meetings/": _list("Meeting", "Meetings, newest first."),
            "/meetings/{id}/": _detail(
                "Meeting",
                "A meeting with its speeches in order.",
                {"name": "id", "schema": {"type": "integer", "minimum": 1}},
                "MeetingDetail",
            ),
            "/resolutions/": _list("Resolution", "Resolutions, most cited first."),
            "/resolutions/{key}/": _detail(
                "Resolution",
                "A resolution with the statements citing it, by date.",
                {"name": "key", "schema": {"type": "string", "pattern": RESOLUTION_KEY}},
                "ResolutionDetail",
                [*PAGE_PARAMETERS, CURSOR_PARAMETER],
            ),
        },
        "components": {"schemas": SCHEMAS},
    }


@require_safe
@cacheable(DETAIL_SECONDS)
def openapi(request):
    """/api/openapi.json"""
    return JsonResponse(description(request.build_absolute_uri("/api/")), json_dumps_params={"ensure_ascii": False})


# ---------------------------------------------------------------- the page people read


def _schema_text(schema):
    """A parameter's schema in words: "integer, 1 to 100", "one of relevance, newest, oldest"."""
    if schema.get("type") == "array":
        return f"repeatable; each {_schema_text(schema['items'])}"
    if "enum" in schema:
        return "one of " + ", ".join(map(str, schema["enum"]))
    words = [schema.get("format") or schema.get("type", "string")]
    if "minimum" in schema and "maximum" in schema:
        words.append(f"{schema['minimum']:,} to {schema['maximum']:,}")
    elif "minimum" in schema:
        words.append(f"from {schema['minimum']:,}")
    if "maxLength" in schema:
        words.append(f"at most {schema['maxLength']:,} characters")
    if "default" in schema:
        words.append(f"default {schema['default']}")
    return ", ".join(words)


def _examples():
    """Values from this archive for each path parameter, so every example request answers."""
    statement = Statement.objects.order_by("pk").first()
    speaker = Speaker.objects.order_by("pk").first()
    country = Country.objects.order_by("name").first()
    meeting = Meeting.objects.order_by("pk").first()
    resolution = Resolution.objects.most_cited().first()
    return {
        "/statements/": ("/statements/", {"q": "security council", "page_size": 5}),
        "/statements/{id}/": (f"/statements/{statement.pk if statement else 1}/", {}),
        "/speakers/": ("/speakers/", {"page_size": 5}),
        "/speakers/{id}/": (f"/speakers/{speaker.pk if speaker else 1}/", {}),
        "/countries/": ("/countries/", {"page_size": 5}),
        "/countries/{slug}/": (f"/countries/{country.slug if country else 'japan'}/", {}),
        "/meetings/": ("/meetings/", {"page_size": 5}),
        "/meetings/{id}/": (f"/meetings/{meeting.pk if meeting else 1}/", {}),
        "/resolutions/": ("/resolutions/", {"page_size": 5}),
        "/resolutions/{key}/": (f"/resolutions/{resolution.key if resolution else 'sc-2341'}/", {"page_size": 5}),
    }


def operations(document, examples):
    """Each operation of the OpenAPI document as the API page lists it."""
    base = document["servers"][0]["url"]
    listed = []
    for path, item in document["paths"].items():
        operation = item["get"]
        example_path, query = examples.get(path, (path, {}))
        listed.append(
            {
                "id": operation["operationId"],
                "path": "/api" + path,
                "summary": operation["summary"],
                "parameters": [
                    {
                        "name": parameter["name"],
                        "where": parameter["in"],
                        "required": parameter.get("required", False),
                        "description": parameter.get("description", ""),
                        "schema": _schema_text(parameter["schema"]),
                    }
                    for parameter in operation["parameters"]
                ],
                "responses": [(code, response["description"]) for code, response in operation["responses"].items()],
                "example": base + example_path + (f"?{urlencode(query)}" if query else ""),
            }
        )
    return listed


@require_safe
@cacheable(DETAIL_SECONDS)
def api_docs(request):
    """/about/api/: the API described for people, from the same OpenAPI document."""
    document = description(request.build_absolute_uri("/api/"))
    context = {"document": document, "operations": operations(document, _examples())}
    return render(request, "statements/api_docs.html", context)
