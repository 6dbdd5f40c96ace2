"""Statement text as HTML: every character escaped, citations linked where they stand.

Statements are untrusted text (an imported file may hold `<script>`), so nothing here marks
raw text safe: spans are found in the raw text, then each piece is escaped on its own and
only the links around cited numbers are markup we write.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .keys import resolution_in_prose
from .models import Citation
from .parsing.citations import ResolutionRef, citation_mentions


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    url: str
    title: str


def resolution_pattern(resolution):
    """How a resolution's number appears in prose: 2341, S/RES/2341, 46/182, A/RES/46/182."""
    return re.compile(resolution_in_prose(resolution.body, resolution.session, resolution.number))


def symbol_pattern(symbol):
    """A normalised symbol (S/PV.8699 (Resumption 1)) as the text may write it: any case and spacing.

    The source may break a symbol after a slash or full stop (`A/HRC/ RES/41/2`, `A/34/PV. 31`).
    """
    parts = [
        r"\s*" if char == " " else r"\s*\(" if char == "(" else re.escape(char) + (r"\s?" if char in "/." else "")
        for char in symbol
    ]
    return re.compile(r"(?<![\w/])" + "".join(parts) + r"(?![\w/])", re.IGNORECASE)


def _span_in(paragraph, sentence, pattern, url, title):
    """The first match inside the citing sentence, or in the paragraph if the sentence is not found."""
    offset = paragraph.find(sentence) if sentence else -1
    window = paragraph[offset : offset + len(sentence)] if offset >= 0 else paragraph
    match = pattern.search(window)
    if not match:
        return None
    base = max(offset, 0)
    return Span(base + match.start(), base + match.end(), url, title)


def render_with_links(text, spans, css_class="cite"):
    """Escape `text`, wrapping each non-overlapping span in a link."""
    parts, position = [], 0
    for span in sorted(spans, key=lambda span: span.start):
        if span.start < position:
            continue
        parts.append(escape(text[position : span.start]))
        parts.append(
            format_html(
                '<a class="{}" href="{}" title="{}">{}</a>',
                css_class,
                span.url,
                span.title,
                text[span.start : span.end],
            )
        )
        position = span.end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # every piece above is escaped or built by format_html


def symbol_url(symbol, meeting_urls):
    """A cited document's page here when it is a meeting we hold, else a search for statements citing it."""
    return meeting_urls.get(symbol) or reverse("statements:search") + "?" + urlencode({"q": symbol})


def linked_paragraphs(statement, citations, references, meeting_urls):
    """The statement's paragraphs as [(number, html)], citations linked inside the text.

    A stored citation records the first paragraph and sentence citing the resolution; the text
    is read again (the pure parser, as at import) for the later places that cite it, so a
    resolution cited in the opening and again in the closing is linked in both. Only what is
    stored is linked: a citation an editor removed stays plain text.
    """
    paragraphs = statement.paragraphs
    resolutions = {(c.resolution.body, c.resolution.session, c.resolution.number): c for c in citations}
    symbols = {reference.symbol: reference for reference in references}
    places = [(citation, citation.paragraph, citation.sentence) for citation in citations]
    places += [(reference, reference.paragraph, reference.sentence) for reference in references]
    for mention in citation_mentions(paragraphs, statement.year):
        cited = resolutions.get(mention.key) if isinstance(mention, ResolutionRef) else symbols.get(mention.symbol)
        if cited is not None:
            places.append((cited, mention.paragraph, mention.sentence))
    spans = {index: set() for index in range(len(paragraphs))}
    for cited, paragraph, sentence in places:
        if paragraph not in spans:
            continue
        if isinstance(cited, Citation):
            resolution = cited.resolution
            pattern, url = resolution_pattern(resolution), resolution.get_absolute_url()
            title = f"Resolution {resolution.short_label}: every statement citing it"
        else:
            pattern, url = symbol_pattern(cited.symbol), symbol_url(cited.symbol, meeting_urls)
            title = f"{cited.symbol}: statements citing it"
        span = _span_in(paragraphs[paragraph], sentence, pattern, url, title)
        if span:
            spans[paragraph].add(span)
    return [(index + 1, render_with_links(paragraph, spans[index])) for index, paragraph in enumerate(paragraphs)]


def marked_sentence(citation):
    """The sentence that cites a resolution, escaped, with the number in <mark>."""
    sentence = citation.sentence
    match = resolution_pattern(citation.resolution).search(sentence)
    if not match:
        return escape(sentence)
    return format_html("{}<mark>{}</mark>{}", sentence[: match.start()], match.group(), sentence[match.end() :])
