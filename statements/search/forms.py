"""Forms: the search page's parameters, every one validated before it reaches the index.

Facet selections are keys of a known shape for a known field (`country=japan`,
`resolution=sc-2341`), so nothing a visitor sends can become query syntax (issue 5: haystack's
`selected_facets=*a* OR country_exact:x` became a leading-wildcard query).
"""

import re
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError

from ..keys import RESOLUTION_KEY_SHAPE
from .query import FACET_FIELDS, SearchRequest, parse_query

MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 30
# A prefix reads up to 100 index terms' postings (whoosh_engine.PREFIX_TERMS), about 0.7 s the
# first time for `con*` on the whole corpus: a few a search, not thirty.
MAX_QUERY_PREFIXES = 3
MAX_SELECTED_PER_FACET = 10
MAX_PAGE = 100_000
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100

SORTS = [("relevance", "Relevance"), ("newest", "Newest first"), ("oldest", "Oldest first")]
# The same search answered with statements, or with the paragraphs in them that match (passages.py).
VIEWS = [("statements", "Statements"), ("passages", "Passages")]
FACET_TITLES = {
    "speaker": "Speaker",
    "country": "Country",
    "forum": "Forum",
    "year": "Year",
    "resolution": "Resolution",
}
MAX_KEY_CHARS = 200
KEY_SHAPES = {
    "speaker": re.compile(r"[1-9][0-9]{0,9}"),
    "country": re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){0,20}"),
    "forum": re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){0,30}"),
    "year": re.compile(r"(?:19|20)[0-9][0-9]|2100"),
    "resolution": re.compile(RESOLUTION_KEY_SHAPE),
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
    view = forms.ChoiceField(required=False, choices=VIEWS, label="Show")
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
        if query.prefix_count > MAX_QUERY_PREFIXES:
            raise ValidationError(f"The search has too many words ending in *: use at most {MAX_QUERY_PREFIXES}.")
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
    def shown_as(self):
        """ "statements" or "passages": the view asked for."""
        return self.cleaned_data["view"] or "statements"

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

    def url(self, *, query=None, page=None, selected=None, dates=True, view=None):
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
        if (view or self.shown_as) != "statements":
            params.append(("view", view or self.shown_as))
        if page and page > 1:
            params.append(("page", page))
        return "?" + urlencode(params)

    def view_links(self):
        """(label, address, current) for each way of showing this search."""
        return [(label, self.url(view=name), name == self.shown_as) for name, label in VIEWS]

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
