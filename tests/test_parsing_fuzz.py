"""The parser's regular expressions stay linear on adversarial lines (no catastrophic backtracking).

What is guarded is growth, not speed: each line is parsed at n and at 4n repetitions of its
troublesome part, and the CPU time this process spent (not wall-clock time, which a busy
machine stretches) must grow near-linearly. Backtracking that is quadratic or worse grows 16x
or more; the bound allows 10x.
"""

import random
import subprocess
import sys

import pytest

from statements.parsing import ParseError, parse_statement

from .conftest import REPO, assert_grows_linearly

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


TOKEN_TEXTS = [
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


# Lines of the parser's own tokens, checked in a fresh interpreter: inside the whole suite (600
# tests before it in one process) the same lines measured 14x for 4x, three times in a row,
# where alone they grow 3.8-5.7x; what is guarded is the parser's growth, not the suite's state.
GROWTH_PROBE = """
import random, sys
sys.path.insert(0, sys.argv[1])
from tests.conftest import assert_grows_linearly
from tests.test_parsing_fuzz import TOKEN_TEXTS, parse
rng = random.Random(int(sys.argv[2]))
for _ in range(int(sys.argv[3])):
    tokens = [rng.choice(TOKEN_TEXTS) for _ in range(rng.randint(50, 600))]
    try:
        assert_grows_linearly(lambda times: parse("".join(tokens * times)), 1, least_seconds=0.005)
    except AssertionError as error:
        sys.exit(f"{error}; the line: {tokens!r}")
"""


@pytest.mark.slow
def test_lines_made_of_the_parsers_own_tokens_cost_near_linear_time_in_their_length():
    seed = random.randrange(1_000_000)
    done = subprocess.run(
        [sys.executable, "-c", GROWTH_PROBE, str(REPO), str(seed), "60"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"seed {seed}: {done.stderr[-3000:]}"


def test_the_growth_check_itself_fails_quadratic_work():
    def quadratic(n):
        return sum(i ^ j for i in range(n * 30) for j in range(n * 30))

    with pytest.raises(AssertionError, match="grew more than 10x for 4x the size, three times"):
        assert_grows_linearly(quadratic, 1)
    assert_grows_linearly(lambda n: sum(range(n * 20_000)), 1)
