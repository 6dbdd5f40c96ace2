"""The ingest command and the one write path: idempotence, updates in place, bad input, speakers."""

import json
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from haystack.query import SearchQuerySet

from statements.models import Citation, Country, DocumentReference, Resolution, Speaker, Statement
from statements.parsing import PARSER_VERSION

from .conftest import SEEDS, manage, subprocess_env
from .factories import ingest, make_statement

pytestmark = pytest.mark.django_db


def test_seeds_load_into_three_statements_two_speakers_and_four_resolutions(seeded):
    assert Statement.objects.count() == 3
    speakers = {
        speaker.name: sorted(s.source[:3] for s in speaker.statements.all())
        for speaker in Speaker.objects.select_related("country")
    }
    assert speakers == {"Koro Bessho": ["000", "003"], "Kentaro Sonoura": ["004"]}
    assert set(Speaker.objects.values_list("country__name", flat=True)) == {"Japan"}
    assert sorted(Resolution.objects.values_list("number", flat=True)) == [2295, 2309, 2322, 2341]
    assert Resolution.objects.get(number=2295).symbol == "S/RES/2295 (2016)"
    assert sorted(DocumentReference.objects.values_list("symbol", flat=True)) == ["S/2015/446", "S/PV.7750"]


def test_citation_keeps_the_sentence(seeded):
    citation = Citation.objects.get(resolution__number=2341)
    assert "resolution 2341 on the protection of critical infrastructure" in citation.sentence


def test_seeds_are_searchable_after_ingest(seeded):
    assert SearchQuerySet().models(Statement).count() == 3
    assert SearchQuerySet().filter(content="Sonoura").count() == 1


def test_reingesting_unchanged_files_changes_nothing(seeded):
    before = list(Statement.objects.values_list("pk", "modified").order_by("pk"))
    out, _ = ingest(SEEDS)
    assert "0 created, 0 updated, 3 unchanged, 0 failed" in out
    assert list(Statement.objects.values_list("pk", "modified").order_by("pk")) == before
    assert Speaker.objects.count() == 2 and Citation.objects.count() == 4


def test_a_new_parser_version_reparses_unchanged_files_in_place(seeded, monkeypatch):
    # What an archive imported by an older parser (one block of text) gets on re-import.
    statement = Statement.objects.get(source="000_d635279429bd5661.txt")
    paragraphs = statement.paragraphs
    assert len(paragraphs) > 1
    Statement.objects.filter(pk=statement.pk).update(body=" ".join(paragraphs))

    out, _ = ingest(SEEDS)
    assert "0 created, 0 updated, 3 unchanged" in out
    assert len(Statement.objects.get(pk=statement.pk).paragraphs) == 1

    monkeypatch.setattr("statements.ingest.PARSER_VERSION", PARSER_VERSION + 1)
    out, _ = ingest(SEEDS)
    assert "0 created, 3 updated, 0 unchanged" in out
    assert Statement.objects.get(pk=statement.pk).paragraphs == paragraphs


def test_changed_file_updates_its_statement_in_place(db, tmp_path, search_index, django_capture_on_commit_callbacks):
    path = tmp_path / "000_d635279429bd5661.txt"
    shutil.copy(SEEDS / path.name, path)
    with django_capture_on_commit_callbacks(execute=True):
        ingest(path)
    statement = Statement.objects.get()
    url = statement.get_absolute_url()
    path.write_text(path.read_text(encoding="utf-8").replace("resolution 2341", "resolution 2396"), encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        out, _ = ingest(path)
    assert "0 created, 1 updated" in out
    updated = Statement.objects.get()
    assert updated.pk == statement.pk and updated.get_absolute_url() == url
    assert sorted(updated.citations.values_list("resolution__number", flat=True)) == [2309, 2322, 2396]
    assert SearchQuerySet().filter(content="2396").count() == 1


def test_dry_run_writes_nothing_and_json_prints_one_statement_a_line(db):
    out, err = ingest(SEEDS, dry_run=True, json=True)
    records = [json.loads(line) for line in out.splitlines()]
    assert [record["source"] for record in records] == sorted(path.name for path in SEEDS.glob("*.txt"))
    assert set(records[0]) == {
        "source",
        "title",
        "date",
        "place",
        "forum",
        "occasion",
        "speaker",
        "language",
        "sc_resolutions",
        "ga_resolutions",
        "document_symbols",
        "paragraphs",
    }
    assert records[0]["sc_resolutions"] == [2309, 2322, 2341]
    assert "3 would be created" in err
    assert Statement.objects.count() == 0 and Speaker.objects.count() == 0


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("empty.txt", b"", "empty"),
        ("picture.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        ("broken-utf16.txt", b"\xff\xfe\x00\xd8", "not valid utf-16"),
        ("no-text.txt", b"(end)\n", "no statement text"),
    ],
)
def test_unreadable_file_is_named_with_its_reason_and_the_rest_still_load(db, tmp_path, name, data, reason):
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, tmp_path / seed.name)
    (tmp_path / name).write_bytes(data)
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 4 files could not be imported"):
        call_command("ingest", str(tmp_path), stdout=out, stderr=StringIO())
    assert f"{name}: " in out.getvalue() and reason in out.getvalue()
    assert Statement.objects.count() == 3
    assert not Statement.objects.filter(source=name).exists()


def test_missing_path_is_a_clear_error(db):
    with pytest.raises(CommandError, match="no such file or folder: nowhere.txt"):
        ingest("nowhere.txt")


@pytest.mark.parametrize(
    "encoding, data",
    [
        ("utf-8-bom", b"\xef\xbb\xbf" + "Mr. Araújo (Portugal): Senhor Presidente, “merci” for this debate.".encode()),
        ("utf-16", "Mr. Araújo (Portugal): Senhor Presidente, “merci” for this debate.".encode("utf-16")),
        ("cp1252", "Mr. Araújo (Portugal): Senhor Presidente, “merci” for this debate.".encode("cp1252")),
    ],
)
def test_encodings_load_with_accents_and_quotes_intact(db, tmp_path, encoding, data):
    (tmp_path / f"{encoding}.txt").write_bytes(data)
    ingest(tmp_path)
    statement = Statement.objects.get()
    assert statement.speaker.name == "Araújo"
    assert statement.body == "Senhor Presidente, “merci” for this debate."


def test_a_failure_inside_the_write_leaves_nothing_half_written(db, monkeypatch):
    from statements import ingest as ingest_module

    def explode(ref):
        raise ingest_module.DatabaseError("disk full")

    monkeypatch.setattr(ingest_module, "find_or_create_resolution", explode)
    outcome = ingest_module.ingest_text("x.txt", "Mr. Bessho (Japan): We welcome resolution 2341 on infrastructure.")
    assert outcome.status == "failed" and "disk full" in outcome.error
    assert Statement.objects.count() == 0 and Speaker.objects.count() == 0 and Country.objects.count() == 0


def test_same_surname_and_country_is_one_speaker_and_the_fuller_name_wins(db):
    make_statement("a.txt", "Mr. Bessho (Japan): We welcome resolution 2341 on infrastructure.")
    make_statement(
        "b.txt",
        "Statement by H.E. Mr. Koro Bessho\nPermanent Representative of Japan to the United Nations\n"
        "13 February 2017\nMr. President, we welcome this debate on peace.",
    )
    speaker = Speaker.objects.get()
    assert (speaker.name, speaker.honorific, speaker.country.name) == ("Koro Bessho", "H.E. Mr.", "Japan")
    assert speaker.role == "Permanent Representative of Japan to the United Nations"
    assert speaker.statements.count() == 2


def test_same_surname_from_another_country_is_never_merged(db):
    make_statement("a.txt", "Mr. Kim (Republic of Korea): We welcome the debate on peace today.")
    make_statement("b.txt", "Mr. Kim (Democratic People's Republic of Korea): We reject the debate on peace today.")
    assert Speaker.objects.count() == 2


def test_different_first_names_with_one_surname_are_two_people(db):
    make_statement(
        "a.txt", "Statement by Mr. Ken Tanaka, Minister, Japan\n1 June 2017\nThank you for this debate on peace."
    )
    make_statement(
        "b.txt", "Statement by Mr. Yuki Tanaka, Minister, Japan\n2 June 2017\nThank you for this debate on peace."
    )
    assert sorted(Speaker.objects.values_list("name", flat=True)) == ["Ken Tanaka", "Yuki Tanaka"]


def test_a_folder_named_through_dot_dot_is_walked(db, tmp_path, monkeypatch):
    (tmp_path / "inner").mkdir()
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, tmp_path / "inner" / seed.name)
    (tmp_path / "inner" / ".hidden").mkdir()
    (tmp_path / "inner" / ".hidden" / "draft.txt").write_text("Mr. Draft (Japan): not for import at all.")
    monkeypatch.chdir(tmp_path / "inner")
    out, _ = ingest("../inner")
    assert "3 created" in out


def test_two_delegation_names_that_slug_alike_get_two_pages(db):
    from statements.ingest import find_or_create_country

    first, second = find_or_create_country("Guinea Bissau Group"), find_or_create_country("Guinea-Bissau Group")
    assert first != second and first.slug == "guinea-bissau-group" and second.slug == "guinea-bissau-group-2"


def test_a_year_before_the_united_nations_is_not_read_as_a_resolution_year():
    from statements.parsing import parse_statement

    parsed = parse_statement("Mr. Bessho (Japan): We recall resolution 1234 (1942) and resolution 1540 (2004).")
    years = {ref.number: ref.year for ref in parsed.resolutions}
    assert years.get(1540) == 2004 and years.get(1234) is None


@pytest.mark.slow
def test_a_dry_run_on_a_fresh_clone_previews_the_seeds_without_a_database(tmp_path):
    env = subprocess_env(tmp_path / "var")
    preview = manage(env, "ingest", "--dry-run", "--json", str(SEEDS))
    assert preview.returncode == 0, preview.stderr
    assert "Traceback" not in preview.stderr
    assert "no archive database yet (python manage.py migrate creates it)" in preview.stderr
    assert [json.loads(line)["source"] for line in preview.stdout.splitlines()] == sorted(
        path.name for path in SEEDS.glob("*.txt")
    )
    assert "3 files read: 3 would be created" in preview.stderr
