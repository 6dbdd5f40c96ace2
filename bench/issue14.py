"""Trends, passages and the dataset export timed on an archive that is already built.

    ARCHIVE_DATA_DIR=/scratch/archive .venv/bin/python bench/issue14.py [--reps 20] [--export]

Build the archive first (the whole shared corpus, about 13,500 statements):

    export ARCHIVE_DATA_DIR=/scratch/archive
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py ingest --manifest ../shared/corpus/unsc_2020/metadata.csv
    .venv/bin/python manage.py ingest ../shared/corpus/ungdc/ungdc_1946-2024.jsonl.gz

It times, in this process (no HTTP server): five trend queries over the whole archive, the
computation alone and the whole /trends/ page through Django's test client, cold (the first
request after the index is opened) and then warm (median, 95th percentile, max of --reps); the
same with a forum filter; the passages view's first and tenth pages; and, with --export, one
`export_dataset` into a temporary folder (time, size, rows).
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
os.environ.setdefault("ARCHIVE_RATELIMIT", "0")

TREND_QUERIES = ["climate change", "terrorism", '"human rights"', "nuclear", "2254"]


def timed(function, reps):
    """(cold, median, p95, max) wall-clock seconds, and the median CPU seconds of this process:
    on a shared machine the CPU time says what the work costs, the wall clock what it waited."""
    first_start = time.perf_counter()
    function()
    cold = time.perf_counter() - first_start
    times, cpu = [], []
    for _ in range(reps):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    times.sort()
    return (
        cold,
        statistics.median(times),
        times[max(0, round(0.95 * len(times)) - 1)],
        times[-1],
        statistics.median(cpu),
    )


def line(label, figures):
    cold, median, p95, worst, cpu = (1000 * f for f in figures)
    print(
        f"  {label:<50} cold {cold:7.1f} ms   median {median:6.1f} (CPU {cpu:6.1f})   p95 {p95:6.1f}   max {worst:6.1f}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--export", action="store_true", help="also time export_dataset")
    options = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.http import QueryDict
    from django.test import Client

    from statements import trends
    from statements.models import Statement
    from statements.search.engine import search_engine

    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    client = Client()
    count = Statement.objects.count()
    print(f"Archive: {count:,} statements in {os.environ.get('ARCHIVE_DATA_DIR', 'var/')}; {os.cpu_count()} cores")

    def form(**extra):
        query = QueryDict(mutable=True)
        query.setlist("q", TREND_QUERIES)
        for name, value in extra.items():
            query[name] = value
        bound = trends.TrendsForm(query)
        assert bound.is_valid(), bound.errors
        return bound, query.urlencode()

    search_engine()  # the engine object; its index is opened by the first search below
    whole, whole_query = form()
    print(f"Trends, 5 queries ({', '.join(TREND_QUERIES)}):")
    line("computation, whole archive", timed(lambda: trends.trends(whole), options.reps))
    line("/trends/ page, whole archive", timed(lambda: client.get("/trends/?" + whole_query), options.reps))
    forum = next(iter(trends.filter_choices()[0]))[0]
    filtered, filtered_query = form(forum=forum)
    line(f"computation, forum={forum}", timed(lambda: trends.trends(filtered), options.reps))
    line(f"/trends/ page, forum={forum}", timed(lambda: client.get("/trends/?" + filtered_query), options.reps))
    found, totals = trends.trends(whole)
    for trend in found:
        print(f"    {trend.query.text:<18} {trend.count:>6,} of {sum(totals.values()):,} statements")

    print("Passages view:")
    for query in ("climate change", "2254"):
        for page in (1, 10):
            url = f"/search/?q={query}&view=passages&page={page}"
            line(f"{query!r}, page {page}", timed(lambda url=url: client.get(url), max(3, options.reps // 4)))
    line("statements view of 'climate change', page 1", timed(lambda: client.get("/search/?q=climate+change"), 5))

    if options.export:
        with tempfile.TemporaryDirectory(prefix="dataset-bench-") as folder:
            start = time.perf_counter()
            call_command("export_dataset", folder, stdout=io.StringIO())
            seconds = time.perf_counter() - start
            package = next(p for p in Path(folder).iterdir() if p.is_dir() and not p.name.startswith("."))
            sizes = {p.name: p.stat().st_size for p in package.iterdir()}
            print(f"export_dataset: {seconds:.1f} s, {sum(sizes.values()) / 1e6:,.1f} MB")
            for name, size in sorted(sizes.items()):
                print(f"    {name:<28} {size / 1e6:8.1f} MB")


if __name__ == "__main__":
    main()
