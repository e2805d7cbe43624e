"""Server-rendered pages: one Jinja2 environment, autoescaped, with the page helpers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sanic import Request, Sanic
from sanic.response import HTTPResponse, html

from models.rules.numbers import money_str
from server.core import clock
from server.core.csrf import CSRF_FIELD, csrf_token
from server.core.flash import pop_flash
from server.core.navigation import nav_items

TEMPLATE_ROOT = Path(__file__).resolve().parents[2] / "web" / "templates"


def _fmt_money(value: Decimal | None, unit: str = "万元") -> str:
    if value is None:
        return "—"
    return f"{money_str(value)} {unit}".strip()


def _fmt_number(value: Decimal | int | None, places: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{places}f}".rstrip("0").rstrip(".") if places else f"{value:,.0f}"


def _fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return clock.local(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def build_environment(app: Sanic) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_ROOT)),
        autoescape=select_autoescape(["html", "xml"], default=True),
        undefined=StrictUndefined,   # a misspelt variable fails loudly in tests
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        static_url=app.ctx.static.url,
        county=app.ctx.county,
        CSRF_FIELD=CSRF_FIELD,
        nav_items=nav_items,
    )
    env.filters.update(money=_fmt_money, number=_fmt_number, day=_fmt_date)
    return env


def render(
    request: Request,
    template: str,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTTPResponse:
    env: Environment = request.app.ctx.jinja
    context.setdefault("current_user", getattr(request.ctx, "user", None))
    if "flash" not in context:
        context["flash"] = pop_flash(request)
    body = env.get_template(template).render(
        request=request,
        csrf_token=lambda: csrf_token(request),
        today=clock.today(),
        **context,
    )
    response = html(body, status=status, headers=headers)
    # Pages carry personal data and change with every report: never cache them.
    response.headers.setdefault("Cache-Control", "no-store")
    return response
