"""Who said what, measured: attribution and delegation figures from the archive's own export.

    .venv/bin/python bench/attribution.py --corpus ../shared/corpus [--data-dir DIR] [--reuse]

Builds a scratch archive (its own data folder; var/ is not touched), imports the Security
Council manifest (unsc_2020/metadata.csv) and the General Debate file
(ungdc/ungdc_1946-2024.jsonl.gz), downloads the JSON-lines export of everything
(/search/export.jsonl, as a reader would) and compares each exported row with the row of the
source it came from, joined on the exported `source`:

- rows with their source: exported rows whose `source` is a source row's id;
- one person: source rows whose speaker names one person (not empty, not "unknown", not a
  bare role such as "The President", no "/") whose exported speaker is that person: same
  surname, and no given name that contradicts (Nebenzia = Vassily A. Nebenzia);
- two people: speaker records (exported rows with a speaker_id) whose name holds a "/";
- delegations: source rows naming a delegation (not empty, not a record note such as
  "spoke in French", not "Individual") whose exported country is that delegation, under the
  name of the statement's year or its present name;
- General Debate: rows naming a country (name or ISO code) that show a delegation, and the
  speeches of nine renamed states that show the name of their year. The years come from the
  table below, written from the states' own speeches (which name they call themselves each
  year), independently of the archive's table of renamings.
"""

import argparse
import csv
import gzip
import json
import os
import re
import sys
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# iso3: [(name, first year, last year)]; the name in any other year is the present one.
RENAMED = {
    "THA": ("Thailand", [("Siam", 1946, 1948)]),
    "LKA": ("Sri Lanka", [("Ceylon", 1946, 1971)]),
    "BFA": ("Burkina Faso", [("Upper Volta", 1946, 1983)]),
    "BEN": ("Benin", [("Dahomey", 1946, 1975)]),
    "COD": ("Democratic Republic of the Congo", [("Congo (Leopoldville)", 1946, 1963), ("Zaire", 1972, 1996)]),
    "MMR": ("Myanmar", [("Burma", 1946, 1988)]),
    "SWZ": ("Eswatini", [("Swaziland", 1946, 2017)]),
    "TUR": ("Türkiye", [("Turkey", 1946, 2021)]),
    "RUS": ("Russian Federation", [("Union of Soviet Socialist Republics", 1946, 1991)]),
}
HONORIFIC = re.compile(
    r"^(?:(?:H\.\s?E\.|Mr\.?|Mrs\.?|Ms\.?|Miss|Dr\.?|Sir|Dame|Sheikh|Prince|Princess|Archbishop|Cardinal|"
    r"Monsignor|Lord|Baroness|Mme\.?|President)\s+)+"
)
ROLE = re.compile(r"^(?:The\s+)?(?:President|Secretary-General|Deputy Secretary-General|Chair)$", re.IGNORECASE)
NOT_A_DELEGATION = re.compile(r"^(?:|individual|.*\bspoke in\b.*)$", re.IGNORECASE)


def words(name):
    name = unicodedata.normalize("NFKD", HONORIFIC.sub("", name.strip())).encode("ascii", "ignore").decode()
    return [word for word in re.split(r"[\s.]+", name.casefold()) if word]


def same_person(source_name, shown):
    """Same surname, and the given names of the shorter form agree with the longer one's."""
    a, b = words(source_name), words(shown or "")
    if not a or not b or a[-1] != b[-1]:
        return False
    shorter, longer = sorted((a[:-1], b[:-1]), key=len)
    return all(any(word[0] == other[0] for other in longer) for word in shorter)


def archive(data_dir, reuse, corpus):
    os.environ.update(
        {
            "ARCHIVE_DATA_DIR": str(data_dir),
            "WHOOSH_INDEX_PATH": str(Path(data_dir) / "whoosh_index"),
            "DATABASE_URL": f"sqlite:///{Path(data_dir) / 'archive.sqlite3'}",
            "ARCHIVE_RATELIMIT": "0",
            "DJANGO_SETTINGS_MODULE": "archive.settings",
        }
    )
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    # The pages sampled below name their static files through the manifest collectstatic writes.
    call_command("collectstatic", interactive=False, verbosity=0)
    if not reuse:
        call_command("migrate", verbosity=0)
        for args, options in (
            ((), {"manifest": [str(corpus / "unsc_2020" / "metadata.csv")]}),
            ((str(corpus / "ungdc" / "ungdc_1946-2024.jsonl.gz"),), {}),
        ):
            try:
                call_command("ingest", *args, **options)
            except SystemExit:
                pass  # a row that fails is reported by ingest and counted below as missing


def export_rows():
    from django.test import Client

    response = Client().get("/search/export.jsonl")
    assert response.status_code == 200, response.status_code
    text = b"".join(response.streaming_content).decode("utf-8")
    return {row["source"]: row for row in map(json.loads, text.splitlines()) if row.get("source")}


def share(numerator, denominator):
    return f"{numerator} / {denominator} = {100 * numerator / denominator:.2f} %" if denominator else "n/a"


def council_figures(rows, manifest):
    """The counts behind the Council figures; rows are the export's, by source."""
    source = list(csv.DictReader(manifest.open(encoding="utf-8")))
    one = [row for row in source if row["speaker"] and "/" not in row["speaker"]]
    one = [row for row in one if row["speaker"].casefold() != "unknown"]
    one = [row for row in one if not ROLE.match(HONORIFIC.sub("", row["speaker"]))]
    attributed = [row for row in one if row["id"] in rows and same_person(row["speaker"], rows[row["id"]]["speaker"])]
    combined = [row for row in source if "/" in row["speaker"] and row["id"] in rows]
    named = [row for row in source if not NOT_A_DELEGATION.match(row["country"].strip())]
    shown = [row for row in named if row["id"] in rows and delegation_shown(row["country"], rows[row["id"]], 2020)]
    return {
        "rows": len(source),
        "with_source": sum(1 for row in source if row["id"] in rows),
        "one_person": len(one),
        "attributed": len(attributed),
        "two_people_records": len(
            {r["speaker"] for r in rows.values() if r.get("speaker_id") and "/" in (r["speaker"] or "")}
        ),
        "two_people_rows": len(combined),
        "two_people_resolved": sum(1 for row in combined if rows[row["id"]].get("speaker_id")),
        "two_people_as_written": sum(
            1 for row in combined if rows[row["id"]]["speaker"] == row["speaker"] and not rows[row["id"]]["speaker_id"]
        ),
        "naming_delegation": len(named),
        "delegation_shown": len(shown),
        "person_misses": Counter(
            (row["speaker"], rows.get(row["id"], {}).get("speaker")) for row in one if row not in attributed
        ).most_common(12),
        "delegation_misses": Counter(
            (row["country"], rows.get(row["id"], {}).get("country")) for row in named if row not in shown
        ).most_common(12),
    }


def council(rows, manifest):
    f = council_figures(rows, manifest)
    return {
        "rows": f["rows"],
        "exported rows carrying their source": share(f["with_source"], f["rows"]),
        "one-person rows attributed to that person": share(f["attributed"], f["one_person"]),
        "speaker records naming two people": f["two_people_records"],
        "two-people rows resolved from the text's opening": share(f["two_people_resolved"], f["two_people_rows"]),
        "two-people rows kept as written (unresolved)": f["two_people_as_written"],
        "rows naming a delegation that show it": share(f["delegation_shown"], f["naming_delegation"]),
        "one-person misses (source, shown)": f["person_misses"],
        "delegation misses (source, shown)": f["delegation_misses"],
    }


def pages_sample(rows, manifest, size=100, seed=10):
    """What a reader sees for a random sample of source rows: the statement's page names the
    person (or the source's words) and the delegation; the speaker's page lists the statement;
    the country facet of the search finds it."""
    import html
    import random
    from urllib.parse import urlsplit

    from django.test import Client

    client = Client()
    source = list(csv.DictReader(manifest.open(encoding="utf-8")))
    sample = random.Random(seed).sample([row for row in source if row["id"] in rows], size)
    seen = Counter()
    for row in sample:
        shown = rows[row["id"]]
        response = client.get(urlsplit(shown["url"]).path, follow=True)
        path = response.redirect_chain[-1][0] if response.redirect_chain else urlsplit(shown["url"]).path
        page = html.unescape(response.content.decode())
        seen["statement page names the speaker as exported"] += bool(shown["speaker"]) and shown["speaker"] in page
        seen["rows with a speaker"] += bool(shown["speaker"])
        if shown["country"]:
            seen["statement page shows the delegation"] += f">{shown['country']}</a>" in page
            seen["rows with a delegation"] += 1
            found = b"".join(
                client.get("/search/export.jsonl", {"country": shown["country_slug"]}).streaming_content
            ).decode()
            seen["country facet finds it"] += f'"source": "{row["id"]}"' in found
        if shown["speaker_id"]:
            seen["rows with a speaker record"] += 1
            first = client.get(f"/speakers/{shown['speaker_id']}/", follow=True)
            speaker_path = first.redirect_chain[-1][0] if first.redirect_chain else f"/speakers/{shown['speaker_id']}/"
            for number in range(1, 50):
                speaker_page = client.get(speaker_path, {"page": number})
                if speaker_page.status_code != 200:
                    break
                if f'href="{path}"' in speaker_page.content.decode():
                    seen["speaker page lists it"] += 1
                    break
        named = row["speaker"] and "/" not in row["speaker"] and not ROLE.match(HONORIFIC.sub("", row["speaker"]))
        if named and row["speaker"].casefold() != "unknown":
            seen["sampled one-person rows"] += 1
            seen["page names that person"] += same_person(row["speaker"], shown["speaker"])
    return dict(sorted(seen.items()))


def delegation_shown(written, row, year):
    from statements.parsing.countries import canonical_country, delegation_name, name_in_year

    expected = delegation_name(written) or written.strip()
    names = {expected, name_in_year(canonical_country(expected) or expected, year)}
    return row.get("country") in names or row.get("country_now") in names


def general_debate(rows, path):
    from statements.parsing.countries import country_of_code

    naming = shown = renamed = year_name = 0
    misses = Counter()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            source = json.loads(line)
            row = rows.get(source["id"], {})
            if source.get("country") or country_of_code(source.get("iso3")):
                naming += 1
                shown += bool(row.get("country"))
            if source.get("iso3") in RENAMED:
                present, former = RENAMED[source["iso3"]]
                expected = next((name for name, first, last in former if first <= source["year"] <= last), present)
                renamed += 1
                if row.get("country") == expected:
                    year_name += 1
                else:
                    misses[(source["iso3"], source["year"], expected, row.get("country"))] += 1
    return {
        "rows naming a country that show a delegation": share(shown, naming),
        f"speeches of {len(RENAMED)} renamed states under the name of their year": share(year_name, renamed),
        "renamed misses (iso3, year, expected, shown)": misses.most_common(12),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="the shared corpus folder")
    parser.add_argument("--data-dir", type=Path, help="where the scratch archive goes (default: a temporary folder)")
    parser.add_argument("--reuse", action="store_true", help="measure the archive already in --data-dir")
    args = parser.parse_args()
    manifest = args.corpus / "unsc_2020" / "metadata.csv"
    gd = args.corpus / "ungdc" / "ungdc_1946-2024.jsonl.gz"
    for path in (manifest, gd):
        if not path.is_file():
            parser.error(f"{path}: no such file (is --corpus the shared corpus folder?)")
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="attribution-"))
    archive(data_dir, args.reuse, args.corpus)
    rows = export_rows()
    report = {"Security Council 2020 (metadata.csv)": council(rows, manifest)}
    report["What a reader sees: 100 random Council rows"] = pages_sample(rows, manifest)
    report["General Debate 1946-2024"] = general_debate(rows, gd)
    for section, figures in report.items():
        print(f"\n## {section}\n")
        for name, value in figures.items():
            print(f"- {name}: {value}")
    print(f"\n(archive in {data_dir}; {len(rows)} exported rows)")


if __name__ == "__main__":
    main()
