"""Month-on-month and year-on-year change of a reported figure, against a warning bound.

A change beyond the bound (REPORT_CHANGE_WARN_RATIO, ±50 % by default) is not an error:
the report form asks for an explanation, which is stored with the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Change:
    previous: Decimal
    current: Decimal
    # (current - previous) / previous; None when the previous figure was 0.
    ratio: Decimal | None

    @property
    def percent(self) -> Decimal | None:
        """The change in per cent, to one decimal (e.g. 120.0 or -62.5)."""
        if self.ratio is None:
            return None
        return (self.ratio * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def rising(self) -> bool:
        return self.current > self.previous


def change_beyond(previous: Decimal | None, current: Decimal | None,
                  bound: Decimal) -> Change | None:
    """The change when it is beyond ±bound (a fraction, 0.5 = 50 %), else None.

    Nothing to compare (either figure missing) is not a warning; growing from 0 to
    anything is one, since no ratio can describe it.
    """
    if previous is None or current is None:
        return None
    if previous == 0:
        return Change(previous, current, None) if current != 0 else None
    ratio = (current - previous) / previous
    if abs(ratio) > bound:
        return Change(previous, current, ratio)
    return None
