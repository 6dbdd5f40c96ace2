"""Snippets for search results: a window of a statement's text with the matched words marked.

Built from the database text, escaped first and then marked, never with haystack's
{% highlight %} tag, which lets `<img src=x onerror=...` through (issue 5). The cost is
bounded whatever the statement: one linear scan of its first SCAN_CHARS characters and at
most MAX_CANDIDATES words looked at (haystack's highlighter took 45 s on a 162 KB text).
"""

import re
from dataclasses import dataclass
from itertools import islice

from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..keys import parse_resolution_key, resolution_in_prose
from .query import ANALYZER, ParsedQuery, read_prefix

SNIPPET_CHARS = 300
SCAN_CHARS = 200_000  # how far into a statement to look for a matched word
MAX_CANDIDATES = 60
MAX_REMEMBERED_WORDS = 5_000


@dataclass(frozen=True)
class Snippet:
    """A window of a statement's text, escaped, with the matched words in <mark>."""

    html: str
    start: int
    end: int
    length: int

    @property
    def starts_mid_text(self):
        return self.start > 0

    @property
    def ends_mid_text(self):
        return self.end < self.length


class Highlighter:
    """Finds where a statement matches a query and marks it; cost bounded whatever the text."""

    def __init__(self, parsed: ParsedQuery):
        self.terms = set()
        self.starts = ()  # of prefix clauses: a word whose stem starts with one is marked
        prefixes = set()
        exact = []
        for clause in parsed.clauses:
            if clause.negated:
                continue
            if clause.kind == "resolution":
                if resolution := parse_resolution_key(clause.value):
                    exact.append(resolution_in_prose(*resolution))
            elif clause.kind == "symbol":
                exact.append(r"\s*".join(re.escape(char) for char in clause.value))
            elif clause.kind == "prefix":
                wanted = read_prefix(clause.value)
                self.starts += (wanted.start,)
                self.terms.update(wanted.stems)
                prefixes.update(_common_prefix(wanted.start, stem) for stem in wanted.stems)
                prefixes.add(wanted.start)
            else:
                for word in clause.value.split():
                    for token in ANALYZER(word):
                        self.terms.add(token.text)
                        prefixes.add(_common_prefix(word.lower(), token.text))
        self.exact = re.compile("|".join(exact), re.IGNORECASE) if exact else None
        words = sorted((p for p in prefixes if p), key=len, reverse=True)
        self.candidates = re.compile(rf"\b(?:{'|'.join(map(re.escape, words))})\w*", re.IGNORECASE) if words else None
        self._analysed = {}

    def tokens(self, word):
        """(stem, start, end) of each token the index's analyzer makes of a word, remembered for
        the request: a page's statements repeat the same few matched words hundreds of times
        (Tuvalu's speeches name Tuvalu dozens of times each), and stemming was most of a
        results page's highlighting time. At most MAX_REMEMBERED_WORDS are kept."""
        analysed = self._analysed.get(word)
        if analysed is None:
            analysed = tuple((token.text, token.startchar, token.endchar) for token in ANALYZER(word, chars=True))
            if len(self._analysed) < MAX_REMEMBERED_WORDS:
                self._analysed[word] = analysed
        return analysed

    def snippet(self, text: str, width: int = SNIPPET_CHARS) -> Snippet:
        hits = self._hits(text[:SCAN_CHARS])
        anchor = self._best_anchor(hits, width) if hits else 0
        start = max(0, min(anchor - width // 4, len(text) - width))
        start = _word_start(text, start) if start else 0
        end = _word_end(text, min(len(text), start + width))
        window = text[start:end]
        parts, position = [], 0
        for hit_start, hit_end in _joined(self._hits(window), window):
            parts.append(escape(window[position:hit_start]))
            parts.append(f"<mark>{escape(window[hit_start:hit_end])}</mark>")
            position = hit_end
        parts.append(escape(window[position:]))
        return Snippet(mark_safe("".join(parts)), start, end, len(text))

    def _hits(self, text):
        """(start, end) of matched words, in order; at most MAX_CANDIDATES looked at."""
        hits = []
        if self.exact:
            hits.extend(m.span() for m in islice(self.exact.finditer(text), MAX_CANDIDATES))
        if self.candidates:
            for match in islice(self.candidates.finditer(text), MAX_CANDIDATES):
                for stem, start, end in self.tokens(match.group()):
                    if stem in self.terms or stem.startswith(self.starts):
                        hits.append((match.start() + start, match.start() + end))
        return sorted(hits)

    def _best_anchor(self, hits, width):
        """The hit starting the window that holds the most matches."""
        best, best_count = hits[0][0], 0
        for index, (hit_start, _end) in enumerate(hits):
            count = sum(1 for other, _ in hits[index:] if other < hit_start + width * 3 // 4)
            if count > best_count:
                best, best_count = hit_start, count
        return best


def _joined(hits, text):
    """Hits in order without overlaps, neighbours joined: "<mark>climate change</mark>"."""
    spans = []
    for start, end in hits:
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        elif spans and not text[spans[-1][1] : start].strip():
            spans[-1][1] = end
        else:
            spans.append([start, end])
    return spans


def _common_prefix(word, stem):
    size = 0
    for a, b in zip(word, stem):
        if a != b:
            break
        size += 1
    return word[: max(size, 2)] if size >= 2 else stem


def _word_start(text, position):
    space = text.rfind(" ", max(0, position - 20), position)
    return space + 1 if space != -1 else position


def _word_end(text, position):
    space = text.find(" ", position, position + 20)
    return space if space != -1 else position
