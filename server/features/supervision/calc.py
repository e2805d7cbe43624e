"""Small arithmetic shared by the supervision figures: rates, ratios, rounding."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
RATE_PLACES = Decimal("0.01")       # percentages: 83.33
RATIO_PLACES = Decimal("0.0001")    # ratios: 0.8333


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part / whole in percent, 2 places, half up; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(RATE_PLACES, ROUND_HALF_UP)


def ratio(actual: Decimal | None, target: Decimal) -> Decimal | None:
    if actual is None or not target:
        return None
    return (actual / target).quantize(RATIO_PLACES, ROUND_HALF_UP)


def rounded(value: Decimal | None, places: int = 4) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def clamp01(value: float) -> float:
    return 0.0 if value < 0 else 1.0 if value > 1 else value
