"""`export_dataset` killed with kill -9 in the middle of its work: users keep the previous package.

The export runs as a process of its own on a file-backed archive. It is killed once it is
observably writing (its temporary folder holds a paragraphs.csv past KILL_AT_BYTES, the second
and largest table), and the test checks that the kill landed before the end (no new package,
no success line) and that LATEST, the /data/ page and the files it serves are still the
previous package's, checksums included.

The killed run's temporary folder stays where it died, never listed nor served. The next
export cleans it up: it holds DIR's export lock (the kernel released the killed one's), so
every `.building-<pid>-<random>` folder directly in DIR is a dead export's and it removes
those, nothing else; then it replaces the package cleanly.
"""

import hashlib
import os
import signal
import sqlite3
import time

import pytest

from statements import dataset

from .conftest import manage, start_manage, subprocess_env
from .factories import write_texts

pytestmark = pytest.mark.slow  # separate processes, an import and three exports

STATEMENTS = 300
PARAGRAPHS = 120  # short ones: rows, what the export spends its time on, for little text to import
KILL_AT_BYTES = 64 * 1024  # a few 8 KiB buffers of paragraphs.csv: the export is under way


@pytest.fixture(scope="module")
def archive_on_disk(tmp_path_factory):
    """A file-backed archive that export processes read; returns (env, its statement count)."""
    data = tmp_path_factory.mktemp("dataset-kill-archive")
    paragraph = "peace security council development climate humanitarian cooperation"
    texts = write_texts(
        data / "texts",
        range(STATEMENTS),
        lambda number: (
            f"Mr. Speaker{number} (Japan): We recall resolution {2000 + number}.\n\n"
            + "\n\n".join(f"{number}.{p} {paragraph}." for p in range(PARAGRAPHS))
        ),
    )
    env = subprocess_env(data)
    assert manage(env, "migrate", "--no-input").returncode == 0
    result = manage(env, "ingest", str(texts))
    assert result.returncode == 0, result.stderr
    return env


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_checksums_match(folder):
    """Every file SHA256SUMS lists is there with that checksum, as `sha256sum -c` checks it."""
    lines = (folder / dataset.CHECKSUMS).read_text(encoding="utf-8").splitlines()
    assert lines
    for line in lines:
        digest, path = line.split("  ", 1)
        assert sha256(folder / path) == digest, f"{folder.name}/{path}"


def building_folders(target):
    return sorted(p for p in target.iterdir() if p.name.startswith(".building-"))


def packages(target):
    return sorted(p.name for p in target.iterdir() if dataset.FOLDER.match(p.name))


def kill_once_writing(env, target):
    """Start an export and kill -9 it once its paragraphs.csv has grown past KILL_AT_BYTES.

    Returns (the killed process, its temporary folder, bytes of paragraphs.csv at the kill).
    """
    export = start_manage(env, "export_dataset", str(target), start_new_session=True)
    deadline = time.monotonic() + 300
    while True:
        assert export.poll() is None, "the export ended before it was seen writing: make the archive larger"
        assert time.monotonic() < deadline, "no paragraphs.csv past KILL_AT_BYTES after 300 s"
        written = [(folder, folder / "paragraphs.csv") for folder in building_folders(target)]
        sizes = [(folder, csv.stat().st_size) for folder, csv in written if csv.exists()]
        if sizes and sizes[0][1] >= KILL_AT_BYTES:
            break
        time.sleep(0.005)
    os.killpg(export.pid, signal.SIGKILL)
    export.wait()
    folder, size = sizes[0]
    return export, folder, size


def assert_page_lists_only(client, package, target):
    page = client.get("/data/").content.decode()
    assert package.version in page
    for file in package.files:
        assert file.sha256 in page and f"/data/{package.folder}/{file.path}" in page
    others = [name for name in packages(target) if name != package.folder] + [p.name for p in building_folders(target)]
    assert ".building-" not in page and not [name for name in others if f"/data/{name}/" in page]


def test_export_killed_mid_work_leaves_the_previous_package_listed_intact_and_the_next_run_replaces_it(
    archive_on_disk, tmp_path, client, db, settings
):
    env = archive_on_disk
    target = tmp_path / "dataset"
    settings.ARCHIVE_DATASET_DIR = target  # the /data/ page of this test process reads it

    first_run = manage(env, "export_dataset", str(target))
    assert first_run.returncode == 0, first_run.stderr
    first = dataset.latest_package(target)
    assert first is not None and first.file("paragraphs.csv").rows == STATEMENTS * (PARAGRAPHS + 1)
    assert_checksums_match(target / first.folder)
    before = {path.name: sha256(path) for path in (target / first.folder).iterdir()}

    killed, leftover, size = kill_once_writing(env, target)

    # The kill landed mid-work: not a clean end, no success line, the package unfinished.
    assert killed.returncode == -signal.SIGKILL
    assert "it is now the latest" not in killed.stdout.read()
    assert leftover.is_dir() and not (leftover / "datapackage.json").exists()
    assert (leftover / "paragraphs.csv").stat().st_size >= size >= KILL_AT_BYTES
    assert packages(target) == [first.folder], "the killed export made a package"

    # What users see is the first package, whole.
    assert (target / dataset.LATEST).read_text(encoding="utf-8").strip() == first.folder
    assert dataset.latest_package(target) == first
    assert {path.name: sha256(path) for path in (target / first.folder).iterdir()} == before
    assert_checksums_match(target / first.folder)
    assert_page_lists_only(client, first, target)
    paragraphs = first.file("paragraphs.csv")
    response = client.get(f"/data/{first.folder}/paragraphs.csv")
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == paragraphs.sha256
    for name in ("paragraphs.csv", "statements.csv", dataset.SQLITE_FILE):
        assert client.get(f"/data/{leftover.name}/{name}").status_code == 404

    # The next export removes the killed run's folder and becomes the latest, complete.
    next_run = manage(env, "export_dataset", str(target))
    assert next_run.returncode == 0, next_run.stderr
    assert not leftover.exists() and building_folders(target) == []
    second = dataset.latest_package(target)
    assert second.folder != first.folder and packages(target) == sorted([first.folder, second.folder])
    assert_checksums_match(target / second.folder)
    assert_page_lists_only(client, second, target)
    exported = sqlite3.connect(target / second.folder / dataset.SQLITE_FILE)
    assert exported.execute("select count(*) from paragraphs").fetchone()[0] == paragraphs.rows
    assert exported.execute("select count(*) from statements").fetchone()[0] == STATEMENTS
