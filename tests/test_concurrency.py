"""SQLite under an import and editors' saves at the same time: WAL and timeouts, no 'database is locked'."""

import subprocess
import sys

from .conftest import REPO, subprocess_env

EDITS = """
from statements.models import Speaker
for round in range(60):
    for speaker in Speaker.objects.order_by("pk")[:5]:
        speaker.role = f"Delegate, round {round}"
        speaker.save()
print("edits done")
"""


def test_an_import_and_admin_saves_run_together_without_locking_errors(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    for number in range(300):
        (texts / f"c{number:04}.txt").write_text(
            f"Mr. Delegate{number % 40} (Japan): We recall resolution {1000 + number}. "
            + "Peace and security matter to every delegation here. " * 30,
            encoding="utf-8",
        )
    env = subprocess_env(tmp_path)
    run = lambda *args: subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert run("migrate", "--no-input").wait() == 0
    assert run("ingest", str(texts / "c0000.txt")).wait() == 0  # a speaker to edit from the start
    importer = run("ingest", str(texts))
    editor = run("shell", "-c", EDITS)
    import_out, import_err = importer.communicate(timeout=300)
    edit_out, edit_err = editor.communicate(timeout=300)
    assert importer.returncode == 0, import_err
    assert editor.returncode == 0, edit_err
    # "search index locked; retrying" is expected while the import indexes; the database must never be.
    assert "database is locked" not in import_err + edit_err
    assert "300 files read: 299 created, 0 updated, 1 unchanged, 0 failed" in import_out
    assert "edits done" in edit_out
