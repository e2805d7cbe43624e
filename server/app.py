"""The application factory: `create_app()` builds one configured Sanic app.

Called once in the main process and again in every worker (Sanic spawns workers), so it
must not open connections itself: the database is opened per worker in a listener.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sanic import Blueprint, Sanic

from server.core import openapi
from server.core.accesslog import register_access_log
from server.core.config import Settings, load_settings
from server.core.county import load_county
from server.core.db import close_db, init_db
from server.core.errors import register_error_handlers
from server.core.middleware import register_middleware
from server.core.rendering import build_environment
from server.core.security import Passwords
from server.core.static import register_static
from server.features.accounts import api as accounts_api
from server.features.accounts import pages as accounts_pages
from server.features.certifications import api as certifications_api
from server.features.certifications import pages as certifications_pages
from server.features.enterprises import api as enterprises_api
from server.features.enterprises import pages as enterprises_pages
from server.features.health import api as health_api
from server.features.home import pages as home_pages
from server.features.reference import api as reference_api
from server.features.registration import api as registration_api
from server.features.registration import pages as registration_pages
from server.features.reports import api as reports_api
from server.features.reports import pages as reports_pages
from server.features.supervision import api as supervision_api
from server.features.supervision import pages as supervision_pages
from server.features.trace import api as trace_api
from server.features.trace import pages as trace_pages
from server.features.trace import public as trace_public

APP_NAME = "hulin_trace"

API_BLUEPRINTS = [
    accounts_api.bp,
    enterprises_api.bp,
    health_api.bp,
    reference_api.bp,
    reports_api.bp,
    certifications_api.bp,
    registration_api.bp,
    trace_api.bp,
    trace_public.api,
    supervision_api.bp,
    openapi.bp,
]
PAGE_BLUEPRINTS = [
    home_pages.bp,
    accounts_pages.bp,
    enterprises_pages.bp,
    reports_pages.bp,
    certifications_pages.bp,
    registration_pages.bp,
    trace_pages.bp,
    trace_public.pages,
    supervision_pages.bp,
]


def configure_logging(level: str) -> None:
    """Our loggers go to the root handler; Sanic's keep their own (no duplicate lines)."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("hulin", "server"):  # also when something else configured the root first
        logging.getLogger(name).setLevel(level)
    # Access lines are JSON already: print them bare.
    access = logging.getLogger("hulin.access")
    if not access.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        access.addHandler(handler)
        access.propagate = False
    for name in ("sanic.root", "sanic.error", "sanic.access", "sanic.server",
                 "sanic.websockets"):
        logging.getLogger(name).propagate = False


def create_app(overrides: Mapping[str, Any] | None = None) -> Sanic:
    """Build the app from settings.toml + environment (+ `overrides`, for tests).

    Raises SettingsError, naming the setting, when the configuration is wrong.
    """
    settings: Settings = load_settings(overrides)
    county = load_county(settings.county_path)
    app = Sanic(APP_NAME)
    configure_logging(settings.LOG_LEVEL)
    app.config.update(
        {
            # The evidence-photo cap plus room for the multipart envelope; the photo cap
            # itself is checked (413) where uploads are read.
            "REQUEST_MAX_SIZE": settings.UPLOAD_MAX_BYTES + 1024 * 1024,
            "PROXIES_COUNT": settings.PROXIES_COUNT,
            "REAL_IP_HEADER": None,
            "AUTO_EXTEND": False,
            "FALLBACK_ERROR_FORMAT": "json",
            "KEEP_ALIVE_TIMEOUT": 15,
            "MOTD": False,
        }
    )
    app.ctx.settings = settings
    app.ctx.county = county
    app.ctx.passwords = Passwords(settings)
    register_static(app)
    app.ctx.jinja = build_environment(app)

    register_error_handlers(app)
    register_middleware(app)
    register_access_log(app)
    app.blueprint(Blueprint.group(*API_BLUEPRINTS, url_prefix="/api/v1"))
    for bp in PAGE_BLUEPRINTS:
        app.blueprint(bp)

    @app.before_server_start
    async def open_database(app: Sanic) -> None:
        await init_db(app.ctx.settings)

    @app.after_server_stop
    async def close_database(app: Sanic) -> None:
        await close_db()

    # After close_database: shutdown listeners run in reverse, so the last buffered
    # scans are written before the database closes.
    trace_public.install(app)
    return app
