"""Reading the query parameters the supervision routes share (pages and API alike)."""

from __future__ import annotations

from typing import Any

from sanic import Request

from models.rules.period import Period
from server.core import clock
from server.core.context import ServiceContext
from server.core.county import Target
from server.core.errors import NotFound, ValidationError
from server.features.supervision.progress import FLOWS
from server.features.supervision.window import Window, period_from, window_from, year_from


def arg(request: Request, name: str) -> str:
    value = request.args.get(name)
    return value.strip() if isinstance(value, str) else ""



def year(request: Request) -> int:
    return year_from(request.args, clock.today())


def window(request: Request, ctx: ServiceContext) -> Window:
    """`period=YYYY-MM` (one month), or `year`, or `since`/`until`."""
    if arg(request, "period"):
        p = period_from(request.args, Period.of(clock.today()))
        if arg(request, "year") or arg(request, "since") or arg(request, "until"):
            raise ValidationError(fields={"period": "period 不能与 year、since、until 同时使用"})
        return Window(p.first_day, p.last_day)
    return window_from(request.args, clock.today(), plan_start_year=ctx.county.plan_start_year)


def reporting_period(request: Request) -> Period:
    """`period=YYYY-MM`, default the month being collected (last month)."""
    return period_from(request.args, Period.of(clock.today()).previous)


def place(request: Request, ctx: ServiceContext) -> str | None:
    raw = arg(request, "township") or arg(request, "place")
    if not raw:
        return None
    found = ctx.county.place(raw)
    if found is None:
        raise ValidationError(fields={"township": "所在地应为规划所列的乡镇、农场、林场或开发区"})
    return found.name


def industry(request: Request, ctx: ServiceContext) -> str | None:
    raw = arg(request, "industry")
    if not raw:
        return None
    found = ctx.county.industry(raw)
    if found is None:
        raise ValidationError(fields={"industry": "产业应为规划所列的13个产业之一"})
    return found.code


def target(ctx: ServiceContext, key: str) -> Target:
    found = ctx.county.target(key)
    if found is None:
        raise NotFound("规划中没有该目标")
    return found


def figures_filter(ctx: ServiceContext, key: str) -> dict[str, Any]:
    """What `enterprise_figures` needs to list the enterprises behind a target."""
    t = target(ctx, key)
    if t.measure in FLOWS:
        return {"industry": t.industry, "order": FLOWS[t.measure]}
    if t.measure == "enterprise_count":
        return {"target": t}
    raise ValidationError(fields={"target": "该目标没有按企业列示的明细"})


def figures_query(request: Request, ctx: ServiceContext) -> dict[str, Any]:
    """Keyword arguments of `enterprise_figures` from `target`, `township`, `industry`,
    `order` (the window, limit and offset are the caller's)."""
    key = arg(request, "target")
    spec = figures_filter(ctx, key) if key else {}
    return {
        "township": place(request, ctx),
        "industry": industry(request, ctx) or spec.get("industry"),
        "target": spec.get("target"),
        "order": arg(request, "order") or spec.get("order", "revenue"),
    }
