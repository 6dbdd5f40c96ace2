"""Likely duplicate speaker records, for an editor to review and merge.

One person often ends up as several records: OCR and transliteration variants (Jiirgen and
Juergen Schulz, Abdullah and Abudullah Al-Saadi) and short and long forms the importer could
not join safely (`Nebenzia` beside `Vassily A. Nebenzia` when two Nebenzias were known). Two
records are proposed only when they share a delegation: people of different delegations are
never proposed, and nothing is merged without an editor.
"""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db.models import Count, Max, Min

from .models import Speaker

DUPLICATE_PAIRS_A_PAGE = 100
SIMILARITY = 0.85  # of the whole names, accents and case aside: "jiirgen schulz" / "juergen schulz" is 0.86


@dataclass(frozen=True)
class DuplicatePair:
    """Two records that are probably one person, and why."""

    first: Speaker
    second: Speaker
    reason: str
    similarity: float

    @property
    def speakers(self):
        return (self.first, self.second)


def _words(name):
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return [word.strip(".,") for word in plain.replace("-", " ").split() if word.strip(".,")]


def _shorter_form(a, b):
    """'Nebenzia' or 'V. Nebenzia' is a shorter form of 'Vassily A. Nebenzia'; 'Ken' is not of 'Koro'."""
    shorter, longer = sorted((a, b), key=len)
    return all(len(word) == 1 and any(word[0] == other[0] for other in longer) for word in shorter) or not shorter


def likeness(a_words: list[str], b_words: list[str]) -> tuple[str, float] | None:
    """Why two names, as _words() reads them, are probably one person's, with their similarity;
    None when they are not."""
    if not a_words or not b_words:
        return None
    if a_words == b_words:
        return "the same name, written differently", 1.0
    matcher = SequenceMatcher(None, " ".join(a_words), " ".join(b_words))
    if a_words[-1] != b_words[-1] and (
        a_words[0][0] != b_words[0][0] or matcher.real_quick_ratio() < SIMILARITY or matcher.quick_ratio() < SIMILARITY
    ):
        # Most pairs of a delegation are plainly two people; the upper bounds above rule them out
        # without the full comparison (the whole corpus's review list: 4.7 s before).
        return None
    similarity = matcher.ratio()
    if a_words[-1] == b_words[-1]:
        given_a, given_b = " ".join(a_words[:-1]), " ".join(b_words[:-1])
        if _shorter_form(a_words[:-1], b_words[:-1]):
            return "same surname; one name is a shorter form of the other", max(similarity, 0.95)
        if SequenceMatcher(None, given_a, given_b).ratio() >= 0.7:
            return "same surname, given names alike (a spelling or OCR variant?)", similarity
        return None
    if similarity >= SIMILARITY and a_words[0][0] == b_words[0][0]:
        return f"names {similarity:.0%} alike (a spelling or OCR variant?)", similarity
    return None


def likely_duplicates(speakers=None) -> list[DuplicatePair]:
    """Pairs of records of one delegation whose names are probably one person's, likeliest first.

    Each speaker comes with statement_count, first_year and last_year for the evidence.
    """
    speakers = (speakers if speakers is not None else Speaker.objects.all()).select_related("country")
    speakers = speakers.annotate(
        statement_count=Count("statements"), first_year=Min("statements__year"), last_year=Max("statements__year")
    )
    by_delegation = defaultdict(list)
    for speaker in speakers:
        by_delegation[speaker.country_id].append(speaker)
    pairs = []
    for group in by_delegation.values():
        group.sort(key=lambda speaker: speaker.pk)
        words = [_words(speaker.name) for speaker in group]
        for index, first in enumerate(group):
            for offset, second in enumerate(group[index + 1 :], start=index + 1):
                found = likeness(words[index], words[offset])
                if found:
                    pairs.append(DuplicatePair(first, second, *found))
    return sorted(pairs, key=lambda pair: (-pair.similarity, pair.first.name))


def pair_matches(pair: DuplicatePair, wanted: str) -> bool:
    """Whether every word typed is in either record's name or in the delegation (accents and
    case aside): "schulz", "germany", "juergen germany"."""
    haystack = " ".join(_words(f"{pair.first.name} {pair.second.name} {pair.first.country or ''}"))
    return all(word in haystack for word in _words(wanted))
