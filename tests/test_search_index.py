"""The Whoosh index as the search page depends on it: the version its internals were written
for, damage answered with 503 and one log line until repaired, haystack's unsafe commands refused."""

import importlib.metadata
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from haystack import connections

from statements.management.commands.rebuild_search_index import rebuild_whoosh
from statements.models import Statement
from statements.search import whoosh_internals

from .conftest import REPO, subprocess_env

SEARCH = "/search/"


def index_path():
    return connections["default"].get_backend().path


def largest_segment(path):
    segments = [Path(path) / name for name in os.listdir(path) if name.endswith(".seg")]
    assert segments, f"no segment in {path}"
    return max(segments, key=lambda segment: segment.stat().st_size)


def truncate(segment, size):
    with open(segment, "r+b") as file:
        file.truncate(size)


# --- the version the internals were written for


def test_the_pinned_whoosh_passes_the_start_up_check():
    whoosh_internals.check_version()


def test_another_whoosh_version_stops_start_up_with_a_message_naming_the_one_expected(monkeypatch):
    real = importlib.metadata.version

    def version(name):
        return "2.7.6" if name.lower() == "whoosh-reloaded" else real(name)

    monkeypatch.setattr(importlib.metadata, "version", version)
    with pytest.raises(ImproperlyConfigured) as refused:
        apps.get_app_config("statements").ready()
    message = str(refused.value)
    assert "Whoosh-Reloaded 2.7.5" in message and "Whoosh-Reloaded 2.7.6" in message
    assert "whoosh_internals.py" in message


def test_the_original_whoosh_installed_beside_the_fork_stops_start_up(monkeypatch):
    real = importlib.metadata.version

    def version(name):
        return "2.7.4" if name == "Whoosh" else real(name)

    monkeypatch.setattr(importlib.metadata, "version", version)
    with pytest.raises(ImproperlyConfigured, match=r"Whoosh 2\.7\.4"):
        whoosh_internals.check_version()


# --- damage


def test_a_truncated_segment_gives_503_from_the_first_search_with_one_log_line(client, seeded, caplog):
    assert client.get(SEARCH, {"q": "security"}).status_code == 200  # the searcher is open and cached
    segment = largest_segment(index_path())
    truncate(segment, segment.stat().st_size // 2)
    with caplog.at_level(logging.WARNING):
        page = client.get(SEARCH, {"q": "security"})
        api = client.get("/api/statements/", {"q": "security"})
    assert page.status_code == 503 and b"Search is temporarily unavailable" in page.content
    assert api.status_code == 503 and api.json() == {"error": "The search index cannot be read just now."}
    lines = [record for record in caplog.records if record.levelno >= logging.WARNING]  # from any logger
    assert len(lines) == 2, [(record.name, record.getMessage()) for record in lines]
    assert all("python manage.py rebuild_search_index" in record.getMessage() for record in lines)
    assert all(segment.name in record.getMessage() for record in lines)
    assert not any(record.exc_info for record in lines)


def test_searches_answer_503_while_a_damaged_index_is_rebuilt_and_find_again_after(client, seeded):
    segment = largest_segment(index_path())
    truncate(segment, 100)
    during = []

    def progress(done, total):
        during.append(client.get(SEARCH, {"q": "security"}).status_code)

    backend = connections["default"].get_backend()
    index = connections["default"].get_unified_index().get_index(Statement)
    rebuild_whoosh(backend, index, progress=progress)
    assert during == [503]
    after = client.get(SEARCH, {"q": "security"})
    assert after.status_code == 200 and after.context["page"].paginator.count > 0


def test_a_missing_index_folder_gives_503_not_an_empty_result(client, seeded, settings, tmp_path):
    connection = settings.HAYSTACK_CONNECTIONS["default"]
    settings.HAYSTACK_CONNECTIONS = {"default": {**connection, "PATH": str(tmp_path / "nowhere")}}
    assert client.get(SEARCH, {"q": "security"}).status_code == 503


# --- haystack's own commands


@pytest.mark.parametrize(
    "command, instead",
    [
        ("rebuild_index", "rebuild_search_index"),
        ("update_index", "sync_index"),
        ("clear_index", "rebuild_search_index"),
    ],
)
def test_haystacks_unsafe_index_commands_refuse_and_name_the_command_to_use(seeded, command, instead):
    before = Statement.objects.count()
    with pytest.raises(CommandError, match=f"python manage.py {instead}"):
        call_command(command, "--noinput", stdout=StringIO())
    assert Statement.objects.count() == before


# --- through gunicorn: a worker reading a truncated segment must answer, not die


def get_status(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError):
        return None  # the connection dropped: the worker died


def worker_pids(master):
    result = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True, check=False)
    return {int(pid) for pid in result.stdout.split()}


@pytest.mark.slow
def test_gunicorn_workers_answer_503_for_a_truncated_segment_and_none_dies(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    for number in range(300):
        words = " ".join(f"word{(number * 7 + i) % 997}" for i in range(300))
        (texts / f"s{number:03}.txt").write_text(
            f"Mr. Speaker{number} (Japan): security council {words}.", encoding="utf-8"
        )
    env = {**subprocess_env(tmp_path), "WEB_CONCURRENCY": "2", "PORT": "8642", "ARCHIVE_RATELIMIT": "0"}
    manage = [sys.executable, "manage.py"]
    assert subprocess.run([*manage, "migrate", "--no-input"], cwd=REPO, env=env, capture_output=True).returncode == 0
    ingest = subprocess.run([*manage, "ingest", str(texts)], cwd=REPO, env=env, capture_output=True, text=True)
    assert ingest.returncode == 0, ingest.stderr
    static = subprocess.run([*manage, "collectstatic", "--no-input"], cwd=REPO, env=env, capture_output=True)
    assert static.returncode == 0, static.stderr
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as errors:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "archive.wsgi"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    base = "http://127.0.0.1:8642"
    try:
        deadline = time.monotonic() + 60
        while get_status(base + "/api/") != 200:
            assert time.monotonic() < deadline and server.poll() is None, log.read_text()
            time.sleep(0.2)
        # Every worker opens (and, before this change, maps) the index.
        for number in range(20):
            assert get_status(f"{base}{SEARCH}?q=word{number}") == 200
        workers = worker_pids(server.pid)
        assert len(workers) == 2
        truncate(largest_segment(env["WHOOSH_INDEX_PATH"]), 4096)
        statuses = [get_status(f"{base}{SEARCH}?q=word{number}") for number in range(20)]
        assert statuses == [503] * 20
        assert worker_pids(server.pid) == workers, log.read_text()
        assert "signal" not in log.read_text().lower()
        assert log.read_text().count("restore the index with: python manage.py rebuild_search_index") == 20
        repaired = subprocess.run([*manage, "rebuild_search_index"], cwd=REPO, env=env, capture_output=True)
        assert repaired.returncode == 0
        assert [get_status(f"{base}{SEARCH}?q=word{number}") for number in range(4)] == [200] * 4
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


# --- warm-up before a worker takes traffic


def test_a_warmed_up_worker_serves_its_first_search_without_opening_the_index(client, seeded, monkeypatch):
    from statements.search import page, whoosh_engine
    from statements.search.engine import search_engine

    search_engine()._close()  # as a new worker starts
    assert page.warm_up() == 200
    opened = []
    real = whoosh_engine.open_searcher
    monkeypatch.setattr(
        whoosh_engine, "open_searcher", lambda *args, **kwargs: opened.append(1) or real(*args, **kwargs)
    )
    response = client.get(SEARCH, {"q": "security"})
    assert response.status_code == 200 and response.context["page"].paginator.count > 0
    assert opened == []


def test_an_export_of_a_search_on_a_damaged_index_answers_503(client, seeded):
    path = Path(index_path())
    for toc in path.glob("*.toc"):
        truncate(toc, 10)
    assert client.get("/search/export.csv", {"q": "security"}).status_code == 503
