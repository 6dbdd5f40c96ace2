"""Ingest reads only what it was given: links and ../ paths out of a folder are refused by name."""

import os
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from statements.models import Statement

GOOD = "Mr. Bessho (Japan): We recall resolution 2341 (2017) on the protection of infrastructure."
SECRET = "Mr. Secret (Japan): the password of the server is hunter2, said nobody in the Council."


def ingest(*args):
    out = StringIO()
    try:
        call_command("ingest", *args, stdout=out, stderr=StringIO())
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


@pytest.fixture
def outside(tmp_path):
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET)
    return secret


def published_secret():
    return Statement.objects.filter(body__contains="hunter2").exists()


def test_a_symbolic_link_in_a_folder_is_refused_by_name_and_the_rest_loads(db, search_index, tmp_path, outside):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    (folder / "x.txt").symlink_to(outside)
    (folder / "sub").symlink_to(outside.parent, target_is_directory=True)
    out, error = ingest(str(folder))
    assert not published_secret()
    assert Statement.objects.filter(source="good.txt").exists()
    assert f"failed: {folder / 'x.txt'}: {folder / 'x.txt'} is a symbolic link (to {outside})" in out
    assert f"{folder / 'sub'} is a symbolic link" in out
    assert error is not None and "2 of 3 files could not be imported" in str(error)


def test_links_inside_the_folder_are_read_only_when_asked_and_never_links_out(db, search_index, tmp_path, outside):
    folder = tmp_path / "d"
    (folder / "real").mkdir(parents=True)
    (folder / "real" / "good.txt").write_text(GOOD)
    (folder / "alias.txt").symlink_to(folder / "real" / "good.txt")
    (folder / "x.txt").symlink_to(outside)
    out, _ = ingest(str(folder))
    assert "alias.txt is a symbolic link" in out and "x.txt is a symbolic link" in out
    out, _ = ingest("--links-within-folder", str(folder))
    assert Statement.objects.filter(source="alias.txt").exists()
    assert f"{folder / 'x.txt'} is a symbolic link to {outside}, outside {folder}" in out
    assert not published_secret()


def test_a_manifest_row_naming_a_file_outside_its_folder_is_refused_by_row(db, search_index, tmp_path, outside):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    (folder / "link.txt").symlink_to(outside)
    (folder / "sub").symlink_to(outside.parent, target_is_directory=True)
    manifest = folder / "metadata.csv"
    manifest.write_text(
        f"file,id\ngood.txt,good\n../outside/secret.txt,up\n{outside},absolute\nlink.txt,link\nsub/../good.txt,again\n"
        "sub/secret.txt,through-a-linked-folder\n"
    )
    out, error = ingest("--manifest", str(manifest))
    assert not published_secret()
    assert Statement.objects.filter(source__in=["good", "again"]).count() == 2
    assert "failed: metadata.csv line 3 (up): the file '../outside/secret.txt' is outside" in out
    assert f"failed: metadata.csv line 4 (absolute): the file '{outside}' is an absolute path" in out
    assert "failed: metadata.csv line 5 (link): " in out and "link.txt is a symbolic link" in out
    assert f"failed: metadata.csv line 7 (through-a-linked-folder): {folder / 'sub'} is a symbolic link" in out
    assert error is not None and "4 of 6 statements could not be imported" in str(error)


def test_a_file_named_on_the_command_line_is_read_even_through_a_link(db, search_index, tmp_path, outside):
    link = tmp_path / "given.txt"
    link.symlink_to(outside)
    _, error = ingest(str(link))
    assert error is None and published_secret(), "naming a file is giving it"
    assert os.path.islink(link)
