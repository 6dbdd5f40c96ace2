"""Editors correct metadata in the admin, and their changes reach the search index."""

import re

import pytest
from haystack.query import SearchQuerySet

from statements.models import Speaker, Statement

from .factories import index_hits, make_statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(admin_client):
    return admin_client


@pytest.mark.parametrize(
    "url, shown, not_shown",
    [
        ("/admin/", "Statements", None),
        ("/admin/statements/statement/", "Keynote Address", None),
        ("/admin/statements/statement/?q=infrastructure", "Protection of Critical Infrastructure", "Keynote Address"),
        ("/admin/statements/speaker/", "Kentaro Sonoura", None),
        ("/admin/statements/country/", "Japan", None),
        ("/admin/statements/resolution/", "S/RES/2341", None),
        ("/admin/statements/meeting/", "0 meetings", None),
    ],
)
def test_admin_lists_show_an_editor_the_archives_rows(seeded, editor, url, shown, not_shown):
    response = editor.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert shown in page
    assert not_shown is None or not_shown not in page


def test_statement_change_form_shows_citations_inline(seeded, editor):
    statement = Statement.objects.get(source__startswith="000")
    response = editor.get(f"/admin/statements/statement/{statement.pk}/change/")
    assert response.status_code == 200
    assert "S/RES/2341" in response.content.decode()


def test_each_box_of_the_citations_table_is_named_for_a_screen_reader(seeded, editor):
    statement = Statement.objects.get(source__startswith="000")
    page = editor.get(f"/admin/statements/statement/{statement.pk}/change/").content.decode()
    boxes = re.findall(r"<(?:input|textarea|select)\b[^>]*\bname=\"citations-0-[^>]*>", page)
    assert len(boxes) >= 5
    for box in boxes:
        assert "hidden" in box or re.search(r'aria-label="[^"]+, citation 1"', box), box
    assert 'aria-label="Cited year, citation 1"' in page


def test_renaming_a_speaker_reaches_the_index(seeded, editor, django_capture_on_commit_callbacks):
    speaker = Speaker.objects.get(name="Kentaro Sonoura")
    assert index_hits("Sonoura") == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            f"/admin/statements/speaker/{speaker.pk}/change/",
            {"name": "Kentaro Sonura", "honorific": "Mr", "role": speaker.role, "country": speaker.country_id},
        )
    assert response.status_code == 302
    assert index_hits("Sonoura") == 0
    assert index_hits("Sonura") == 1


def test_deleting_a_statement_removes_it_from_the_index(seeded, editor, django_capture_on_commit_callbacks):
    statement = Statement.objects.get(source__startswith="004")
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(f"/admin/statements/statement/{statement.pk}/delete/", {"post": "yes"})
    assert not Statement.objects.filter(pk=statement.pk).exists()
    assert index_hits("GICNT") == 0
    assert SearchQuerySet().models(Statement).count() == 2


def test_a_rolled_back_edit_never_reaches_the_index(seeded, django_capture_on_commit_callbacks):
    from django.db import transaction

    speaker = Speaker.objects.get(name="Kentaro Sonoura")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        speaker.name = "Somebody Else"
        speaker.save()
        raise RuntimeError("editor's save failed")
    assert index_hits("Sonoura") == 1 and index_hits("Somebody") == 0


def test_merging_two_speakers_moves_their_statements_and_updates_the_index(
    db, search_index, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_statement("a.txt", "Mr. Bessho (Japan): We welcome resolution 2341 on infrastructure.")
        make_statement("b.txt", "Mr. Besho (Japan): We welcome the debate on peace operations today.")
    keep, typo = Speaker.objects.get(name="Bessho"), Speaker.objects.get(name="Besho")
    url = "/admin/statements/speaker/"
    confirm = editor.post(url, {"action": "merge_speakers", "_selected_action": [keep.pk, typo.pk]})
    assert confirm.status_code == 200 and "Keep which record?" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            url, {"action": "merge_speakers", "_selected_action": [keep.pk, typo.pk], "keep": keep.pk}
        )
    assert response.status_code == 302
    assert list(Speaker.objects.values_list("name", flat=True)) == ["Bessho"]
    assert keep.statements.count() == 2
    assert index_hits("Besho") == 0


def test_editor_lists_citations_whose_year_contradicts_the_registry(db, editor):
    from statements.models import Resolution

    make_statement("a.txt", "Mr. Bessho (Japan): We welcome resolution 2341 (2016) on infrastructure.")
    make_statement("b.txt", "Mr. Bessho (Japan): We welcome resolution 2309 (2016) on aviation security.")
    Resolution.objects.filter(number=2341).update(year=2017)
    Resolution.objects.filter(number=2309).update(year=2016)
    response = editor.get("/admin/statements/citation/?year_conflict=yes")
    assert response.status_code == 200
    listed = response.context["cl"].result_list
    assert [citation.resolution.number for citation in listed] == [2341]
