"""Term trends: per year, the share of statements that match each of a few searches.

/trends/?q=climate+change&q=terrorism reads each query in the search page's language (words,
"phrases", -exclusions, resolutions, symbols) and asks the search engine how many statements
match it in each year, and how many statements there are in each year under the same filter
(forum, delegation). A share is the one divided by the other. Both counts come from the
engine's year facet, so a point on the chart is exactly what the search it links to finds.
"""

import csv
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_safe

from . import charts
from .exports import spreadsheet_safe
from .keys import forum_key
from .models import Country, Statement
from .search.engine import search_engine
from .search.forms import MAX_QUERY_CHARS, MAX_QUERY_PREFIXES, MAX_QUERY_TERMS, FacetKeysField
from .search.query import ParsedQuery, SearchRequest, parse_query

MAX_QUERIES = 5
FILTERS = ("forum", "country")


class QueriesField(forms.Field):
    """Up to MAX_QUERIES searches, each read by the search page's query language."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        texts = [" ".join(str(item).split()) for item in (value or [])]
        texts = list(dict.fromkeys(text for text in texts if text))
        if len(texts) > MAX_QUERIES:
            raise ValidationError(f"Compare at most {MAX_QUERIES} searches at once; this asks for {len(texts)}.")
        queries = []
        for number, text in enumerate(texts, start=1):
            if len(text) > MAX_QUERY_CHARS:
                raise ValidationError(f"Search {number} is too long: keep it under {MAX_QUERY_CHARS} characters.")
            query = parse_query(text)
            if query.term_count > MAX_QUERY_TERMS:
                raise ValidationError(f"Search {number} has too many words: use at most {MAX_QUERY_TERMS}.")
            if query.prefix_count > MAX_QUERY_PREFIXES:
                raise ValidationError(
                    f"Search {number} has too many words ending in *: use at most {MAX_QUERY_PREFIXES}."
                )
            if not query or not any(not clause.negated for clause in query.clauses):
                raise ValidationError(f"Search {number}, “{text[:60]}”, names nothing to look for.")
            queries.append(query)
        return queries


class TrendsForm(forms.Form):
    q = QueriesField(required=False, label="Searches")
    forum = FacetKeysField("forum")
    country = FacetKeysField("country")

    def selected(self):
        return {name: tuple(self.cleaned_data[name]) for name in FILTERS if self.cleaned_data[name]}

    def search_url(self, query, year=None):
        """The search page finding what one point counts."""
        params = [("q", query.text)]
        for name, keys in self.selected().items():
            params.extend((name, key) for key in keys)
        if year is not None:
            params.append(("year", year))
        return reverse("statements:search") + "?" + urlencode(params)

    def csv_url(self):
        params = [("q", query.text) for query in self.cleaned_data["q"]]
        for name, keys in self.selected().items():
            params.extend((name, key) for key in keys)
        return reverse("statements:trends-csv") + "?" + urlencode(params)


@dataclass(frozen=True)
class Point:
    year: int
    count: int
    total: int
    url: str

    @property
    def share(self):
        return self.count / self.total if self.total else None

    @property
    def percent(self):
        return 100 * self.share if self.total else None


@dataclass(frozen=True)
class Trend:
    query: ParsedQuery
    points: tuple  # one a year that has statements under the filter, oldest first
    url: str

    @property
    def count(self):
        return sum(point.count for point in self.points)


def year_counts(engine, request):
    """{year: statements} for everything this request finds."""
    outcome = engine.run(request)
    return {int(key): count for key, count in outcome.facets.get("year", []) if count}


def trends(form):
    """A Trend for each query, over the years that have statements under the form's filter."""
    engine = search_engine()
    base = SearchRequest(
        query=ParsedQuery(""), selected=form.selected(), sort="newest", per_page=0, facets=("year",), facet_limit=None
    )
    totals = year_counts(engine, base)
    years = sorted(totals)
    result = []
    for query in form.cleaned_data["q"]:
        counts = year_counts(engine, replace(base, query=query))
        points = tuple(Point(year, counts.get(year, 0), totals[year], form.search_url(query, year)) for year in years)
        result.append(Trend(query, points, form.search_url(query)))
    return result, totals


def filter_choices():
    """The forums and delegations to narrow by: (key, label), as the search index keys them."""
    forums = Statement.objects.exclude(forum="").values("forum").annotate(n=Count("pk")).order_by("-n", "forum")[:50]
    countries = Country.objects.order_by("name").values_list("slug", "name")
    return [(forum_key(row["forum"]), row["forum"]) for row in forums], list(countries)


@require_safe
def trends_page(request):
    """/trends/: shares of statements per year matching each query, as a chart, a table and CSV."""
    form = TrendsForm(request.GET)
    forums, countries = filter_choices()
    valid = form.is_valid()
    texts = [q.text for q in form.cleaned_data["q"]] if valid else request.GET.getlist("q")[:MAX_QUERIES]
    context = {
        "form": form,
        "forums": forums,
        "countries": countries,
        "max_queries": MAX_QUERIES,
        "inputs": texts + [""] * (MAX_QUERIES - len(texts)),
    }
    if not valid:
        return render(request, "statements/trends.html", context, status=400)
    if not form.cleaned_data["q"]:
        return render(request, "statements/trends.html", context)
    found, totals = trends(form)
    chart = charts.trend_chart(found)
    rows = [(year, totals[year], [trend.points[index] for trend in found]) for index, year in enumerate(sorted(totals))]
    context.update(
        trends=found,
        chart=chart,
        chart_lines=[(line, chart_points_html(line)) for line in chart.lines] if chart else [],
        statements=sum(totals.values()),
        csv_url=form.csv_url(),
        table_rows=table_rows_html(rows),
    )
    return render(request, "statements/trends.html", context)


# A chart of five queries over 78 years has 390 linked points and as many table cells: written by
# the template language they were three quarters of the page's time (bench/issue14.py), built
# here with format_html (every value escaped) they are a small part of it.
POINT = (
    '<a class="trend__point" href="{url}" aria-label="{label}"><title>{label} ({percent} %)</title>'
    '<circle class="trend__hit" cx="{x}" cy="{y}" r="7"/><circle class="trend__mark" cx="{x}" cy="{y}" r="3"/></a>'
)


def chart_points_html(line):
    """The chart line's points, each a link to the search behind it, with its numbers as its name."""
    return format_html_join(
        "",
        POINT,
        (
            {
                "url": mark.url,
                "label": f"{line.label}, {mark.year}: {intcomma(mark.count)} of {intcomma(mark.total)} statements",
                "percent": floatformat(mark.percent, 1),
                "x": mark.x,
                "y": mark.y,
            }
            for mark in line.marks
        ),
    )


def table_rows_html(rows):
    """The table's rows: year, statements that year, then each query's count (linked) and share."""
    cell = '<td class="num">{} <span class="muted">({} %)</span></td>'
    return format_html_join(
        "\n",
        '<tr><th scope="row">{}</th><td class="num">{}</td>{}</tr>',
        (
            (
                year,
                intcomma(total),
                format_html_join(
                    "",
                    cell,
                    (
                        (
                            format_html('<a href="{}">{}</a>', point.url, intcomma(point.count))
                            if point.count
                            else "0",
                            floatformat(point.percent, 1),
                        )
                        for point in points
                    ),
                ),
            )
            for year, total, points in rows
        ),
    )


@require_safe
def trends_csv(request):
    """/trends/data.csv: the numbers behind the chart, one row a query and year."""
    form = TrendsForm(request.GET)
    if not form.is_valid() or not form.cleaned_data["q"]:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs) if form.errors else "Give q."
        return HttpResponse(f"Cannot chart this: {errors}\n", status=400, content_type="text/plain; charset=utf-8")
    found, _totals = trends(form)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="trends.csv"'
    writer = csv.writer(response)
    writer.writerow(["query", "year", "matching", "statements", "share"])
    for trend in found:
        for point in trend.points:
            writer.writerow(
                [spreadsheet_safe(trend.query.text), point.year, point.count, point.total, f"{point.share:.6f}"]
            )
    return response
