"""Forms: the search page's parameters, every one validated before it reaches the index.

Facet selections are keys of a known shape for a known field (`country=japan`,
`resolution=sc-2341`), so nothing a visitor sends can become query syntax (issue 5: haystack's
`selected_facets=*a* OR country_exact:x` became a leading-wildcard query).
"""

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.formats import date_format

from .models import Country, Resolution, Speaker, Statement
from .search import ALL_SELECTED_REQUIRED, FACET_FIELDS, SearchRequest, parse_query
from .search_indexes import forum_key, resolution_key

MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 30
MAX_SELECTED_PER_FACET = 10
MAX_PAGE = 100_000
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
FORUM_NAMES_SECONDS = 300

SORTS = [("relevance", "Relevance"), ("newest", "Newest first"), ("oldest", "Oldest first")]
FACET_TITLES = {
    "speaker": "Speaker",
    "country": "Country",
    "forum": "Forum",
    "year": "Year",
    "resolution": "Resolution",
}
MAX_KEY_CHARS = 200
KEY_SHAPES = {
    "speaker": re.compile(r"[1-9]\d{0,9}"),
    "country": re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){0,20}"),
    "forum": re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){0,30}"),
    "year": re.compile(r"(?:19|20)\d\d|2100"),
    "resolution": re.compile(r"sc-[1-9]\d{0,3}|ga-[1-9]\d{0,2}-[1-9]\d{0,3}"),
}


class FacetKeysField(forms.Field):
    """The keys selected in one facet, each checked against the shape of that facet's keys."""

    widget = forms.MultipleHiddenInput

    def __init__(self, facet, **kwargs):
        self.facet = facet
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        values = [str(item).strip() for item in (value or [])]
        values = list(dict.fromkeys(item for item in values if item))
        if len(values) > MAX_SELECTED_PER_FACET:
            raise ValidationError(f"Choose at most {MAX_SELECTED_PER_FACET} values for {self.facet}.")
        for item in values:
            if len(item) > MAX_KEY_CHARS or not KEY_SHAPES[self.facet].fullmatch(item):
                raise ValidationError(f"“{item[:40]}” is not a {FACET_TITLES[self.facet].lower()} this archive knows.")
        return values


class SearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=MAX_QUERY_CHARS,
        label="Search statements",
        error_messages={"max_length": f"The search is too long: keep it under {MAX_QUERY_CHARS} characters."},
    )
    date_from = forms.DateField(
        required=False, label="From", input_formats=["%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", input_formats=["%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(required=False, choices=SORTS, label="Sort by")
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput)
    speaker = FacetKeysField("speaker")
    country = FacetKeysField("country")
    forum = FacetKeysField("forum")
    year = FacetKeysField("year")
    resolution = FacetKeysField("resolution")
    # haystack's own spelling of facet selections, `selected_facets=country:japan`, still works.
    selected_facets = forms.Field(required=False, widget=forms.MultipleHiddenInput)

    def clean_q(self):
        query = parse_query(self.cleaned_data["q"])
        if query.term_count > MAX_QUERY_TERMS:
            raise ValidationError(f"The search has too many words: use at most {MAX_QUERY_TERMS}.")
        return query

    def clean_date_from(self):
        return self._plausible(self.cleaned_data["date_from"])

    def clean_date_to(self):
        return self._plausible(self.cleaned_data["date_to"])

    def _plausible(self, value):
        if value and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            raise ValidationError(f"Give a date between {EARLIEST_YEAR} and {LATEST_YEAR}.")
        return value

    def clean_selected_facets(self):
        chosen = {}
        for item in self.cleaned_data["selected_facets"] or []:
            name, _, key = str(item).partition(":")
            if name not in FACET_FIELDS:
                raise ValidationError(f"“{name[:40]}” is not something to narrow a search by.")
            chosen.setdefault(name, []).append(key)
        return chosen

    def clean(self):
        data = super().clean()
        for name, keys in data.pop("selected_facets", {}).items():
            try:
                data[name] = list(dict.fromkeys(data.get(name, []) + self.fields[name].clean(keys)))
            except ValidationError as error:
                self.add_error(None, error)
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end of the date range is before its start.")
        return data

    # Reading the valid form

    @property
    def query(self):
        return self.cleaned_data["q"]

    @property
    def default_sort(self):
        """Relevance for words; a resolution or symbol alone matches all its statements alike."""
        return "relevance" if self.query.has_text else "newest"

    @property
    def sort_order(self):
        return self.cleaned_data["sort"] or self.default_sort

    @property
    def page_number(self):
        return self.cleaned_data["page"] or 1

    def selected(self):
        return {name: tuple(self.cleaned_data[name]) for name in FACET_FIELDS if self.cleaned_data[name]}

    def search_request(self):
        return SearchRequest(
            query=self.query,
            selected=self.selected(),
            date_from=self.cleaned_data["date_from"],
            date_to=self.cleaned_data["date_to"],
            sort=self.sort_order,
            page=self.page_number,
        )

    # Links that change one thing and keep the rest

    def url(self, *, query=None, page=None, selected=None, dates=True):
        """This search's address with the given changes; back to page 1 unless a page is given."""
        data = self.cleaned_data
        text = self.query.text if query is None else query
        params = [("q", text)] if text else []
        for name, keys in (selected if selected is not None else self.selected()).items():
            params.extend((name, key) for key in keys)
        for name in ("date_from", "date_to"):
            if dates and data[name]:
                params.append((name, data[name].isoformat()))
        if data["sort"] and data["sort"] != self.default_sort:
            params.append(("sort", data["sort"]))
        if page and page > 1:
            params.append(("page", page))
        return "?" + urlencode(params)

    def url_cleared(self):
        return self.url(selected={}, dates=False)

    def url_adding(self, name, key):
        selected = self.selected()
        selected[name] = selected.get(name, ()) + (key,)
        return self.url(selected=selected)

    def url_removing(self, name, key):
        selected = self.selected()
        selected[name] = tuple(k for k in selected.get(name, ()) if k != key)
        return self.url(selected=selected)


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
        return dict(Country.objects.filter(slug__in=keys).values_list("slug", "name"))
    if name == "forum":
        return forum_names()
    if name == "resolution":
        return {resolution_key(r.body, r.session, r.number): r.symbol for r in resolutions_for_keys(keys)}
    return {key: key for key in keys}


def forum_names():
    """Forum keys and names; reading them scans every statement, so they are kept a few minutes."""
    names = cache.get("search:forum-names")
    if names is None:
        forums = Statement.objects.order_by().exclude(forum="").values_list("forum", flat=True).distinct()
        names = {forum_key(forum): forum for forum in forums}
        cache.set("search:forum-names", names, FORUM_NAMES_SECONDS)
    return names


def resolutions_for_keys(keys):
    condition = Q(pk__in=[])
    for key in keys:
        parts = key.split("-")
        if parts[0] == "sc" and len(parts) == 2:
            condition |= Q(body="SC", number=int(parts[1]))
        elif parts[0] == "ga" and len(parts) == 3:
            condition |= Q(body="GA", session=int(parts[1]), number=int(parts[2]))
    return Resolution.objects.filter(condition)


def pagination_links(form, page):
    """Links to the previous and next pages and to page numbers around this one, gaps elided."""
    if page.paginator.num_pages <= 1:
        return None
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return {
        "previous": form.url(page=page.previous_page_number()) if page.has_previous() else None,
        "next": form.url(page=page.next_page_number()) if page.has_next() else None,
        "numbers": [(n, form.url(page=n) if n != page.paginator.ELLIPSIS else None) for n in numbers],
    }
