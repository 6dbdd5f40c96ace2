"""What cutting the records into texts left behind is mended (issue 10, "Leftovers").

Excerpts of 2020 Security Council records in tests/excerpts/: a guest's label without Mr. or
Ms. at the start of the body, a page trailer's full stop left after a comma, words split at a
line end (`Counter- Terrorism`), and a letter's symbol cut after the last sentence.
"""

from pathlib import Path

import pytest

from statements.parsing import parse_file, parse_statement
from statements.parsing.text import tidy_paragraph

EXCERPTS = Path(__file__).resolve().parent / "excerpts"


def test_a_guests_label_without_honorific_is_the_header_not_the_first_words():
    parsed = parse_file((EXCERPTS / "unsc_label_without_honorific.txt").read_bytes())
    assert parsed.paragraphs[0].startswith("At the outset, allow me to express my appreciation")
    assert parsed.speaker.name == "Dato Lim Jock Hoi"


@pytest.mark.parametrize(
    "text, first_words",
    [
        (
            "The President (spoke I thank Mr. Lacroix for his briefing. in Russian): I now give the floor to Mr. Ndiaye.",
            "I thank Mr. Lacroix for his briefing. I now give the floor to Mr. Ndiaye.",
        ),
        (
            "The President (spoke I thank Ms. DiCarlo for her briefing. in French): I shall now give the floor.",
            "I thank Ms. DiCarlo for her briefing. I shall now give the floor.",
        ),
    ],
)
def test_a_sentence_the_records_columns_put_inside_the_presidents_label_goes_back_to_the_speech(text, first_words):
    parsed = parse_statement(text)
    assert parsed.paragraphs[0] == first_words
    assert parsed.language in ("Russian", "French")
    assert "spoke" not in parsed.paragraphs[0]


def test_a_label_whose_language_note_comes_first_or_that_reads_mr_president_is_still_the_label():
    parsed = parse_statement("Mr. Michon (spoke in French) (France): I thank the Special Representative.")
    assert (parsed.speaker.name, parsed.speaker.country, parsed.language) == ("Michon", "France", "French")
    assert parsed.paragraphs[0] == "I thank the Special Representative."
    parsed = parse_statement("Mr. President (spoke in French): I thank Ms. Sooka for her briefing.")
    assert parsed.paragraphs[0] == "I thank Ms. Sooka for her briefing." and parsed.language == "French"
    # Without the note it is the speaker addressing the President, and stays in the speech.
    assert parse_statement("Mr. President: Allow me to congratulate you.").paragraphs[0].startswith("Mr. President:")


@pytest.mark.parametrize(
    "text, name, language",
    [
        ("King Philippe (spoke in French): 1 thank the Secretary-General for his briefing.", "King Philippe", "French"),
        ("Hadiza (spoke in French): I thank the Council for inviting me today.", "Hadiza", "French"),
        ("President Abbas (spoke in Arabic): I thank the Council for this meeting.", "Abbas", "Arabic"),
    ],
)
def test_labels_with_a_language_note_are_read_as_the_speaker(text, name, language):
    parsed = parse_statement(text)
    assert (parsed.speaker.name, parsed.language) == (name, language)
    assert ":" not in parsed.paragraphs[0][:20]


@pytest.mark.parametrize(
    "text",
    [
        "Mr President: I thank you for convening this debate today.",
        "Excellencies: I thank you for convening this debate today.",
        "Rule 36 of the Council's rules states, inter alia, the following: That is all.",
        "My briefing today will focus on four areas: Syria, Yemen and the rest.",
    ],
)
def test_an_address_or_a_sentence_ending_in_a_colon_stays_in_the_body(text):
    parsed = parse_statement(text)
    assert parsed.speaker is None and parsed.paragraphs[0] == text


def test_a_cut_trailers_full_stop_and_words_split_at_a_line_end_are_mended():
    parsed = parse_file((EXCERPTS / "unsc_cut_trailer_and_split_words.txt").read_bytes())
    assert "Madrid Guiding Principles and other protocols. Finally, we commend" in parsed.body
    assert "Office of Counter-Terrorism" in parsed.body and "Counter- " not in parsed.body


@pytest.mark.parametrize(
    "text, mended",
    [
        ("He said so. . Then we left.", "He said so. Then we left."),
        ("as the dark ages . . . When force rules", "as the dark ages . . . When force rules"),
        ("forcibly displacing innocent civilians. .", "forcibly displacing innocent civilians."),
        ("and so the story ends . . .", "and so the story ends . . ."),
        ("the Secretary- General on long- term aid", "the Secretary-General on long-term aid"),
        ("pre- and post-conflict, short- or long-term", "pre- and post-conflict, short- or long-term"),
    ],
)
def test_stray_full_stops_and_split_words_are_mended_but_ellipses_and_shared_hyphens_stay(text, mended):
    assert tidy_paragraph(text) == mended
