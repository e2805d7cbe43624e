"""Database connections (Tortoise ORM) and schema migrations, for SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import sys
from typing import Any
from urllib.parse import unquote, urlsplit

import asyncpg
from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate as tortoise_migrate
from tortoise.migrations.executor import MigrationExecutor

from server.core.config import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)

APP_LABEL = "models"
MIGRATIONS_MODULE = "migrations"

# Seconds: a database host that does not answer makes a new connection fail (and the
# request a 503) instead of waiting for asyncpg's default minute.
CONNECT_TIMEOUT = 5
# Seconds /healthz waits for its SELECT 1 before it reports the database as down.
PING_TIMEOUT = 3


def connection_config(settings: Settings) -> dict[str, Any]:
    """The Tortoise connection for DATABASE_URL (already validated by the settings)."""
    if settings.is_sqlite:
        path = settings.sqlite_path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        return {
            "engine": "server.core.sqlite_backend",
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
            "timeout": CONNECT_TIMEOUT,
            "command_timeout": settings.DATABASE_QUERY_SECONDS,
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
    """True when the database answers a trivial query within PING_TIMEOUT seconds."""
    try:
        # shielded: a health check that times out must not cancel a connection attempt
        # (a cancelled connect can leave Tortoise's connection lock held)
        query = asyncio.ensure_future(connections.get("default").execute_query("SELECT 1"))
        # a query that outlives the timeout still ends; its error is read, not reported
        query.add_done_callback(lambda q: q.cancelled() or q.exception())
        await asyncio.wait_for(asyncio.shield(query), PING_TIMEOUT)
    except Exception as exc:  # any driver or network failure means "down" to the check
        log.warning("database ping failed: %s", describe(exc))
        return False
    return True


# What a lost database looks like, by driver. Not bugs in our queries: the client gets
# a 503 and may retry, and the pool reconnects on its own once the database is back.
_SQLITE_UNAVAILABLE = ("unable to open database", "disk i/o error", "database is locked")


def is_unavailable(exc: BaseException) -> bool:
    """True when `exc` (or what caused it) means the database cannot be reached now."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (ConnectionError, TimeoutError,
                                asyncpg.PostgresConnectionError,
                                asyncpg.exceptions.OperatorInterventionError,
                                asyncpg.exceptions.TooManyConnectionsError)):
            return True
        if isinstance(current, asyncpg.InterfaceError) and "connection" in str(current) \
                and "closed" in str(current):
            return True
        if isinstance(current, sqlite3.OperationalError) and any(
                m in str(current).lower() for m in _SQLITE_UNAVAILABLE):
            return True
        current = current.__cause__ or current.__context__
    return False


def describe(exc: BaseException) -> str:
    """One line for the log: a lost database is expected, not a traceback's worth."""
    return f"{type(exc).__name__}: {exc}"


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
