"""Precision and recall of citation extraction on the hand-checked sample (expected.json).

    .venv/bin/python -m tests.citations_sample.score ../shared/corpus   # figures and every miss

Each speech is parsed as an import would parse it (Council speeches with their manifest
row's record symbol, topic and year; General Debate speeches with their year) and its
citations compared with the hand-checked ones, per category, counted over the whole sample.
"""

import csv
import gzip
import json
import sys
from pathlib import Path

from statements.parsing import SourceContext, parse_statement

HERE = Path(__file__).resolve().parent
CATEGORIES = ("sc", "ga", "symbols")


def expected_citations():
    return json.loads((HERE / "expected.json").read_text(encoding="utf-8"))


def sample_texts(corpus: Path, ids):
    """(id, text, SourceContext) for each sample id, read from the shared corpus."""
    wanted = set(ids)
    found = {}
    with open(corpus / "unsc_2020" / "metadata.csv", newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            if row["id"] in wanted:
                text = (corpus / "unsc_2020" / row["file"]).read_text(encoding="utf-8")
                heads = tuple(head for head in (row["record_symbol"], row["topic"]) if head)
                found[row["id"]] = (text, SourceContext(heads, int(row["date"][:4])))
    with gzip.open(corpus / "ungdc" / "ungdc_1946-2024.jsonl.gz", "rt", encoding="utf-8") as file:
        for line in file:
            if line[:80].split('"id": "', 1)[-1].split('"', 1)[0] not in wanted and "UNGDC" not in line[:80]:
                continue
            record = json.loads(line)
            if record["id"] in wanted:
                found[record["id"]] = (record["text"], SourceContext((), record["year"]))
    return [(speech_id, *found[speech_id]) for speech_id in ids]


def found_citations(text, context):
    parsed = parse_statement(text, context)
    return {"sc": parsed.sc_resolutions, "ga": parsed.ga_resolutions, "symbols": parsed.symbols}


def score(corpus: Path):
    """Per category: precision, recall, counts, and the mistakes as (id, kind, citation)."""
    expected = expected_citations()
    counts = {category: {"right": 0, "found": 0, "expected": 0} for category in CATEGORIES}
    mistakes = []
    for speech_id, text, context in sample_texts(corpus, list(expected)):
        found = found_citations(text, context)
        for category in CATEGORIES:
            want, got = {str(c) for c in expected[speech_id][category]}, {str(c) for c in found[category]}
            counts[category]["right"] += len(want & got)
            counts[category]["found"] += len(got)
            counts[category]["expected"] += len(want)
            mistakes += [(speech_id, "wrong", category, c) for c in sorted(got - want)]
            mistakes += [(speech_id, "missed", category, c) for c in sorted(want - got)]
    figures = {}
    for category, count in counts.items():
        precision = count["right"] / count["found"] if count["found"] else 1.0
        recall = count["right"] / count["expected"] if count["expected"] else 1.0
        figures[category] = {"precision": round(precision, 3), "recall": round(recall, 3), **count}
    return figures, mistakes


def main():
    figures, mistakes = score(Path(sys.argv[1]))
    for category, figure in figures.items():
        print(category, figure)
    for mistake in mistakes:
        print(*mistake)


if __name__ == "__main__":
    main()
