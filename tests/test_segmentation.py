"""Walls of text become readable paragraphs, the same ones every time (issue 10).

Each excerpt in tests/excerpts/segmentation/ (cut from a 2020 Security Council record, which
has no line breaks) sits beside `<name>.paragraphs.txt`, the paragraphs the parser must give,
one paragraph a block separated by blank lines, checked by reading them. After a deliberate
change to the method, rewrite them with `UPDATE_GOLDEN=1 pytest tests/test_segmentation.py`
and read the diff.
"""

import os
import statistics
from pathlib import Path

import pytest

from statements.parsing import parse_file, parse_statement
from statements.parsing.segmentation import segment_paragraphs, split_sentences, turn_score

from .conftest import CORPUS

GOLDEN = Path(__file__).resolve().parent / "excerpts" / "segmentation"
EXCERPTS = sorted(path for path in GOLDEN.glob("*.txt") if not path.name.endswith(".paragraphs.txt"))


def paragraphs_of(path):
    return list(parse_file(path.read_bytes()).paragraphs)


@pytest.mark.parametrize("path", EXCERPTS, ids=[path.stem for path in EXCERPTS])
def test_a_council_speech_reads_as_the_paragraphs_in_its_golden_file(path):
    expected_path = path.with_suffix(".paragraphs.txt")
    got = paragraphs_of(path)
    if os.environ.get("UPDATE_GOLDEN"):
        expected_path.write_text("\n\n".join(got) + "\n", encoding="utf-8")
    expected = expected_path.read_text(encoding="utf-8").strip().split("\n\n")
    assert got == expected


@pytest.mark.parametrize("path", EXCERPTS, ids=[path.stem for path in EXCERPTS])
def test_segmenting_keeps_every_word_in_order_and_makes_readable_sizes(path):
    original = "".join(path.read_text(encoding="utf-8").split())
    paragraphs = paragraphs_of(path)
    # Every character but spaces, in order (the speaker's label before them is the header).
    assert original.endswith("".join("".join(paragraphs).split()))
    sizes = [len(paragraph.split()) for paragraph in paragraphs]
    assert len(paragraphs) >= 3 and max(sizes) <= 250 and statistics.median(sizes) <= 180


def test_the_same_text_always_gives_the_same_paragraphs():
    path = GOLDEN / "unsc_numbered_points.txt"
    assert paragraphs_of(path) == paragraphs_of(path)
    # A re-import with other line endings or a trailing newline changes nothing either.
    text = path.read_text(encoding="utf-8")
    assert parse_statement(text.replace("\n", "\r\n") + "\n\n").paragraphs == parse_statement(text).paragraphs


def test_a_text_with_its_own_paragraphs_keeps_them():
    paragraphs = [
        "Mr. President, I thank you. " + "We support the mission and its work on the ground. " * 8,
        "Secondly, the humanitarian situation. " + "Aid must reach all those in need without delay. " * 12,
        "Finally, we thank the briefers. " + "We will continue to support these efforts. " * 6,
    ]
    assert segment_paragraphs(paragraphs) == paragraphs


def test_one_overlong_paragraph_in_a_paragraphed_text_is_cut():
    short = "We support the mission and its work on the ground, today and tomorrow. " * 5
    long = "The situation is grave and the Council must act now. " * 45 + "Finally, we thank you all. " * 4
    segmented = segment_paragraphs([short, long, short])
    assert segmented[0] == short and segmented[-1] == short
    assert len(segmented) > 3 and all(len(paragraph.split()) <= 250 for paragraph in segmented)


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("Mr. Nebenzia spoke. Ms. DiCarlo replied.", ["Mr. Nebenzia spoke.", "Ms. DiCarlo replied."]),
        ("See resolution No. 598 and para. 4 of it. Next.", ["See resolution No. 598 and para. 4 of it.", "Next."]),
        (
            "We recall resolution S/RES/2341 (2017). It protects infrastructure.",
            ["We recall resolution S/RES/2341 (2017).", "It protects infrastructure."],
        ),
        (
            "The record S/PV.8712 notes it. Then e.g. Mr. A. Smith came.",
            ["The record S/PV.8712 notes it.", "Then e.g. Mr. A. Smith came."],
        ),
        (
            "He said “We are in dangerous times. ... And it grows.” Indeed.",
            ["He said “We are in dangerous times. ... And it grows.”", "Indeed."],
        ),
        (
            "We thank her for this statement.In accordance with rule 39.",
            ["We thank her for this statement.", "In accordance with rule 39."],
        ),
        ("The U.S. and the U.K. agreed. So did we.", ["The U.S. and the U.K. agreed.", "So did we."]),
    ],
)
def test_sentences_end_at_full_stops_but_not_after_titles_symbols_or_inside_quotations(text, sentences):
    assert [sentence for _, sentence in split_sentences(text)] == sentences


def test_the_turns_speakers_mark_open_paragraphs_and_words_that_lean_back_do_not():
    assert turn_score("I now give the floor to Mr. Chambas.") > turn_score("Secondly, the mission.") > 0
    assert turn_score("In conclusion, we thank you.") > 0 and turn_score("Let me turn to Syria.") > 0
    assert turn_score("In that regard, we call on all.") < 0 and turn_score("However, it failed.") < 0
    assert turn_score("The mission continues.") == 0


def test_the_president_giving_the_floor_ends_a_paragraph_of_its_own():
    paragraphs = paragraphs_of(GOLDEN / "unsc_president_gives_the_floor.txt")
    assert paragraphs[-1].endswith("to whom I now give the floor.")


def test_numbered_points_open_paragraphs():
    paragraphs = paragraphs_of(GOLDEN / "unsc_let_me_turn_in_conclusion.txt")
    assert any(paragraph.startswith("In conclusion") for paragraph in paragraphs)


@pytest.mark.corpus
@pytest.mark.slow
def test_council_speeches_over_300_words_read_as_paragraphs():
    folder = CORPUS / "unsc_2020"
    if not (folder / "metadata.csv").exists():
        pytest.skip("../shared/corpus/unsc_2020 is absent")
    from bench.paragraph_stats import paragraph_stats, speech_paragraphs

    stats = paragraph_stats(speech_paragraphs(folder))
    assert stats["speeches_over_300_words"] > 1900
    assert stats["median_paragraph_words"] <= 180
    assert stats["paragraphs_over_400_words_percent"] <= 2
    assert stats["single_block_speeches"] == 0
