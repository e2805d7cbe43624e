"""GS1 trade item numbers (GTIN-8/12/13/14) with their mod-10 check digit."""

from models.rules import RuleError
from models.rules.text import halfwidth


def gtin_check_digit(body: str) -> str:
    """Check digit for the digits before it (weights 3,1,3,... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def parse_gtin(raw: object) -> str:
    """A checked GTIN, normalised to 14 digits as GS1 Digital Link uses it."""
    text = "".join(halfwidth(str(raw or "")).split())
    if not text.isdigit() or len(text) not in (8, 12, 13, 14):
        raise RuleError("商品条码（GTIN）应为8、12、13或14位数字")
    if gtin_check_digit(text[:-1]) != text[-1]:
        raise RuleError("商品条码（GTIN）校验位不正确，请核对")
    return text.zfill(14)
