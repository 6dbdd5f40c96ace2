"""Search exports are built once into a file and sent from it: complete for slow clients, bounded per address."""

import contextlib
import csv
import io
import json
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from .conftest import REPO, subprocess_env
from .factories import make_statement

TEXT = "Mr. Delegate{number} (Japan): We recall resolution 2341 (2017) on infrastructure, number {number}."


@pytest.fixture
def five_statements_on_infrastructure(db, search_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(5):
            make_statement(f"s{number}.txt", TEXT.format(number=number))


def finish(response):
    """Close a response as the server would, keeping the test's database connection.

    Closing a file response sends request_finished, whose close_old_connections would close
    the connection the test's transaction lives on (PostgreSQL then says "connection is closed").
    """
    from django.core import signals
    from django.db import close_old_connections

    signals.request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        signals.request_finished.connect(close_old_connections)


def download(client, url, address="10.0.0.1", **params):
    response = client.get(url, params, REMOTE_ADDR=address)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    finish(response)
    return response, content


def test_an_export_states_its_length_so_a_cut_download_shows_as_cut(client, five_statements_on_infrastructure):
    response, content = download(client, "/search/export.csv", q="infrastructure")
    assert response.status_code == 200
    assert int(response["Content-Length"]) == len(content) > 0
    assert len(list(csv.DictReader(io.StringIO(content.decode())))) == 5


def test_the_same_export_asked_again_is_sent_without_searching_again(
    client, five_statements_on_infrastructure, monkeypatch
):
    from statements import exports

    _, content = download(client, "/search/export.jsonl", q="infrastructure")
    searches = []
    real = exports.matching_statements
    monkeypatch.setattr(exports, "matching_statements", lambda form: searches.append(form) or real(form))
    _, same = download(client, "/search/export.jsonl", q="infrastructure")
    assert same == content and searches == []
    download(client, "/search/export.jsonl", q="infrastructure", sort="oldest")
    assert len(searches) == 1, "another search is another export"


def test_an_export_asked_after_the_archive_changed_holds_the_change(
    client, five_statements_on_infrastructure, django_capture_on_commit_callbacks
):
    _, before = download(client, "/search/export.jsonl", q="infrastructure")
    with django_capture_on_commit_callbacks(execute=True):
        make_statement("late.txt", TEXT.format(number=99))
    _, after = download(client, "/search/export.jsonl", q="infrastructure")
    assert len(before.splitlines()) == 5 and len(after.splitlines()) == 6
    assert any(json.loads(line)["text"].endswith("number 99.") for line in after.splitlines())


def test_a_third_download_at_once_from_one_address_is_a_429_saying_why(
    client, five_statements_on_infrastructure, settings
):
    settings.EXPORTS_PER_ADDRESS = 2
    running = [client.get("/search/export.csv", REMOTE_ADDR="10.0.0.7") for _ in range(2)]
    refused = client.get("/search/export.csv", REMOTE_ADDR="10.0.0.7")
    assert refused.status_code == 429 and refused["Retry-After"] == "30"
    assert "already has 2 downloads running" in refused.json()["error"]
    elsewhere, _ = download(client, "/search/export.csv", address="10.0.0.8")
    assert elsewhere.status_code == 200, "another address is not held back"
    finish(running[0])
    again, _ = download(client, "/search/export.csv", address="10.0.0.7")
    assert again.status_code == 200, "a finished download frees its slot"
    finish(running[1])


# Through gunicorn itself: a client reading at about 500 KB/s takes several times the workers' timeout.
STATEMENTS = 150


def free_port():
    for port in range(8400, 8500):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise AssertionError("no free port in 8400-8499")


def slow_download(port, path, bytes_per_second):
    """(headers, body, seconds) of a GET read at about this rate, through a small receive window."""
    with socket.socket() as connection:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        connection.connect(("127.0.0.1", port))
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        received, started = bytearray(), time.monotonic()
        while chunk := connection.recv(16384):
            received += chunk
            time.sleep(max(0.0, started + len(received) / bytes_per_second - time.monotonic()))
    head, _, body = bytes(received).partition(b"\r\n\r\n")
    headers = dict(line.split(": ", 1) for line in head.decode().splitlines()[1:])
    return head.decode().splitlines()[0], headers, body, time.monotonic() - started


@pytest.fixture(scope="module")
def archive_for_gunicorn(tmp_path_factory):
    """A data folder of STATEMENTS long statements (a full export of several MB) and its environment."""
    data = tmp_path_factory.mktemp("gunicorn-archive")
    texts = data / "texts"
    texts.mkdir()
    words = ["peace", "security", "council", "cooperation", "development", "humanitarian", "dialogue"]
    generator = random.Random(4)
    for number in range(STATEMENTS):
        body = " ".join(generator.choice(words) for _ in range(4000))
        (texts / f"s{number:03}.txt").write_text(f"Mr. Delegate{number % 9} (Japan): {body}.", encoding="utf-8")
    env = {**subprocess_env(data), "DJANGO_SECRET_KEY": "test-" + "k" * 50}
    for command in (["migrate", "--no-input"], ["ingest", str(texts)]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=REPO, env=env, capture_output=True, check=False
        )
        assert done.returncode == 0, done.stderr
    return env


@contextlib.contextmanager
def gunicorn(env, log_path, *options):
    """The archive served by gunicorn with the project's gunicorn.conf.py (and `options`); its address."""
    port = free_port()
    log = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", *options, "archive.wsgi"],
        cwd=REPO,
        env={**env, "PORT": str(port)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/api/", timeout=5).read()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, log_path.read_text()
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def search_meanwhile(port, searches, count):
    """Start `count` searches, one after another, 3 s from now (once a download is well under way)."""

    def search():
        while len(searches) < count:
            started = time.monotonic()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/statements/?q=peace", timeout=30) as response:
                searches.append((response.status, time.monotonic() - started))

    reader = threading.Thread(target=search)
    threading.Timer(3.0, reader.start).start()
    return reader


@pytest.mark.slow
def test_a_slow_client_gets_the_whole_export_through_gunicorn_while_the_worker_still_searches(
    archive_for_gunicorn, tmp_path
):
    log = tmp_path / "gunicorn.log"
    with gunicorn({**archive_for_gunicorn, "WEB_CONCURRENCY": "1", "GUNICORN_TIMEOUT": "2"}, log) as port:
        searches = []
        reader = search_meanwhile(port, searches, 3)
        status, headers, body, seconds = slow_download(port, "/search/export.jsonl", 500_000)
        reader.join(timeout=60)
    assert status == "HTTP/1.1 200 OK"
    assert seconds > 3 * 2, "the download must outlast the timeout"
    assert int(headers["Content-Length"]) == len(body)
    assert len(body.splitlines()) == STATEMENTS
    assert [status for status, _ in searches] == [200, 200, 200]
    assert "WORKER TIMEOUT" not in log.read_text()


@pytest.mark.slow
def test_a_worker_due_for_recycling_finishes_sending_a_slow_export_before_it_restarts(archive_for_gunicorn, tmp_path):
    # gunicorn recycles a worker after max_requests (2,000 here): a busy site reaches it every few
    # minutes, while a full export at 500 KB/s takes minutes. Recycled mid-download, the worker
    # gave the download graceful_timeout, then stopped answering the arbiter and was killed.
    log = tmp_path / "gunicorn.log"
    env = {**archive_for_gunicorn, "WEB_CONCURRENCY": "1", "GUNICORN_TIMEOUT": "2"}
    with gunicorn(env, log, "--max-requests", "3", "--max-requests-jitter", "0", "--graceful-timeout", "1") as port:
        searches = []
        reader = search_meanwhile(port, searches, 4)  # the download and these pass max_requests
        status, headers, body, _ = slow_download(port, "/search/export.jsonl", 500_000)
        reader.join(timeout=60)
        urllib.request.urlopen(f"http://127.0.0.1:{port}/api/", timeout=30).read()  # now it may restart
        time.sleep(2)
    assert status == "HTTP/1.1 200 OK"
    assert int(headers["Content-Length"]) == len(body)
    assert len(body.splitlines()) == STATEMENTS
    assert [status for status, _ in searches] == [200] * 4, "the worker kept serving searches meanwhile"
    served = log.read_text()
    assert "WORKER TIMEOUT" not in served
    assert "Autorestarting worker" in served, "the worker restarts once the download has been sent"
