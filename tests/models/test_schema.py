"""The models and the migrations folder agree, and the schema suits both engines."""

import pytest
from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from server.core.config import load_settings
from server.core.db import tortoise_config


async def test_every_model_change_has_a_migration(tmp_path):
    settings = load_settings(
        {"DATABASE_URL": f"sqlite://{tmp_path}/x.sqlite3", "SECRET_KEY": "s" * 40}, environ={}
    )
    config = tortoise_config(settings)
    async with TortoiseContext() as ctx:  # its own context: the app's is untouched
        await ctx.init(config=config)
        detector = MigrationAutodetector(ctx.apps, config["apps"])
        writers = await detector.changes()
    pending = [w.name for w in writers]
    assert pending == [], "models changed without a migration: run `make migration NAME=...`"


async def test_no_table_or_column_comment_contains_a_semicolon(app):
    # Tortoise's SQLite migrations split DDL on ';' - a docstring or description with one
    # breaks `migrate` on SQLite (found the hard way; see README "Traps").
    from tortoise import Tortoise

    for name, model in Tortoise.apps["models"].items():
        assert ";" not in (model._meta.table_description or ""), name
        for field_name, field in model._meta.fields_map.items():
            assert ";" not in (field.description or ""), f"{name}.{field_name}"


@pytest.mark.parametrize("table", ["enterprise", "monthly_report", "certification",
                                   "trace_code", "audit_log", "traceability_registration"])
async def test_core_tables_exist_after_migrate(app, table):
    from tortoise import connections

    conn = connections.get("default")
    if app.ctx.settings.is_sqlite:
        rows = await conn.execute_query_dict(
            "SELECT name FROM sqlite_master WHERE type='table' AND name=?", [table])
    else:
        rows = await conn.execute_query_dict(
            "SELECT tablename AS name FROM pg_tables WHERE tablename=$1", [table])
    assert [r["name"] for r in rows] == [table]
