"""What the supervision templates call (passed to them as `sv`): links and drawings.

Kept out of the shared Jinja environment so this feature changes nothing global.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from markupsafe import Markup

from server.features.supervision import charts
from server.features.supervision.progress import RATES, Row


def url(path: str, **query: object) -> str:
    """`path?query` with the empty values left out."""
    pairs = {k: v for k, v in query.items() if v not in (None, "", False)}
    return f"{path}?{urlencode(pairs)}" if pairs else path


def year_chips(years: list[int], current: int | None, path: str, **query: object) -> list:
    return [(f"{y}年", url(path, year=y, **query), y == current) for y in years]


def tone(status: str) -> str:
    return {"achieved": "sv-tone_achieved", "on_track": "sv-tone_on_track",
            "behind": "sv-tone_behind"}.get(status, "sv-tone_none")


def target_bar(row: Row) -> Markup:
    """The row's bar: how far to the target, and a marker where it should be by now."""
    t = row.target
    marker = None
    if row.expected is not None and t.measure not in RATES and t.target:
        marker = row.expected / t.target
    label = f"完成{(row.ratio or 0) * 100:.1f}%"
    return charts.bar(row.ratio, tone=tone(row.status), marker=marker, label=label)


def share_bar(value: Decimal | int | None, maximum: Decimal | int | None,
              tone_name: str = "good", label: str = "") -> Markup:
    share = None
    if value is not None and maximum:
        share = Decimal(value) / Decimal(maximum)
    return charts.bar(share, tone=f"sv-tone_{tone_name}", label=label)


def rate_bar(rate: Decimal | None, target: Decimal = Decimal(100)) -> Markup:
    if rate is None:
        return charts.bar(None, tone="sv-tone_none", label="暂无")
    good = rate >= target
    return charts.bar(rate / 100, tone="sv-tone_good" if good else "sv-tone_behind",
                      label=f"{rate}%")


gauge = charts.gauge
columns = charts.columns
Column = charts.Column
