"""Test set-up: a throwaway data folder and Whoosh index per run, and a clean index per test."""

import os
import tempfile
from pathlib import Path

# Before Django reads its settings: never touch the developer's own database or index.
_RUN_DIR = tempfile.mkdtemp(prefix="archive-tests-")
os.environ["ARCHIVE_DATA_DIR"] = _RUN_DIR
os.environ["WHOOSH_INDEX_PATH"] = str(Path(_RUN_DIR) / "whoosh_index")
os.environ.setdefault("DJANGO_DEBUG", "0")

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture
def search_index():
    """An empty search index for this test; haystack's backend is cleared before and after."""
    from haystack import connections

    backend = connections["default"].get_backend()
    backend.clear()
    yield backend
    backend.clear()


@pytest.fixture
def seeded(db, search_index, django_capture_on_commit_callbacks):
    """The archive with the three seeds ingested and indexed."""
    from django.core.management import call_command
    from io import StringIO

    with django_capture_on_commit_callbacks(execute=True):
        call_command("ingest", str(SEEDS), stdout=StringIO())
    return search_index
