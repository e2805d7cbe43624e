"""Charts drawn on the server as SVG: no JavaScript, no CDN, nothing inline for the CSP.

Colours and fonts come from classes styled in web/static/supervision.css; geometry is
SVG attributes. Every chart has a <title> for screen readers, and every bar that stands
for a list of enterprises is a link to that list.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape


def _f(value: float) -> str:
    """A coordinate with at most two decimals."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _point(cx: float, cy: float, r: float, share: float) -> tuple[float, float]:
    """The point of a left-to-right upper half circle at `share` (0 = left, 1 = right)."""
    angle = math.pi * (1 - share)
    return cx + r * math.cos(angle), cy - r * math.sin(angle)


def _arc(cx: float, cy: float, r: float, share: float) -> str:
    share = max(0.0, min(share, 0.9999))
    x0, y0 = _point(cx, cy, r, 0)
    x1, y1 = _point(cx, cy, r, share)
    return f"M{_f(x0)} {_f(y0)} A{_f(r)} {_f(r)} 0 0 1 {_f(x1)} {_f(y1)}"


def gauge(rate: Decimal | None, verified: Decimal | None, target: Decimal,
          *, label: str) -> Markup:
    """The 100 % gauge: the self-reported rate as the wide arc, the verified rate inside."""
    share = float(rate) / 100 if rate is not None else 0.0
    share_verified = float(verified) / 100 if verified is not None else 0.0
    ok = rate is not None and rate >= target
    tone = "sv-good" if ok else "sv-bad" if rate is not None else "sv-none"
    value = "—" if rate is None else f"{rate.normalize():f}%"
    parts = [
        f'<svg class="sv-gauge" viewBox="0 0 200 118" role="img" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
        f'<path class="sv-gauge__track" d="{_arc(100, 104, 84, 0.9999)}"/>',
    ]
    if share > 0:
        parts.append(f'<path class="sv-gauge__fill {tone}" d="{_arc(100, 104, 84, share)}"/>')
    parts.append(f'<path class="sv-gauge__track sv-gauge__track_inner" '
                 f'd="{_arc(100, 104, 64, 0.9999)}"/>')
    if share_verified > 0:
        parts.append(f'<path class="sv-gauge__fill sv-gauge__fill_inner" '
                     f'd="{_arc(100, 104, 64, share_verified)}"/>')
    parts += [
        f'<text class="sv-gauge__value" x="100" y="92" text-anchor="middle">{escape(value)}</text>',
        f'<text class="sv-gauge__target" x="100" y="114" text-anchor="middle">'
        f"目标 {escape(f'{target.normalize():f}')}%</text>",
        "</svg>",
    ]
    return Markup("".join(parts))


def bar(share: Decimal | float | None, *, tone: str, marker: Decimal | float | None = None,
        label: str = "") -> Markup:
    """A progress bar: `share` of the way (0..1, more is drawn full), with an optional
    marker where it should be by now."""
    width = 0.0 if share is None else max(0.0, min(float(share), 1.0)) * 100
    parts = [f'<svg class="sv-bar" viewBox="0 0 100 10" preserveAspectRatio="none" '
             f'role="img" aria-label="{escape(label)}">',
             '<rect class="sv-bar__track" x="0" y="0" width="100" height="10" rx="0"/>']
    if width > 0:
        parts.append(f'<rect class="sv-bar__fill {escape(tone)}" x="0" y="0" '
                     f'width="{_f(width)}" height="10"/>')
    if marker is not None and 0 < float(marker) < 1:
        x = _f(float(marker) * 100)
        parts.append(f'<line class="sv-bar__marker" x1="{x}" y1="0" x2="{x}" y2="10"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class Column:
    """One group of bars: a label on the axis, a value per series, where it links to."""

    label: str
    values: Sequence[Decimal | float | None]
    href: str | None = None
    title: str = ""


def columns(groups: Sequence[Column], *, series: Sequence[str], unit: str, title: str,
            maximum: float | None = None, reference: float | None = None) -> Markup:
    """A column chart, phone-sized (360 x 190): groups side by side, one bar per series.

    `reference` draws a dashed line (e.g. 100 %); `maximum` fixes the scale.
    """
    width, height, left, top, bottom = 360.0, 190.0, 34.0, 14.0, 24.0
    plot_w, plot_h = width - left - 6, height - top - bottom
    values = [float(v) for g in groups for v in g.values if v is not None]
    top_value = maximum or _nice(max(values) if values else 1.0)
    n = max(1, len(groups))
    slot = plot_w / n
    bar_w = slot * 0.72 / max(1, len(series))
    parts = [f'<svg class="sv-columns" viewBox="0 0 {_f(width)} {_f(height)}" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i in range(5):
        y = top + plot_h * i / 4
        value = top_value * (4 - i) / 4
        parts.append(f'<line class="sv-grid" x1="{_f(left)}" y1="{_f(y)}" '
                     f'x2="{_f(width - 6)}" y2="{_f(y)}"/>')
        parts.append(f'<text class="sv-axis" x="{_f(left - 4)}" y="{_f(y + 3.5)}" '
                     f'text-anchor="end">{escape(_short(value))}</text>')
    for index, group in enumerate(groups):
        x0 = left + slot * index + slot * 0.14
        bars = []
        for s_index, value in enumerate(group.values):
            if value is None or float(value) <= 0:
                continue
            h = min(float(value) / top_value, 1.0) * plot_h
            bars.append(f'<rect class="sv-col sv-col_{s_index}" x="{_f(x0 + bar_w * s_index)}" '
                        f'y="{_f(top + plot_h - h)}" width="{_f(bar_w)}" height="{_f(h)}"/>')
        tip = group.title or "；".join(
            f"{name} {'—' if v is None else _short(float(v))}{unit}"
            for name, v in zip(series, group.values, strict=False))
        cell = (f'<g><title>{escape(group.label)}：{escape(tip)}</title>'
                f'<rect class="sv-hit" x="{_f(left + slot * index)}" y="{_f(top)}" '
                f'width="{_f(slot)}" height="{_f(plot_h)}"/>{"".join(bars)}</g>')
        if group.href:
            cell = f'<a href="{escape(group.href)}">{cell}</a>'
        parts.append(cell)
        parts.append(f'<text class="sv-axis" x="{_f(left + slot * (index + 0.5))}" '
                     f'y="{_f(height - 8)}" text-anchor="middle">{escape(group.label)}</text>')
    if reference is not None and reference <= top_value:
        y = top + plot_h * (1 - reference / top_value)
        parts.append(f'<line class="sv-reference" x1="{_f(left)}" y1="{_f(y)}" '
                     f'x2="{_f(width - 6)}" y2="{_f(y)}"/>')
    parts.append(f'<line class="sv-baseline" x1="{_f(left)}" y1="{_f(top + plot_h)}" '
                 f'x2="{_f(width - 6)}" y2="{_f(top + plot_h)}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _nice(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 2.5, 5 x 10^n)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


def _short(value: float) -> str:
    """Axis numbers in Chinese units: 12000 -> 1.2万."""
    if abs(value) >= 100000000:
        return f"{value / 100000000:.3g}亿"
    if abs(value) >= 10000:
        return f"{value / 10000:.3g}万"
    if value == int(value):
        return str(int(value))
    return f"{value:.3g}"
