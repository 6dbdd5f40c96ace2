"""The parser's regular expressions stay fast on adversarial lines (no catastrophic backtracking)."""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statements.parsing import ParseError, parse_statement

LIMIT_SECONDS = 0.010

CRAFTED = {
    "a citation list that never ends": "resolutions " + "2139 (2014), " * 400 + "and 2504 (2020) matter.",
    "a number thousands of digits long": "resolution " + "1" * 4000,
    "slashes without a symbol": "S/" * 2000 + "2015/446",
    "nested brackets around a delegation": "Mr. Bessho " + "(" * 2000 + "Japan" + ")" * 2000 + ": we speak.",
    "a name thousands of letters long": "Mr. " + "A" * 4000 + " (Japan): we speak here today.",
    "spaces between keyword and number": "resolution" + " " * 4000 + "2341 is cited here.",
    "and and and": "resolutions 2139 " + "and " * 2000 + "2504.",
    "abbreviations without end": "Mr." * 2000 + " we speak here today about peace.",
    "dates like page counters": "16/01/2020 " * 600 + "we speak.",
    "running heads repeated": "S/PV.8704 " * 600 + "we speak.",
    "honorifics without a name": "Statement by " + "H.E. " * 1000 + "Mr. X\n13 February 2017\nWe speak about peace.",
    "a colon list that never starts": "resolutions on " + "x " * 2000 + ": 2309 on aviation " * 200,
    "quotes without an end": "“" * 3000 + "Protection" + "”" * 3000 + " we speak.",
    "a line of hyphens": "-" * 5000 + " we speak about peace.",
    "bold markers only": "**" * 3000 + "\nWe speak about peace here today.",
}


def fastest_parse_seconds(line, tries=3):
    """The best of a few runs, so that a busy machine does not make a fast line look slow."""
    best = float("inf")
    for _ in range(tries):
        started = time.perf_counter()
        try:
            parse_statement(line)
        except ParseError:
            pass
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("line", CRAFTED.values(), ids=CRAFTED.keys())
def test_a_crafted_line_parses_in_under_10_ms(line):
    assert fastest_parse_seconds(line) < LIMIT_SECONDS


TOKENS = st.sampled_from(
    [
        "resolution",
        "resolutions",
        "res.",
        "S/RES/",
        "A/RES/",
        "S/PV.",
        "S/",
        "Mr.",
        "H.E.",
        "(",
        ")",
        "((",
        "))",
        "2341",
        "(2017)",
        "46/182",
        ",",
        " and ",
        ":",
        ";",
        " ",
        "  ",
        "\n",
        "-",
        "**",
        "“",
        "”",
        "Japan",
        "on",
        "1",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TOKENS, min_size=50, max_size=600).map("".join))
def test_lines_made_of_the_parsers_own_tokens_parse_in_under_10_ms(line):
    assert fastest_parse_seconds(line) < LIMIT_SECONDS
