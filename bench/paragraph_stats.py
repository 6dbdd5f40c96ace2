"""Paragraph statistics of the Security Council speeches, as the parser segments them.

    .venv/bin/python bench/paragraph_stats.py ../shared/corpus/unsc_2020

Parses every text the manifest (`metadata.csv`) names, with the running heads and year an
import would give (the row's record symbol, topic and date), and prints, for the speeches
over 300 words: how many there are, the median paragraph length in words, the share of
paragraphs over 400 words, and how many are still one block. Pure parser, no database.
"""

import argparse
import csv
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from statements.parsing import ParseError, SourceContext, parse_file

LONG_SPEECH = 300
LONG_PARAGRAPH = 400


def words(text):
    return len(text.split())


def speech_paragraphs(folder):
    """(row id, paragraphs) for each text of the manifest that parses."""
    with open(folder / "metadata.csv", newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            year = int(row["date"][:4]) if row.get("date") else None
            heads = tuple(head for head in (row.get("record_symbol"), row.get("topic")) if head)
            try:
                parsed = parse_file((folder / row["file"]).read_bytes(), SourceContext(heads, year))
            except ParseError:
                continue
            yield row["id"], parsed.paragraphs


def paragraph_stats(speeches):
    """The figures the issue's target is stated in, over speeches of more than 300 words."""
    lengths, blocks, long_speeches = [], [], 0
    for speech_id, paragraphs in speeches:
        if sum(words(paragraph) for paragraph in paragraphs) <= LONG_SPEECH:
            continue
        long_speeches += 1
        lengths.extend(words(paragraph) for paragraph in paragraphs)
        if len(paragraphs) == 1:
            blocks.append(speech_id)
    over = sum(1 for length in lengths if length > LONG_PARAGRAPH)
    return {
        "speeches_over_300_words": long_speeches,
        "paragraphs": len(lengths),
        "median_paragraph_words": statistics.median(lengths) if lengths else 0,
        "paragraphs_over_400_words_percent": round(100 * over / len(lengths), 2) if lengths else 0.0,
        "single_block_speeches": len(blocks),
        "longest_paragraph_words": max(lengths, default=0),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder with metadata.csv and texts/ (unsc_2020)")
    folder = parser.parse_args().folder
    if not (folder / "metadata.csv").is_file():
        parser.error(f"{folder}: no metadata.csv in this folder")
    for key, value in paragraph_stats(speech_paragraphs(folder)).items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
