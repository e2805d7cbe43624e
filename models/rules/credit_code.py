"""统一社会信用代码 (unified social credit code), GB 32100-2015.

18 characters: registration authority (1), entity type (1), administrative division (6
digits), the GB 11714 organisation code (8 + its own check character), and a final check
character over the first 17, computed modulo 31 with fixed weights.
"""

from models.rules import RuleError
from models.rules.text import halfwidth

# The 31 characters the standard uses: digits and capitals without I, O, S, V, Z.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 11714-1997 organisation code: weights over the 8 body characters, modulo 11.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (all from ALPHABET)."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def _org_value(ch: str) -> int:
    # GB 11714 values digits as themselves and letters A..Z as 10..35.
    return int(ch) if ch.isdigit() else ord(ch) - 55


def org_check_character(body8: str) -> str:
    """The 9th character of an organisation code for its first 8."""
    total = sum(_org_value(ch) * w for ch, w in zip(body8, ORG_WEIGHTS, strict=True))
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def normalize_credit_code(raw: object) -> str:
    """Upper-case, half-width, without spaces; does not check."""
    text = halfwidth(str(raw or ""))
    return "".join(text.split()).upper()


def parse_credit_code(raw: object) -> str:
    """The checked credit code, or RuleError saying what is wrong with it."""
    code = normalize_credit_code(raw)
    if not code:
        raise RuleError("请填写统一社会信用代码")
    if len(code) != 18:
        raise RuleError(f"统一社会信用代码应为18位，当前为{len(code)}位")
    bad = sorted({ch for ch in code if ch not in _VALUE})
    if bad:
        raise RuleError(
            f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}（不使用I、O、S、V、Z）"
        )
    if not code[2:8].isdigit():
        raise RuleError("统一社会信用代码第3至8位应为行政区划代码（数字）")
    if org_check_character(code[8:16]) != code[16]:
        raise RuleError("统一社会信用代码中的组织机构代码（第9至17位）校验不通过，请核对")
    if check_character(code[:17]) != code[17]:
        raise RuleError("统一社会信用代码校验位（第18位）不正确，请核对")
    return code


def is_valid_credit_code(raw: object) -> bool:
    try:
        parse_credit_code(raw)
    except RuleError:
        return False
    return True
