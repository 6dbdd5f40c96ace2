"""Atom feeds of new statements: everything, one speaker's, country's or resolution's, or a search's.

Entries link to a statement's stable address (/statements/<id>/), which is also the entry's id,
so a corrected title does not make a feed reader show the statement again as new.
"""

import datetime
from dataclasses import replace

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.views.decorators.http import require_safe

from .models import Country, Resolution, Speaker, Statement
from .search.engine import search_engine
from .search.forms import SearchForm

FEED_ITEMS = 30


class TextAtom1Feed(Atom1Feed):
    """Atom whose entry summaries are plain text: a feed reader shows stored text, never runs it.

    Django marks summaries type="html", so a statement holding `<img onerror=...>` would be
    markup in a reader; as type="text" the reader shows the characters as written.
    """

    def add_item_elements(self, handler, item):
        summary = item["description"]
        super().add_item_elements(handler, {**item, "description": None})
        if summary is not None:
            handler.addQuickElement("summary", summary, {"type": "text"})


class LatestStatementsFeed(Feed):
    """The statements most recently added to the archive."""

    feed_type = TextAtom1Feed
    title = "Statements Archive: new statements"
    subtitle = "Statements newly added to the archive."

    def link(self):
        return reverse("statements:statement-list")

    def statements(self, obj):
        return Statement.objects.all()

    def items(self, obj=None):
        return self.statements(obj).with_citations().order_by("-created", "-pk")[:FEED_ITEMS]

    def item_link(self, statement):
        return reverse("statements:statement-detail-short", args=[statement.pk])

    def item_title(self, statement):
        return statement.display_title

    def item_description(self, statement):
        return Truncator(" ".join(statement.paragraphs[:2])).words(80)

    def item_author_name(self, statement):
        who, delegation = statement.who, statement.delegation_name
        if who and delegation:
            return f"{who} ({delegation})"
        return who or delegation or None

    def item_pubdate(self, statement):
        if statement.date:
            return datetime.datetime.combine(statement.date, datetime.time(), tzinfo=datetime.UTC)
        return statement.created

    def item_updateddate(self, statement):
        return statement.modified

    def item_categories(self, statement):
        return [citation.resolution.symbol for citation in statement.citations.all()]


class SpeakerFeed(LatestStatementsFeed):
    def get_object(self, request, pk):
        return get_object_or_404(Speaker.objects.select_related("country"), pk=pk)

    def title(self, speaker):
        return f"Statements Archive: statements by {speaker}"

    def subtitle(self, speaker):
        return f"New statements by {speaker}."

    def link(self, speaker):
        return speaker.get_absolute_url()

    def statements(self, speaker):
        return speaker.statements.all()


class CountryFeed(LatestStatementsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Country, slug=slug)

    def title(self, country):
        return f"Statements Archive: statements by {country}"

    def subtitle(self, country):
        return f"New statements by the delegation of {country}."

    def link(self, country):
        return country.get_absolute_url()

    def statements(self, country):
        return Statement.objects.of_delegation(country)


class ResolutionFeed(LatestStatementsFeed):
    def get_object(self, request, number, session=None):
        if session is None:
            return get_object_or_404(Resolution, body=Resolution.Body.SECURITY_COUNCIL, number=number)
        return get_object_or_404(Resolution, body=Resolution.Body.GENERAL_ASSEMBLY, session=session, number=number)

    def title(self, resolution):
        return f"Statements Archive: statements citing {resolution.symbol}"

    def subtitle(self, resolution):
        return f"New statements that cite {resolution.get_body_display()} resolution {resolution.short_label}."

    def link(self, resolution):
        return resolution.get_absolute_url()

    def statements(self, resolution):
        return Statement.objects.citing(resolution)


class SearchFeed(LatestStatementsFeed):
    """The newest statements (by the date they were made) matching a search from /search/."""

    def get_object(self, request):
        form = SearchForm(request.GET)
        form.full_clean()
        return form

    def title(self, form):
        text = form.query.text
        return f"Statements Archive: search for “{text}”" if text else "Statements Archive: search"

    def subtitle(self, form):
        return "The newest statements matching a search of the archive."

    def link(self, form):
        return reverse("statements:search") + form.url()

    def feed_url(self, form):
        return reverse("statements:search-feed") + form.url()

    def items(self, form):
        request = replace(form.search_request(), sort="newest", page=1, per_page=FEED_ITEMS)
        pks = search_engine().run(request).pks
        found = Statement.objects.with_citations().in_bulk(pks)
        return [found[pk] for pk in pks if pk in found]


search_feed_view = SearchFeed()


@require_safe
def search_feed(request):
    """/search/feed/?<the search's parameters>: a 400 for parameters the search page would refuse."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        message = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        return HttpResponseBadRequest(f"This search cannot be made: {message}", content_type="text/plain")
    return search_feed_view(request)
