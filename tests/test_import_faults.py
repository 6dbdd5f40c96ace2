"""An import that meets a bad file and is then killed, run again: every statement once, index in step."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

from .conftest import REPO, subprocess_env

FILES = 100


def stored(database):
    try:
        with sqlite3.connect(database, timeout=5) as connection:
            return connection.execute("SELECT COUNT(*) FROM statements_statement").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_error_on_file_37_then_kill_9_then_a_rerun_gives_exactly_100_statements(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    for number in range(1, FILES + 1):
        (texts / f"s{number:03}.txt").write_text(
            f"Mr. Delegate{number} (Japan): We recall resolution {1000 + number}. " + "Peace matters to us. " * 200,
            encoding="utf-8",
        )
    bad = texts / "s037.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    env = subprocess_env(tmp_path)
    manage = [sys.executable, "manage.py"]
    assert subprocess.run([*manage, "migrate", "--no-input"], cwd=REPO, env=env, capture_output=True).returncode == 0

    importer = subprocess.Popen(
        [*manage, "ingest", "--workers", "1", str(texts)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    database = tmp_path / "archive.sqlite3"
    deadline = time.monotonic() + 60
    while stored(database) < 40 and importer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        os.killpg(importer.pid, signal.SIGKILL)  # past file 37, before the end
    except ProcessLookupError:
        pass  # it ended first: the count below says so
    importer.wait()
    assert 0 < stored(database) < FILES

    bad.write_text("Mr. Delegate37 (Japan): We recall resolution 1037. " + "Peace matters. " * 50, encoding="utf-8")
    rerun = subprocess.run([*manage, "ingest", str(texts)], cwd=REPO, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert stored(database) == FILES
    with sqlite3.connect(database) as connection:
        assert (
            connection.execute(
                "SELECT COUNT(*) FROM (SELECT source FROM statements_statement GROUP BY source HAVING COUNT(*) > 1)"
            ).fetchone()[0]
            == 0
        )
    check = subprocess.run([*manage, "sync_index", "--check"], cwd=REPO, env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"{FILES} statements in the database, {FILES} in the index" in check.stdout
