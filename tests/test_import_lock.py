"""Two imports at once, as two real processes: the second is told who holds the texts_to_import, or waits its turn."""

import os
import signal
import sqlite3
import time

import pytest

from .conftest import manage, start_manage, subprocess_env
from .factories import write_texts

FILES = 60


@pytest.fixture
def texts_to_import(tmp_path):
    # Few speakers and resolutions shared by many files: what two racing imports both create.
    texts = write_texts(
        tmp_path / "texts",
        range(FILES),
        lambda number: (
            f"Mr. Delegate{number % 5} (Japan): We recall resolution {2300 + number % 7} (2016). "
            + "Peace matters to us. " * 50
        ),
    )
    env = subprocess_env(tmp_path)
    assert manage(env, "migrate", "--no-input").returncode == 0
    return tmp_path, texts, env


def start_ingest(env, *args):
    return start_manage(env, "ingest", "--workers", "1", *args)


def wait_for_lock_held_by(lock, pid):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if lock.exists() and lock.read_text().startswith(f"pid {pid} "):
            return
        time.sleep(0.02)
    raise AssertionError(f"the first import never took the lock: {lock.read_text() if lock.exists() else 'no file'}")


@pytest.mark.slow
def test_a_second_import_is_refused_naming_the_first_then_waits_its_turn_without_failures(texts_to_import):
    data, texts, env = texts_to_import
    first = start_ingest(env, str(texts))
    try:
        wait_for_lock_held_by(data / "ingest.lock", first.pid)
        os.kill(first.pid, signal.SIGSTOP)  # holds the lock mid-import for as long as this test needs
        second = manage(env, "ingest", str(texts))
        assert second.returncode == 1
        assert f"another import is running (pid {first.pid} on " in second.stderr
        assert f"ingest --workers 1 {texts}); wait for it to finish, or add --wait" in second.stderr
        waiting = start_ingest(env, "--wait", str(texts))
    finally:
        os.kill(first.pid, signal.SIGCONT)
    first_out, first_err = first.communicate(timeout=120)
    waiting_out, waiting_err = waiting.communicate(timeout=120)
    assert first.returncode == 0, first_out + first_err
    assert waiting.returncode == 0, waiting_out + waiting_err
    assert f"{FILES} files read: {FILES} created, 0 updated, 0 unchanged, 0 failed" in first_out
    assert f"{FILES} files read: 0 created, 0 updated, {FILES} unchanged, 0 failed" in waiting_out
    assert "UNIQUE" not in first_out + first_err + waiting_out + waiting_err
    with sqlite3.connect(data / "archive.sqlite3") as connection:
        assert connection.execute("SELECT COUNT(*) FROM statements_statement").fetchone()[0] == FILES
        assert connection.execute("SELECT COUNT(*) FROM statements_speaker").fetchone()[0] == 5
