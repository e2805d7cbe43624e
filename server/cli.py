"""Command line: `python -m server <command>` (see API.md).

Every command loads the settings first; a missing or invalid setting prints one line
naming it and exits with status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from server.core.config import Settings, SettingsError, load_settings
from server.core.county import load_county

EXIT_USAGE = 2


class CommandError(Exception):
    """A command cannot do its job; the message is printed as one line."""


@asynccontextmanager
async def database(settings: Settings):
    from server.core.db import close_db, init_db

    await init_db(settings)
    try:
        yield
    finally:
        await close_db()


def _service_context(settings: Settings):
    from server.core.context import ServiceContext
    from server.core.security import Passwords

    return ServiceContext(
        settings=settings,
        county=load_county(settings.county_path),
        passwords=Passwords(settings),
        actor=None,
        ip="cli",
    )


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Start the server; refuses to start on a database whose schema is behind."""
    from sanic import Sanic
    from sanic.worker.loader import AppLoader

    from server.app import create_app
    from server.core import worker_manager
    from server.core.db import pending_migrations

    load_county(settings.county_path)
    pending = asyncio.run(pending_migrations(settings))
    if pending:
        raise CommandError(
            f"the database schema is behind ({', '.join(pending)}): run `python -m server migrate`"
        )
    host = args.host or settings.HOST
    port = args.port or settings.PORT
    workers = args.workers or settings.WORKERS
    loader = AppLoader(factory=create_app)
    app = loader.load()
    # Sanic's text access log is off: server/core/accesslog.py writes JSON lines instead.
    app.prepare(host=host, port=port, workers=workers, access_log=False, motd=False)
    print(f"serving on http://{host}:{port} with {workers} worker(s)", flush=True)
    worker_manager.install()
    Sanic.serve(primary=app, app_loader=loader)
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Bring the schema up to date (safe to run again)."""
    from server.core.db import migrate, pending_migrations

    pending = asyncio.run(pending_migrations(settings))
    if not pending:
        print("database schema is up to date")
        return 0
    asyncio.run(migrate(settings))
    return 0


def _read_new_password() -> str:
    password = os.environ.get("NEW_USER_PASSWORD")
    if password:
        return password
    if not sys.stdin.isatty():
        raise CommandError("set NEW_USER_PASSWORD, or run on a terminal to type the password")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise CommandError("the two passwords differ")
    return first


def cmd_create_user(args: argparse.Namespace, settings: Settings) -> int:
    """Create an administrator or supervisor account."""
    from models.enums import Role
    from server.core.errors import ApiError
    from server.features.accounts.service import create_user

    password = _read_new_password()

    async def run() -> None:
        async with database(settings):
            ctx = _service_context(settings)
            user = await create_user(
                ctx, {"phone": args.phone, "name": args.name, "password": password},
                role=Role(args.role),
            )
            print(f"created {user.role.value} {user.name} ({user.phone}), id {user.id}")

    try:
        asyncio.run(run())
    except ApiError as exc:
        details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items()) or exc.message
        raise CommandError(details) from None
    return 0


def cmd_seed_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Load the demo county (idempotent) and print the demo log-ins."""
    from server.demo.seed import seed_demo

    async def run() -> None:
        async with database(settings):
            summary = await seed_demo(_service_context(settings))
        print(summary.text())

    asyncio.run(run())
    return 0


def cmd_import_certs(args: argparse.Namespace, settings: Settings) -> int:
    """Import the official certificate list (.xlsx or .csv); all rows or none."""
    from server.core.errors import ApiError
    from server.features.supervision.certimport import ImportRejected, import_certificates

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"no such file: {path}")

    data = path.read_bytes()

    async def run() -> None:
        async with database(settings):
            result = await import_certificates(_service_context(settings), path.name, data,
                                               dry_run=args.dry_run, operator=True)
        for warning in result.warnings:
            print(f"warning: {warning.text()}")
        print(result.summary())

    try:
        asyncio.run(run())
    except ImportRejected as exc:
        for problem in exc.result.problems:
            print(problem.text(), file=sys.stderr)
        for warning in exc.result.warnings:
            print(f"warning: {warning.text()}", file=sys.stderr)
        raise CommandError(exc.result.summary()) from None
    except ApiError as exc:
        raise CommandError(exc.fields.get("file") or exc.message) from None
    return 0


def backup_sqlite(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while workers write."""
    if not source.exists():
        raise CommandError(f"no database at {source}")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def backup_postgres(url: str, target: Path) -> None:
    """pg_dump in custom format (restore with pg_restore), one consistent snapshot."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise CommandError("pg_dump is not installed (Debian: apt-get install postgresql-client)")
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    command = [
        pg_dump, "--format=custom", "--no-owner", f"--file={target}",
        f"--host={parts.hostname}", f"--port={parts.port or 5432}",
        f"--username={unquote(parts.username or 'postgres')}", parts.path.lstrip("/"),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CommandError(f"pg_dump failed: {result.stderr.strip().splitlines()[-1:]}")


def restore_postgres(url: str, source: Path) -> None:
    """pg_restore a custom-format dump over the database (objects replaced)."""
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise CommandError("pg_restore is not installed (apt-get install postgresql-client)")
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    command = [
        pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
        f"--host={parts.hostname}", f"--port={parts.port or 5432}",
        f"--username={unquote(parts.username or 'postgres')}",
        f"--dbname={parts.path.lstrip('/')}", str(source),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CommandError(f"pg_restore failed: {result.stderr.strip().splitlines()[-1:]}")


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    """Replace the database with a backup made by `backup` (stop the server first)."""
    source = Path(args.file).resolve()
    if not source.exists():
        raise CommandError(f"no backup at {source}")
    if settings.is_sqlite:
        assert settings.sqlite_path is not None
        try:
            check = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            ok = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            check.close()
        except sqlite3.DatabaseError:
            ok = False
        if not ok:
            raise CommandError(f"{source} is not an intact SQLite database")
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        backup_sqlite(source, settings.sqlite_path)
    else:
        restore_postgres(settings.DATABASE_URL, source)
    print(f"database restored from {source}")
    return 0


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    """Copy the database to FILE while the server keeps running."""
    target = Path(args.file).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    if settings.is_sqlite:
        assert settings.sqlite_path is not None
        backup_sqlite(settings.sqlite_path, target)
        kind = "SQLite online backup"
    else:
        backup_postgres(settings.DATABASE_URL, target)
        kind = "pg_dump custom format (restore with pg_restore)"
    print(f"backup written to {target} ({target.stat().st_size} bytes, {kind})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m server",
                                     description="Hulin reporting and traceability server")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("serve", help="start the web server")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--workers", type=int)
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser("migrate", help="bring the database schema up to date")
    p.set_defaults(handler=cmd_migrate)

    p = sub.add_parser("create-user", help="create an admin or supervisor account")
    p.add_argument("--role", choices=["admin", "supervisor"], required=True)
    p.add_argument("--phone", required=True)
    p.add_argument("--name", required=True)
    p.set_defaults(handler=cmd_create_user)

    p = sub.add_parser("seed-demo", help="load the demo county (idempotent)")
    p.set_defaults(handler=cmd_seed_demo)

    p = sub.add_parser("import-certs", help="import the official certificate list (.xlsx/.csv)")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="check the file, import nothing")
    p.set_defaults(handler=cmd_import_certs)

    p = sub.add_parser("backup", help="consistent copy of the database while it runs")
    p.add_argument("file")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help="replace the database with a backup (server stopped)")
    p.add_argument("file")
    p.set_defaults(handler=cmd_restore)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        return args.handler(args, settings)
    except SettingsError as exc:
        print(f"settings error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
