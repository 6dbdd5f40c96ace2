"""How the citation sample was chosen (run once; the chosen ids are expected.json's keys).

    .venv/bin/python tests/citations_sample/choose.py ../shared/corpus > /tmp/ids.txt

Random with a fixed seed, stratified: from each corpus (unsc_2020, ungdc) 12 speeches at
random among those that mention a General Assembly resolution or a document symbol
(`A/...`, `S/2019/...`, `resolution 72/250`, `Assembly resolution`), 12 at random among the
rest of the corpus, and then 8 at random among those that write a resolution as session and
number (`resolution 72/250`, `A/RES/72/250`), so the sample holds enough of the rarer kinds.
Last, a second draw (seed 777, 10 a corpus among the rest that mention either kind) was kept
back while the rules were written and checked once at the end (see README.md), then added.
A third draw (seed 20261201), from speeches the parser was never tuned on, was hand-checked
and written down before the parser was scored on it: 12 a corpus among the rest that mention
either kind, 3 a corpus among the rest that mention neither, then 8 a corpus among the rest
that write a session and number. Speeches the parser's tests already use as excerpts are not excluded; none of the
sample is in tests/excerpts.
"""

import csv
import gzip
import json
import random
import re
import sys
from pathlib import Path

SEED = 20261130
PER_STRATUM = 12
PER_SESSION_STRATUM = 8
HELD_BACK_SEED, HELD_BACK = 777, 10
HELD_OUT_SEED, HELD_OUT_RARE, HELD_OUT_REST = 20261201, 12, 3
SESSION_NUMBER = re.compile(r"\bresolutions?\s+\d{1,2}/\d|A/RES/\d")
RARE = re.compile(r"\bA/\w|[S$]/\d{4}/|\bresolutions?\s+\d{1,2}/\d|Assembly\s+resolution")


def main(corpus):
    rng = random.Random(SEED)
    with open(corpus / "unsc_2020" / "metadata.csv", newline="", encoding="utf-8") as file:
        council = [
            (row["id"], (corpus / "unsc_2020" / row["file"]).read_text(encoding="utf-8"))
            for row in csv.DictReader(file)
        ]
    with gzip.open(corpus / "ungdc" / "ungdc_1946-2024.jsonl.gz", "rt", encoding="utf-8") as file:
        debate = [(record["id"], record["text"]) for record in map(json.loads, file)]
    chosen = []
    for speeches in (council, debate):
        speeches.sort()
        rare = [speech_id for speech_id, text in speeches if RARE.search(text)]
        picked = rng.sample(rare, PER_STRATUM)
        rest = [speech_id for speech_id, _ in speeches if speech_id not in set(picked)]
        chosen += picked + rng.sample(rest, PER_STRATUM)
    for speeches in (council, debate):
        by_session = [
            speech_id for speech_id, text in speeches if speech_id not in chosen and SESSION_NUMBER.search(text)
        ]
        chosen += rng.sample(by_session, PER_SESSION_STRATUM)
    held_back = random.Random(HELD_BACK_SEED)
    for speeches in (council, debate):
        rest = [
            speech_id
            for speech_id, text in speeches
            if speech_id not in chosen and (RARE.search(text) or SESSION_NUMBER.search(text))
        ]
        chosen += held_back.sample(rest, HELD_BACK)
    chosen += held_out(council, debate, set(chosen))
    print("\n".join(chosen))


def held_out(council, debate, seen):
    """The third draw, from speeches the first two left: see the module's docstring."""
    rng = random.Random(HELD_OUT_SEED)
    drawn = []
    for speeches in (council, debate):
        either = [
            speech_id
            for speech_id, text in speeches
            if speech_id not in seen and (RARE.search(text) or SESSION_NUMBER.search(text))
        ]
        picked = rng.sample(either, HELD_OUT_RARE)
        mentioning = set(either)
        neither = [speech_id for speech_id, _ in speeches if speech_id not in seen and speech_id not in mentioning]
        drawn += picked + rng.sample(neither, HELD_OUT_REST)
    for speeches in (council, debate):
        by_session = [
            speech_id
            for speech_id, text in speeches
            if speech_id not in seen and speech_id not in drawn and SESSION_NUMBER.search(text)
        ]
        drawn += rng.sample(by_session, PER_SESSION_STRATUM)
    return drawn


if __name__ == "__main__":
    main(Path(sys.argv[1]))
