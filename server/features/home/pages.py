"""The home page `/`: the log-in for visitors, then each role's own home."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from models.enums import Role
from server.core.context import service_context
from server.core.rendering import render
from server.features.reports.todo import staff_todo
from server.features.supervision import pages as supervision_pages

bp = Blueprint("home_pages")


@bp.get("/")
async def home(request: Request) -> HTTPResponse:
    """Visitors go to the log-in; staff see their enterprise's to-do, supervision its overview."""
    ctx = await service_context(request)
    user = ctx.actor
    if user is None:
        return redirect("/login")
    if user.role == Role.STAFF:
        todo = await staff_todo(ctx, user.enterprise_id)
        return render(request, "home/staff.html", enterprise=todo.enterprise, todo=todo)
    return await supervision_pages.dashboard_page(request, ctx)
