"""How the archive names a resolution, a document symbol and a forum in the index and in URLs.

A resolution's key (`sc-2341`, `ga-46-182`) is built, read and shaped here and nowhere else,
and so is the way a resolution's number stands in prose, which the statement page (links)
and search snippets (marks) both look for.
"""

import re

from django.utils.text import slugify

SC, GA = "SC", "GA"
# The shape of a resolution key, for forms, the API and its OpenAPI description. ASCII digits
# only: Python's \d also takes Arabic-Indic and other digits, which int() would accept.
RESOLUTION_KEY_SHAPE = r"sc-[1-9][0-9]{0,3}|ga-[1-9][0-9]{0,2}-[1-9][0-9]{0,3}"
_KEY = re.compile(RESOLUTION_KEY_SHAPE)

# A number stands alone: not part of S/2017/2341, 2341/2017, 12341 or 2341.5.
_BEFORE = r"(?<![\w/.])"
_AFTER = r"(?![\w/]|\.\d)"


def resolution_key(body, session, number) -> str:
    """The key of a resolution: sc-2341, ga-46-182."""
    return f"ga-{session}-{number}" if body == GA else f"sc-{number}"


def parse_resolution_key(key) -> tuple[str, int | None, int] | None:
    """(body, session, number) of a well-formed key, None for anything else."""
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        return None
    parts = key.split("-")
    if parts[0] == "ga":
        return GA, int(parts[1]), int(parts[2])
    return SC, None, int(parts[1])


def resolution_label(key) -> str:
    """A key as people write the number: 2341, 46/182."""
    body, session, number = parse_resolution_key(key) or (None, None, None)
    if body is None:
        return key
    return f"{session}/{number}" if body == GA else str(number)


def resolution_symbol(key) -> str:
    """A key as the UN's symbol without the year, one form for every resolution: S/RES/2341,
    A/RES/46/182 (the registry knows the years of some resolutions only)."""
    body, session, number = parse_resolution_key(key) or (None, None, None)
    if body is None:
        return key
    return f"A/RES/{session}/{number}" if body == GA else f"S/RES/{number}"


def resolution_in_prose(body, session, number) -> str:
    """A regular expression for a resolution's number where it stands in text: 2341,
    S/RES/2341, 46/182, A/RES/46/182; never a part of another number or symbol."""
    if body == GA:
        return rf"{_BEFORE}(?:A/RES/)?{session}/{number}{_AFTER}"
    return rf"{_BEFORE}(?:S/RES/)?{number}{_AFTER}"


def symbol_key(symbol) -> str:
    """The key of a document symbol: upper case, no spaces (S/PV.8699(RESUMPTION1))."""
    return "".join(symbol.split()).upper()


def forum_key(forum) -> str:
    return slugify(forum)[:100]
