"""The parser's regular expressions stay linear on adversarial lines (no catastrophic backtracking).

What is guarded is growth, not speed: each line is parsed at n and at 4n repetitions of its
troublesome part, and the CPU time this process spent (not wall-clock time, which a busy
machine stretches) must grow near-linearly. Backtracking that is quadratic or worse grows 16x
or more; the bound allows 10x.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statements.parsing import ParseError, parse_statement

from .conftest import assert_grows_linearly

# name: (text before, the part repeated n times, n, text after)
CRAFTED = {
    "a citation list that never ends": ("resolutions ", "2139 (2014), ", 400, "and 2504 (2020) matter."),
    "a number thousands of digits long": ("resolution ", "1", 4000, ""),
    "slashes without a symbol": ("", "S/", 2000, "2015/446"),
    "nested brackets around a delegation": ("Mr. Bessho ", "(", 2000, "Japan" + ")" * 2000 + ": we speak."),
    "a name thousands of letters long": ("Mr. ", "A", 4000, " (Japan): we speak here today."),
    "spaces between keyword and number": ("resolution", " ", 4000, "2341 is cited here."),
    "and and and": ("resolutions 2139 ", "and ", 2000, "2504."),
    "abbreviations without end": ("", "Mr.", 2000, " we speak here today about peace."),
    "dates like page counters": ("", "16/01/2020 ", 600, "we speak."),
    "running heads repeated": ("", "S/PV.8704 ", 600, "we speak."),
    "honorifics without a name": ("Statement by ", "H.E. ", 1000, "Mr. X\n13 February 2017\nWe speak about peace."),
    "a colon list that never starts": ("resolutions on ", "x ", 2000, ": 2309 on aviation " * 200),
    "quotes without an end": ("", "“", 3000, "Protection" + "”" * 3000 + " we speak."),
    "a line of hyphens": ("", "-", 5000, " we speak about peace."),
    "bold markers only": ("", "**", 3000, "\nWe speak about peace here today."),
}


def parse(text):
    try:
        parse_statement(text)
    except ParseError:
        pass


@pytest.mark.parametrize("parts", CRAFTED.values(), ids=CRAFTED.keys())
def test_a_crafted_line_costs_near_linear_time_in_its_length(parts):
    before, repeated, n, after = parts
    assert_grows_linearly(lambda times: parse(before + repeated * times + after), n)


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


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TOKENS, min_size=50, max_size=600))
def test_lines_made_of_the_parsers_own_tokens_cost_near_linear_time_in_their_length(tokens):
    # From 5 ms of work: at 2 ms a loaded machine's noise alone made 12x of a linear parse.
    assert_grows_linearly(lambda times: parse("".join(tokens * times)), 1, least_seconds=0.005)


def test_the_growth_check_itself_fails_quadratic_work():
    def quadratic(n):
        return sum(i ^ j for i in range(n * 30) for j in range(n * 30))

    with pytest.raises(AssertionError, match="grew more than 10x for 4x the size, three times"):
        assert_grows_linearly(quadratic, 1)
    assert_grows_linearly(lambda n: sum(range(n * 20_000)), 1)
