"""Database connections (Tortoise ORM) and schema migrations, for SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any
from urllib.parse import unquote, urlsplit

from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate as tortoise_migrate
from tortoise.migrations.executor import MigrationExecutor

from server.core.config import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)

APP_LABEL = "models"
MIGRATIONS_MODULE = "migrations"


def connection_config(settings: Settings) -> dict[str, Any]:
    """The Tortoise connection for DATABASE_URL (already validated by the settings)."""
    if settings.is_sqlite:
        path = settings.sqlite_path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        return {
            "engine": "tortoise.backends.sqlite",
            "credentials": {
                "file_path": str(path) if path else ":memory:",
                "journal_mode": "WAL",
                # Wait for another worker's write instead of failing with "database is locked".
                "busy_timeout": 5000,
                "synchronous": "NORMAL",
                "foreign_keys": "ON",
            },
        }
    url = urlsplit(settings.DATABASE_URL)
    return {
        "engine": "tortoise.backends.asyncpg",
        "credentials": {
            "host": url.hostname,
            "port": url.port or 5432,
            "user": unquote(url.username or "postgres"),
            "password": unquote(url.password or ""),
            "database": url.path.lstrip("/"),
            "minsize": 1,
            "maxsize": 10,
        },
    }


def tortoise_config(settings: Settings) -> dict[str, Any]:
    return {
        "connections": {"default": connection_config(settings)},
        "apps": {
            APP_LABEL: {
                "models": ["models"],
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "Asia/Shanghai",
    }


async def init_db(settings: Settings) -> None:
    """Open this process's connections (called once per worker, before serving)."""
    # The global fallback lets code outside the initialising task (request handlers,
    # background flushers) find the context; see STACK-NOTES trap 3.
    await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=True)
    # Open the connection here, not lazily in the first request: a request that arrives
    # while the worker starts, and is cancelled (its client gave up) while Tortoise
    # opens the connection, leaves the client's lock held, and every later query of
    # this worker then waits forever. A database that is down does not stop start-up:
    # /healthz reports it (503) until it answers.
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:  # any driver or network failure: serve, and report it as down
        log.warning("database not reachable at start-up", exc_info=True)


async def close_db() -> None:
    await Tortoise.close_connections()


async def ping() -> bool:
    """True when the database answers a trivial query."""
    try:
        # shielded: a health check that times out must not cancel a connection attempt
        await asyncio.shield(connections.get("default").execute_query("SELECT 1"))
    except Exception:  # any driver or network failure means "down" to the health check
        log.warning("database ping failed", exc_info=True)
        return False
    return True


def _importable_migrations() -> None:
    # Tortoise imports the migrations package by name, from the project root.
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))


async def migrate(settings: Settings, *, quiet: bool = False) -> None:
    """Apply every pending migration; running it again changes nothing."""
    _importable_migrations()
    config = tortoise_config(settings)

    def progress(event: str, app_label: str, name: str) -> None:
        if not quiet and event == "apply_done":
            print(f"applied {app_label}.{name}")

    try:
        await tortoise_migrate(config=config, progress=progress)
    finally:
        await Tortoise.close_connections()


async def pending_migrations(settings: Settings) -> list[str]:
    """Names of migrations not yet applied (empty when the schema is current)."""
    _importable_migrations()
    config = tortoise_config(settings)
    await Tortoise.init(config=config)
    try:
        executor = MigrationExecutor(connections.get("default"), config["apps"])
        plan = await executor.plan()
        return [f"{s.migration.app_label}.{s.migration.name}" for s in plan if not s.backward]
    finally:
        await Tortoise.close_connections()
