"""Numbers people type: money in 万元 (Decimal, never float), quantities, counts."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from models.rules import RuleError
from models.rules.text import halfwidth

MONEY_PLACES = 4          # 万元 to 4 places is one yuan
QUANTITY_PLACES = 3
MAX_INTEGER_DIGITS = 12   # fits DecimalField(max_digits=16, decimal_places=4)


def _to_decimal(raw: object, what: str) -> Decimal:
    if isinstance(raw, bool):
        raise RuleError(f"{what}应为数字")
    if isinstance(raw, float):
        # JSON bodies are parsed with Decimal, so a float here came from code: keep its
        # shortest repr rather than its binary expansion.
        raw = repr(raw)
    if isinstance(raw, int | Decimal):
        value = Decimal(raw)
    else:
        text = halfwidth(str(raw)).strip().replace(",", "").replace("，", "").replace(" ", "")
        if not text:
            raise RuleError(f"请填写{what}")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise RuleError(f"{what}应为数字，例如 1234.5") from None
    if not value.is_finite():
        raise RuleError(f"{what}应为数字")
    return value


def parse_decimal(
    raw: object,
    what: str,
    *,
    places: int,
    minimum: Decimal | None = Decimal(0),
    maximum: Decimal | None = None,
) -> Decimal:
    """A non-negative (by default) Decimal with at most `places` decimals."""
    value = _to_decimal(raw, what)
    if minimum is not None and value < minimum:
        raise RuleError(f"{what}不能为负数" if minimum == 0 else f"{what}不能小于{minimum}")
    if maximum is not None and value > maximum:
        raise RuleError(f"{what}不能大于{maximum}")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise RuleError(f"{what}最多保留{places}位小数")
    if value.adjusted() >= MAX_INTEGER_DIGITS:
        raise RuleError(f"{what}数值过大，请核对单位")
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def parse_money(raw: object, what: str = "金额") -> Decimal:
    """Money in 万元: non-negative, at most 4 decimals (one yuan)."""
    return parse_decimal(raw, what, places=MONEY_PLACES)


def parse_quantity(raw: object, what: str = "数量") -> Decimal:
    return parse_decimal(raw, what, places=QUANTITY_PLACES)


def parse_count(raw: object, what: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    """A whole number within bounds ('12' ok, '12.5' and 'abc' not)."""
    value = _to_decimal(raw, what)
    if value != value.to_integral_value():
        raise RuleError(f"{what}应为整数")
    number = int(value)
    if number < minimum:
        raise RuleError(f"{what}不能为负数" if minimum == 0 else f"{what}不能小于{minimum}")
    if maximum is not None and number > maximum:
        raise RuleError(f"{what}不能大于{maximum}")
    return number


def money_str(value: Decimal | None) -> str | None:
    """Money as the API writes it: a decimal string, trailing zeros kept to 2 places."""
    if value is None:
        return None
    normalized = value.normalize()
    if normalized.as_tuple().exponent > -2:  # type: ignore[operator]
        normalized = value.quantize(Decimal("0.01"))
    return format(normalized, "f")
