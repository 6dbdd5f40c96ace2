"""Memory per gunicorn worker after a query mix, and the mix's latency, on an archive already built.

    .venv/bin/python bench/memory.py --data /scratch/archive [--port 8650] [--rounds 6]
        [--compare /path/to/other/checkout] [--json figures.json]

Serves the archive with gunicorn (the project's gunicorn.conf.py, WEB_CONCURRENCY workers,
throttling off), reads each worker's /proc/PID/smaps_rollup once the workers have warmed up,
drives the query mix (common and rare words, phrases, resolution numbers, facet selections,
the passages view, the API, trends) `--rounds` times from as many client threads as there are
workers, so that every worker serves most of it, and reads smaps_rollup again.

With --compare, a second server runs the other checkout (its own .venv or this one's) on the
next port over the same data, and requests alternate between the two, one query at a time, so
both meet the same machine state; memory is read for both.

Figures per worker, in MB (10^6 bytes):
  RSS   resident pages, shared ones counted in full in every process that maps them
  PSS   resident pages, each shared page divided among the processes sharing it
  USS   private pages (Private_Clean + Private_Dirty): what stopping this worker frees
  anon  anonymous memory (the Python heap)
  file  file-backed resident pages (RSS - anon): code, libraries, mapped files; shared through
        the page cache
PSS is the honest "memory per worker": summed over all processes it is the machine's total.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent

MIX = [
    ("common word", "/search/?q=peace"),
    ("common word", "/search/?q=security"),
    ("common word", "/search/?q=development"),
    ("common word", "/search/?q=peace+security+development"),
    ("rare word", "/search/?q=tuvalu"),
    ("rare word", "/search/?q=aviation"),
    ("rare word", "/search/?q=tonga"),
    ("rare word", "/search/?q=terorism"),
    ("phrase", '/search/?q="humanitarian+access"'),
    ("phrase", '/search/?q="sustainable+development"'),
    ("phrase", '/search/?q="climate+change"'),
    ("resolution", "/search/?q=resolution+2341"),
    ("resolution", "/search/?q=2254"),
    ("resolution", "/search/?q=S/RES/1325"),
    ("facet", "/search/?q=peace&country=france"),
    ("facet", "/search/?q=security&year=2020"),
    ("facet", "/search/?q=development&forum=united-nations-general-assembly"),
    ("facet", "/search/?q=peace&sort=oldest&year=1975"),
    ("empty", "/search/"),
    ("empty", "/search/?sort=oldest"),
    ("passages", "/search/?q=climate+change&view=passages"),
    ("passages", '/search/?q="human+rights"&view=passages&page=2'),
    ("api", "/api/statements/?q=peace"),
    ("api", "/api/statements/?q=resolution+2254"),
    ("trends", "/trends/?" + urlencode([("q", "climate change"), ("q", "terrorism"), ("q", "nuclear")])),
    (
        "trends",
        "/trends/?" + urlencode([("q", '"human rights"'), ("q", "2254"), ("forum", "united-nations-security-council")]),
    ),
]

FIELDS = ("Rss", "Pss", "Private_Clean", "Private_Dirty", "Anonymous", "Pss_File", "Pss_Anon")


def smaps_rollup(pid):
    """The kB figures of /proc/PID/smaps_rollup."""
    figures = {}
    with open(f"/proc/{pid}/smaps_rollup") as handle:
        for line in handle:
            name, _, rest = line.partition(":")
            if name in FIELDS:
                figures[name] = int(rest.split()[0])
    return figures


def memory(pid):
    """RSS, PSS, USS, anon and file-backed figures of one process, in MB."""
    kb = smaps_rollup(pid)
    mb = {
        "rss": kb["Rss"],
        "pss": kb["Pss"],
        "uss": kb["Private_Clean"] + kb["Private_Dirty"],
        "anon": kb["Anonymous"],
        "file": kb["Rss"] - kb["Anonymous"],
        "pss_file": kb.get("Pss_File", 0),
    }
    return {name: round(value * 1024 / 1e6, 1) for name, value in mb.items()}


def worker_pids(master):
    with open(f"/proc/{master}/task/{master}/children") as handle:
        return [int(pid) for pid in handle.read().split()]


class Server:
    def __init__(self, repo, data, port, workers, log, config="gunicorn.conf.py", access_log="/dev/null", options=()):
        self.repo, self.port = Path(repo), port
        python_bin = self.repo / ".venv" / "bin"
        if not python_bin.exists():
            python_bin = REPO / ".venv" / "bin"
        env = {
            **os.environ,
            "ARCHIVE_DATA_DIR": str(data),
            "ARCHIVE_RATELIMIT": "0",
            "DJANGO_DEBUG": "0",
            "PORT": str(port),
            "WEB_CONCURRENCY": str(workers),
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "bench-" + "k" * 50,
            "GUNICORN_LOG_LEVEL": "warning",
        }
        self.log = open(log, "w")  # noqa: SIM115 - open while the server runs
        self.process = subprocess.Popen(
            [
                str(python_bin / "gunicorn"),
                "--config",
                str(config),
                "--access-logfile",
                str(access_log),
                *options,
                "archive.wsgi",
            ],
            cwd=self.repo,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        self.base = f"http://127.0.0.1:{port}"
        self.times = {}

    def wait(self, workers):
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if len(worker_pids(self.process.pid)) == workers:
                    urllib.request.urlopen(self.base + "/", timeout=5).read()
                    return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.5)
        raise SystemExit(f"the server from {self.repo} did not start: see {self.log.name}")

    def get(self, path):
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(self.base + path, timeout=120) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        elapsed = time.perf_counter() - start
        if status >= 500:
            raise SystemExit(f"{self.repo}: {path} answered {status}")
        return elapsed

    def memory(self):
        return {pid: memory(pid) for pid in worker_pids(self.process.pid)}

    def stop(self):
        self.process.terminate()
        self.process.wait(60)
        self.log.close()


def drive(servers, rounds, threads):
    """Each client thread runs the mix `rounds` times, each query on every server in turn
    (the order of servers alternating), recording each request's time per kind."""
    lock = threading.Lock()

    def client(number):
        for round_number in range(rounds):
            for index, (kind, path) in enumerate(MIX):
                order = servers if (round_number + index + number) % 2 == 0 else servers[::-1]
                for server in order:
                    elapsed = server.get(path)
                    with lock:
                        server.times.setdefault(kind, []).append(elapsed)

    clients = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()


def table(label, figures):
    print(f"{label}")
    print(f"  {'worker':>8} {'RSS':>7} {'PSS':>7} {'USS':>7} {'anon':>7} {'file':>7} {'PSS file':>8}")
    for pid, mb in figures.items():
        print(
            f"  {pid:>8} {mb['rss']:7.1f} {mb['pss']:7.1f} {mb['uss']:7.1f} {mb['anon']:7.1f} "
            f"{mb['file']:7.1f} {mb['pss_file']:8.1f}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="an ARCHIVE_DATA_DIR already built")
    parser.add_argument("--repo", default=str(REPO), help="the checkout to serve (default: this one)")
    parser.add_argument("--compare", help="a second checkout served side by side on the next port")
    parser.add_argument("--port", type=int, default=8650)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    repos = [args.repo] + ([args.compare] if args.compare else [])
    servers = []
    try:
        for number, repo in enumerate(repos):
            log = Path(f"/tmp/bench-memory-{args.port + number}.log")
            servers.append(Server(repo, args.data, args.port + number, args.workers, log))
        started = time.perf_counter()
        for server in servers:
            server.wait(args.workers)
            print(f"{server.repo}: serving after {time.perf_counter() - started:.0f} s", flush=True)
        load = os.getloadavg()
        print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, load {load[0]:.1f}")
        warm = [server.memory() for server in servers]
        start = time.perf_counter()
        drive(servers, args.rounds, args.workers)
        print(
            f"mix: {len(MIX)} requests x {args.rounds} rounds x {args.workers} clients, {time.perf_counter() - start:.0f} s"
        )
        after = [server.memory() for server in servers]
        results = []
        for server, before, now in zip(servers, warm, after, strict=True):
            print(f"\n== {server.repo} (port {server.port})")
            table("after warm-up (MB)", before)
            table("after the mix (MB)", now)
            print("  latency, ms: median / p95")
            for kind, times in server.times.items():
                times = sorted(times)
                p95 = times[max(0, round(0.95 * len(times)) - 1)]
                print(f"    {kind:<12} {1000 * statistics.median(times):7.1f} / {1000 * p95:7.1f}  (n={len(times)})")
            results.append(
                {
                    "repo": str(server.repo),
                    "warm": before,
                    "after": now,
                    "median_ms": {k: 1000 * statistics.median(v) for k, v in server.times.items()},
                }
            )
        print(f"load at the end {os.getloadavg()[0]:.1f}")
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=1))
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
