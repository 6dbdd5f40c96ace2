"""The parser against short excerpts of real UN records (tests/excerpts/), one trap each.

The excerpts come from the Security Council's 2020 records and the General Debate corpus
(../shared/corpus/README.md); whole corpus files are never checked in. Each `<name>.txt`
sits beside `<name>.expected.json`, everything the parser reads from it (the shape
`ingest --json` prints), checked by reading it. After a deliberate change to the parser,
rewrite them with `UPDATE_GOLDEN=1 pytest tests/test_parsing_excerpts.py` and read the diff.
"""

import json
import os
from pathlib import Path

import pytest

from statements.parsing import SourceContext, parse_file, parse_statement
from statements.parsing.citations import resolutions_in

EXCERPTS = Path(__file__).resolve().parent / "excerpts"


# What a manifest or the corpus tells about an excerpt's source, as the parser is given it.
CONTEXTS = {
    "unsc_running_head_topic.txt": {
        "running_heads": ("S/PV.8699 (Resumption 1)", "Maintenance of international peace and security")
    },
    "unsc_letter_footer.txt": {"running_heads": ("S/2020/497",)},
    "ungdc_broken_citation.txt": {"year": 1985},
}
NAMES = sorted(path.name for path in EXCERPTS.glob("*.txt"))


def parse(name, **context):
    return parse_file((EXCERPTS / name).read_bytes(), SourceContext(**context) if context else None)


@pytest.mark.parametrize("name", NAMES)
def test_an_excerpt_parses_to_what_its_expected_file_says(name):
    expected_path = EXCERPTS / name.replace(".txt", ".expected.json")
    got = parse(name, **CONTEXTS.get(name, {})).as_json(name)
    if os.environ.get("UPDATE_GOLDEN"):
        expected_path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(expected_path.read_text(encoding="utf-8"))


def test_a_dated_running_head_inside_a_sentence_is_removed():
    parsed = parse("unsc_running_head_dated.txt")
    assert "S/PV.8704" not in parsed.body and "16/01/2020" not in parsed.body
    assert "The situation in the Middle East" not in parsed.body
    assert "a very positive sign. I know first-hand" in parsed.body
    assert parsed.symbols == []


def test_the_meetings_own_symbol_and_topic_are_removed_when_the_manifest_names_them():
    parsed = parse(
        "unsc_running_head_topic.txt",
        running_heads=("S/PV.8699 (Resumption 1)", "Maintenance of international peace and security"),
    )
    assert "credible, complete investigation into Flight PS752" in parsed.body
    assert parsed.symbols == []


def test_job_numbers_letter_symbols_and_page_counters_are_removed():
    parsed = parse("unsc_letter_footer.txt", running_heads=("S/2020/497",))
    assert "20-07478" not in parsed.body
    assert "S/2020/497" not in parsed.body and "27/31" not in parsed.body and "25/26" not in parsed.body
    assert "this new mandate. Partnership is also relevant" in parsed.body
    assert "former combatants should be implemented" in parsed.body
    assert parsed.symbols == []


def test_a_long_list_of_resolutions_nested_brackets_and_symbols_are_all_cited():
    parsed = parse("unsc_citation_list.txt")
    assert parsed.sc_resolutions == [1373, 2042, 2139, 2165, 2191, 2258, 2332, 2393, 2401, 2449, 2504]
    assert parsed.ga_resolutions == ["46/182", "60/288"]
    years = {ref.number: ref.year for ref in parsed.resolutions if ref.body == "SC"}
    assert years[2504] == 2020 and years[2042] == 2012 and years[1373] == 2001
    assert parsed.symbols == ["S/2020/327"]


def test_a_citation_broken_across_lines_is_joined_and_assembly_resolutions_stay_apart():
    parsed = parse("ungdc_broken_citation.txt", year=1985)
    assert parsed.sc_resolutions == [242, 338]
    assert {ref.number: ref.year for ref in parsed.resolutions} == {242: 1967, 338: 1973}
    assert "1514" not in {str(number) for number in parsed.sc_resolutions}


def test_the_president_speaking_french_gives_role_and_language():
    parsed = parse("unsc_president_french.txt")
    assert parsed.speaker.role == "President" and parsed.speaker.name is None
    assert parsed.language == "French"
    assert parsed.paragraphs[0].startswith("I thank Mr. Chambas")


def test_a_guest_without_delegation_is_read_by_name():
    parsed = parse("unsc_guest_no_delegation.txt")
    assert (parsed.speaker.honorific, parsed.speaker.name, parsed.speaker.country) == ("Mr.", "Chambas", None)
    assert parsed.paragraphs[0].startswith("I am honoured")
    assert parsed.symbols == ["S/2019/1005", "S/PV.8585"]


def test_the_secretary_general_and_dame_openings():
    assert parse("unsc_secretary_general.txt").speaker.role == "Secretary-General"
    speaker = parse("unsc_dame.txt").speaker
    assert (speaker.honorific, speaker.name, speaker.country) == ("Dame", "Barbara Woodward", "United Kingdom")


def test_the_records_note_that_the_meeting_rose_is_not_the_speakers_words():
    parsed = parse("unsc_meeting_rose.txt")
    assert parsed.body == "There are no more names inscribed on the list of speakers."


def test_a_general_debate_session_head_on_its_own_line_is_removed_and_lines_reflowed():
    parsed = parse("ungdc_session_head.txt")
    assert len(parsed.paragraphs) == 2
    assert "General Assembly - Forty-eighth session" not in parsed.body
    assert parsed.paragraphs[1].startswith("I would also like to convey our wholehearted congratulations")
    assert all("\n" not in paragraph for paragraph in parsed.paragraphs)


def test_a_page_break_with_job_number_does_not_split_the_sentence():
    parsed = parse("ungdc_job_number_page_break.txt")
    assert "enforcement road map since the Millennium Summit" in parsed.body
    assert "05-51226" not in parsed.body
    # "the summit outcome document (resolution 60/1)": a session/number is the Assembly's when
    # no other body is named with it (issue 10).
    assert parsed.ga_resolutions == ["60/1"]


def test_a_dated_record_head_and_counter_between_paragraphs_are_removed():
    parsed = parse("ungdc_dated_head.txt")
    assert parsed.paragraphs[0] == "During the 2014 election, 35 per cent of voters were females."
    assert parsed.paragraphs[1].startswith("Women now claim 11 per cent")
    assert "A/70/PV.15" not in parsed.body and "15-29425" not in parsed.body and parsed.symbols == []


def test_dates_page_counters_and_numbers_are_never_citations():
    parsed = parse("numbers_not_citations.txt")
    assert parsed.resolutions == () and parsed.symbols == []
    assert "9/11" in parsed.body and "24/7" in parsed.body


@pytest.mark.parametrize(
    "sentence, year, sc",
    [
        ("The Assembly proclaimed it in resolution 2625 on friendly relations.", 1970, []),
        ("We recall resolution 2625 on friendly relations.", 1970, []),  # the Council was at 291
        ("We recall Security Council resolution 242 on the Middle East.", 1970, [242]),
        ("The Council adopted resolution 2532 (2020), 190 days after the call.", 2020, [2532]),
        ("It reaffirmed resolution 377 A (V) on uniting for peace.", 1990, []),
        ("In resolution 5 the conference asked for more.", 2010, []),
        ("The Security Council in resolution 47 asked for a plebiscite.", 1990, [47]),
        ("Resolution 2017 years ago changed nothing.", 2020, []),
    ],
)
def test_numbers_that_are_not_council_resolutions_are_left_out(sentence, year, sc):
    assert sorted(ref.number for ref in resolutions_in(sentence, 0, year) if ref.body == "SC") == sc


def test_the_parser_reads_a_text_without_context_as_before():
    parsed = parse_statement("Mr. Bessho (Japan): We welcome resolution 2341 on infrastructure.")
    assert parsed.sc_resolutions == [2341] and parsed.speaker.country == "Japan"
