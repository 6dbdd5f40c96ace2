"""Passages: the paragraphs of the statements a search finds that hold what it asks for.

A statement matches a search as a whole (the index knows statements, not paragraphs). Its
passages are the paragraphs that hold every word, prefix and phrase of the query, read with the
index's own analyzer (stemmed, common words left out, a phrase's words one after another),
and, for a resolution or document symbol, the paragraph the archive recorded as citing it
(Citation.paragraph, DocumentReference.paragraph). When no single paragraph holds all of it
(the words are spread over several), the paragraph holding most of it stands for the
statement, so every statement found has at least one passage.

Passages are numbered as on the statement's page: from 1, `#p12` being the twelfth.
"""

from dataclasses import dataclass, replace

from django.db.models import Prefetch

from ..keys import symbol_key
from ..models import Citation, DocumentReference, Statement
from .query import ANALYZER, read_prefix
from .snippets import Highlighter

PASSAGE_CHARS = 1200  # longer paragraphs are shown as a window around what matched
PASSAGES_PER_PAGE = 20
MAX_PASSAGE_PAGES = 25  # the first 500 passages; narrow the search for more
STATEMENTS_A_BATCH = 40


@dataclass(frozen=True)
class Passage:
    statement: Statement
    number: int  # from 1, as the page numbers paragraphs
    snippet: object  # snippets.Snippet: escaped, matched words marked
    complete: bool  # holds everything the query asks for

    @property
    def url(self):
        return f"{self.statement.get_absolute_url()}#p{self.number}"


class ParagraphMatcher:
    """Which paragraphs of a statement hold what a parsed query asks for."""

    def __init__(self, parsed):
        self.highlighter = Highlighter(parsed)
        positive = [clause for clause in parsed.clauses if not clause.negated]
        self.words = set()
        self.phrases = []
        self.prefixes = list(dict.fromkeys(read_prefix(c.value) for c in positive if c.kind == "prefix"))
        for clause in positive:
            terms = tuple(token.text for token in ANALYZER(clause.value))
            if clause.kind == "word" and terms:
                self.words.update(terms)
            elif clause.kind == "phrase" and terms:
                (self.phrases.append(terms) if len(terms) > 1 else self.words.update(terms))
        self.resolutions = {clause.value for clause in positive if clause.kind == "resolution"}
        self.symbols = {clause.value for clause in positive if clause.kind == "symbol"}
        self.parts = (
            len(self.words) + len(self.phrases) + len(self.prefixes) + len(self.resolutions) + len(self.symbols)
        )

    def scores(self, statement):
        """(paragraph index from 0, parts of the query it holds) for the paragraphs holding any,
        in reading order."""
        paragraphs = statement.paragraphs
        cited = {}
        for citation in statement.citations.all() if self.resolutions else ():
            key = citation.resolution.key
            if key in self.resolutions:
                cited.setdefault(citation.paragraph, set()).add(key)
        for reference in statement.document_references.all() if self.symbols else ():
            key = symbol_key(reference.symbol)
            if key in self.symbols:
                cited.setdefault(reference.paragraph, set()).add(key)
        for index, text in enumerate(paragraphs):
            held = len(cited.get(index, ()))
            if self.words or self.phrases or self.prefixes:
                held += self._text_parts(text)
            if held:
                yield index, held

    def _text_parts(self, text):
        if self.highlighter.candidates is None or not self.highlighter.candidates.search(text):
            return 0
        if not self.phrases:
            # Stem only the words that start like a query word: a paragraph's other words cannot
            # match, and stemming all of them was most of a results page's time (issue 11).
            found = set()
            wanted = len(self.words) + len(self.prefixes)
            for match in self.highlighter.candidates.finditer(text):
                for stem, _start, _end in self.highlighter.tokens(match.group()):
                    if stem in self.words:
                        found.add(stem)
                    found.update(prefix for prefix in self.prefixes if prefix.matches(stem))
                if len(found) == wanted:
                    break
            return len(found)
        tokens = [token.text for token in ANALYZER(text)]
        present = set(tokens)
        held = len(self.words & present)
        held += sum(1 for prefix in self.prefixes if any(map(prefix.matches, present)))
        for phrase in self.phrases:
            if set(phrase) <= present and _contains_run(tokens, phrase):
                held += 1
        return held

    def matching(self, statement, first_only=False):
        """(indexes from 0 of the paragraphs holding the whole query, True), or else
        ([the first of those holding most of it], False)."""
        if not self.parts:
            return [0], True
        indexes, best, best_held = [], 0, 0
        for index, held in self.scores(statement):
            if held == self.parts:
                indexes.append(index)
                if first_only:
                    break
            elif held > best_held:
                best, best_held = index, held
        return (indexes, True) if indexes else ([best], False)

    def passages(self, statement, width=PASSAGE_CHARS):
        """The statement's passages in reading order; at least one."""
        paragraphs = statement.paragraphs
        indexes, complete = self.matching(statement)
        return [
            Passage(statement, index + 1, self.highlighter.snippet(paragraphs[index], width), complete)
            for index in indexes
            if index < len(paragraphs)
        ]

    def first_paragraph(self, statement):
        """The number (from 1) of the first paragraph that holds the query, or of the best one."""
        indexes, _complete = self.matching(statement, first_only=True)
        return indexes[0] + 1


def _contains_run(tokens, run):
    size = len(run)
    first = run[0]
    return any(tokens[i : i + size] == list(run) for i, token in enumerate(tokens) if token == first)


def statements_for_passages(pks, matcher=None):
    """The statements, in the given order, with what the matcher's passages need: their
    citations and document references only when it asks for a resolution or a symbol (a General
    Debate speech cites dozens; a page of twenty read them all for a word search)."""
    statements = Statement.objects.with_people()
    if matcher is None or matcher.resolutions or matcher.symbols:
        citations = Prefetch("citations", queryset=Citation.objects.select_related("resolution"))
        references = Prefetch("document_references", queryset=DocumentReference.objects.all())
        statements = statements.prefetch_related(citations, references)
    found = statements.in_bulk(pks)
    return [found[pk] for pk in pks if pk in found]


@dataclass(frozen=True)
class PassagePage:
    passages: list
    outcome: object  # the first batch's SearchOutcome: the statements' total and facets
    start: int  # the first passage's number in the whole list, from 1
    more: bool  # another page follows

    @property
    def end(self):
        return self.start + len(self.passages) - 1


def passages_page(engine, request, number, per_page=PASSAGES_PER_PAGE):
    """Page `number` of the passages of the statements a search finds, in the search's order.

    The statements are read a batch at a time in the search's order and their passages counted
    until this page is full, so a page costs the passages before it (pages far in are slower;
    the facets are counted once, on the first batch)."""
    matcher = ParagraphMatcher(request.query)
    skip = (number - 1) * per_page
    batch = replace(request, page=1, per_page=STATEMENTS_A_BATCH)
    outcome, collected = None, []
    while True:
        found = engine.run(batch)
        outcome = outcome or found
        for statement in statements_for_passages(found.pks, matcher):
            for passage in matcher.passages(statement):
                if skip:
                    skip -= 1
                elif len(collected) < per_page:
                    collected.append(passage)
                else:
                    return PassagePage(collected, outcome, (number - 1) * per_page + 1, more=True)
        if len(found.pks) < STATEMENTS_A_BATCH:
            return PassagePage(collected, outcome, (number - 1) * per_page + 1, more=False)
        batch = replace(batch, page=batch.page + 1, facets=())
