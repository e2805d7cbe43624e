"""Test databases: SQLite (default) or PostgreSQL (TEST_ENGINE=postgres), one engine per run.

Each pytest run uses one engine only: Tortoise caches statements by connection name, not
dialect, so mixing engines in one process breaks (STACK-NOTES trap 7).

- SQLite: the schema is migrated once into a template file; each test copies it.
- PostgreSQL: a fresh database `hulin_test_<hex>` is created and migrated for the run
  (dropped at the end); each test starts from truncated tables.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from server.core.config import load_settings
from server.core.db import migrate

ENGINE = os.environ.get("TEST_ENGINE", "sqlite").lower()
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
IN_CI = bool(os.environ.get("CI"))
TEST_SECRET = "test-secret-key-with-enough-entropy-0123456789"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def _migrate(url: str) -> None:
    settings = load_settings({"DATABASE_URL": url, "SECRET_KEY": TEST_SECRET}, environ={})
    asyncio.run(migrate(settings, quiet=True))


class SqliteTemplate:
    engine = "sqlite"

    def __init__(self, folder: Path) -> None:
        self.template = folder / "template.sqlite3"
        _migrate(f"sqlite://{self.template}")

    def url_for_test(self, tmp_path: Path) -> str:
        target = tmp_path / "test.sqlite3"
        shutil.copyfile(self.template, target)
        return f"sqlite://{target}"

    def close(self) -> None:
        pass


class PostgresDatabase:
    engine = "postgres"

    def __init__(self) -> None:
        self.name = f"hulin_test_{uuid.uuid4().hex[:12]}"
        self.url = _with_database(PG_ADMIN_URL, self.name)
        asyncio.run(self._admin(f'CREATE DATABASE "{self.name}"'))
        _migrate(self.url)

    @staticmethod
    async def _admin(sql: str) -> None:
        conn = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    def url_for_test(self, tmp_path: Path) -> str:
        return self.url

    def close(self) -> None:
        asyncio.run(self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))


def postgres_reachable() -> str | None:
    """None when the admin database answers, else the reason."""

    async def probe() -> None:
        conn = await asyncpg.connect(PG_ADMIN_URL, timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


async def truncate_all() -> None:
    """Empty every table of the app (PostgreSQL), keeping the migration records."""
    from tortoise import Tortoise, connections

    tables = sorted({model._meta.db_table for model in Tortoise.apps["models"].values()})
    quoted = ", ".join(f'"{t}"' for t in tables)
    await connections.get("default").execute_script(
        f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"
    )
