"""Registry titles read in the UN's sentence case, proper nouns kept (issue 10)."""

from io import StringIO

import pytest
from django.core.management import call_command

from statements.models import Resolution
from statements.parsing.titles import sentence_case


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Women And Peace And Security", "Women and peace and security"),
        (
            "The Situation In The Middle East, Including The Palestinian Question",
            "The situation in the Middle East, including the Palestinian question",
        ),
        ("Democratic Republic Of The Congo", "Democratic Republic of the Congo"),
        ("Côte D'Ivoire", "Côte d'Ivoire"),
        ("Admission Of New Members To The UN: Hungary", "Admission of new members to the UN: Hungary"),
        ("Reports Of The Secretary-General On The Sudan", "Reports of the Secretary-General on the Sudan"),
        (
            "Date Of Election To Fill A Vacancy In The International Court Of Justice",
            "Date of election to fill a vacancy in the International Court of Justice",
        ),
        ("Working Languages Of The Security Council", "Working languages of the Security Council"),
        ("UN Observer Mission In Georgia", "UN Observer Mission in Georgia"),
        (
            "Question Relating To Territories Under Portuguese Administration",
            "Question relating to territories under Portuguese administration",
        ),
        ("Children and armed conflict", "Children and armed conflict"),
    ],
)
def test_title_case_becomes_sentence_case_and_proper_nouns_keep_their_capitals(title, expected):
    assert sentence_case(title) == expected


def test_an_unknown_word_keeps_its_capital_rather_than_lose_a_proper_noun():
    assert sentence_case("The Situation In Nagorno-Karabakh") == "The situation in Nagorno-Karabakh"


@pytest.mark.django_db
def test_the_registry_is_loaded_with_sentence_case_titles(tmp_path):
    registry = tmp_path / "registry.csv"
    registry.write_text(
        '"";"Resolution";"Number";"Year";"Date";"Topic";"URL"\n'
        '"1";"S/RES/1325";1325;"2000";NA;"Women And Peace And Security";"u"\n'
        '"2";"S/RES/1652";1652;"2006";NA;"Côte D\'Ivoire";"u"\n',
        encoding="utf-8",
    )
    call_command("load_resolutions", str(registry), stdout=StringIO())
    assert Resolution.objects.get(number=1325).title == "Women and peace and security"
    assert Resolution.objects.get(number=1652).title == "Côte d'Ivoire"
