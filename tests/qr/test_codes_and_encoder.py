"""Trace codes (signed, verifiable without the database) and the fast QR encoder."""

import random
import string

import pytest
from qrcode.main import QRCode

from qr import codes, encoder
from qr.codes import ALPHABET, CODE_LENGTH, new_code, verify

SECRET = "a-secret-key-for-tests-0123456789abcdef"


def test_codes_are_fourteen_unambiguous_characters_and_verify():
    made = {new_code(SECRET) for _ in range(2000)}
    assert len(made) == 2000
    for code in made:
        assert len(code) == CODE_LENGTH == 14
        assert set(code) <= set(ALPHABET)
        assert verify(SECRET, code) == code
    assert not set("01IO") & set(ALPHABET)


def test_case_spaces_and_dashes_are_forgiven():
    code = new_code(SECRET)
    assert verify(SECRET, code.lower()) == code
    assert verify(SECRET, f" {code[:4]}-{code[4:8]} {code[8:]} ") == code


def test_forged_and_mistyped_codes_fail_without_a_database():
    code = new_code(SECRET)
    # every single-character change of a real code is caught by the signature
    for i in range(CODE_LENGTH):
        for ch in ALPHABET:
            if ch != code[i]:
                assert verify(SECRET, code[:i] + ch + code[i + 1:]) is None
    assert verify("another-secret-key-entirely-0123456789", code) is None
    assert verify(SECRET, code[:-1]) is None
    assert verify(SECRET, code + "2") is None
    assert verify(SECRET, code.replace(code[0], "0", 1)) is None       # not in the alphabet
    rng = random.Random(7)
    guesses = ["".join(rng.choice(ALPHABET) for _ in range(14)) for _ in range(20000)]
    assert not [g for g in guesses if verify(SECRET, g)]


def test_a_code_url_fits_a_small_qr_version():
    url = f"https://trace.example.cn/t/{new_code(SECRET)}"
    assert encoder.encode(url, "M").version == 3          # 29 x 29 modules
    # the code itself goes in alphanumeric mode (5.5 bits a character, not 8)
    assert [s.mode for s in encoder.segments_for(url)] == [4, 2]


@pytest.mark.parametrize("base", [
    "https://trace.example.cn/t/",
    "http://127.0.0.1:8000/t/",
    "https://a-much-longer-domain-name.example.com.cn/trace/t/",   # version 5
    "https://zs.example.cn/01/06901234567892/10/20250315-01/21/",
])
@pytest.mark.parametrize("level", ["M", "Q", "H"])
def test_fast_encoder_makes_exactly_the_symbol_qrcode_makes(base, level):
    """Bit for bit, mask choice included: the penalty rules are scored, not skipped."""
    masks = set()
    for _ in range(40):
        url = base + new_code(SECRET)
        symbol = encoder.encode(url, level)
        reference = QRCode(version=symbol.version, error_correction=encoder.LEVELS[level],
                           border=0)
        for segment in encoder.segments_for(url):
            reference.add_data(segment.qrdata())
        reference.make(fit=False)
        assert symbol.matrix() == reference.modules
        assert symbol.mask == reference.best_mask_pattern()
        masks.add(symbol.mask)
    assert len(masks) >= 2        # the choice really varies with the data


def test_fast_encoder_handles_any_text_like_qrcode():
    rng = random.Random(3)
    for _ in range(30):
        text = "".join(rng.choice(string.printable[:94] + "追溯码") for _ in range(rng.randint(1, 90)))
        symbol = encoder.encode(text, "M")
        reference = QRCode(version=symbol.version, border=0)
        for segment in encoder.segments_for(text):
            reference.add_data(segment.qrdata())
        reference.make(fit=False)
        assert symbol.matrix() == reference.modules, text


def test_module_level_helpers_are_consistent():
    code = new_code(SECRET)
    assert codes.normalize(code.lower()) == code
