"""Bytes that are not text are refused with a reason, however they decode; real encodings still load."""

import random

import pytest

from statements.parsing import ParseError
from statements.parsing.text import decode_text

FRENCH = (
    "Déclaration de M. François Delattre, Représentant permanent de la France auprès des Nations "
    "Unies. Monsieur le Président, je vous remercie d’avoir organisé ce débat « ouvert » sur la "
    "protection des infrastructures critiques. La France se félicite de l’adoption à l’unanimité "
    "de la résolution 2341 (2017) — une étape importante. "
) * 5


def random_bytes(size, allowed, seed=12):
    generator = random.Random(seed)
    return bytes(generator.choice(allowed) for _ in range(size))


def test_random_bytes_without_nul_are_refused_as_binary_naming_the_control_characters():
    data = random_bytes(64 * 1024, [value for value in range(1, 256) if value not in b"\x81\x8d\x8f\x90\x9d"])
    with pytest.raises(ParseError, match=r"the file is binary, not text \([\d,]+ control characters"):
        decode_text(data)


def test_random_printable_bytes_are_refused_as_implausible_windows_1252():
    cp1252 = [value for value in range(32, 256) if value not in (0x7F, 0x81, 0x8D, 0x8F, 0x90, 0x9D)]
    with pytest.raises(ParseError, match=r"not text: read as Windows-1252, \d+% of its characters are outside ASCII"):
        decode_text(random_bytes(64 * 1024, cp1252))


def test_encoded_data_that_is_valid_utf8_is_refused_as_having_no_words():
    base64_like = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
    data = b"\n".join(random_bytes(76, base64_like, seed=line) for line in range(40))  # as base64 wraps it
    with pytest.raises(ParseError, match=r"the text has no words: 0% of its \d[\d,]* characters are spaces"):
        decode_text(data)


def test_text_in_a_script_written_without_spaces_still_loads():
    chinese = "主席先生，中国代表团感谢秘书长的通报。我们欢迎安全理事会通过第2341号决议，保护关键基础设施。" * 10
    assert decode_text(chinese.encode("utf-8")) == chinese


def test_a_few_control_characters_in_real_text_do_not_make_it_binary():
    text = "Mr. President,\x0c\nthe page break and a stray \x1b escape stay readable. " + "Peace matters. " * 20
    assert decode_text(text.encode()) == text


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8", "utf-8-sig"])
def test_real_french_text_loads_in_each_encoding_we_read(encoding):
    assert decode_text(FRENCH.encode(encoding)) == FRENCH


def test_a_long_windows_1252_english_statement_with_smart_quotes_loads():
    text = "“We recall resolution 2341 (2017),” said the delegate — and then: ‘peace’. " * 30
    assert decode_text(text.encode("cp1252")) == text
