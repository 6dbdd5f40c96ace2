"""A pytest plugin loaded (-p, in pyproject.toml) before pytest-django reads the settings.

Tests get a throwaway data folder and Whoosh index: they never touch the developer's data.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_RUN_DIR = tempfile.mkdtemp(prefix="archive-tests-")
os.environ["ARCHIVE_DATA_DIR"] = _RUN_DIR
os.environ["WHOOSH_INDEX_PATH"] = str(Path(_RUN_DIR) / "whoosh_index")
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-" + "k" * 50)  # production mode needs a key
os.environ["ARCHIVE_RATELIMIT"] = "0"  # tests that need throttling turn it on
# Playwright's sync API keeps an event loop running in the test thread; the ORM calls
# the tests make around it are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

atexit.register(shutil.rmtree, _RUN_DIR, ignore_errors=True)
