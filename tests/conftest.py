"""Test set-up: a throwaway data folder and Whoosh index per run, and a clean index per test."""

import gc
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"


def pytest_runtest_setup(item):
    """Tests marked `corpus` skip, saying why, where ../shared/corpus is not beside the project."""
    if item.get_closest_marker("corpus") and not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings):
    """Tests serve static files from the source folders; the hashed manifest needs collectstatic."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def search_index():
    """An empty search index for this test; haystack's backend is cleared before and after."""
    from haystack import connections

    backend = connections["default"].get_backend()
    backend.clear()
    yield backend
    backend.clear()


@pytest.fixture
def seeded(db, search_index, django_capture_on_commit_callbacks):
    """The archive with the three seeds ingested and indexed."""
    from io import StringIO

    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        call_command("ingest", str(SEEDS), stdout=StringIO())
    return search_index


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"


def subprocess_env(data_dir):
    """The environment for a manage.py process of its own: an embedded archive in data_dir.

    These tests are about separate processes sharing SQLite and Whoosh files; they never use
    the DATABASE_URL the suite may run with (the PostgreSQL run would share its database).
    """
    env = {**os.environ, "ARCHIVE_DATA_DIR": str(data_dir), "WHOOSH_INDEX_PATH": str(Path(data_dir) / "index")}
    for name in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    return env


def manage(env, *args, **kwargs):
    """Run manage.py in a process of its own and wait; its output is captured as text."""
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, check=False, **kwargs
    )


def start_manage(env, *args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs):
    """Start manage.py in a process of its own; returns it running (its output to pipes, as text)."""
    return subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, stdout=stdout, stderr=stderr, text=True, **kwargs
    )


@pytest.fixture
def committed_seeds(transactional_db, search_index):
    """The seeds, ingested and indexed with real commits (no test transaction around them)."""
    from io import StringIO

    from django.core.management import call_command

    call_command("ingest", str(SEEDS), stdout=StringIO())


@pytest.fixture
def live_archive(transactional_db, live_server, search_index):
    """A live server holding the three seeds, ingested and indexed as `make run` would."""
    from io import StringIO

    from django.core.management import call_command

    call_command("ingest", str(SEEDS), stdout=StringIO())
    return live_server


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def watched_tab(browser, **context_options):
    """A fresh browser tab (a generator, for a fixture to yield from) that fails the test on any
    console error or uncaught page error."""
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **context_options})
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"the page reported errors: {errors}"


@pytest.fixture
def page(browser):
    yield from watched_tab(browser)


def screenshot(page, name):
    """Save a screenshot under test-artifacts/screenshots/ for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def cpu_seconds(work, n, tries=3):
    """The least CPU time this process spent on `work(n)` in a few runs: other processes' load does
    not count, nor a collection of the garbage earlier tests left (as timeit, the collector is off)."""
    best = float("inf")
    collecting = gc.isenabled()
    gc.disable()
    try:
        for _ in range(tries):
            started = time.process_time()
            work(n)
            best = min(best, time.process_time() - started)
    finally:
        if collecting:
            gc.enable()
    return best


def assert_grows_linearly(work, n, ratio=10, least_seconds=0.002, rounds=3):
    """`work(n)` costs at 4n less than `ratio` times its cost at n (linear: 4x; quadratic: 16x).

    n is doubled first until the work at n takes long enough to measure against the clock's
    granularity and the interpreter's fixed costs. The two sizes are timed in turn, the least of
    each kept: on a busy machine CPU time drifts with the load (cache and core sharing), and
    timing one size only after the other let that drift alone fail a linear parser (5 ms at n,
    63 ms at 4n, where the same lines at larger n grow by 3-4x).
    """
    while cpu_seconds(work, n, tries=1) < least_seconds and n < 1_000_000:
        n *= 2
    # A growth past `ratio` is measured again before it fails the test: quadratic work shows
    # 16x every time, while a one-off (a clean-clone CI once saw 8.8 ms at n and 126 ms at 4n
    # for lines that grow 4x when measured again) does not repeat.
    measured = []
    for _attempt in range(3):
        small = large = float("inf")
        for _ in range(rounds):
            small = min(small, cpu_seconds(work, n, tries=1))
            large = min(large, cpu_seconds(work, 4 * n, tries=1))
        if large < ratio * small:
            return
        measured.append(f"{small * 1000:.2f} ms CPU at n={n}, {large * 1000:.2f} ms at 4n")
    raise AssertionError(f"the cost grew more than {ratio}x for 4x the size, three times: {'; '.join(measured)}")


class OutputLines:
    """The lines a child process writes to a pipe, readable with a time limit (no test waits forever)."""

    def __init__(self, stream):
        self.lines, self.seen = queue.Queue(), []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, text, timeout=300):
        """Read until a line holding `text` arrives; fails if the process ends or the time runs out first."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                raise AssertionError(f"no line with {text!r} after {timeout} s; got {self.seen[-5:]}") from None
            if line is None:
                raise AssertionError(f"the process ended before a line with {text!r}; got {self.seen[-5:]}")
            self.seen.append(line)
            if text in line:
                return line

    def rest(self, timeout=60):
        """Everything written after what was read, up to the end of the output."""
        try:
            while (line := self.lines.get(timeout=timeout)) is not None:
                self.seen.append(line)
        except queue.Empty:
            pass
        return "".join(self.seen)


@pytest.fixture
def add(django_capture_on_commit_callbacks):
    """Ingest a statement and index it, as an import followed by its commit would: add(source, text, **fields)."""
    from .factories import make_statement

    def add(source, text, overrides=None, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return make_statement(source, text, overrides, **fields)

    return add


PHONE = {"width": 375, "height": 800}


def has_no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
