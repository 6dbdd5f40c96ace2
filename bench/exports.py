"""A full export read slowly while 8 readers search, measured through gunicorn.

    .venv/bin/python bench/exports.py --data /tmp/archive-bench [--manifest ../shared/corpus/unsc_2020/metadata.csv]
        [--repo PATH] [--rate 500000] [--readers 8] [--seconds 40] [--rounds 2] [--port N]

Serves the archive in --data (importing --manifest into it first when it holds nothing) with
gunicorn and the project's gunicorn.conf.py on 127.0.0.1, then alternates, for --rounds:
readers alone for --seconds, and readers while one client downloads, at --rate bytes a second, the full CSV
export (/search/export.csv, every statement). Side by side, so that the load others put on a
shared machine falls on both. Reports per phase: searches, median and p95 latency, 5xx, and for
each export: HTTP status, bytes received against Content-Length, seconds. --repo serves another
checkout (the code before a change) with the same data. Traffic goes to loopback only; every
loop is bounded in time and the script stops by itself.
"""

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEARCHES = [
    "/search/?q=security",
    "/search/?q=resolution+2231",
    "/search/?q=humanitarian+access",
    "/search/?q=%22peace+process%22",
    "/search/?q=ceasefire&sort=newest",
    "/search/?q=women+peace+security",
    "/search/?q=sanctions+-iran",
    "/search/?q=climate",
]


def free_port(low=8400, high=8500):
    for port in range(low, high):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit("no free port")


def readers(base, count, seconds):
    """(latencies of successful searches, count of 5xx or failed) for `count` threads over `seconds`."""
    deadline = time.monotonic() + seconds
    latencies, failures, lock = [], [0], threading.Lock()

    def read():
        rng = random.Random()
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                with urllib.request.urlopen(base + rng.choice(SEARCHES), timeout=60) as response:
                    response.read()
                ok = True
            except (urllib.error.URLError, OSError):
                ok = False
            with lock:
                if ok:
                    latencies.append(time.monotonic() - started)
                else:
                    failures[0] += 1

    threads = [threading.Thread(target=read) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures[0]


def export(base, rate, out):
    """Download the full CSV export reading at `rate` bytes a second through a 4 KB receive window.

    (status, bytes, content-length, seconds). Paced here rather than with curl --limit-rate:
    curl 7.88 let one download in three through at 1.8 MB/s.
    """
    host, port = base.removeprefix("http://").split(":")
    started = time.monotonic()
    received = bytearray()
    with socket.socket() as connection:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        connection.settimeout(120)
        connection.connect((host, int(port)))
        connection.sendall(f"GET /search/export.csv HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        try:
            while chunk := connection.recv(16384):
                received += chunk
                time.sleep(max(0.0, started + len(received) / rate - time.monotonic()))
        except OSError as error:
            print("download stopped:", error, flush=True)
    head, _, body = bytes(received).partition(b"\r\n\r\n")
    lines = head.decode(errors="replace").splitlines()
    length = next((line.split(":", 1)[1].strip() for line in lines if line.lower().startswith("content-length:")), None)
    out.write_bytes(body)
    return {
        "status": lines[0] if lines else "no answer",
        "bytes": len(body),
        "content_length": length and int(length),
        "seconds": round(time.monotonic() - started, 1),
    }


def summary(latencies, failures):
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))] if ordered else None
    return {
        "searches": len(ordered),
        "failed": failures,
        "median_ms": round(statistics.median(ordered) * 1000) if ordered else None,
        "p95_ms": round(p95 * 1000) if p95 else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    parser.add_argument("--manifest")
    parser.add_argument("--repo", default=str(REPO))
    parser.add_argument("--rate", type=int, default=500_000, help="bytes a second (default 500,000)")
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--port", type=int, help="where gunicorn listens (default: the first free port from 8400)")
    args = parser.parse_args()
    repo, data = Path(args.repo).resolve(), Path(args.data).resolve()
    env = {
        **os.environ,
        "ARCHIVE_DATA_DIR": str(data),
        "WHOOSH_INDEX_PATH": str(data / "whoosh_index"),
        "DJANGO_DEBUG": "0",
        "ARCHIVE_RATELIMIT": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-" + "k" * 50),
    }
    env.pop("DATABASE_URL", None)
    manage = [str(repo / ".venv" / "bin" / "python"), "manage.py"]
    if args.manifest:
        for command in (
            ["migrate", "--no-input"],
            ["ingest", "--manifest", args.manifest],
            ["collectstatic", "--no-input"],
        ):
            subprocess.run([*manage, *command], cwd=repo, env=env, check=True, stdout=subprocess.DEVNULL)
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    log = (data / "gunicorn-bench.log").open("w")
    server = subprocess.Popen(
        [str(repo / ".venv" / "bin" / "gunicorn"), "--config", "gunicorn.conf.py", "archive.wsgi"],
        cwd=repo,
        env={**env, "PORT": str(port)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/search/?q=security", timeout=30).read()
                break
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        readers(base, args.readers, 5)  # warm every worker's searcher
        alone, during, exports = ([], 0), ([], 0), []
        for number in range(args.rounds):
            latencies, failed = readers(base, args.readers, args.seconds)
            alone = (alone[0] + latencies, alone[1] + failed)
            box = {}
            downloader = threading.Thread(
                target=lambda box=box, out=data / f"export-{number}.csv": box.update(export(base, args.rate, out))
            )
            downloader.start()
            latencies, failed = [], 0
            while downloader.is_alive():
                more, more_failed = readers(base, args.readers, 10)
                latencies, failed = latencies + more, failed + more_failed
            downloader.join()
            during = (during[0] + latencies, during[1] + failed)
            exports.append(box)
            print(
                f"round {number + 1}: alone {summary(*alone)}  with export {summary(*during)}  export {box}", flush=True
            )
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    alone_summary, during_summary = summary(*alone), summary(*during)
    result = {
        "readers_alone": alone_summary,
        "readers_during_export": during_summary,
        "exports": exports,
        "p95_ratio": round(during_summary["p95_ms"] / alone_summary["p95_ms"], 2),
        "median_ratio": round(during_summary["median_ms"] / alone_summary["median_ms"], 2),
        "worker_timeouts": (data / "gunicorn-bench.log").read_text().count("WORKER TIMEOUT"),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    sys.exit(main())
