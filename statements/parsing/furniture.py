"""Removing the page furniture of UN documents that leaked into a statement's text.

Texts cut from printed records carry the pages' running heads and feet: the record symbol
and date (`16/01/2020 The situation in the Middle East S/PV.8704`), the document's job
number (`20-07478`), page counters (`25/26`, `Page 2|6`, a lone `411`) and session lines
(`12 General Assembly - Forty-eighth session`). In General Debate texts they stand on lines
of their own; in Security Council texts, which have no line breaks, they sit inside
sentences. They are removed before the text is read, so they never become paragraphs or
citations.

The meeting's own symbol and agenda topic, when the caller knows them (a manifest row),
are passed as `running_heads`: a record never cites itself, so its own symbol outside
brackets is always a running head, and the topic printed beside it goes with it.
"""

import re

DATE_NUMERIC = r"\d{2}/\d{2}/(?:19|20)\d{2}"
JOB_NUMBER = r"\d{2}-\d{5}(?:\s*\(E\))?"
PAGE_COUNTER = r"\d{1,3}/\d{1,3}"
RECORD_SYMBOL = r"(?:S/PV|A/(?:\d{1,2}/)?PV)\.\d{1,5}(?:\s*\((?:Resumption|Part)\s*\d\))?"
ORDINAL_SESSION = r"[A-Z][a-z]+(?:-[a-z]+)?\s+session"
YEARISH = r"[\dlI]{4}"  # OCR reads 1993 as l993

# Lines that are nothing but furniture.
FURNITURE_LINE = re.compile(
    r"^(?:"
    r"\d{1,4}"  # a page number
    r"|" + JOB_NUMBER + r"(?:\s+(?:\d{1,4}|" + PAGE_COUNTER + r"))?"
    r"|(?:\d{1,4}|"
    + PAGE_COUNTER
    + r")\s+"
    + JOB_NUMBER
    + r"|(?:"
    + DATE_NUMERIC
    + r"\s+)?"
    + RECORD_SYMBOL
    + r"(?:\s+"
    + DATE_NUMERIC
    + r")?"
    r"|A/PV\.\d{1,5}(?:\s+and\s+Corr\.[1l])?"
    r"|\d{1,4}\s+General\s+Assembly\s*[-–—]\s*"
    + ORDINAL_SESSION
    + r"|General\s+Assembly\s*[-–—]\s*"
    + ORDINAL_SESSION
    + r"(?:\s+\d{1,4})?"
    r"|(?:\d{1,4}\s+)?" + ORDINAL_SESSION + r"\s*[-–—]?\s*\d{1,2}\s+[A-Z][a-z]+\s+" + YEARISH + r"(?:\s+\d{1,4})?"
    r"|(?:\d{1,4}\s+)?General\s+Assembly\s+\d{1,3}(?:st|nd|rd|th)\s+(?:plenary\s+)?meeting(?:\s+\d{1,4})?"
    r"|Page\s+\d{1,3}(?:\s*(?:\||/|of)\s*\d{1,3})?"
    r")$"
)

# Furniture inside a line. A page counter counts only in a pair (`3/31 4/31`) or beside a
# job number or symbol: alone, `9/11` or `24/25 March` may be the speaker's words. Each
# pattern goes with a cheap test that most lines fail, as Security Council texts are one
# long line each.
INLINE_FURNITURE = [
    # 16/01/2020 The situation in the Middle East S/PV.8704 (and the mirror image)
    (
        re.compile(r"\d\d/\d\d/\d{4}"),
        re.compile(r"\b" + DATE_NUMERIC + r"(?:\s+[A-Z][^.!?;:()\d]{0,200}?)?\s+" + RECORD_SYMBOL),
    ),
    (
        re.compile(r"\d\d/\d\d/\d{4}"),
        re.compile(r"(?<![(\w/])" + RECORD_SYMBOL + r"(?:\s+[A-Z][^.!?;:()\d]{0,200}?)?\s+" + DATE_NUMERIC + r"\b"),
    ),
    # 25/26 S/2020/497 20-07478
    (
        re.compile(r"\d\d-\d{5}"),
        re.compile(
            r"(?:\b" + PAGE_COUNTER + r"\s+)?\b" + JOB_NUMBER + r"(?:\s+S/(?:19|20)\d\d/\d{1,4}\b)?"
            r"(?:\s+" + JOB_NUMBER + r")?(?:\s+" + PAGE_COUNTER + r"\b)?(?![\w/-])"
        ),
    ),
    (re.compile(r"\d\s+S/\d{4}/"), re.compile(r"\b" + PAGE_COUNTER + r"\s+S/(?:19|20)\d\d/\d{1,4}\b(?!\s*[),;])")),
    # The meeting rose at 12.15 p.m. (the record's note, not the speaker's words)
    (
        re.compile(r"The meeting"),
        re.compile(
            r"\bThe meeting (?:rose|was suspended|was resumed|was called to order) at "
            r"(?:noon|midnight|\d{1,2}(?:\.\d\d)?\s*[ap]\.\s?m\.)"
        ),
    ),
]
COUNTER_PAIR = re.compile(r"(?<![\w/.,])(\d{1,3})/(\d{1,3})\s+(\d{1,3})/(\d{1,3})(?![\w/])")
TRAILING_SYMBOL_STUB = re.compile(r"(?<=[.!?”\"’)])\s*[S$]/\d{0,4}$")
TRAILING_COUNTER = re.compile(r"\s+(\d{1,3})/(\d{1,3})(?:\s+[S$]/[\d/]*)?\s*$")
# A lone counter between words: `hundreds of 7/26 members`. Not after words that introduce
# session-numbered resolutions and decisions (`resolutions 71/205, 72/190 and 74/168`), not
# before a month (`24/25 March`), never 9/11 or 24/7.
LONE_COUNTER = re.compile(
    r"(?<![\w/.,-])(\d{1,3})/(\d{1,3})(?![\w/]|\s+(?:"
    + "January|February|March|April|May|June|July|August|September|October|November|December|of|th"
    + r")\b)"
)
INTRODUCES_NUMBER = re.compile(
    r"(?:[Rr]esolutions?|[Dd]ecisions?|[Dd]ocuments?|No\.|Nos\.|paras?\.|[,;&]|\band|\bor|\bto|ES-|RES/)\s*$"
)
NOT_COUNTERS = {"9/11", "24/7"}


def strip_furniture(lines: list[str], running_heads: tuple[str, ...] = ()) -> list[str]:
    """The lines with page furniture removed; a line that was only furniture becomes blank."""
    own = OwnHeads(running_heads)
    cleaned = []
    previous = ""
    for line in lines:
        if line and FURNITURE_LINE.match(line):
            cleaned.append("")
            continue
        cleaned.append(_strip_inline(line, own, previous) if line else line)
        previous = line or previous
    if cleaned:
        cleaned[-1] = _strip_trailing_counter(cleaned[-1])
    return _drop_blank_lines_left_by_furniture(lines, cleaned)


class OwnHeads:
    """The record's own symbol where it stands as a running head, with its topic and date beside it."""

    def __init__(self, running_heads):
        symbols = [head for head in running_heads if head and re.fullmatch(r"[AS]/\S+(?:\s*\(.*\))?", head)]
        self.topics = sorted((h for h in running_heads if h and h not in symbols and len(h) > 3), key=len, reverse=True)
        # A resumed meeting's record also carries the first part's symbol in its heads.
        self.bare = sorted({symbol.split(" (")[0] for symbol in symbols}, key=len, reverse=True)
        self.pattern = None
        if self.bare:
            self.pattern = re.compile(
                r"(?<![(\w/])(?<!see )(?:" + "|".join(map(re.escape, self.bare)) + r")"
                r"(?:\s*\((?:Resumption|Part)\s*\d\))?(?![\w/]|\)|\s*[),;]|\s+and\b)"
            )

    def strip(self, line):
        if self.pattern is None or not any(symbol in line for symbol in self.bare):
            return line
        spans = [self._widen(line, match.start(), match.end()) for match in self.pattern.finditer(line)]
        for start, end in reversed(spans):
            line = line[:start] + " " + line[end:]
        return line

    def _widen(self, line, start, end):
        before, after = line[:start].rstrip(), line[end:].lstrip()
        for topic in self.topics:
            if before.endswith(topic):
                start = len(before) - len(topic)
                break
        for topic in self.topics:
            if after.startswith(topic):
                end = len(line) - len(after) + len(topic)
                break
        date_before = re.search(DATE_NUMERIC + r"\s*$", line[:start])
        if date_before:
            start = date_before.start()
        date_after = re.match(r"\s*" + DATE_NUMERIC, line[end:])
        if date_after:
            end += date_after.end()
        return start, end


def _strip_inline(line, own, previous=""):
    line = own.strip(line)
    for quick_test, pattern in INLINE_FURNITURE:
        if quick_test.search(line):
            line = pattern.sub(" ", line)
    if "/" in line:
        line = COUNTER_PAIR.sub(_counter_pair, line)
        line = LONE_COUNTER.sub(lambda match: _lone_counter(match, line, previous), line)
    return re.sub(r"\s{2,}", " ", line).strip()


def _counter_pair(match):
    first, of, second, of_again = (int(group) for group in match.groups())
    if of == of_again and second == first + 1 and second <= of:
        return " "
    return match.group(0)


def _lone_counter(match, line, previous=""):
    first, of = int(match.group(1)), int(match.group(2))
    if match.group(0) in NOT_COUNTERS or not 1 <= first <= of or of < 2:
        return match.group(0)
    if line[: match.start()].strip():
        introduced = INTRODUCES_NUMBER.search(line, max(0, match.start() - 15), match.start())
    else:
        # A line break between the word and its number (`(resolution` / `60/288)`), common
        # in the General Debate texts: the word ends the line before (issue 10).
        introduced = INTRODUCES_NUMBER.search(previous.rstrip()[-15:])
    return match.group(0) if introduced else " "


def _strip_trailing_counter(line):
    """A page counter ending the text (`... the principles. 38/38`) is the last page's foot.

    So is the start of a symbol cut off after the last sentence (`... circumstances.S/2`).
    """
    line = TRAILING_SYMBOL_STUB.sub("", line)
    match = TRAILING_COUNTER.search(line)
    if (
        match
        and int(match.group(1)) <= int(match.group(2))
        and line[: match.start()].rstrip().endswith((".", "”", '"'))
    ):
        return line[: match.start()].rstrip()
    return line


def _drop_blank_lines_left_by_furniture(original, cleaned):
    """Furniture lines, and the blank lines around them, make no paragraph break of their own.

    A printed page break falls anywhere, mostly mid-sentence; where it happens to fall
    between paragraphs, the reflow still splits at the short line that ends the paragraph.
    """
    furniture = [bool(before) and not after for before, after in zip(original, cleaned)]
    result = []
    for index, line in enumerate(cleaned):
        if furniture[index]:
            continue
        if not line and (
            _next_text_is_furniture(cleaned, furniture, index, -1)
            or _next_text_is_furniture(cleaned, furniture, index, 1)
        ):
            continue
        result.append(line)
    return result


def _next_text_is_furniture(cleaned, furniture, index, step):
    index += step
    while 0 <= index < len(cleaned):
        if furniture[index]:
            return True
        if cleaned[index]:
            return False
        index += step
    return False
