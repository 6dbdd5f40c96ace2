"""A rebuild killed at any point of its progress leaves readers the last complete index; a damaged one is restored."""

import os
import random
import signal
import subprocess
import time

import pytest
from whoosh.index import open_dir

from .conftest import OutputLines, manage, start_manage, subprocess_env
from .factories import write_texts

pytestmark = pytest.mark.slow  # separate processes, a whole import each

# Over indexing.BULK_THRESHOLD, so rebuilds run with two writer processes.
STATEMENTS = 1200


@pytest.fixture(scope="module")
def archive_on_disk(tmp_path_factory):
    """A file-backed archive of STATEMENTS statements that other processes can open."""
    data = tmp_path_factory.mktemp("crash-archive")
    words = ["peace", "security", "council", "resolution", "development", "climate", "humanitarian", "cooperation"]
    rng = random.Random(7)
    texts = write_texts(
        data / "texts",
        range(STATEMENTS),
        lambda number: (
            f"Mr. Speaker{number} (Japan): We recall resolution {2000 + number % 300}. "
            + " ".join(rng.choice(words) for _ in range(150))
            + "."
        ),
    )
    env = subprocess_env(data)
    assert manage(env, "migrate", "--no-input").returncode == 0
    result = manage(env, "ingest", str(texts))
    assert result.returncode == 0, result.stderr
    return env


def indexed_count(env):
    ix = open_dir(env["WHOOSH_INDEX_PATH"])
    with ix.searcher() as searcher:
        return searcher.doc_count()


def assert_no_process_left(group, when, seconds=60):
    """The rebuild's writer processes die with it (a generous wait: a loaded machine is slow to reap them)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    left = subprocess.run(["ps", "-o", "pid,stat,wchan,cmd", "-g", str(group)], capture_output=True, text=True)
    raise AssertionError(f"writer processes outlived the killed rebuild by {seconds} s after {when}:\n{left.stdout}")


# The rebuild's progress lines (-v 2): one every 200 statements written; the last one is
# followed by the commit, the longest step with two writer processes.
KILL_POINTS = [f"{done}/{STATEMENTS} statements written" for done in range(200, STATEMENTS + 1, 200)]


def kill_rebuild_at(env, point):
    """Start a rebuild, kill -9 it once it prints `point`; True if it was still at work when killed."""
    process = start_manage(env, "rebuild_search_index", "-v", "2", stderr=subprocess.DEVNULL, start_new_session=True)
    output = OutputLines(process.stdout)
    output.wait_for(point)
    process.send_signal(signal.SIGKILL)
    process.wait()
    mid_work = "indexed" not in output.rest()
    assert indexed_count(env) == STATEMENTS, f"after a kill at {point!r}"
    assert_no_process_left(process.pid, f"a kill at {point!r}")
    return mid_work


def test_kill_9_during_rebuild_twenty_times_never_leaves_a_partial_index(archive_on_disk):
    env = archive_on_disk
    assert indexed_count(env) == STATEMENTS
    for attempt in range(20):
        point = KILL_POINTS[attempt % len(KILL_POINTS)]
        # The last point is followed only by the commit: a test process the machine starves can
        # read that line after the commit is done. Such a kill still must not harm the index, but
        # it tested nothing mid-work, so it is tried again (a few times).
        tries = 5 if point == KILL_POINTS[-1] else 1
        for _ in range(tries):
            if kill_rebuild_at(env, point):
                break
        else:
            raise AssertionError(
                f"kill {attempt + 1} at {point!r} landed after the rebuild had finished, {tries} times"
            )
    result = manage(env, "sync_index", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_truncated_table_of_contents_is_restored_by_one_command(archive_on_disk):
    env = archive_on_disk
    index_dir = env["WHOOSH_INDEX_PATH"]
    for name in os.listdir(index_dir):
        if name.endswith(".toc"):
            with open(os.path.join(index_dir, name), "r+b") as toc:
                toc.truncate(10)
    broken = manage(env, "sync_index", "--check")
    assert broken.returncode != 0 and "rebuild_search_index" in broken.stderr
    assert "Traceback" not in broken.stderr
    restored = manage(env, "rebuild_search_index")
    assert restored.returncode == 0, restored.stderr
    assert indexed_count(env) == STATEMENTS
