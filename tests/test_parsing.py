"""The parser against ../shared/seeds-expected.json and the layouts and traps it must handle."""

import json

import pytest

from statements.parsing import ParseError, parse_file, parse_statement
from statements.parsing.header import split_honorific, tidy_name
from statements.parsing.text import decode_text

from .conftest import REPO, SEEDS, SHARED

EXPECTED_PATH = SHARED / "seeds-expected.json"
SEED_NAMES = sorted(path.name for path in SEEDS.glob("*.txt"))


@pytest.fixture(scope="module")
def expected():
    if not EXPECTED_PATH.exists():
        pytest.skip("../shared/seeds-expected.json is absent")
    return json.loads(EXPECTED_PATH.read_text(encoding="utf-8"))


def parsed_seed(name):
    return parse_file((SEEDS / name).read_bytes()).as_json(name)


def test_every_seed_in_the_expectations_is_in_the_project(expected):
    assert SEED_NAMES == sorted(name for name in expected if not name.startswith("_"))
    for name in SEED_NAMES:
        assert (SEEDS / name).read_bytes() == (SHARED / "seeds" / name).read_bytes()


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_metadata_matches_expectations(expected, name):
    want, got = expected[name], parsed_seed(name)
    for key in ("date", "place", "forum", "occasion", "title", "sc_resolutions", "document_symbols"):
        assert got[key] == want[key], key
    for key in ("name", "honorific", "role", "country"):
        assert got["speaker"][key] == want["speaker"][key], f"speaker {key}"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_body_matches_expectations(expected, name):
    want, paragraphs = expected[name], parsed_seed(name)["paragraphs"]
    body = "\n\n".join(paragraphs)
    assert len(paragraphs) == want["paragraphs"]
    if "first_paragraph" in want:
        assert paragraphs[0] == want["first_paragraph"]
    if "last_paragraph" in want:
        assert paragraphs[-1] == want["last_paragraph"]
    if "first_paragraph_starts" in want:
        assert paragraphs[0].startswith(want["first_paragraph_starts"])
    if "last_paragraph_ends" in want:
        assert paragraphs[-1].endswith(want["last_paragraph_ends"])
    for text in want.get("body_contains", []):
        assert text in body
    for text in want.get("body_contains_no", []):
        assert text not in body
    assert all("\n" not in paragraph for paragraph in paragraphs)


def test_resolutions_cited_across_the_seeds_match(expected):
    cited = set()
    for name in SEED_NAMES:
        cited.update(parsed_seed(name)["sc_resolutions"])
    assert sorted(cited) == expected["_archive_after_all_three"]["sc_resolutions_cited"]


def test_header_lines_are_kept_out_of_the_body():
    body = "\n".join(parsed_seed("000_d635279429bd5661.txt")["paragraphs"])
    assert "Statement by" not in body and "13 February 2017" not in body
    assert not parsed_seed("003_eb8af5c9cd36db3e.txt")["paragraphs"][0].startswith("Mr. Bessho")


def test_hard_wrapped_lines_are_reflowed_and_a_stray_blank_line_does_not_split_a_sentence():
    paragraphs = parsed_seed("003_eb8af5c9cd36db3e.txt")["paragraphs"]
    assert any("provide peacekeepers with communications training" in p for p in paragraphs)
    assert any("including counter-terrorism institutions" in p for p in paragraphs)


def test_verbatim_opening_gives_speaker_country_and_language():
    parsed = parse_statement(
        "Mr. Nebenzia (Russian Federation) (spoke in Russian): We thank the briefers for their work."
    )
    assert parsed.speaker.name == "Nebenzia"
    assert parsed.speaker.country == "Russian Federation"
    assert parsed.language == "Russian"
    assert parsed.paragraphs[0] == "We thank the briefers for their work."


def test_verbatim_opening_with_a_parenthesised_country_name():
    parsed = parse_statement(
        "Mr. Moncada (Venezuela (Bolivarian Republic of)) (spoke in Spanish): Thank you, Mr. President, for this debate."
    )
    assert parsed.speaker.country == "Venezuela (Bolivarian Republic of)"
    assert parsed.language == "Spanish"


@pytest.mark.parametrize(
    "sentence, sc",
    [
        ("We welcome resolution 2341 on infrastructure.", [2341]),
        ("Japan co-sponsored resolution 2295 (2016), which requested more.", [2295]),
        (
            "We adopted two Security Council resolutions on counter-terrorism: 2309 on aviation and 2322 on cooperation.",
            [2309, 2322],
        ),
        ("We call for the implementation of all relevant Security Council resolutions.", []),
        (
            "The measures in resolutions 2139 (2014), 2165 (2014), 2191 (2014) and 2504 (2020) matter.",
            [2139, 2165, 2191, 2504],
        ),
        ("As the Council said (resolution 2282 (2016)), peace must be sustained.", [2282]),
        ("We recall S/RES/1373 (2001) on terrorism today.", [1373]),
        ("We recall res. 1540 on non-proliferation today.", [1540]),
        ("Resolution 181 (II) of the General Assembly was adopted in 1947.", []),
        ("As the General Assembly said in resolution 2625 today.", []),
        ("The Human Rights Council adopted resolution 35/19 last year.", []),
        ("On 16/01/2020 we met, as noted on page 62/91.", []),
    ],
)
def test_security_council_citations(sentence, sc):
    assert parse_statement(sentence).sc_resolutions == sc


@pytest.mark.parametrize(
    "sentence, ga",
    [
        ("We recall General Assembly resolution 46/182 on humanitarian assistance.", ["46/182"]),
        ("The strategy in A/RES/60/288 remains our guide.", ["60/288"]),
        ("Assembly resolutions 46/182 and 60/1 matter to us all.", ["46/182", "60/1"]),
    ],
)
def test_general_assembly_citations_are_kept_apart(sentence, ga):
    parsed = parse_statement(sentence)
    assert parsed.ga_resolutions == ga
    assert parsed.sc_resolutions == []


def test_citation_keeps_the_sentence_that_cites_it():
    parsed = parse_statement("Mr. President, thank you. We welcome resolution 2341 on infrastructure. We stand ready.")
    (ref,) = parsed.resolutions
    assert ref.sentence == "We welcome resolution 2341 on infrastructure."


def test_document_symbols_are_normalised():
    parsed = parse_statement("See the report (see S/2015/446) and the debate (see S/PV.7750) and S/PRST/2015/1.")
    assert parsed.symbols == ["S/2015/446", "S/PRST/2015/1", "S/PV.7750"]


@pytest.mark.parametrize(
    "data, text",
    [
        ("Déclaration — “quotes”".encode(), "Déclaration — “quotes”"),
        (b"\xef\xbb\xbf" + "Déclaration".encode(), "Déclaration"),
        ("Déclaration — “quotes”".encode("utf-16"), "Déclaration — “quotes”"),
        ("Déclaration — “quotes”".encode("cp1252"), "Déclaration — “quotes”"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "windows-1252"],
)
def test_encodings_are_read_correctly(data, text):
    assert decode_text(data) == text


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"\xff\xfe\x00\xd8", "utf-16"),
        (b"(end)", "no statement text"),
    ],
)
def test_unreadable_input_raises_a_reason(data, reason):
    with pytest.raises(ParseError, match=reason):
        parse_file(data)


def test_the_parser_imports_nothing_from_django():
    for path in (REPO / "statements" / "parsing").glob("*.py"):
        assert "django" not in path.read_text(encoding="utf-8"), path.name


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("KENTARO SONOURA", "Kentaro Sonoura"),
        ("King Mswati III", "King Mswati III"),
        ("KING MSWATI III", "King Mswati III"),
        ("Carl XVI Gustaf", "Carl XVI Gustaf"),
        ("LI BAODONG", "Li Baodong"),
        ("XI JINPING", "Xi Jinping"),
        # Capitals joined by a hyphen or an apostrophe (the General Debate file's older rows).
        ("AL-ASAD", "Al-Asad"),
        ("ANDRADE-DIAZ-DURAN", "Andrade-Diaz-Duran"),
        ("D'ESCOTO Brockmann", "D'Escoto Brockmann"),
        ("O'NEILL", "O'Neill"),
        ("RIFA'I", "Rifa'i"),
        ("G.P. JOOSTE", "G.P. Jooste"),
        ("Alec DOUGLAS-HOME", "Alec Douglas-Home"),
        ("Abubakr AL-QIRBI", "Abubakr Al-Qirbi"),
        ("Nicolas de RIVIÈRE", "Nicolas de Rivière"),
        ("Kalombo Mwansa", "Kalombo Mwansa"),
        ("Jean-Yves Le Drian", "Jean-Yves Le Drian"),
    ],
)
def test_names_in_capitals_are_shown_as_written_and_a_regnal_number_stays_in_capitals(written, shown):
    assert tidy_name(written) == shown
    assert parse_statement(f"Mr. {written} (Eswatini): We thank the President for this debate.").speaker.name == shown


@pytest.mark.parametrize(
    ("written", "honorific", "name"),
    [
        ("Mr. Facio", "Mr.", "Facio"),
        ("Mr.Facio", "Mr.", "Facio"),  # no space after the full stop
        ("Mr.. Abdurrahman Mohamed Shalghem", "Mr.", "Abdurrahman Mohamed Shalghem"),
        ("Mr.Mr. Mahe 'Uli'Uli Tupouniua", "Mr.", "Mahe 'Uli'Uli Tupouniua"),  # written twice
        ("Ms.Ulla Tørnæs", "Ms.", "Ulla Tørnæs"),
        ("H.E. Mr. Abdullah", "H.E. Mr.", "Abdullah"),
        ("Mrs Robinson", "Mrs", "Robinson"),
        ("Mr", None, "Mr"),
        ("Drummond", None, "Drummond"),  # a name that starts like an honorific
    ],
)
def test_an_honorific_is_told_from_the_name_however_it_is_typed(written, honorific, name):
    assert split_honorific(written) == (honorific, name)
