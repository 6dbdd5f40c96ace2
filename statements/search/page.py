"""The /search/ page: the form read, the engine run, results, facets and links rendered.

Snippets come from snippets.py, built from the database text, never with haystack's
{% highlight %} tag.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.views.decorators.http import require_safe

from ..keys import GA, forum_key, parse_resolution_key, resolution_label, resolution_symbol
from ..models import Country, Resolution, Speaker, Statement
from ..pagination import page_links
from .engine import search_engine
from .forms import FACET_TITLES, SearchForm
from .passages import MAX_PASSAGE_PAGES, PASSAGES_PER_PAGE, ParagraphMatcher, passages_page, statements_for_passages
from .query import ALL_SELECTED_REQUIRED, FACET_FIELDS, MIN_PREFIX_LETTERS, RESULTS_PER_PAGE, stemmed_terms

FORUM_NAMES_SECONDS = 300
WARM_UP_QUERY = "peace and security"


TEMPLATE = "statements/search.html"


@dataclass
class Result:
    statement: object
    snippet: object
    paragraph: int = 1  # the first paragraph that matches, numbered as on the statement's page

    @property
    def url(self):
        return f"{self.statement.get_absolute_url()}#p{self.paragraph}"


class _Results:
    """All of a search's results as Django's paginator sees them: how many, and this page."""

    def __init__(self, total, page_results):
        self.total, self.page_results = total, page_results

    def __len__(self):
        return self.total

    def __getitem__(self, _slice):
        return self.page_results


@require_safe
def search_view(request):
    """/search/: full text, resolution numbers and document symbols, narrowed by facets."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    if form.shown_as == "passages":
        return passages_view(request, form)
    outcome = search_engine().run(form.search_request())
    paginator = Paginator(_Results(outcome.total, load_results(outcome.pks, form.query)), RESULTS_PER_PAGE)
    if form.page_number > paginator.num_pages:
        context = {"form": form, "paginator": paginator, "last_page_url": form.url(page=paginator.num_pages)}
        return render(request, TEMPLATE, context, status=404)
    return render(request, TEMPLATE, results_context(form, outcome, paginator.page(form.page_number)))


def passages_view(request, form):
    """/search/?view=passages: the matching paragraphs of the statements found, 20 a page."""
    if form.page_number > MAX_PASSAGE_PAGES:
        # A page costs the passages before it: far pages are refused, not computed.
        context = {"form": form, "too_far": MAX_PASSAGE_PAGES, "first_page_url": form.url()}
        return render(request, TEMPLATE, context, status=400)
    found = passages_page(search_engine(), form.search_request(), form.page_number, PASSAGES_PER_PAGE)
    if form.page_number > 1 and not found.passages:
        context = {"form": form, "no_passage_page": True, "first_page_url": form.url()}
        return render(request, TEMPLATE, context, status=404)
    page = Paginator(_Results(found.outcome.total, found.passages), RESULTS_PER_PAGE).page(1)
    context = results_context(form, found.outcome, page)
    context.update(
        passages=found,
        pages=page_links(
            form.page_number, lambda n: form.url(page=n), more=found.more and form.page_number < MAX_PASSAGE_PAGES
        ),
    )
    return render(request, TEMPLATE, context)


def results_context(form, outcome, page):
    query = form.query
    bare_number = len(query.clauses) == 1 and query.text.replace("/", "").isdigit()
    return {
        "form": form,
        "page": page,
        "pages": page_links(page.number, lambda n: form.url(page=n), paginator=page.paginator),
        "facets": facet_groups(form, outcome.facets),
        "chips": selection_chips(form),
        "year_chart": year_chart_rows(form, outcome.facets.get("year", [])),
        "resolutions": resolutions_asked_for(query),
        "text_search_url": form.url(query=f'"{query.text}"') if bare_number else None,
        "suggestion": outcome.suggestion,
        "suggestion_url": form.url(query=outcome.suggestion) if outcome.suggestion else None,
        "left_out": [c.value for c in query.clauses if c.kind in ("word", "phrase") and not stemmed_terms(c.value)],
        "star_notes": [star_note(dropped) for dropped in query.dropped_stars],
    }


def star_note(dropped):
    """Why a star typed was not read as a prefix, and what was searched instead."""
    if dropped.too_short:
        return (
            f"A * needs at least {MIN_PREFIX_LETTERS} letters before it (japan*): "
            f"{dropped.typed} was searched as {dropped.searched}."
        )
    return f"Only a * at the end of a word is read (japan*): {dropped.typed} was searched as {dropped.searched}."


def year_chart_rows(form, year_counts):
    """(year, count, url) for the chart of matches per year: a bar narrows to its year, or widens back."""
    selected = set(form.selected().get("year", ()))
    return [
        (key, count, form.url_removing("year", key) if key in selected else form.url_adding("year", key))
        for key, count in year_counts
        if count
    ]


def load_results(pks, query):
    """The statements found, in the order found, each with its snippet."""
    matcher = ParagraphMatcher(query)
    return [
        Result(statement, matcher.highlighter.snippet(statement.body), matcher.first_paragraph(statement))
        for statement in statements_for_passages(pks, matcher)
    ]


def resolutions_asked_for(query):
    """The resolutions a query names, each with its page, or the key when no statement cites it."""
    keys = query.values("resolution")
    found = {r.key: r for r in Resolution.objects.for_keys(keys)} if keys else {}
    return [(resolution_label(key), (parse_resolution_key(key) or ("SC",))[0] == GA, found.get(key)) for key in keys]


@dataclass
class FacetValue:
    key: str
    label: str
    count: int
    selected: bool
    url: str

    @property
    def count_text(self):
        return f"{self.count:,}"

    @property
    def html(self):
        """The value as a link in its facet list. Built here rather than in the template: a page
        lists up to 180 values (every year among them), which the template language made a large
        part of the page's time (bench: the trends page's points, the same way, 184 -> 120 ms)."""
        if self.selected:
            return format_html(
                '<li><a href="{}" class="facet__value is-selected" aria-current="true"><span class="facet__label">'
                '<span class="visually-hidden">Selected, select again to remove: </span>{}</span> '
                '<span class="facet__count"><span aria-hidden="true">×</span></span></a></li>',
                self.url,
                self.label,
            )
        return format_html(
            '<li><a href="{}" class="facet__value"><span class="facet__label">{}</span> '
            '<span class="facet__count">{}</span></a></li>',
            self.url,
            self.label,
            self.count_text,
        )


@dataclass
class FacetGroup:
    name: str
    title: str
    values: list

    @property
    def note(self):
        """How several selected values combine, once there is a selection to combine with."""
        if not any(value.selected for value in self.values):
            return ""
        if self.name in ALL_SELECTED_REQUIRED:
            return "Statements citing every resolution selected."
        return f"Statements matching any {self.title.lower()} selected."

    @property
    def shown(self):
        return self.values[:8]

    @property
    def more(self):
        return self.values[8:]


def facet_groups(form, facets):
    """The facets to show, with names for their keys and a link to add or remove each value."""
    selected = form.selected()
    groups = []
    for name in FACET_FIELDS:
        counts = [(key, count) for key, count in facets.get(name, []) if count or key in selected.get(name, ())]
        labels = facet_labels(name, [key for key, _count in counts])
        values = [
            FacetValue(
                key,
                labels.get(key, key),
                count,
                key in selected.get(name, ()),
                form.url_removing(name, key) if key in selected.get(name, ()) else form.url_adding(name, key),
            )
            for key, count in counts
        ]
        if name == "year":
            values.sort(key=lambda value: value.key, reverse=True)
        elif name == "resolution":
            values.sort(key=lambda value: (-value.count, parse_resolution_key(value.key)))
        if values:
            groups.append(FacetGroup(name, FACET_TITLES[name], values))
    return groups


def selection_chips(form):
    """Each selected value, named, with the link that removes it."""
    chips = []
    for name, keys in form.selected().items():
        labels = facet_labels(name, keys)
        chips.extend((FACET_TITLES[name], labels.get(key, key), form.url_removing(name, key)) for key in keys)
    data = form.cleaned_data
    start, end = (data[name] and date_format(data[name], "j M Y") for name in ("date_from", "date_to"))
    if start or end:
        span = f"{start} – {end}" if start and end else f"from {start}" if start else f"until {end}"
        chips.append(("Date", span, form.url(dates=False)))
    return chips


def facet_labels(name, keys):
    """What people call each key: a speaker's name, a country's, a resolution's symbol."""
    if not keys:
        return {}
    if name == "speaker":
        return {str(pk): speaker.name for pk, speaker in Speaker.objects.in_bulk([int(k) for k in keys]).items()}
    if name == "country":
        return {country.slug: country.name_and_former_names for country in Country.objects.filter(slug__in=keys)}
    if name == "forum":
        return forum_names()
    if name == "resolution":
        return {key: resolution_symbol(key) for key in keys}
    return {key: key for key in keys}


def forum_names():
    """Forum keys and names; reading them scans every statement, so they are kept a few minutes."""
    names = cache.get("search:forum-names")
    if names is None:
        forums = Statement.objects.order_by().exclude(forum="").values_list("forum", flat=True).distinct()
        names = {forum_key(forum): forum for forum in forums}
        cache.set("search:forum-names", names, FORUM_NAMES_SECONDS)
    return names


def warm_up(query=WARM_UP_QUERY):
    """Open the index, fill its caches and render the search page once, before a worker takes
    traffic (gunicorn's post_worker_init): a new worker's first search took 1.5 s (issue 11),
    about 0.5 s of CPU of it opening the index and compiling the templates. Returns the status."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = reverse("statements:search")
    request.GET = QueryDict(urlencode({"q": query}))
    return search_view(request).status_code
