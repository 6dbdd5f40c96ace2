"""The archive against Datasette on the same corpus, measured side by side in one run.

    .venv/bin/python bench/run.py --corpus ../shared/corpus [--variant whole|100k|both] [--reps 40]

For each variant it builds a scratch archive (its own data folder; var/ is not touched):

- whole: the Security Council speeches of 2020 through their CSV manifest and the UN General
  Debate corpus from its gzipped JSON lines (about 13,500 statements);
- 100k: the UN General Debate speeches cut into pieces of about 2 KB at paragraph boundaries
  (a piece ends at the first paragraph end past 2,000 characters), each with its own id,
  plus the Security Council speeches, until 100,000 statements.

It measures ingest throughput (statements/s, MB/s of text), the time to rebuild the index,
database and index size, then publishes the same rows with Datasette (an FTS5 table with
the same facet columns) and times a fixed mix of queries through HTTP against gunicorn and
Datasette in alternation: median and 95th percentile per query, and the ratio archive /
Datasette. Finally the resident memory of each gunicorn worker and of Datasette.
Datasette is installed into its own virtual environment under bench/.datasette-venv.
"""

import argparse
import gzip
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATASETTE_VENV = REPO / "bench" / ".datasette-venv"
DATASETTE_VERSION = "0.65.5"
PIECE_CHARS = 2000

# (label, archive query string, datasette query string)
QUERIES = [
    ("common word", "q=peace", "_search=peace"),
    ("rare word", "q=tuvalu", "_search=tuvalu"),
    ("phrase", 'q="humanitarian access"', '_search="humanitarian access"&_searchmode=raw'),
    ("resolution number", "q=resolution 2254", "resolutions__arraycontains=2254"),
    ("common word + year", "q=peace&year=2020", "_search=peace&year=2020"),
    ("common word + country", "q=peace&country=france", "_search=peace&country=France"),
    ("empty query, newest", "", "_sort_desc=date"),
]
# counts and rows are never cut short
HEAVY_SETTINGS = {"sql_time_limit_ms": 60_000, "facet_time_limit_ms": 60_000}
DATASETTE_FACETS = "_facet=speaker&_facet=country&_facet=forum&_facet=year&_facet_array=resolutions&_size=20"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args, **kwargs):
    return subprocess.run([PYTHON, "manage.py", *args], cwd=REPO, env=env, check=True, **kwargs)


def folder_size(path):
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def children(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except (OSError, http.client.HTTPException):  # not serving yet
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def fetch_ms(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        assert response.status == 200, (url, response.status)
    return (time.perf_counter() - started) * 1000


def cut_pieces(text, limit=PIECE_CHARS):
    pieces, current = [], ""
    for paragraph in text.split("\n"):
        current = f"{current}\n{paragraph}" if current else paragraph
        if len(current) >= limit:
            pieces.append(current)
            current = ""
    if current.strip():
        pieces.append(current)
    return pieces


def write_100k_variant(corpus, folder, target=100_000):
    """UNGDC speeches cut into ~2 KB pieces, each its own record; returns the file path."""
    out_path = folder / "ungdc_pieces.jsonl.gz"
    with open(corpus / "unsc_2020" / "metadata.csv", encoding="utf-8") as manifest:
        unsc = sum(1 for _ in manifest) - 1
    wanted, written = target - unsc, 0
    with (
        gzip.open(corpus / "ungdc" / "ungdc_1946-2024.jsonl.gz", "rt", encoding="utf-8") as source,
        gzip.open(out_path, "wt", encoding="utf-8") as out,
    ):
        for line in source:
            record = json.loads(line)
            for number, piece in enumerate(cut_pieces(record["text"] or "")):
                if written >= wanted:
                    return out_path
                out.write(json.dumps({**record, "id": f"{record['id']}_p{number:03}", "text": piece}) + "\n")
                written += 1
    return out_path


def archive_env(data):
    env = {**os.environ, "ARCHIVE_DATA_DIR": str(data), "DJANGO_DEBUG": "0", "ARCHIVE_RATELIMIT": "0"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def build_archive(corpus, variant, data, reuse=False, rebuild=True):
    """Import `variant` into the archive folder `data` and measure the build; `rebuild=False`
    skips timing a second, from-the-database index rebuild (the import already indexed)."""
    env = archive_env(data)
    manage(env, "migrate", "--no-input", stdout=subprocess.DEVNULL)
    manage(env, "collectstatic", "--no-input", stdout=subprocess.DEVNULL)
    registry = corpus / "aux" / "unsc_resolutions_index_1-2215.csv"
    if registry.exists():
        manage(env, "load_resolutions", str(registry), stdout=subprocess.DEVNULL)
    jsonl = corpus / "ungdc" / "ungdc_1946-2024.jsonl.gz"
    if variant == "100k":
        jsonl = write_100k_variant(corpus, data)
    sources = [["--manifest", str(corpus / "unsc_2020" / "metadata.csv")], [str(jsonl)]]
    if variant == "unsc":
        sources = sources[:1]
    started = time.monotonic()
    for source in [] if reuse else sources:
        result = subprocess.run(
            [PYTHON, "manage.py", "ingest", *source], cwd=REPO, env=env, capture_output=True, text=True
        )
        print(result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-500:], flush=True)
    ingest_seconds = time.monotonic() - started
    started = time.monotonic()
    if rebuild:
        manage(env, "rebuild_search_index", stdout=subprocess.DEVNULL)
    rebuild_seconds = time.monotonic() - started
    stats = subprocess.run(
        [
            PYTHON,
            "manage.py",
            "shell",
            "--verbosity",
            "0",
            "-c",
            (
                "from django.db.models import Sum\nfrom django.db.models.functions import Length\n"
                "from statements.models import Statement\n"
                "print(Statement.objects.count(), Statement.objects.aggregate(n=Sum(Length('body')))['n'])"
            ),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    statements, characters = int(stats[0]), int(stats[1])
    build = {
        "statements": statements,
        "text_mb": round(characters / 1e6, 1),
        "ingest_and_index_seconds": round(ingest_seconds, 1),
        "ingest_statements_per_second": round(statements / ingest_seconds, 1),
        "ingest_mb_per_second": round(characters / 1e6 / ingest_seconds, 2),
        "rebuild_index_seconds": round(rebuild_seconds, 1) if rebuild else None,
        "index_statements_per_second": round(statements / rebuild_seconds, 1) if rebuild else None,
        "database_mb": round(folder_size(data / "archive.sqlite3") / 1e6, 1),
        "index_mb": round(folder_size(data / "whoosh_index") / 1e6, 1),
    }
    if reuse:  # the import was measured in an earlier run
        for key in ("ingest_and_index_seconds", "ingest_statements_per_second", "ingest_mb_per_second"):
            build.pop(key)
    return env, build


def export_rows(archive_db):
    """The archive's statements as flat rows: id, title, speaker, country (the delegation, as
    the archive's country facet), forum, year, date, text, and the Security Council resolutions
    cited (a JSON array of numbers)."""
    source = sqlite3.connect(archive_db)
    yield from source.execute("""
        SELECT s.id, COALESCE(NULLIF(s.title, ''), s.occasion), COALESCE(sp.name, NULLIF(s.speaker_as_written, '')),
               c.name, s.forum, s.year, s.date, s.body,
               (SELECT json_group_array(CAST(r.number AS TEXT)) FROM statements_citation ci
                  JOIN statements_resolution r ON r.id = ci.resolution_id
                 WHERE ci.statement_id = s.id AND r.body = 'SC')
          FROM statements_statement s
          LEFT JOIN statements_speaker sp ON sp.id = s.speaker_id
          LEFT JOIN statements_country c ON c.id = s.delegation_id
    """)
    source.close()


def export_for_datasette(archive_db, target):
    """The same statements as one flat table with an FTS5 index, the way a newcomer would publish them."""
    out = sqlite3.connect(target)
    out.executescript("""
        CREATE TABLE statements (id INTEGER PRIMARY KEY, title TEXT, speaker TEXT, country TEXT, forum TEXT,
                                 year INTEGER, date TEXT, body TEXT, resolutions TEXT);
        CREATE VIRTUAL TABLE statements_fts USING fts5(title, body, content="statements", content_rowid=id);
    """)
    out.executemany("INSERT INTO statements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", export_rows(archive_db))
    out.execute("INSERT INTO statements_fts (rowid, title, body) SELECT id, title, body FROM statements")
    for column in ("speaker", "country", "forum", "year", "date"):
        out.execute(f"CREATE INDEX statements_{column} ON statements ({column})")
    out.commit()
    out.close()


def ensure_datasette():
    binary = DATASETTE_VENV / "bin" / "datasette"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(DATASETTE_VENV)], check=True)
        subprocess.run(
            [str(DATASETTE_VENV / "bin" / "pip"), "install", "--quiet", f"datasette=={DATASETTE_VERSION}"], check=True
        )
    return binary


def serve_datasette(db, port, settings, *options, immutable=False, log=subprocess.DEVNULL):
    """Datasette serving `db` on 127.0.0.1:`port` with these settings and extra options."""
    opened = ["-i", str(db)] if immutable else [str(db)]
    command = [str(ensure_datasette()), "serve", *opened, "--host", "127.0.0.1", "--port", str(port), *options]
    for name, value in settings.items():
        command += ["--setting", name, str(value)]
    return subprocess.Popen(command, stdout=log, stderr=log, stdin=subprocess.DEVNULL)


def measure(env, data, reps):
    export_for_datasette(data / "archive.sqlite3", data / "bench.db")
    archive_port, datasette_port = free_port(), free_port()
    gunicorn = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "--config", "gunicorn.conf.py", "archive.wsgi"],
        cwd=REPO,
        env={**env, "PORT": str(archive_port), "GUNICORN_LOG_LEVEL": "warning"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    datasette = serve_datasette(data / "bench.db", datasette_port, HEAVY_SETTINGS)
    archive = f"http://127.0.0.1:{archive_port}/search/?"
    published = f"http://127.0.0.1:{datasette_port}/bench/statements?{DATASETTE_FACETS}&"
    try:
        wait_for(archive)
        wait_for(published)
        rows = []
        for label, ours, theirs in QUERIES:
            ours_url = archive + urllib.parse.quote(ours, safe="=&")
            theirs_url = published + urllib.parse.quote(theirs, safe="=&_")
            fetch_ms(ours_url), fetch_ms(theirs_url)  # warm both
            ours_ms, theirs_ms = [], []
            for _ in range(reps):
                ours_ms.append(fetch_ms(ours_url))
                theirs_ms.append(fetch_ms(theirs_url))
            rows.append(summarise(label, ours_ms, theirs_ms))
            print(
                f"  {label:24} archive {rows[-1]['archive_median_ms']:8.1f} ms   "
                f"datasette {rows[-1]['datasette_median_ms']:8.1f} ms",
                flush=True,
            )
        memory = {
            "gunicorn_worker_rss_mb": [rss_mb(pid) for pid in children(gunicorn.pid)],
            "datasette_rss_mb": rss_mb(datasette.pid),
        }
    finally:
        for process in (gunicorn, datasette):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    return rows, memory


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def summarise(label, ours, theirs):
    ours_median, theirs_median = statistics.median(ours), statistics.median(theirs)
    return {
        "query": label,
        "archive_median_ms": round(ours_median, 1),
        "archive_p95_ms": round(percentile(ours, 0.95), 1),
        "datasette_median_ms": round(theirs_median, 1),
        "datasette_p95_ms": round(percentile(theirs, 0.95), 1),
        "median_ratio": round(ours_median / theirs_median, 2),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--variant", choices=["whole", "100k", "both"], default="whole")
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    parser.add_argument("--keep", action="store_true", help="keep the scratch archives")
    parser.add_argument("--reuse", type=Path, help="an archive folder an earlier run built: measure it again")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    variants = ["whole", "100k"] if args.variant == "both" else [args.variant]
    for variant in variants:
        data = args.reuse or Path(tempfile.mkdtemp(prefix=f"archive-bench-{variant}-"))
        print(f"[{variant}] building in {data}", flush=True)
        env, build = build_archive(args.corpus, variant, data, reuse=bool(args.reuse))
        print(json.dumps(build, indent=2), flush=True)
        queries, memory = measure(env, data, args.reps)
        result = {
            "variant": variant,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": f"{os.cpu_count()} cores, {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB",
            "build": build,
            "queries": queries,
            "memory": memory,
        }
        (args.out / f"{variant}.json").write_text(json.dumps(result, indent=2))
        print(json.dumps(memory), flush=True)
        if not args.keep and not args.reuse:
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
