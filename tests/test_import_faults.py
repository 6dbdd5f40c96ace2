"""An import that meets a bad file and is then killed, run again: every statement once, index in step."""

import os
import signal
import sqlite3
import subprocess
import time

import pytest

from .conftest import manage, start_manage, subprocess_env
from .factories import write_texts

pytestmark = pytest.mark.slow  # separate processes, a whole import each

FILES = 200
KILL_AFTER = 40


def stored(database):
    try:
        with sqlite3.connect(database, timeout=5) as connection:
            return connection.execute("SELECT COUNT(*) FROM statements_statement").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_error_on_file_37_then_kill_9_then_a_rerun_stores_every_statement_once(tmp_path):
    texts = write_texts(
        tmp_path / "texts",
        range(1, FILES + 1),
        lambda number: (
            f"Mr. Delegate{number} (Japan): We recall resolution {1000 + number}. " + "Peace matters to us. " * 200
        ),
    )
    bad = texts / "s0037.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    env = subprocess_env(tmp_path)
    assert manage(env, "migrate", "--no-input").returncode == 0

    importer = start_manage(
        env,
        "ingest",
        "--workers",
        "1",
        str(texts),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    database = tmp_path / "archive.sqlite3"
    deadline = time.monotonic() + 300
    while stored(database) < KILL_AFTER:  # past file 37, with most of the files still to go
        assert importer.poll() is None, "the import ended before the kill"
        assert time.monotonic() < deadline, f"{stored(database)} statements stored after 300 s"
        time.sleep(0.01)
    os.killpg(importer.pid, signal.SIGKILL)
    importer.wait()
    assert KILL_AFTER <= stored(database) < FILES, "the kill landed after the import had finished"

    bad.write_text("Mr. Delegate37 (Japan): We recall resolution 1037. " + "Peace matters. " * 50, encoding="utf-8")
    rerun = manage(env, "ingest", str(texts))
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert stored(database) == FILES
    with sqlite3.connect(database) as connection:
        assert (
            connection.execute(
                "SELECT COUNT(*) FROM (SELECT source FROM statements_statement GROUP BY source HAVING COUNT(*) > 1)"
            ).fetchone()[0]
            == 0
        )
    check = manage(env, "sync_index", "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"{FILES} statements in the database, {FILES} in the index" in check.stdout
