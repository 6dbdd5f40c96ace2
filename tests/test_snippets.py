"""Snippets of a statement around the words searched for: marked, escaped, linear in the text's length."""

import re

from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statements.search.query import parse_query
from statements.search.snippets import Highlighter

from .conftest import assert_grows_linearly


def test_a_resolution_search_marks_the_number_but_not_a_symbol_holding_it():
    snippet = Highlighter(parse_query("resolution 2341")).snippet("See S/2017/2341 and resolution 2341 (2017).")
    assert str(snippet.html) == "See S/2017/2341 and resolution <mark>2341</mark> (2017)."


def test_a_prefix_marks_the_words_starting_with_it_and_no_others():
    text = "Japan and the Japanese, not Jap or the japonica; develop, development, developing."
    assert str(Highlighter(parse_query("japan* develop*")).snippet(text).html) == (
        "<mark>Japan</mark> and the <mark>Japanese</mark>, not Jap or the japonica; "
        "<mark>develop</mark>, <mark>development</mark>, <mark>developing</mark>."
    )
    # Marked as the index reads it: policy* is the stem polici too, so "policies" is marked.
    assert str(Highlighter(parse_query("policy*")).snippet("Two policies, one policy.").html) == (
        "Two <mark>policies</mark>, one <mark>policy</mark>."
    )


def test_highlighting_a_long_statement_costs_time_in_proportion_to_its_length():
    def statement(times):
        return ("e a peace " * 10 + "\n\n") * 1_000 * times + "<img src=x onerror=alert(1)" * 100 * times

    highlighter = Highlighter(parse_query("e a peace"))
    assert "<mark>peace</mark>" in highlighter.snippet(statement(10)).html
    assert_grows_linearly(lambda times: highlighter.snippet(statement(times)), 1)


words = st.sampled_from(
    ["peace", "Peace", "security", "<script>", "&amp;", "'", '"', "2341", "S/RES/2341", "\n\n", " ", "é"]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.lists(st.one_of(words, st.text(max_size=8)), max_size=120).map("".join),
    query=st.sampled_from(
        ["peace", "pea*", "security peace", '"peace security"', "2341", "S/RES/2341", "", "-peace x"]
    ),
)
def test_a_snippet_without_its_marks_is_the_escaped_source_text(text, query):
    snippet = Highlighter(parse_query(query)).snippet(text)
    unmarked = re.sub(r"</?mark>", "", str(snippet.html))
    assert unmarked == escape(text[snippet.start : snippet.end])
    assert 0 <= snippet.start <= snippet.end <= len(text)
