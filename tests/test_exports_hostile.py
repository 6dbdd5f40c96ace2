"""Exports of hostile text: a spreadsheet opening the CSV shows formulas as text, JSON lines stay verbatim."""

import csv
import io
import json

import pytest

from statements.ingest import Overrides

from .factories import make_statement

FORMULAS = {
    "title": '=HYPERLINK("http://evil.example", "click")',
    "occasion": "=cmd|' /C calc'!A0",
    "place": "+1+1",
    "forum": "-2+3",
    "language": "@SUM(A1:A9)",
}


@pytest.fixture
def formulas(db, search_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_statement(
            "formula.txt",
            "Mr. Mallory (Japan): We recall resolution 2341 (2017) on infrastructure.",
            overrides=Overrides(fields=FORMULAS),
        )


def test_csv_cells_that_would_run_as_spreadsheet_formulas_start_with_a_quote(client, formulas):
    response = client.get("/search/export.csv", {"q": "infrastructure"})
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    for column, value in FORMULAS.items():
        assert row[column] == "'" + value, column
    assert row["speaker"] == "Mallory"  # ordinary cells are untouched


@pytest.mark.parametrize("start", ["\t", "\r"])
def test_csv_cells_starting_with_tab_or_carriage_return_start_with_a_quote(start):
    from statements.exports import csv_cell

    assert csv_cell(start + "=1+1") == "'" + start + "=1+1"
    assert csv_cell("Mr. President") == "Mr. President" and csv_cell(7) == 7 and csv_cell(None) == ""


def test_json_lines_keep_the_text_exactly_as_stored(client, formulas):
    response = client.get("/search/export.jsonl", {"q": "infrastructure"})
    (record,) = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    for column, value in FORMULAS.items():
        assert record[column] == value, column
