"""The archive at three sizes against two Datasette configurations, in one run (issue 11).

    .venv/bin/python bench/sizes.py [--archive 2.6k=DIR] [--archive 13.5k=DIR] [--archive 100k=DIR]
        [--reps 12] [--budget 420] [--port 8730] [--json bench/out/sizes.json]

Sizes: 2.6k is the Security Council manifest alone, 13.5k the whole shared corpus, 100k
`run.py`'s 100k variant. A size without `--archive` is built into a scratch folder with
`run.build_archive`; an archive given is served as it is (give a copy: serving writes to it).

For each size, both Datasette peers are exported from the archive's own database, so the
three serve the same rows:

- heavy: `run.py`'s configuration, a table `statements` with FTS5 (unicode61) on title and
  text, and per request five facets, one of them `_facet_array` on the cited resolutions
  (a resolution number is asked as `resolutions__arraycontains=N`, as run.py does);
- lean: the shape of `../shared/bench/peer_datasette.py` (copied, 2026-11-30): a table
  `speeches` with FTS5 (porter) on title and text, optimized, facets speaker, country, forum
  and year from the table's metadata, search mode "escaped", cells cut at 300 characters,
  the database opened immutable (`-i`).

Then per size, with gunicorn (`gunicorn.conf.py`) and both Datasettes serving:

1. First search a worker serves: gunicorn started fresh, each worker's first `/search/?q=peace`
   timed as it reaches it (which worker served a request is read from the access log), after
   `post_worker_init` reported the worker ready; later, one worker is stopped with SIGTERM and
   the first search that reaches its replacement is timed.
2. The query mix: 25 queries of five kinds, each once unmeasured, then `--reps` rounds (fewer
   when they pass `--budget` seconds), the three servers asked request by request in rotating
   order (each request a new connection).
3. Memory after the mix: PSS of each gunicorn worker and of each Datasette (bench/memory.py).
"""

import argparse
import fcntl
import json
import os
import re
import signal
import socket
import sqlite3
import statistics
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import memory
import run

SIZES = {"2.6k": "unsc", "13.5k": "whole", "100k": "100k"}
WORKERS = 3
FIRST_SEARCH = "/search/?q=peace"

# (kind, words, selected facet values); five queries of each kind
QUERIES = [
    ("common word", "peace", {}),
    ("common word", "security", {}),
    ("common word", "development", {}),
    ("common word", "cooperation", {}),
    ("common word", "people", {}),
    ("rare word", "tuvalu", {}),
    ("rare word", "aviation", {}),
    ("rare word", "desertification", {}),
    ("rare word", "cholera", {}),
    ("rare word", "landmines", {}),
    ("phrase", '"humanitarian access"', {}),
    ("phrase", '"climate change"', {}),
    ("phrase", '"rule of law"', {}),
    ("phrase", '"human rights"', {}),
    ("phrase", '"sustainable development"', {}),
    ("resolution number", "2254", {}),
    ("resolution number", "1325", {}),
    ("resolution number", "2334", {}),
    ("resolution number", "2231", {}),
    ("resolution number", "242", {}),
    ("selected facet", "peace", {"country": "France"}),
    ("selected facet", "security", {"country": "China"}),
    ("selected facet", "development", {"country": "India"}),
    ("selected facet", "peace", {"year": 2020}),
    ("selected facet", "terrorism", {"forum": "United Nations Security Council"}),
]
KINDS = list(dict.fromkeys(kind for kind, _, _ in QUERIES))
TARGETS = ("archive", "lean", "heavy")
HITS = {
    "archive": re.compile(r"([\d,]+)\s+(?:results?|statements?|matches|speeches)\b"),
    "lean": re.compile(r"<h3>\s*([\d,]+) rows?\b"),
    "heavy": re.compile(r"<h3>\s*([\d,]+) rows?\b"),
}

LEAN_TABLE = "speeches"
LEAN_FACETS = ["speaker", "country", "forum", "year"]
LEAN_SETTINGS = {
    "default_page_size": 20,
    "sql_time_limit_ms": 60_000,
    "facet_time_limit_ms": 60_000,
    "suggest_facets": "off",
    "truncate_cells_html": 300,
    "max_returned_rows": 1000,
    "num_sql_threads": 3,
}

# gunicorn.conf.py as it is, and a line in a file once a worker's post_worker_init is done
READY_CONFIG = """\
import time as _time

exec(compile(open({conf!r}).read(), {conf!r}, "exec"))
_project_post_worker_init = post_worker_init


def post_worker_init(worker):
    _project_post_worker_init(worker)
    with open({ready!r}, "a") as handle:
        handle.write(f"{{worker.pid}} {{_time.time()}}\\n")
"""


def export_lean(archive_db, target):
    """The lean peer's table from the archive's rows, as peer_datasette.py's build-datasette
    makes it from the corpus (sqlite-utils' statements written out)."""
    out = sqlite3.connect(target)
    out.executescript(f"""
        PRAGMA journal_mode=OFF;
        CREATE TABLE [{LEAN_TABLE}] ([id] TEXT PRIMARY KEY NOT NULL, [title] TEXT, [speaker] TEXT,
            [country] TEXT, [forum] TEXT, [year] INTEGER, [date] TEXT, [text] TEXT NOT NULL);
    """)
    out.executemany(
        f"INSERT INTO [{LEAN_TABLE}] VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ((str(row[0]), *row[1:8]) for row in run.export_rows(archive_db)),
    )
    out.executescript(f"""
        CREATE VIRTUAL TABLE [{LEAN_TABLE}_fts] USING FTS5 ([title], [text], tokenize='porter', content=[{LEAN_TABLE}]);
        INSERT INTO [{LEAN_TABLE}_fts] (rowid, [title], [text]) SELECT rowid, [title], [text] FROM [{LEAN_TABLE}];
        INSERT INTO [{LEAN_TABLE}_fts] ([{LEAN_TABLE}_fts]) VALUES ('optimize');
    """)
    for column in LEAN_FACETS:
        out.execute(f"CREATE INDEX [idx_{LEAN_TABLE}_{column}] ON [{LEAN_TABLE}] ([{column}])")
    out.commit()
    out.close()
    metadata = {
        "databases": {
            Path(target).stem: {
                "tables": {
                    LEAN_TABLE: {
                        "facets": LEAN_FACETS,
                        "fts_table": f"{LEAN_TABLE}_fts",
                        "fts_pk": "rowid",
                        "searchmode": "escaped",
                    }
                }
            }
        }
    }
    metadata_path = Path(target).with_suffix(".metadata.json")
    metadata_path.write_text(json.dumps(metadata, indent=2))
    return metadata_path


def key(value):
    """A facet value as the archive's URLs name it (France -> france), as peer_datasette.py does."""
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")


def paths(words, filters, kind):
    """The URL path of one query on each of the three servers."""
    archive = "/search/?" + urllib.parse.urlencode([("q", words), *((k, key(v)) for k, v in filters.items())])
    lean = f"/lean/{LEAN_TABLE}?" + urllib.parse.urlencode([("_search", words), *filters.items()])
    asked = [("resolutions__arraycontains", words)] if kind == "resolution number" else [("_search", words)]
    heavy = f"/heavy/statements?{run.DATASETTE_FACETS}&" + urllib.parse.urlencode([*asked, *filters.items()])
    return {"archive": archive, "lean": lean, "heavy": heavy}


def get(base, path):
    """(milliseconds to the last byte, page text) of one request on a new connection."""
    started = time.perf_counter()
    with urllib.request.urlopen(base + path, timeout=120) as response:
        body = response.read()
        assert response.status == 200, (path, response.status)
    return (time.perf_counter() - started) * 1000, body.decode("utf-8", "replace")


def ready_workers(ready_file):
    if not ready_file.exists():
        return {}
    return {int(pid): float(at) for pid, at in (line.split() for line in ready_file.read_text().splitlines())}


def wait_ready(ready_file, pids, seconds=300):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready = ready_workers(ready_file)
        if all(pid in ready for pid in pids):
            return ready
        time.sleep(0.1)
    raise SystemExit(f"workers {pids} not ready within {seconds} s")


def served_by(access_log, offset):
    """The worker pid on the first access-log line past `offset`, and the new offset."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with open(access_log) as handle:
            handle.seek(offset)
            line = handle.readline()
            if line.endswith("\n"):
                return int(line.split()[0].strip("<>")), handle.tell()
        time.sleep(0.02)
    raise SystemExit(f"no access-log line for a request in {access_log}")


def first_searches(server, access_log, pids, tries=60):
    """Search until each worker in `pids` has served one: {pid: ms of its first search}, and
    the times of searches that reached a worker which had searched before."""
    first, later = {}, []
    offset = os.path.getsize(access_log)
    for _ in range(tries):
        ms, _ = get(server.base, FIRST_SEARCH)
        pid, offset = served_by(access_log, offset)
        if pid in pids and pid not in first:
            first[pid] = round(ms, 1)
        else:
            later.append(round(ms, 1))
        if len(first) == len(pids):
            break
    return first, later


def master_workers(server, count, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pids = memory.worker_pids(server.process.pid)
        if len(pids) == count:
            return pids
        time.sleep(0.1)
    raise SystemExit(f"gunicorn did not start {count} workers")


def wait_answering(base, path, seconds=300):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return get(base, path)
        except (OSError, urllib.error.URLError):
            time.sleep(0.3)
    raise SystemExit(f"{base}{path} did not answer within {seconds} s")


def drive(bases, reps, budget):
    """Every query once unmeasured on each server (its hits read from the page), then `reps`
    rounds, the three servers asked in rotating order query by query; no round starts after
    `budget` seconds once three are done (the heavy peer takes seconds a request at 100k)."""
    mix = [(kind, words, filters, paths(words, filters, kind)) for kind, words, filters in QUERIES]
    hits = []
    for kind, words, filters, urls in mix:
        row = {"kind": kind, "q": words, "filters": filters}
        for target in TARGETS:
            _, page = get(bases[target], urls[target])
            found = HITS[target].search(page)
            row[target] = int(found.group(1).replace(",", "")) if found else None
        hits.append(row)
    times = {target: {kind: [] for kind in KINDS} for target in TARGETS}
    started, rounds = time.monotonic(), 0
    while rounds < reps and (rounds < 3 or time.monotonic() - started < budget):
        rep, rounds = rounds, rounds + 1
        for number, (kind, _, _, urls) in enumerate(mix):
            turn = (rep + number) % len(TARGETS)
            for target in TARGETS[turn:] + TARGETS[:turn]:
                times[target][kind].append(get(bases[target], urls[target])[0])
    return times, hits, rounds


def summary(times):
    """Median and p95 per kind and overall, per server, and the archive's ratios."""
    rows = {}
    for kind in [*KINDS, "overall"]:
        row = {}
        for target in TARGETS:
            values = [t for ts in times[target].values() for t in ts] if kind == "overall" else times[target][kind]
            row[target] = {"median": round(statistics.median(values), 1), "p95": round(run.percentile(values, 0.95), 1)}
        for peer in ("lean", "heavy"):
            row[f"archive/{peer}"] = {
                figure: round(row["archive"][figure] / row[peer][figure], 2) for figure in ("median", "p95")
            }
        rows[kind] = row
    return rows


def check_free(*ports):
    for port in ports:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
            try:
                sock.bind(("127.0.0.1", port))
            except OSError as error:
                raise SystemExit(f"port {port} is in use ({error}): pass another --port") from None


def wait_for_import(data):
    """Return once no import holds the archive's lock (ingest's flock): an archive still being
    imported into is measured after the import ends."""
    lock = data / "ingest.lock"
    if not lock.exists():
        return
    with lock.open() as handle:
        if holder := handle.read().strip():
            print(f"waiting for the import into {data} to end ({holder})", flush=True)
        fcntl.flock(handle, fcntl.LOCK_SH)


def measure_size(size, data, work, reps, budget, port):
    """Cold starts, the mix and memory for one archive; its figures."""
    check_free(port, port + 1, port + 2)
    wait_for_import(data)
    archive_db = data / "archive.sqlite3"
    started = time.monotonic()
    run.export_for_datasette(archive_db, work / "heavy.db")
    heavy_seconds = time.monotonic() - started
    started = time.monotonic()
    metadata = export_lean(archive_db, work / "lean.db")
    lean_seconds = time.monotonic() - started
    print(f"[{size}] peers exported: heavy {heavy_seconds:.0f} s, lean {lean_seconds:.0f} s", flush=True)

    ready_file, access_log = work / "ready", work / "access.log"
    config = work / "gunicorn_ready.py"
    config.write_text(READY_CONFIG.format(conf=str(run.REPO / "gunicorn.conf.py"), ready=str(ready_file)))
    options = ("--access-logformat", '%(p)s %(s)s %(M)sms "%(r)s"')
    heavy_log, lean_log = open(work / "heavy.log", "w"), open(work / "lean.log", "w")  # noqa: SIM115
    heavy = run.serve_datasette(work / "heavy.db", port + 1, run.HEAVY_SETTINGS, log=heavy_log)
    lean = run.serve_datasette(
        work / "lean.db", port + 2, LEAN_SETTINGS, "--metadata", str(metadata), immutable=True, log=lean_log
    )
    bases = {
        "archive": f"http://127.0.0.1:{port}",
        "lean": f"http://127.0.0.1:{port + 2}",
        "heavy": f"http://127.0.0.1:{port + 1}",
    }
    server = None
    result = {"size": size, "data": str(data)}
    try:
        wait_answering(bases["lean"], "/-/versions.json")
        wait_answering(bases["heavy"], "/-/versions.json")
        result["load_before"] = os.getloadavg()
        launched = time.time()
        server = memory.Server(
            run.REPO, data, port, WORKERS, work / "gunicorn.log", config=config, access_log=access_log, options=options
        )
        pids = master_workers(server, WORKERS)
        ready = wait_ready(ready_file, pids)
        result["worker_ready_seconds"] = sorted(round(ready[pid] - launched, 1) for pid in pids)
        first, later = first_searches(server, access_log, pids)
        result["first_search_fresh_ms"] = sorted(first.values())
        result["later_searches_ms"] = later
        print(f"[{size}] workers ready after {result['worker_ready_seconds']} s; first searches {first} ms", flush=True)

        started = time.monotonic()
        times, hits, result["rounds"] = drive(bases, reps, budget)
        result["mix_seconds"] = round(time.monotonic() - started)
        result["hits"], result["latency"] = hits, summary(times)
        result["load_after_mix"] = os.getloadavg()
        result["memory_mb"] = {
            "workers": [memory.memory(pid) for pid in memory.worker_pids(server.process.pid)],
            "lean": memory.memory(lean.pid),
            "heavy": memory.memory(heavy.pid),
        }
        print(f"[{size}] mix {result['mix_seconds']} s: {json.dumps(result['latency']['overall'])}", flush=True)

        serving = set(memory.worker_pids(server.process.pid))
        victim = min(serving)
        stopped = time.time()
        os.kill(victim, signal.SIGTERM)
        deadline = time.monotonic() + 120
        while not (new := set(memory.worker_pids(server.process.pid)) - serving):
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not replace the stopped worker")
            time.sleep(0.05)
        replacement = new.pop()
        result["replacement_ready_seconds"] = round(wait_ready(ready_file, [replacement])[replacement] - stopped, 1)
        first, later = first_searches(server, access_log, [replacement])
        result["first_search_replacement_ms"] = first.get(replacement)
        result["searches_before_replacement_served"] = len(later)
        print(
            f"[{size}] replacement ready after {result['replacement_ready_seconds']} s, "
            f"its first search {result['first_search_replacement_ms']} ms",
            flush=True,
        )
    finally:
        if server:
            server.stop()
        for process in (heavy, lean):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        heavy_log.close()
        lean_log.close()
    return result


def table(results):
    """The figures as Markdown, for RESULTS.md."""
    lines = [
        (
            "| size | kind | archive median / p95 | lean median / p95 | heavy median / p95 "
            "| archive/lean median (p95) | archive/heavy median (p95) |"
        ),
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        for kind, row in result["latency"].items():
            cells = [f"{row[t]['median']} / {row[t]['p95']}" for t in TARGETS]
            ratios = [f"{row[r]['median']} ({row[r]['p95']})" for r in ("archive/lean", "archive/heavy")]
            lines.append(f"| {result['size']} | {kind} | {' | '.join(cells)} | {' | '.join(ratios)} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=run.REPO.parent / "shared" / "corpus")
    parser.add_argument("--archive", action="append", default=[], help="SIZE=DIR: an archive built before")
    parser.add_argument("--sizes", default=",".join(SIZES), help="which sizes, comma-separated")
    parser.add_argument("--reps", type=int, default=12)
    parser.add_argument("--budget", type=int, default=420, help="seconds of rounds a size (at least 3 rounds)")
    parser.add_argument("--port", type=int, default=8730, help="gunicorn; the peers on the next two")
    parser.add_argument("--json", type=Path, default=run.REPO / "bench" / "out" / "sizes.json")
    args = parser.parse_args()
    given = dict(item.split("=", 1) for item in args.archive)
    run.ensure_datasette()
    results = []
    for size in args.sizes.split(","):
        work = Path(tempfile.mkdtemp(prefix=f"archive-sizes-{size}-"))
        data = Path(given[size]) if size in given else work / "archive"
        if size not in given:
            data.mkdir()
            print(f"[{size}] building in {data}", flush=True)
            run.build_archive(args.corpus, SIZES[size], data, rebuild=False)
        count = sqlite3.connect(data / "archive.sqlite3").execute("SELECT count(*) FROM statements_statement")
        print(f"[{size}] {count.fetchone()[0]} statements in {data}", flush=True)
        results.append({**measure_size(size, data, work, args.reps, args.budget, args.port), "work": str(work)})
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1))
    print(table(results))


if __name__ == "__main__":
    main()
