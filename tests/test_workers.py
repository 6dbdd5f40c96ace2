"""archive/workers.py: gunicorn's gthread worker with the lingering close off its event loop and
recycling that waits for downloads.

The behaviour itself (a finished slow download does not freeze the worker, a restart waits for a
download) is tested through a real gunicorn in test_export_downloads.py; here, the version guard.
"""

import importlib

import gunicorn
import pytest


def test_the_worker_module_refuses_a_gunicorn_it_was_not_written_for(monkeypatch):
    import archive.workers

    monkeypatch.setattr(gunicorn, "version_info", (28, 0, 0))
    with pytest.raises(ImportError, match=r"written for gunicorn 27\.0.*finish_request.*TConn\.close"):
        importlib.reload(archive.workers)
    monkeypatch.undo()
    importlib.reload(archive.workers)  # the module as the installed gunicorn loads it
