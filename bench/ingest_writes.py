"""Count the SQL writes an import makes, by kind and table.

    ARCHIVE_DATA_DIR=/tmp/scratch .venv/bin/python bench/ingest_writes.py seeds/
    ARCHIVE_DATA_DIR=/tmp/scratch .venv/bin/python bench/ingest_writes.py --manifest=/tmp/m300/metadata.csv

Migrates the archive ARCHIVE_DATA_DIR names (use an empty scratch folder, not var/), then runs
`ingest` with the arguments given, in this process, counting every INSERT, UPDATE and DELETE
it sends to the database. A count does not drift with the machine's load, as times do.
"""

import collections
import os
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

import django

django.setup()

from django.core.management import call_command
from django.db import connection

counts = collections.Counter()


def count_writes(execute, sql, params, many, context):
    verb = sql.lstrip().split(None, 1)[0].upper()
    if verb in {"INSERT", "UPDATE", "DELETE"}:
        counts[verb, sql.split('"')[1] if '"' in sql else "?"] += 1
    return execute(sql, params, many, context)


if __name__ == "__main__":
    call_command("migrate", verbosity=0)
    started = time.monotonic()
    with connection.execute_wrapper(count_writes):
        call_command("ingest", *sys.argv[1:], stdout=StringIO(), stderr=StringIO())
    print(f"{sum(counts.values())} writes in {time.monotonic() - started:.1f} s")
    for (verb, table), number in sorted(counts.items()):
        print(f"  {verb:6} {table:34} {number}")
