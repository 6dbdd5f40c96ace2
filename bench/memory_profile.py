"""Where a worker's memory goes: the query mix of bench/memory.py run in this process through
Django's test client, with tracemalloc's top allocations by file and line.

    ARCHIVE_DATA_DIR=/scratch/archive .venv/bin/python bench/memory_profile.py [--top 25] [--rounds 2]

Prints the resident size (from /proc/self/smaps_rollup) after Django starts, after the first
search (the index opened), and after the mix; then the live allocations tracemalloc traced
from start-up, grouped by line and by file. tracemalloc slows Python about twofold and its own
bookkeeping is not counted in its figures (it is in the resident size).
"""

import argparse
import os
import sys
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
os.environ.setdefault("ARCHIVE_RATELIMIT", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")


def resident(label):
    from memory import memory

    mb = memory(os.getpid())
    print(f"{label:<28} RSS {mb['rss']:7.1f}  USS {mb['uss']:7.1f}  anon {mb['anon']:7.1f}  file {mb['file']:7.1f} MB")


def index_data(before):
    """What the search engine keeps for one version of the index (per-document facet keys,
    dates, lengths, orders, Whoosh's open readers), per statement: an empty search with facets
    and both orders, traced."""
    from statements.search.engine import search_engine
    from statements.search.query import SearchRequest, parse_query

    engine = search_engine()
    for sort in ("newest", "oldest"):
        outcome = engine.run(SearchRequest(parse_query(""), sort=sort))
    after = tracemalloc.take_snapshot()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    print(
        f"index data kept after an empty search: {grown / 1e6:.1f} MB traced for {outcome.total:,} statements, "
        f"{grown / max(1, outcome.total):.0f} bytes a statement"
    )
    for stat in after.compare_to(before, "lineno")[:8]:
        frame = stat.traceback[0]
        print(f"  {stat.size_diff / 1e6:+8.2f} MB  {frame.filename}:{frame.lineno}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-trace", action="store_true", help="resident sizes only, without tracemalloc")
    args = parser.parse_args()
    if not args.no_trace:
        tracemalloc.start(1)

    import django

    django.setup()
    from django.test import Client
    from memory import MIX

    resident("Django set up")
    if not args.no_trace:
        index_data(tracemalloc.take_snapshot())
    client = Client()
    client.get("/search/?q=peace+and+security")
    resident("after the first search")
    first = tracemalloc.take_snapshot() if not args.no_trace else None
    for _ in range(args.rounds):
        for _kind, path in MIX:
            status = client.get(path).status_code
            if status >= 500:
                raise SystemExit(f"{path} answered {status}")
    resident("after the mix")
    if args.no_trace:
        return
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen importlib._bootstrap*")]
    )
    total = sum(stat.size for stat in snapshot.statistics("filename"))
    print(f"\ntraced, live: {total / 1e6:.1f} MB")
    print(f"\ntop {args.top} lines:")
    for stat in snapshot.statistics("lineno")[: args.top]:
        frame = stat.traceback[0]
        print(f"  {stat.size / 1e6:8.2f} MB {stat.count:>9,} blocks  {frame.filename}:{frame.lineno}")
    print(f"\ntop {args.top} files:")
    for stat in snapshot.statistics("filename")[: args.top]:
        print(f"  {stat.size / 1e6:8.2f} MB  {stat.traceback[0].filename}")
    print("\ngrowth during the mix (after the first search -> after the mix), top lines:")
    for stat in snapshot.compare_to(first, "lineno")[: args.top // 2]:
        frame = stat.traceback[0]
        print(f"  {stat.size_diff / 1e6:+8.2f} MB  {frame.filename}:{frame.lineno}")


if __name__ == "__main__":
    main()
