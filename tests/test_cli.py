"""`python -m server ...` as an operator runs it, in a separate process."""

import sqlite3
import subprocess

import pytest

from tests.support import databases
from tests.support.processes import EmptyDatabase, env_for, run_cli


@pytest.fixture
def empty_db(tmp_path):
    db = EmptyDatabase(tmp_path)
    yield db
    db.drop()


@pytest.fixture
def env(empty_db, tmp_path):
    return env_for(empty_db.url, tmp_path)


@pytest.mark.parametrize(("override", "line"), [
    ({"PORT": "eighty"}, "settings error: PORT must be a whole number, got 'eighty'"),
    ({"SECRET_KEY": ""}, "settings error: SECRET_KEY is missing"),
    ({"DATABASE_URL": "oracle://x"}, "settings error: DATABASE_URL must start with"),
])
def test_bad_setting_stops_with_one_line_and_status_2(env, override, line):
    result = run_cli("migrate", env={**env, **override})
    assert result.returncode == 2
    assert result.stderr.startswith(line)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_migrate_is_idempotent(env):
    first = run_cli("migrate", env=env)
    assert first.returncode == 0, first.stderr
    assert "applied models.0001_initial" in first.stdout
    second = run_cli("migrate", env=env)
    assert second.returncode == 0 and "up to date" in second.stdout


def test_serve_refuses_a_database_that_is_behind(env):
    result = run_cli("serve", "--port", "1", env=env)
    assert result.returncode == 1
    assert "run `python -m server migrate`" in result.stderr


def test_create_user_from_environment_password(env):
    assert run_cli("migrate", env=env).returncode == 0
    ok = run_cli("create-user", "--role", "supervisor", "--phone", "13900001111",
                 "--name", "监管员甲", env={**env, "NEW_USER_PASSWORD": "a-good-long-password"})
    assert ok.returncode == 0, ok.stderr
    assert "created supervisor 监管员甲 (13900001111)" in ok.stdout
    again = run_cli("create-user", "--role", "admin", "--phone", "13900001111",
                    "--name", "重复", env={**env, "NEW_USER_PASSWORD": "a-good-long-password"})
    assert again.returncode == 1 and "该手机号已有账号" in again.stderr
    weak = run_cli("create-user", "--role", "admin", "--phone", "13900002222",
                   "--name", "弱密码", env={**env, "NEW_USER_PASSWORD": "short"})
    assert weak.returncode == 1 and "密码至少12位" in weak.stderr


def test_create_user_without_password_or_terminal(env):
    assert run_cli("migrate", env=env).returncode == 0
    env.pop("NEW_USER_PASSWORD", None)
    result = run_cli("create-user", "--role", "admin", "--phone", "13900003333", "--name", "x",
                     env=env)
    assert result.returncode == 1 and "NEW_USER_PASSWORD" in result.stderr


def test_seed_demo_is_idempotent_and_prints_logins(env):
    assert run_cli("migrate", env=env).returncode == 0
    first = run_cli("seed-demo", env=env)
    assert first.returncode == 0, first.stderr
    assert "enterprises 4" in first.stdout          # about forty
    assert "13904670002" in first.stdout and "Hulin-demo-2025" in first.stdout
    second = run_cli("seed-demo", env=env)
    assert second.returncode == 0 and "nothing new" in second.stdout


@pytest.mark.skipif(databases.ENGINE != "sqlite", reason="SQLite backup")
def test_backup_sqlite_is_a_consistent_copy(env, tmp_path):
    assert run_cli("migrate", env=env).returncode == 0
    assert run_cli("seed-demo", env=env).returncode == 0
    target = tmp_path / "backups" / "copy.sqlite3"
    result = run_cli("backup", str(target), env=env)
    assert result.returncode == 0, result.stderr
    copy = sqlite3.connect(target)
    source = sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite://"))
    for table in ("enterprise", "monthly_report", "trace_code"):
        count = copy.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert count > 0 and count == source.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.skipif(databases.ENGINE != "postgres", reason="PostgreSQL backup")
def test_backup_postgres_with_pg_dump(env, tmp_path):
    import shutil

    if shutil.which("pg_restore") is None:
        pytest.fail("pg_dump/pg_restore are needed for the PostgreSQL backup")
    assert run_cli("migrate", env=env).returncode == 0
    assert run_cli("seed-demo", env=env).returncode == 0
    target = tmp_path / "copy.dump"
    result = run_cli("backup", str(target), env=env)
    assert result.returncode == 0, result.stderr
    listing = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True,
                             text=True, check=True).stdout
    assert "TABLE DATA public enterprise" in listing


def _count(env, table):
    """Rows in a table of the database under test, read through the engine's own client."""
    url = env["DATABASE_URL"]
    if url.startswith("sqlite://"):
        with sqlite3.connect(url.removeprefix("sqlite://")) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    result = subprocess.run(["psql", url.replace("postgres://", "postgresql://"), "-Atc",
                             f"SELECT count(*) FROM {table}"],
                            capture_output=True, text=True, check=True)
    return int(result.stdout.strip())


def _delete_all(env, table):
    url = env["DATABASE_URL"]
    if url.startswith("sqlite://"):
        with sqlite3.connect(url.removeprefix("sqlite://")) as conn:
            conn.execute(f"DELETE FROM {table}")
        return
    subprocess.run(["psql", url.replace("postgres://", "postgresql://"), "-c",
                    f"TRUNCATE {table} CASCADE"], capture_output=True, check=True)


def test_backup_and_restore_round_trip(env, tmp_path):
    assert run_cli("migrate", env=env).returncode == 0
    assert run_cli("seed-demo", env=env).returncode == 0
    before = {t: _count(env, t) for t in ("enterprise", "monthly_report", "certification",
                                          "trace_code")}
    target = tmp_path / "round-trip.backup"
    assert run_cli("backup", str(target), env=env).returncode == 0
    _delete_all(env, "trace_code")           # something goes wrong after the backup
    assert _count(env, "trace_code") == 0
    restored = run_cli("restore", str(target), env=env)
    assert restored.returncode == 0, restored.stderr
    assert {t: _count(env, t) for t in before} == before
    assert run_cli("migrate", env=env).stdout.strip() == "database schema is up to date"


def test_restore_refuses_something_that_is_not_a_backup(env, tmp_path):
    assert run_cli("migrate", env=env).returncode == 0
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"this is not a database")
    result = run_cli("restore", str(junk), env=env)
    assert result.returncode == 1 and "error:" in result.stderr
    assert run_cli("restore", str(tmp_path / "missing"), env=env).returncode == 1


@pytest.mark.skipif(databases.ENGINE != "sqlite", reason="SQLite backup")
def test_backup_during_an_open_write_transaction_copies_only_committed_data(env, tmp_path):
    assert run_cli("migrate", env=env).returncode == 0
    assert run_cli("seed-demo", env=env).returncode == 0
    path = env["DATABASE_URL"].removeprefix("sqlite://")
    committed = _count(env, "enterprise")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE enterprise SET name = name || '（改）'")
    writer.execute("DELETE FROM target_entry")
    try:
        result = run_cli("backup", str(tmp_path / "mid.sqlite3"), env=env, timeout=60)
        assert result.returncode == 0, result.stderr
    finally:
        writer.execute("COMMIT")
        writer.close()
    copy = sqlite3.connect(tmp_path / "mid.sqlite3")
    assert copy.execute("SELECT count(*) FROM enterprise").fetchone()[0] == committed
    assert copy.execute("SELECT count(*) FROM enterprise WHERE name LIKE '%（改）'").fetchone()[0] == 0
    assert copy.execute("SELECT count(*) FROM target_entry").fetchone()[0] > 0
