"""Sentences, and readable paragraphs for texts that come as walls of text.

Security Council records reach us without line breaks: every speech is one block (the median
block is about 680 words). `segment_paragraphs` cuts such blocks into paragraphs by a fixed,
deterministic method, so the same text always yields the same paragraphs and paragraph
permalinks survive a re-import:

1. **Sentences.** A sentence ends at `.`, `!` or `?` (with any closing quote or bracket)
   followed by a space and a capital letter, a digit or an opening quote; not after a title or
   abbreviation (`Mr.`, `No.`, `para.`, `e.g.`, a single initial), and not inside a short
   quotation. `S/RES/2341 (2017).` ends a sentence; `S/PV.8712` does not.
2. **Turns.** Each sentence gets a score for opening a paragraph from the words it starts with:
   the turns UN speakers mark (`First,`, `Secondly,`, `Finally,`, `In conclusion,`,
   `Let me turn to`, `With regard to`, `I now give the floor`, `I thank`, `Mr. President,`)
   score high; words that lean on the sentence before (`In that regard`, `However,`, `That`,
   `It`, `For example`) score below zero.
3. **Grouping.** Breaks are chosen by dynamic programming, the way a typesetter breaks lines:
   each paragraph costs the square of its distance from a comfortable length (about 110
   words; over 250 words costs much more), and a break earns the score of the sentence it
   opens. The cheapest set of breaks wins; ties go to the earlier break.

Texts that already have their paragraphs (the General Debate after reflow, press releases)
are left alone unless one paragraph is very long (over 400 words, a paragraph break lost in
the source). A wall is a text whose median paragraph is over 200 words: its paragraphs over
200 words are segmented.
"""

import itertools
import re
import statistics

TITLES = r"Mr|Mrs|Ms|Messrs|Mmes|Dr|Prof|Sr|Jr|St|Rev|Gen|Lt|Col|Capt|Amb|H\.E|Hon|Rt|Sen|Rep|Gov|Pres|Msgr|Mme|Mlle"
ABBREVIATIONS = re.compile(
    r"(?:\b(?:" + TITLES + r"|No|Nos|no|nos|res|Res|para|paras|art|Art|arts|Arts|vol|Vol|p|pp|ch|Ch|sect|Sect|"
    r"e\.g|i\.e|etc|cf|viz|vs|v|approx|Inc|Co|Ltd|Corp|Dept|Govt|U\.N|U\.S|U\.K|E\.U|a\.m|p\.m|op|Op|fig|Fig|"
    r"Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|PV|Add|Corr|Amend)|(?<![\w.])[A-Z])\.$"
)
# A full stop with no space after it still ends a sentence between two words
# (`this statement.In accordance`, a slip of the records' typesetting).
SENTENCE_BREAK = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])|(?<=[a-z]{3})[.?!](?=[A-Z][a-z])")
OPEN_QUOTE, CLOSE_QUOTE = "“", "”"
LONGEST_QUOTATION = 600  # characters; an opening quote not closed by then is a typo, not a quotation


def split_sentences(paragraph: str) -> list[tuple[int, str]]:
    """Split a paragraph into sentences, each with its offset in the paragraph.

    Titles and abbreviations (`Mr.`, `No.`, `e.g.`) and single initials do not end a
    sentence, nor does a full stop inside a short quotation (`“... dangerous times. ... And”`).
    """
    quoted = _quoted_spans(paragraph)
    sentences, start = [], 0
    for match in SENTENCE_BREAK.finditer(paragraph):
        if ABBREVIATIONS.search(paragraph, max(start, match.start() - 12), match.start() + 1):
            continue
        stop = match.start() + len(match.group().rstrip())  # after the closing quotes and brackets
        if any(begin < stop <= end for begin, end in quoted):
            continue
        sentences.append((start, paragraph[start : match.end()].strip()))
        start = match.end()
    if start < len(paragraph):
        sentences.append((start, paragraph[start:].strip()))
    return sentences


def _quoted_spans(text):
    """Where short quotations stand: curly quotes, and straight double quotes taken in pairs."""
    if '"' not in text and OPEN_QUOTE not in text:
        return []
    spans = []
    for match in re.finditer(rf"“[^“”]{{1,{LONGEST_QUOTATION}}}”", text):
        spans.append((match.start(), match.end() - 1))
    if '"' in text:
        for match in re.finditer(rf'"[^"]{{1,{LONGEST_QUOTATION}}}"', text):
            spans.append((match.start(), match.end() - 1))
    return spans


# How strongly the first words of a sentence mark a new paragraph (studied on the 2020
# Security Council records: the words UN speakers open a point, a topic or a procedure with).
TURNS = [
    (5, r"I (?:now |shall now |will now )?(?:give|call on|invite)\b.{0,80}\bfloor|I (?:now |shall now )?resume\b"),
    (
        4,
        (
            r"(?:In conclusion|To conclude|In closing|To sum up|In summary|Last but not least|Lastly)\b"
            r"|(?:Finally|First(?:ly)?|First of all|Second(?:ly)?|Third(?:ly)?|Fourth(?:ly)?|Fifth(?:ly)?|Sixth(?:ly)?|"
            r"Seventh(?:ly)?|Eighth(?:ly)?|Ninth(?:ly)?|Tenth(?:ly)?)\s*,"
            r"|(?:Let|Allow|Permit) me (?:now |also |finally |further |briefly )?(?:turn|conclude|close|end|move|address|"
            r"focus|comment|touch|say a (?:few )?words?|make|highlight|stress|emphasize|underline|share|raise|mention|"
            r"begin|start|come)\b"
            r"|I (?:will|would|shall|wish to|want to|would like to) (?:now |also |briefly |finally )?(?:turn|conclude|"
            r"close|end|focus|address|make|highlight|raise|move|comment|touch|share|begin)\b"
            r"|(?:I now|Now,? I|I will now|Now let me|Let me now) turn\b|Turning (?:now )?to\b|(?:Before|As I) (?:I )?"
            r"conclud|On a (?:final|last|related|separate|different) (?:note|point)\b"
        ),
    ),
    (
        3,
        (
            r"(?:With (?:regard|respect|reference) to|Regarding|As regards|As for|As to|Concerning|In terms of|"
            r"On the (?:issue|question|subject|matter|topic) of|On the (?:political|humanitarian|security|economic|human "
            r"rights|peace|electoral|legal|other)\b|At the outset|Mr\.? President|Madam President|Mr\.? Chair|Madam Chair|"
            r"Excellencies|Colleagues)\b"
            r"|(?:I|We) (?:also |would also like to |would like to |wish to |want to |must |should )?(?:thank|welcome|"
            r"congratulate|commend)\b"
            r"|(?:Let|Allow) me (?:also |first |now |at the outset )?(?:thank|welcome|congratulate|commend|express)\b"
            r"|(?:Another|The (?:first|second|third|fourth|fifth|last|final|next|other)) (?:point|issue|area|aspect|"
            r"priority|element|concern|challenge|question|topic|pillar|matter)\b"
        ),
    ),
    (
        2,
        (
            r"(?:In addition|Furthermore|Additionally|Also|Likewise|Similarly|Meanwhile|At the same time|Today|Last year|"
            r"This year|In (?:19|20)\d\d|Over the past|Since|Against that backdrop|Going forward|Looking ahead|"
            r"For our part|For its part|We (?:call|urge|encourage|reiterate|support|condemn|stress|underscore|recall|"
            r"remain|are (?:deeply |gravely |seriously )?concerned|note|recognize|believe|reaffirm|look forward))\b"
        ),
    ),
    (
        -3,
        (
            r"(?:In (?:that|this|the same) (?:regard|respect|context|connection|vein|spirit|sense|light|case)|To (?:that|"
            r"this) end|That is (?:why|because|the|what|also|a|an|not|how)|This is (?:why|because|what|also)|"
            r"However|But|And|Or|Yet|So|Thus|Hence|Therefore|Accordingly|Consequently|Indeed|In fact|Of course|"
            r"In particular|Particularly|Notably|Specifically|For (?:example|instance)|Such|Those|These|That|This|It|They|"
            r"He|She|Its|Their|His|Her|Then|Instead|Otherwise|Nevertheless|Nonetheless|Even|Still|Rather|As a result|"
            r"As such|Above all|In other words|Namely|Moreover|Again|Here|There)\b"
        ),
    ),
]
TURN_PATTERNS = [(score, re.compile(pattern)) for score, pattern in TURNS]

COMFORTABLE_WORDS = 110
LONG_WORDS = 250  # beyond this a paragraph costs much more
SHORTEST_WORDS = 25  # below this a paragraph needs a strong turn to stand alone
WALL_MEDIAN_WORDS = 200
SEGMENT_ABOVE_WORDS = 200  # in a wall
SEGMENT_ANY_ABOVE_WORDS = 400  # in any text
TURN_WEIGHT = 0.35
LONGEST_PARAGRAPH_SENTENCES = 40


def turn_score(sentence: str) -> int:
    """How strongly a sentence's first words mark a new paragraph (negative: it leans on the last)."""
    sentence = sentence.lstrip("\"“‘'([ ")
    for score, pattern in TURN_PATTERNS:
        if pattern.match(sentence):
            return score
    return 0


def segment_paragraphs(paragraphs: list[str]) -> list[str]:
    """The paragraphs with walls of text cut into readable paragraphs (see the module's doc)."""
    lengths = [_words(paragraph) for paragraph in paragraphs]
    if not lengths:
        return []
    wall = statistics.median(lengths) > WALL_MEDIAN_WORDS
    limit = SEGMENT_ABOVE_WORDS if wall else SEGMENT_ANY_ABOVE_WORDS
    result = []
    for paragraph, length in zip(paragraphs, lengths):
        result.extend(segment_block(paragraph) if length > limit else [paragraph])
    return result


def segment_block(block: str) -> list[str]:
    """One block of text as paragraphs of whole sentences, cut where the cost is least."""
    sentences = [sentence for _, sentence in split_sentences(block)]
    if len(sentences) < 2:
        return [block]
    words = [_words(sentence) for sentence in sentences]
    scores = [turn_score(sentence) for sentence in sentences]
    count = len(sentences)
    # best[i]: the least cost of laying out sentences[:i]; start[i]: where its last paragraph starts.
    best = [0.0] + [float("inf")] * count
    start = [0] * (count + 1)
    for end in range(1, count + 1):
        length = 0
        for begin in range(end - 1, max(-1, end - 1 - LONGEST_PARAGRAPH_SENTENCES), -1):
            length += words[begin]
            cost = best[begin] + _paragraph_cost(length, begin, end, count, scores)
            if cost < best[end]:
                best[end], start[end] = cost, begin
            if length > 3 * LONG_WORDS:
                break
    cuts, end = [], count
    while end > 0:
        cuts.append(start[end])
        end = start[end]
    cuts.reverse()
    bounds = cuts + [count]
    return [" ".join(sentences[a:b]) for a, b in itertools.pairwise(bounds)]


def _paragraph_cost(length, begin, end, count, scores):
    cost = ((length - COMFORTABLE_WORDS) / COMFORTABLE_WORDS) ** 2
    if length > LONG_WORDS:
        cost += ((length - LONG_WORDS) / 50) ** 2
    if begin > 0:
        cost -= TURN_WEIGHT * scores[begin]
    if length < SHORTEST_WORDS and not _may_be_short(begin, end, count, scores):
        cost += 1.5
    return cost


def _may_be_short(begin, end, count, scores):
    """The president's procedure stands alone, and so may a speech's closing point."""
    opens = scores[begin] if begin > 0 else 0
    return opens >= 5 or (end < count and scores[end] >= 5) or (end == count and opens >= 4)


def _words(text):
    return len(text.split())
