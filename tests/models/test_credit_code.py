"""统一社会信用代码 (GB 32100-2015) with the GB 11714 organisation code inside."""

import pytest

from models.rules import RuleError
from models.rules.credit_code import (
    ALPHABET,
    check_character,
    is_valid_credit_code,
    org_check_character,
    parse_credit_code,
)

VALID = ["91310115591693856A", "91310110666007217T"]


@pytest.mark.parametrize("code", VALID)
def test_real_codes_are_valid(code):
    assert parse_credit_code(code) == code


@pytest.mark.parametrize("code", VALID)
def test_changing_any_single_character_makes_it_invalid(code):
    for position in range(18):
        for replacement in "0A":
            if code[position] == replacement:
                continue
            mutated = code[:position] + replacement + code[position + 1 :]
            assert not is_valid_credit_code(mutated), (position, mutated)


def test_lower_case_full_width_and_spaces_are_normalised():
    assert parse_credit_code(" 91310115 591693856a ") == "91310115591693856A"
    assert parse_credit_code("９１３１０１１５５９１６９３８５６Ａ") == "91310115591693856A"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "请填写"),
        ("9131011559169385", "应为18位"),
        ("91310115591693856AX", "应为18位"),
        ("9131011559169385IA", "不允许的字符：I"),
        ("91310115591693856O", "不允许的字符：O"),
        ("91AB0115591693856A", "行政区划代码"),
        ("91310115591693857A", "组织机构代码"),
        ("91310115591693856B", "校验位"),
    ],
)
def test_wrong_codes_say_what_is_wrong(raw, message):
    with pytest.raises(RuleError) as err:
        parse_credit_code(raw)
    assert message in str(err.value)


def test_check_characters_follow_the_standards():
    # GB 11714: 59169385 -> 6 ; GB 32100 over the first 17 -> A
    assert org_check_character("59169385") == "6"
    assert check_character("91310115591693856") == "A"
    # remainder 10 is written X (GB 11714)
    body = next(b for b in (f"{n:08d}" for n in range(10**6)) if org_check_character(b) == "X")
    assert org_check_character(body) == "X"
    assert set(ALPHABET).isdisjoint("IOSVZ") and len(ALPHABET) == 31
