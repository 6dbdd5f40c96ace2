"""SQLite under an import and editors' saves at the same time: WAL and timeouts, no lost save."""

import pytest

from .conftest import manage, start_manage, subprocess_env
from .factories import write_texts

pytestmark = pytest.mark.slow  # separate processes, a whole import each

FILES = 300

# Saves the first five speakers again and again while the import runs, from its first stored
# statement to its last; prints how many rounds overlapped the import and the last round.
EDITS = f"""
import time
from statements.models import Speaker, Statement
deadline = time.monotonic() + 300
while Statement.objects.count() < 2 and time.monotonic() < deadline:
    time.sleep(0.01)
overlapping = round = 0
while round < 60 or Statement.objects.count() < {FILES}:
    during = Statement.objects.count() < {FILES}
    for speaker in Speaker.objects.order_by("pk")[:5]:
        speaker.role = f"Delegate, round {{round}}"
        speaker.save()
    overlapping += during
    round += 1
    if time.monotonic() > deadline:
        break
print(f"rounds during the import: {{overlapping}}; last round: {{round - 1}}")
"""


def test_an_import_and_admin_saves_run_together_without_a_locked_database_or_a_lost_save(tmp_path):
    texts = write_texts(
        tmp_path / "texts",
        range(FILES),
        lambda number: (
            f"Mr. Delegate{number % 40} (Japan): We recall resolution {1000 + number}. "
            + "Peace and security matter to every delegation here. " * 30
        ),
    )
    env = subprocess_env(tmp_path)

    assert manage(env, "migrate", "--no-input").returncode == 0
    assert manage(env, "ingest", str(texts / "s0000.txt")).returncode == 0  # a speaker to edit from the start
    editor = start_manage(env, "shell", "-c", EDITS)
    importer = start_manage(env, "ingest", str(texts))
    import_out, import_err = importer.communicate(timeout=600)
    edit_out, edit_err = editor.communicate(timeout=600)

    assert "database is locked" not in import_err + edit_err
    assert importer.returncode == 0, import_err
    assert editor.returncode == 0, edit_err
    assert f"{FILES} files read: {FILES - 1} created, 0 updated, 1 unchanged, 0 failed" in import_out
    overlapping, last = (int(part.split(": ")[1]) for part in edit_out.strip().splitlines()[-1].split("; "))
    assert overlapping > 0, "the saves never ran while the import did: nothing was tested"

    # Every save made it: the speakers edited hold the last round's role, none an older one.
    roles = manage(
        env,
        "shell",
        "-c",
        "from statements.models import Speaker; "
        "print(sorted(set(Speaker.objects.exclude(role='').values_list('role', flat=True))))",
    )
    assert roles.stdout.strip().splitlines()[-1] == str([f"Delegate, round {last}"])
