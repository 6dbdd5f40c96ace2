"""Load and faults, measured: readers, an import and editors' saves at once against gunicorn.

    .venv/bin/python bench/load.py --corpus ../shared/corpus/unsc_2020 [--minutes 3] [--readers 8]

Builds a scratch archive (its own data folder; your var/ is not touched) from the first
statements of a Security Council manifest, serves it with gunicorn on 127.0.0.1 using the
project's gunicorn.conf.py, then for the given minutes runs 8 reader threads (search, facets,
statement pages) while an import of a few hundred more statements and a loop of speaker edits
run in other processes. It stops by itself and reports: requests, 5xx count, latency
percentiles, request rate, statements in the database and in the index, duplicate sources,
and open file descriptors per worker at the start and the end. Traffic goes to loopback only.
"""

import argparse
import csv
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

EDITS = """
import time
from statements.models import Speaker
deadline = time.monotonic() + {seconds}
rounds = 0
while time.monotonic() < deadline:
    for speaker in Speaker.objects.order_by("?")[:3]:
        speaker.role = f"Delegate (edit {{rounds}})"
        speaker.save()
    rounds += 1
    time.sleep(0.5)
print("edit rounds:", rounds)
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args, check=True, **kwargs):
    return subprocess.run([PYTHON, "manage.py", *args], cwd=REPO, env=env, check=check, **kwargs)


def write_manifest(corpus, rows, path):
    """A manifest beside copies of its texts: ingest reads nothing outside a manifest's folder."""
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            copy = Path(path).parent / row["file"]
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(corpus) / row["file"], copy)
            writer.writerow(row)


def open_files(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def worker_pids(master_pid):
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def reader(base, paths, deadline, results, lock):
    rng = random.Random()
    while time.monotonic() < deadline:
        path = rng.choice(paths)
        started = time.monotonic()
        try:
            with urllib.request.urlopen(base + path, timeout=30) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except (OSError, http.client.HTTPException):  # a refused or dropped connection: a server failure
            status = 599
        elapsed = time.monotonic() - started
        with lock:
            results.append((status, elapsed, path))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus" / "unsc_2020"))
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--base-statements", type=int, default=1500)
    parser.add_argument("--import-statements", type=int, default=300)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    with open(Path(args.corpus) / "metadata.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    base_rows = rows[: args.base_statements]
    import_rows = rows[args.base_statements : args.base_statements + args.import_statements]

    data = Path(tempfile.mkdtemp(prefix="archive-load-"))
    env = {**os.environ, "ARCHIVE_DATA_DIR": str(data), "DJANGO_DEBUG": "0", "ARCHIVE_RATELIMIT": "0"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    write_manifest(args.corpus, base_rows, data / "base.csv")
    write_manifest(args.corpus, import_rows, data / "more.csv")
    print(f"building a scratch archive of {len(base_rows)} statements in {data}", flush=True)
    manage(env, "migrate", "--no-input", stdout=subprocess.DEVNULL)
    manage(env, "ingest", "--manifest", str(data / "base.csv"), stdout=subprocess.DEVNULL)
    manage(env, "collectstatic", "--no-input", stdout=subprocess.DEVNULL)

    port = free_port()
    server_log = open(data / "gunicorn.log", "w")  # noqa: SIM115 - open while the server runs, closed below
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "--config", "gunicorn.conf.py", "archive.wsgi"],
        cwd=REPO,
        env={**env, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=server_log,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=2).read()
            break
        except (OSError, http.client.HTTPException):  # not serving yet
            time.sleep(0.2)
    pids = worker_pids(server.pid)
    files_before = {pid: open_files(pid) for pid in pids}

    paths = [
        "/search/?q=peace",
        "/search/?q=humanitarian+access",
        '/search/?q="sustainable+development"',
        "/search/?q=resolution+2532",
        "/search/?q=2254",
        "/search/?q=peace&selected_facets=year:2020",
        "/search/",
        "/statements/",
        "/resolutions/",
        "/speakers/",
        "/",
    ]
    seconds = args.minutes * 60
    deadline = time.monotonic() + seconds
    results, lock = [], threading.Lock()
    threads = [
        threading.Thread(target=reader, args=(base, paths, deadline, results, lock)) for _ in range(args.readers)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    importer = subprocess.Popen(
        [PYTHON, "manage.py", "ingest", "--manifest", str(data / "more.csv")],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    editor = subprocess.Popen(
        [PYTHON, "manage.py", "shell", "--verbosity", "0", "-c", EDITS.format(seconds=seconds * 0.8)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    import_out, import_err = importer.communicate()
    edit_out, _ = editor.communicate()
    # gunicorn recycles workers (max_requests): count the ones serving now, whatever their pid.
    files_after = {pid: open_files(pid) for pid in worker_pids(server.pid)}
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    server_log.close()

    sync = manage(env, "sync_index", "--check", check=False, capture_output=True, text=True)
    counts = manage(
        env,
        "shell",
        "--verbosity",
        "0",
        "-c",
        (
            "from django.db.models import Count\n"
            "from statements.models import Statement\n"
            "print(Statement.objects.count(), Statement.objects.values('source').annotate(n=Count('pk')).filter(n__gt=1).count())"
        ),
        capture_output=True,
        text=True,
    ).stdout.split()

    latencies = sorted(elapsed_s for _, elapsed_s, _ in results)
    errors = [status for status, _, _ in results if status >= 500]
    figures = {
        "readers": args.readers,
        "seconds": round(elapsed, 1),
        "requests": len(results),
        "requests_per_second": round(len(results) / elapsed, 1),
        "server_errors": len(errors),
        "median_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1),
        "import_exit": importer.returncode,
        "import_summary": (import_out.strip().splitlines() or [""])[-1],
        "edit_exit": editor.returncode,
        "edits": edit_out.strip(),
        "statements_in_database": int(counts[0]),
        "duplicate_sources": int(counts[1]),
        "index_check": sync.stdout.strip().splitlines()[-1] if sync.stdout.strip() else sync.stderr.strip(),
        "index_matches_database": sync.returncode == 0,
        "open_files_per_worker_before": list(files_before.values()),
        "open_files_per_worker_after": list(files_after.values()),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    if import_err.strip() and importer.returncode:
        print(import_err, file=sys.stderr)
    shutil.rmtree(data, ignore_errors=True)
    ok = (
        not errors and importer.returncode == 0 and editor.returncode == 0 and sync.returncode == 0 and counts[1] == "0"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
