"""The archive as a dataset: `export_dataset` writes a Frictionless Data package that the standard
library reads back, the /data/ page lists it, and a failed export never becomes the latest."""

import csv
import hashlib
import json
import os
import sqlite3
from dataclasses import replace
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from statements import dataset
from statements.models import Citation, Country, DocumentReference, Meeting, Resolution, Speaker, Statement

from .factories import make_statement

HOSTILE = (
    "Statement by Mr. Hostile (Freedonia)\n\n"
    '=HYPERLINK("http://evil.example", "click") is what this paragraph says, citing resolution 2341 (2017).\n\n'
    "@SUM(A1:A9) and a second paragraph; see S/2015/446."
)


@pytest.fixture
def seeds_and_hostile_text(seeded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_statement("hostile.txt", HOSTILE)
    return seeded


def export(target):
    out = StringIO()
    call_command("export_dataset", str(target), stdout=out)
    return out.getvalue(), dataset.latest_package(target)


def database_counts():
    return {
        "statements": Statement.objects.count(),
        "paragraphs": sum(len(s.paragraphs) for s in Statement.objects.all()),
        "speakers": Speaker.objects.count(),
        "delegations": Country.objects.count(),
        "meetings": Meeting.objects.count(),
        "resolutions": Resolution.objects.count(),
        "citations": Citation.objects.count(),
        "document_references": DocumentReference.objects.count(),
    }


def test_exported_package_read_back_with_the_standard_library_has_the_archive_counts(seeds_and_hostile_text, tmp_path):
    output, package = export(tmp_path)
    folder = tmp_path / package.folder
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    expected = database_counts()
    assert expected["statements"] == 4 and expected["citations"] >= 2 and expected["paragraphs"] > 4

    tables = {r["name"]: r for r in descriptor["resources"] if r.get("format") == "csv"}
    assert set(tables) == set(expected)
    db = sqlite3.connect(folder / "statements-archive.sqlite")
    for name, count in expected.items():
        with open(folder / tables[name]["path"], encoding="utf-8", newline="") as source:
            header, *rows = list(csv.reader(source))
        assert len(rows) == tables[name]["rows"] == count, name
        assert header == [f["name"] for f in tables[name]["schema"]["fields"]], name
        assert db.execute(f'select count(*) from "{name}"').fetchone()[0] == count, name
    assert "statements: 4 rows" in output and "it is now the latest" in output

    # the paragraphs put together give each statement's text back, in the pages' numbering
    hostile = Statement.objects.get(source="hostile.txt")
    numbered = db.execute("select number, text from paragraphs where statement_id = ? order by number", [hostile.pk])
    assert "\n\n".join(text for _number, text in numbered) == hostile.body
    citation = Citation.objects.get(statement=hostile)
    assert db.execute("select paragraph from citations where statement_id = ?", [hostile.pk]).fetchone() == (
        citation.paragraph + 1,
    )


def test_datapackage_json_names_schema_keys_licence_version_command_and_checksums(seeds_and_hostile_text, tmp_path):
    _output, package = export(tmp_path)
    folder = tmp_path / package.folder
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["profile"] == "tabular-data-package"
    assert descriptor["licenses"][0]["name"] and descriptor["version"] == package.version
    assert descriptor["command"] == f"manage.py export_dataset {tmp_path}"
    assert descriptor["created"].endswith("Z")
    statements = next(r for r in descriptor["resources"] if r["name"] == "statements")
    fields = {f["name"]: f["type"] for f in statements["schema"]["fields"]}
    assert fields["id"] == "integer" and fields["date"] == "date" and fields["source"] == "string"
    assert "body" not in fields  # the text is in the paragraphs table
    assert fields["delegation_id"] == "integer" and fields["editor_fields"] == "array"
    assert {"fields": "delegation_id", "reference": {"resource": "delegations", "fields": "id"}} in statements[
        "schema"
    ]["foreignKeys"]
    assert {"fields": "speaker_id", "reference": {"resource": "speakers", "fields": "id"}} in statements["schema"][
        "foreignKeys"
    ]
    citations = next(r for r in descriptor["resources"] if r["name"] == "citations")
    targets = {fk["reference"]["resource"] for fk in citations["schema"]["foreignKeys"]}
    assert targets == {"statements", "resolutions"}
    for resource in descriptor["resources"]:
        data = (folder / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert folder.stat().st_mode & 0o755 == 0o755  # a web server running as another user reads it
    assert (tmp_path / "LATEST").stat().st_mode & 0o644 == 0o644  # and the file naming it
    sums = dict(line.split("  ")[::-1] for line in (folder / "SHA256SUMS").read_text().splitlines())
    assert sums["datapackage.json"] == hashlib.sha256((folder / "datapackage.json").read_bytes()).hexdigest()


def test_csv_cells_that_look_like_formulas_are_neutralised_and_sqlite_keeps_them_verbatim(
    seeds_and_hostile_text, tmp_path
):
    _output, package = export(tmp_path)
    folder = tmp_path / package.folder
    with open(folder / "paragraphs.csv", encoding="utf-8", newline="") as source:
        texts = [row["text"] for row in csv.DictReader(source)]
    assert not [text for text in texts if text[:1] in ("=", "+", "-", "@")]
    assert any(text.startswith("'=HYPERLINK(") for text in texts)
    assert any(text.startswith("'@SUM(A1:A9)") for text in texts)
    db = sqlite3.connect(folder / "statements-archive.sqlite")
    stored = [row[0] for row in db.execute("select text from paragraphs")]
    assert any(text.startswith("=HYPERLINK(") for text in stored)


def test_an_export_that_fails_midway_leaves_the_previous_package_as_the_latest(
    seeds_and_hostile_text, tmp_path, monkeypatch, client, settings
):
    settings.ARCHIVE_DATASET_DIR = tmp_path
    _output, first = export(tmp_path)
    real_tables = dataset.tables

    def failing_tables():
        tables = real_tables()
        fourth = tables[3]

        def rows_then_a_full_disk():
            yield from fourth.rows()
            raise OSError(28, "No space left on device")

        tables[3] = replace(fourth, rows=rows_then_a_full_disk)
        return tables

    monkeypatch.setattr(dataset, "tables", failing_tables)
    with pytest.raises(CommandError, match="No space left on device"):
        export(tmp_path)
    assert dataset.latest_package(tmp_path).folder == first.folder
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.folder, "LATEST", dataset.LOCK])
    assert first.version in client.get("/data/").content.decode()


class Killed(BaseException):
    """Stands for kill -9 at a chosen point: nothing after it runs, no cleanup of the export's own."""


def test_a_package_an_export_was_killed_before_listing_is_removed_next_time_and_the_listed_one_kept(
    seeds_and_hostile_text, tmp_path, monkeypatch, client, settings
):
    settings.ARCHIVE_DATASET_DIR = tmp_path
    _output, listed = export(tmp_path)

    def killed_before_the_switch(target, name):
        raise Killed

    monkeypatch.setattr(dataset, "set_latest", killed_before_the_switch)
    with pytest.raises(Killed):
        export(tmp_path)
    monkeypatch.undo()
    (unlisted,) = [p.name for p in tmp_path.iterdir() if dataset.FOLDER.match(p.name) and p.name != listed.folder]
    assert dataset.latest_package(tmp_path) == listed
    page = client.get("/data/").content.decode()
    assert listed.version in page and unlisted not in page

    _output, package = export(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([listed.folder, package.folder, "LATEST", dataset.LOCK])
    # a link on a /data/ page loaded just before the switch still downloads
    assert client.get(f"/data/{listed.folder}/statements.csv").status_code == 200


def test_a_killed_exports_leftover_folder_is_never_listed_and_is_removed_by_the_next_export(
    seeds_and_hostile_text, tmp_path
):
    leftover = tmp_path / ".building-999999999-abc"  # no such process
    leftover.mkdir(parents=True)
    (leftover / "statements.csv").write_text("id\n1\n")
    assert dataset.latest_package(tmp_path) is None
    _output, package = export(tmp_path)
    assert not leftover.exists() and package is not None


def test_leftovers_of_killed_exports_go_even_under_a_live_process_id_and_nothing_else_in_the_folder_does(
    seeds_and_hostile_text, tmp_path
):
    live = tmp_path / f".building-{os.getpid()}-x1y2z3ab"  # a reused id: only the lock says who is writing
    live.mkdir()
    (live / "paragraphs.csv").write_text("statement_id\n")
    draft = tmp_path / ".latest-abc123"
    draft.write_text("statements-archive-2001.01.01.000000\n")
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("not the export's")
    (tmp_path / ".building-1-linked").symlink_to(outside, target_is_directory=True)
    (tmp_path / ".building-notes").mkdir()
    (tmp_path / "notes.txt").write_text("mine")

    export(tmp_path)
    assert not live.exists() and not draft.exists()
    assert (outside / "keep.txt").exists() and (tmp_path / ".building-1-linked").is_symlink()
    assert (tmp_path / ".building-notes").is_dir() and (tmp_path / "notes.txt").exists()


def test_a_second_export_while_one_is_writing_is_refused_and_touches_nothing(seeds_and_hostile_text, tmp_path):
    _output, first = export(tmp_path)
    with dataset.export_lock(tmp_path):
        writing = tmp_path / f".building-{os.getpid()}-abcd1234"
        writing.mkdir()
        with pytest.raises(CommandError, match="another export is writing there \\(pid \\d+, started"):
            export(tmp_path)
        assert writing.is_dir()
    assert dataset.latest_package(tmp_path) == first


def test_data_page_says_no_package_was_built_yet_and_names_the_command(client, db, settings, tmp_path):
    settings.ARCHIVE_DATASET_DIR = tmp_path / "none-yet"
    response = client.get("/data/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "No package has been built yet" in page and "manage.py export_dataset" in page


def test_data_page_lists_the_latest_package_with_sizes_and_checksums_and_serves_its_files(
    seeds_and_hostile_text, client, settings, tmp_path
):
    settings.ARCHIVE_DATASET_DIR = tmp_path
    _first_output, _first = export(tmp_path)
    _output, package = export(tmp_path)
    page = client.get("/data/").content.decode()
    assert package.version in page
    for file in package.files:
        assert file.sha256 in page and f"/data/{package.folder}/{file.path}" in page
    statements_csv = package.file("statements.csv")
    response = client.get(f"/data/{package.folder}/statements.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == statements_csv.sha256 and len(data) == statements_csv.bytes
    assert client.get(f"/data/{package.folder}/../LATEST").status_code == 404
    assert client.get(f"/data/{package.folder}/archive.sqlite3").status_code == 404
    assert client.get("/data/statements-archive-2001.01.01.000000/statements.csv").status_code == 404


def test_every_page_links_to_the_dataset_from_its_footer(client, db):
    assert 'href="/data/"' in client.get("/").content.decode()


def test_export_dataset_into_a_file_instead_of_a_folder_is_a_clear_error(db, tmp_path):
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    with pytest.raises(CommandError, match="file.txt: not a folder"):
        call_command("export_dataset", str(not_a_folder), stdout=StringIO())


@pytest.mark.browser
def test_data_page_in_a_browser_lists_the_package_and_downloads_a_file(live_archive, page, settings, tmp_path):
    from .conftest import screenshot

    settings.ARCHIVE_DATASET_DIR = tmp_path
    _output, package = export(tmp_path)
    page.goto(live_archive.url + "/")
    page.get_by_role("link", name="The whole archive as a dataset").click()
    page.get_by_role("heading", name="The archive as a dataset").wait_for()
    assert page.get_by_role("row", name="paragraphs.csv").is_visible()
    screenshot(page, "data-page")
    with page.expect_download() as download:
        page.get_by_role("link", name="statements.csv").click()
    data = Path(download.value.path()).read_bytes()
    assert hashlib.sha256(data).hexdigest() == package.file("statements.csv").sha256


def test_a_list_in_the_database_is_exported_as_json_text_in_csv_and_sqlite(seeds_and_hostile_text, tmp_path):
    hostile = Statement.objects.get(source="hostile.txt")
    Statement.objects.filter(pk=hostile.pk).update(editor_fields=["date", "title"])
    _output, package = export(tmp_path)
    folder = tmp_path / package.folder
    with open(folder / "statements.csv", encoding="utf-8", newline="") as source:
        row = next(r for r in csv.DictReader(source) if r["id"] == str(hostile.pk))
    assert json.loads(row["editor_fields"]) == ["date", "title"]
    db = sqlite3.connect(folder / "statements-archive.sqlite")
    stored = db.execute("select editor_fields from statements where id = ?", [hostile.pk]).fetchone()[0]
    assert json.loads(stored) == ["date", "title"]
