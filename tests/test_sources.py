"""Importing collections: CSV manifests and JSON lines, meetings, idempotence, bad input, the real corpus."""

import csv
import gzip
import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from statements.models import Citation, Meeting, Resolution, Speaker, Statement

from .conftest import CORPUS
from .factories import ingest

pytestmark = pytest.mark.django_db
MANIFEST_DIR = Path(__file__).resolve().parent / "excerpts" / "manifest"
MANIFEST = MANIFEST_DIR / "metadata.csv"


def counts():
    return tuple(model.objects.count() for model in (Statement, Meeting, Speaker, Resolution, Citation))


GDC_RECORDS = [
    {
        "id": "UNGDC_NZL_75_2020",
        "source_file": "x/NZL_75_2020.txt",
        "body": "UN General Assembly, General Debate",
        "iso3": "NZL",
        "country": "New Zealand",
        "session": 75,
        "year": 2020,
        "date": None,
        "speaker": "Ms. Jacinda Ardern",
        "post": "Prime Minister",
        "speaker_rows": None,
        "text": "On behalf of New Zealand, I congratulate the President on\nhis election. We recall resolution 2532 (2020)\non a global ceasefire.\n",
    },
    {
        "id": "UNGDC_SUN_25_1970",
        "body": "UN General Assembly, General Debate",
        "country": "Union of Soviet Socialist Republics",
        "session": 25,
        "year": 1970,
        "date": None,
        "speaker": "Mr. Gromyko",
        "post": None,
        "text": "The Soviet delegation welcomes resolution 2625 and Security Council resolution 242 (1967) as the basis of peace.",
    },
]


def write_jsonl(path, records, compress=False):
    data = "".join(json.dumps(record) + "\n" for record in records).encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def test_manifest_rows_become_statements_in_their_meetings_in_order(search_index):
    out, _ = ingest(manifest=MANIFEST)
    assert "5 statements read: 5 created, 0 updated, 0 unchanged, 0 failed" in out
    meeting = Meeting.objects.get(symbol="S/PV.8698")
    assert (meeting.topic, str(meeting.date), meeting.kind) == (
        "Peace consolidation in West Africa",
        "2020-01-08",
        "verbatim record (S/PV)",
    )
    in_order = meeting.statements.order_by("position")
    assert [s.source for s in in_order] == ["T_SPV.8698_spch001", "T_SPV.8698_spch002", "T_SPV.8698_spch003"]
    assert [s.position for s in in_order] == [1, 2, 3]
    assert set(Meeting.objects.values_list("symbol", flat=True)) == {
        "S/PV.8698",
        "S/PV.8699 (Resumption 1)",
        "S/2020/346",
    }
    assert Statement.objects.get(source="T_S.2020.346_spch001").forum == "United Nations Security Council"


def test_manifest_metadata_wins_over_what_the_text_says(search_index):
    ingest(manifest=MANIFEST)
    president = Statement.objects.get(source="T_SPV.8698_spch001")  # the text says only "The President:"
    assert (president.speaker.honorific, president.speaker.name, president.speaker.country.name) == (
        "Mr.",
        "Dang",
        "Viet Nam",
    )
    assert str(president.date) == "2020-01-08"
    guest = Statement.objects.get(source="T_SPV.8698_spch002")
    assert (guest.speaker.name, guest.speaker.country.name) == ("Chambas", "United Nations")


def test_a_noisy_country_column_falls_back_to_the_texts_opening(search_index):
    ingest(manifest=MANIFEST)
    michon = Statement.objects.get(source="T_SPV.8698_spch003")  # country column: "spoke in French"
    assert (michon.speaker.name, michon.speaker.country.name, michon.language) == ("Michon", "France", "French")
    ravanchi = Statement.objects.get(source="T_SPV.8699R1_spch001")  # no speaker in the manifest
    assert (ravanchi.speaker.name, ravanchi.speaker.country.name) == ("Ravanchi", "Iran (Islamic Republic of)")
    assert "S/PV.8699" not in ravanchi.body and "Maintenance of international" not in ravanchi.body


def test_running_the_same_import_twice_changes_nothing(search_index):
    ingest(manifest=MANIFEST)
    before = counts()
    ids = sorted(Statement.objects.values_list("pk", flat=True))
    out, _ = ingest(manifest=MANIFEST)
    assert "5 statements read: 0 created, 0 updated, 5 unchanged, 0 failed" in out
    assert counts() == before and sorted(Statement.objects.values_list("pk", flat=True)) == ids


def test_changed_manifest_metadata_updates_the_statement_in_place(search_index, tmp_path):
    shutil.copytree(MANIFEST_DIR, tmp_path / "m")
    ingest(manifest=MANIFEST)
    pk = Statement.objects.get(source="T_SPV.8698_spch003").pk
    rows = list(csv.DictReader((tmp_path / "m" / "metadata.csv").open()))
    rows[2]["date"] = "2020-01-10"
    with (tmp_path / "m" / "metadata.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=rows[0].keys())
        writer.writeheader()
        writer.writerows(rows)
    out, _ = ingest(manifest=tmp_path / "m" / "metadata.csv")
    assert "1 updated" in out
    statement = Statement.objects.get(source="T_SPV.8698_spch003")
    assert statement.pk == pk and str(statement.date) == "2020-01-10"


def test_a_failing_row_is_named_with_its_reason_while_the_others_load(search_index, tmp_path):
    shutil.copytree(MANIFEST_DIR, tmp_path / "m")
    manifest = tmp_path / "m" / "metadata.csv"
    with manifest.open("a") as handle:
        handle.write(
            "T_missing,texts/nowhere.txt,S/PV.8698,verbatim record (S/PV),4,2020-01-08,Peace,Mr. X,France,Guest,1\n"
        )
        handle.write(
            "T_baddate,texts/T_SPV.8698_spch001.txt,S/PV.8698,verbatim record (S/PV),5,2020-13-45,Peace,Mr. X,France,Guest,1\n"
        )
    (tmp_path / "m" / "texts" / "T_SPV.8698_spch003.txt").write_bytes(b"")
    out = StringIO()
    with pytest.raises(CommandError, match="3 of 7 statements could not be imported"):
        call_command("ingest", manifest=[str(manifest)], stdout=out, stderr=StringIO(), workers=1)
    report = out.getvalue()
    assert "metadata.csv line 7 (T_missing)" in report and "cannot read" in report
    assert "metadata.csv line 8 (T_baddate)" in report and "not an ISO date" in report
    assert "(T_SPV.8698_spch003)" in report and "empty" in report
    assert Statement.objects.count() == 4


def test_a_manifest_without_a_file_column_is_refused_naming_file_and_columns(db, tmp_path):
    manifest = tmp_path / "list.csv"
    manifest.write_text("id,date\nA,2020-01-01\n")
    with pytest.raises(CommandError, match=r"list\.csv: no file column .* its columns are: id, date"):
        ingest(manifest=manifest)


def test_a_manifest_that_does_not_exist_is_refused_by_name(db, tmp_path):
    with pytest.raises(CommandError, match=r"nowhere\.csv: no such manifest file"):
        ingest(manifest=tmp_path / "nowhere.csv")


@pytest.mark.parametrize("compress", [False, True], ids=["jsonl", "jsonl.gz"])
def test_json_lines_plain_or_gzipped_import_with_their_metadata(search_index, tmp_path, compress):
    path = write_jsonl(tmp_path / ("gdc.jsonl.gz" if compress else "gdc.jsonl"), GDC_RECORDS, compress)
    out, _ = ingest(path)
    assert "2 statements read: 2 created" in out
    assert "columns ignored" not in out
    nzl = Statement.objects.get(source="UNGDC_NZL_75_2020")
    assert nzl.date is None  # the corpus gives none; the year is in the occasion and the year field
    assert nzl.year == 2020
    assert (nzl.forum, nzl.occasion) == ("United Nations General Assembly", "General Debate, 75th session (2020)")
    assert (nzl.speaker.honorific, nzl.speaker.name, nzl.speaker.role, nzl.speaker.country.name) == (
        "Ms.",
        "Jacinda Ardern",
        "Prime Minister",
        "New Zealand",
    )
    assert nzl.body.startswith("On behalf of New Zealand, I congratulate the President on his election.")
    soviet = Statement.objects.get(source="UNGDC_SUN_25_1970")
    # The Russian Federation continues the USSR's seat: one delegation, shown under its 1970 name.
    assert (soviet.delegation.name, soviet.delegation_name) == (
        "Russian Federation",
        "Union of Soviet Socialist Republics",
    )
    # In 1970 the Council was at resolution 291: "resolution 2625" is the Assembly's.
    assert sorted(soviet.citations.values_list("resolution__number", flat=True)) == [242]
    out, _ = ingest(path)
    assert "2 statements read: 0 created, 0 updated, 2 unchanged, 0 failed" in out


def test_a_bad_json_line_is_reported_and_the_rest_load(search_index, tmp_path):
    path = tmp_path / "gdc.jsonl"
    write_jsonl(path, GDC_RECORDS)
    with path.open("a") as handle:
        handle.write("{not json\n")
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 3 statements could not be imported"):
        call_command("ingest", str(path), stdout=out, stderr=StringIO(), workers=1)
    assert "gdc.jsonl line 3" in out.getvalue() and "not valid JSON" in out.getvalue()
    assert Statement.objects.count() == 2


def test_the_registry_sets_years_and_flags_a_cited_year_it_contradicts(search_index, tmp_path):
    registry = tmp_path / "registry.csv"
    registry.write_text(
        '"";"Resolution";"Number";"Year";"Date";"Topic";"URL"\n'
        '"1";"S/RES/2349";2349;"2017";"31 March 2017";"Peace and security in Africa";"u"\n'
        '"2";"S/RES/242";242;"1967";NA;"The situation in the Middle \n      East";"u"\n'
    )
    ingest(manifest=MANIFEST)
    bad = "Mr. Bessho (Japan): We recall resolution 2349 (2016) on the Lake Chad Basin and its root causes."
    from .factories import make_statement

    make_statement("bad-year.txt", bad)
    out = StringIO()
    call_command("load_resolutions", str(registry), "--conflicts", stdout=out)
    resolution = Resolution.objects.get(number=2349)
    assert (resolution.year, str(resolution.date), resolution.title) == (
        2017,
        "2017-03-31",
        "Peace and security in Africa",
    )
    assert Resolution.objects.get(number=242).title == "The situation in the Middle East"
    assert "1 citation gives a year the registry contradicts" in out.getvalue()
    assert "bad-year.txt: resolution 2349 cited as (2016), recorded year 2017" in out.getvalue()
    (conflict,) = Citation.objects.year_conflicts()
    assert conflict.year_conflicts and conflict.statement.source == "bad-year.txt"
    out = StringIO()
    call_command("load_resolutions", str(registry), stdout=out)
    assert "0 created, 0 updated, 2 unchanged" in out.getvalue()
    make_statement("another.txt", "Mr. Bessho (Japan): As resolution 2349 (2015) says, the region needs help.")
    assert Resolution.objects.get(number=2349).year == 2017  # a text never overwrites the registry


@pytest.mark.corpus
@pytest.mark.slow
def test_a_few_hundred_real_security_council_speeches_import_as_the_manifest_says(search_index, tmp_path):
    source = CORPUS / "unsc_2020" / "metadata.csv"
    with source.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = [row for _, row in zip(range(300), reader)]
        fields = reader.fieldnames
    manifest = tmp_path / "metadata.csv"
    with manifest.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    # Copied, not linked: ingest refuses to follow links out of a manifest's folder.
    for row in rows:
        copy = tmp_path / row["file"]
        copy.parent.mkdir(exist_ok=True)
        copy.write_bytes((CORPUS / "unsc_2020" / row["file"]).read_bytes())
    out, _ = ingest(manifest=manifest)
    assert f"{len(rows)} statements read: {len(rows)} created" in out and "0 failed" in out
    assert Statement.objects.count() == len(rows)
    assert Meeting.objects.count() == len({row["record_symbol"] for row in rows})
    statements = {s.source: s for s in Statement.objects.select_related("speaker__country", "meeting")}
    named = 0
    for row in rows:
        statement = statements[row["id"]]
        assert str(statement.date) == row["date"]
        assert (statement.meeting.symbol, statement.meeting.topic) == (row["record_symbol"], row["topic"])
        assert statement.position == int(row["speech_no"])
        if "/" in row["speaker"]:  # two people: the one the text names, or the value as written
            surnames = [part.split()[-1] for part in row["speaker"].split("/")]
            if statement.speaker:
                assert statement.speaker.name.split()[-1] in surnames, (row["id"], row["speaker"])
            else:
                assert statement.speaker_as_written == row["speaker"], row["id"]
        elif row["speaker"] and row["speaker"] != "unknown" and "Secretary-General" not in row["speaker"]:
            surname = row["speaker"].split()[-1]
            assert statement.speaker and statement.speaker.name.endswith(surname), (row["id"], row["speaker"])
            named += 1
        from statements.parsing.countries import canonical_country

        if canonical_country(row["country"]):
            assert statement.delegation.name == canonical_country(row["country"]), row["id"]
        assert row["record_symbol"].split(" (")[0] + " " not in statement.body + " " or "(see" in statement.body
    assert named > 150


def test_a_rerun_after_a_killed_import_indexes_what_was_stored_but_never_indexed(search_index):
    from haystack.query import SearchQuerySet

    ingest(manifest=MANIFEST)
    search_index.clear()  # as if killed after writing rows, before the bulk index update
    out, err = ingest(manifest=MANIFEST)
    assert "0 created, 0 updated, 5 unchanged" in out and "indexing 5 statements" in err
    assert SearchQuerySet().models(Statement).count() == 5


def test_a_general_debate_known_only_by_its_year_counts_in_that_year(
    search_index, tmp_path, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ingest(write_jsonl(tmp_path / "gdc.jsonl", GDC_RECORDS))
    page = client.get("/search/", {"year": "2020"})
    assert [result.statement.source for result in page.context["page"].object_list] == ["UNGDC_NZL_75_2020"]
    newest = list(Statement.objects.newest_first().values_list("source", flat=True))
    assert newest == ["UNGDC_NZL_75_2020", "UNGDC_SUN_25_1970"]
