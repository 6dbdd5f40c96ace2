"""Turning a file's bytes into clean paragraphs: decoding, reflowing hard-wrapped lines."""

import re
import statistics


class ParseError(ValueError):
    """The input cannot be read as a statement; the message says why."""


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252 text."""
    if not data.strip():
        raise ParseError("the file is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        return _refuse_wordless(_decode(data[3:], "utf-8"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _refuse_wordless(_decode(data, "utf-16"))
    if b"\x00" in data:
        raise ParseError("the file is binary, not text (it contains NUL bytes)")
    try:
        return _refuse_wordless(_refuse_control_characters(data.decode("utf-8")))
    except UnicodeDecodeError:
        pass
    # Word-processor exports from ministries are often Windows-1252 ("smart quotes").
    return _refuse_implausible_cp1252(_decode(data, "cp1252"))


def _decode(data, encoding):
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ParseError(f"the text is not valid {encoding} (byte {error.start})") from None
    return _refuse_control_characters(text)


# Control characters that text files do not hold: everything below space but tab, line and
# page breaks, and DEL. Binary data without NUL bytes is full of them (about 1 byte in 10).
BINARY_CONTROLS = re.compile(r"[\x01-\x08\x0e-\x1f\x7f]")
LONG_ENOUGH_TO_JUDGE = 200


def _refuse_control_characters(text):
    controls = len(BINARY_CONTROLS.findall(text))
    if controls > 2 and controls > len(text) / 100:
        raise ParseError(
            f"the file is binary, not text ({controls:,} control characters in {len(text):,}, "
            f"{controls / len(text):.0%})"
        )
    return text


def _refuse_implausible_cp1252(text):
    """Windows-1252 text is Western European prose: mostly ASCII letters, words between spaces.

    Any bytes decode as Windows-1252, so random or compressed data that is not valid UTF-8
    would otherwise become pages of accented letters and symbols.
    """
    if len(text) < LONG_ENOUGH_TO_JUDGE:
        return text
    visible = sum(1 for character in text if not character.isspace())
    spaces = len(text) - visible
    beyond_ascii = sum(1 for character in text if ord(character) > 127)
    if beyond_ascii > 0.3 * max(visible, 1) or spaces < 0.05 * len(text):
        raise ParseError(
            "the file is binary or in an unknown encoding, not text: read as Windows-1252, "
            f"{beyond_ascii / max(visible, 1):.0%} of its characters are outside ASCII and "
            f"{spaces / len(text):.0%} are spaces (prose has under 30 % and over 5 %)"
        )
    return text


def _refuse_wordless(text):
    """Base64 and other encoded data is valid UTF-8 and printable, but has no words: prose in a
    script written with spaces has one character in six or so a space. Scripts written without
    spaces (Chinese, Japanese) are mostly outside ASCII and are not judged. (Windows-1252 text
    has its own, stricter check of spaces: _refuse_implausible_cp1252.)"""
    if len(text) < LONG_ENOUGH_TO_JUDGE:
        return text
    spaces = sum(1 for character in text if character == " " or character == "\t")
    ascii_share = sum(1 for character in text if ord(character) < 128) / len(text)
    if ascii_share > 0.9 and spaces < 0.02 * len(text):
        raise ParseError(
            f"the text has no words: {spaces / len(text):.0%} of its {len(text):,} characters are spaces "
            "(prose has over 5 %); is it encoded data (base64) rather than a statement?"
        )
    return text


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
SENTENCE_END = re.compile(r"""[.!?:;,"”’')\]]\s*$""")
STRONG_END = re.compile(r"""[.!?]["”)\]]*$""")
TERMINAL = re.compile(r"""[.!?:;"”’')\]]$""")


# OCR reads the S of a Council symbol as a dollar sign: $/2019/123, S$/2020/236, $/PV.8712.
OCR_COUNCIL_SYMBOL = re.compile(r"(?<![\w$])S?\$/(?=(?:19|20)\d\d/|PV\.|PRST/|RES/|2?$)", re.MULTILINE)


def normalise_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u00a0", " ")
    text = CONTROL_CHARACTERS.sub("", text)
    if "$/" in text:
        text = OCR_COUNCIL_SYMBOL.sub("S/", text)
    return [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]


def join_wrapped(lines: list[str]) -> str:
    """Join hard-wrapped lines; a word broken at a hyphen (counter-\\nterrorism) keeps its hyphen."""
    out = ""
    for line in lines:
        if not out:
            out = line
        elif out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[:1].isalpha():
            out += line
        else:
            out += " " + line
    return out


def is_hard_wrapped(lines: list[str]) -> bool:
    """True when lines were broken at a fixed width rather than at paragraph ends."""
    lengths = [len(line) for line in lines if line]
    if len(lengths) < 4:
        return False
    return statistics.median(lengths) < 90


def reflow(lines: list[str]) -> list[str]:
    """Turn the body's lines into paragraphs.

    Hard-wrapped text (UN verbatim records) has paragraphs separated by blank lines, or by a
    short line ending a sentence; other text has a paragraph per line. Either way, a paragraph
    that stops mid-sentence and is followed by one starting in lower case was split by a stray
    blank line (a page break in the source) and is joined back.
    """
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    blocks = [block for block in blocks if block]
    if not blocks:
        return []

    paragraphs: list[str] = []
    if is_hard_wrapped(lines):
        # The printed column's width, robust to the odd overlong line; a short line ending a
        # sentence ends a paragraph even where blank lines also separate some (page breaks).
        lengths = sorted(len(line) for block in blocks for line in block)
        width = lengths[int(0.9 * (len(lengths) - 1))]
        for block in blocks:
            paragraphs.extend(_split_wrapped_block(block, width, split_short_lines=True))
    else:
        paragraphs = [line for block in blocks for line in block]
    return _join_broken_paragraphs(paragraphs)


def _split_wrapped_block(block, width, split_short_lines):
    if not split_short_lines:
        return [join_wrapped(block)]
    paragraphs, current = [], []
    for line in block:
        current.append(line)
        if TERMINAL.search(line) and len(line) < 0.6 * width:
            paragraphs.append(join_wrapped(current))
            current = []
    if current:
        paragraphs.append(join_wrapped(current))
    return paragraphs


def _join_broken_paragraphs(paragraphs):
    joined: list[str] = []
    for paragraph in paragraphs:
        if joined and _continues(joined[-1], paragraph):
            joined[-1] = join_wrapped([joined[-1], paragraph])
        else:
            joined.append(paragraph)
    return joined


def _continues(previous, paragraph):
    """Whether a paragraph was split from the one before by a stray line break.

    One opening in lower case continues it, whatever that ends with: "in three weeks’" /
    "time." (a closing quote read as the end of a sentence). So does a number after a word
    ("by its resolution" / "435 (1978), the report"), unless it numbers a paragraph ("17.").
    """
    if paragraph[:1].islower():
        return not STRONG_END.search(previous)
    return bool(re.match(r"\d+(?![\d.)])", paragraph) and re.search(r"[^\W\d]$", previous))


# A page trailer cut out between two sentences leaves its full stop behind (`said. . Then`,
# `protocols, . Finally`, `civilians. .` ending a paragraph: 91 General Debate paragraphs); an
# ellipsis (`. . .`) is the speaker's and stays.
STRAY_FULL_STOP = re.compile(r"(?<!\.\s)(?<!\.)([.!?,;])\s+\.(?=\s+[A-Z“\"]|\s*$)")
# A word broken at a line end keeps a space after its hyphen in the Council texts
# (`Counter- Terrorism`, `long- term`); `pre- and post-conflict` is written so on purpose.
BROKEN_HYPHEN = re.compile(r"(?<=[^\W\d_]{2})- (?=[^\W\d_]{2})(?!(?:and|or|nor|to|as|but|through|cum)\b)")


def tidy_paragraph(paragraph: str) -> str:
    """Mend what cutting the source into text left in a paragraph: stray full stops, split words."""
    if ". ." in paragraph or ", ." in paragraph or "; ." in paragraph:
        paragraph = STRAY_FULL_STOP.sub(lambda match: "." if match.group(1) in ",;" else match.group(1), paragraph)
    if "- " in paragraph:
        paragraph = BROKEN_HYPHEN.sub("-", paragraph)
    return paragraph
