"""Helpers that make archive rows through the real write path (statements.ingest), and read them back."""

import datetime as dt
from io import StringIO

from django.core.management import call_command
from haystack.query import SearchQuerySet

from statements.ingest import CREATED, UPDATED, MeetingInfo, Overrides, ingest_text
from statements.models import Statement


def make_statement(source, text, overrides=None, **fields):
    """Ingest `text` under `source` and return the Statement; `fields` (date=..., ...) win over the text."""
    if fields:
        overrides = Overrides(
            fields={**(overrides.fields if overrides else {}), **fields},
            speaker=overrides.speaker if overrides else {},
            meeting=overrides and overrides.meeting,
            position=overrides and overrides.position,
        )
    outcome = ingest_text(source, text, overrides)
    assert outcome.status in (CREATED, UPDATED), outcome.error or outcome.status
    return Statement.objects.get(pk=outcome.statement_id)


def make_meeting_statement(source, text, position, symbol="S/PV.8699 (Resumption 1)"):
    """A statement made at a Security Council meeting, at `position` in its list of speakers."""
    meeting = MeetingInfo(symbol, dt.date(2020, 1, 9), "Maintenance of international peace and security")
    return make_statement(source, text, Overrides(meeting=meeting, position=position))


def write_texts(folder, numbers, text):
    """A text file `s0000.txt`... in `folder` for each of `numbers`, holding `text(number)`; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in numbers:
        (folder / f"s{number:04}.txt").write_text(text(number), encoding="utf-8")
    return folder


def ingest(*paths, manifest=None, **options):
    """Run `manage.py ingest` on these paths in this process; returns (stdout, stderr).

    Texts are parsed in this process unless `workers` says otherwise: forked workers would
    only add their start-up time to a test's few files.
    """
    out, err = StringIO(), StringIO()
    if manifest:
        options["manifest"] = [str(manifest)]
    options.setdefault("workers", 1)
    call_command("ingest", *map(str, paths), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def index_hits(text):
    """How many statements the search index finds for `text` (through haystack, not the search page)."""
    return SearchQuerySet().models(Statement).filter(content=text).count()
