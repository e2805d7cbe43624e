"""Scans and monthly reports under concurrent load, PostgreSQL, two workers, checked.

    .venv/bin/python bench/load.py [--seconds 30] [--scanners 48] [--workers 2]
                                   [--enterprises 41] [--admin-url postgres://...]

A fresh database `hulin_load_<hex>` on 127.0.0.1:5432 (dropped at the end) is migrated
and given the demo county (`seed-demo`); the real server (`python -m server serve
--workers 2`) then gets, for `--seconds`:

- consumers: `--scanners` concurrent loops opening `/t/{code}` for the county's active
  codes, chosen at random;
- staff: every demo enterprise's account logged in twice (two phones), both sessions
  saving the same new month at the same moment, then submitting it at the same moment
  (a deliberate race: one must win, the other get 409), month after month back from
  2023-12 (the demo's reports start in 2024-01).

Then the server is stopped with SIGTERM (its workers write their buffered scans) and the
database is compared with what the clients saw: every 200 scan counted once per code
(trace_code and scan_daily), exactly one report per enterprise and month, one winner and
one 409 per submit race, no 5xx, no transport error. Exit status 1 if any check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
SECRET = "load-secret-key-load-secret-key-0123456789"
DEMO_PASSWORD = "Hulin-demo-2025"
REPORT_FIELDS = ("revenue", "output_value", "output_quantity", "output_unit", "employees",
                 "products", "milk_protein_pct", "milk_fat_pct", "milk_bacteria_per_ml",
                 "milk_somatic_cells_per_ml")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


@dataclass
class Kind:
    """Answers of one kind of request: statuses, latencies (ms), transport errors."""
    statuses: Counter = field(default_factory=Counter)
    ms: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)

    def row(self, name: str, seconds: float) -> str:
        n = sum(self.statuses.values()) + sum(self.errors.values())
        q = statistics.quantiles(self.ms, n=100, method="inclusive") if len(self.ms) > 1 \
            else [self.ms[0] if self.ms else 0.0] * 99
        statuses = " ".join(f"{s}:{c}" for s, c in sorted(self.statuses.items()))
        return (f"  {name:<14}{n:>8}{n / seconds:>9.1f}{q[49]:>9.1f}{q[94]:>9.1f}{q[98]:>9.1f}"
                f"{sum(self.errors.values()):>8}   {statuses}")


class Load:
    def __init__(self, base: str, seconds: float) -> None:
        self.base = base
        self.seconds = seconds
        self.kinds: dict[str, Kind] = defaultdict(Kind)
        self.scanned: Counter = Counter()        # code -> 200 answers
        self.races: list[dict] = []              # one per (enterprise, month) raced
        self.stop_at = 0.0

    async def call(self, kind: str, client: httpx.AsyncClient, method: str, path: str,
                   **kwargs) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            r = await client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            self.kinds[kind].errors[type(exc).__name__] += 1
            return None
        self.kinds[kind].ms.append((time.perf_counter() - started) * 1000)
        self.kinds[kind].statuses[r.status_code] += 1
        return r

    async def scanner(self, client: httpx.AsyncClient, codes: list[str]) -> None:
        rng = random.Random()
        while time.monotonic() < self.stop_at:
            code = rng.choice(codes)
            r = await self.call("scan /t/", client, "GET", f"/t/{code}")
            if r is not None and r.status_code == 200:
                self.scanned[code] += 1

    async def log_in(self, stack: contextlib.AsyncExitStack, phone: str,
                     enterprise_id: int) -> tuple | None:
        """Two sessions of the enterprise's account and a report body from its oldest
        month; None when that failed (counted in the figures)."""
        sessions = []
        for _ in range(2):
            session = await stack.enter_async_context(httpx.AsyncClient(
                base_url=self.base, timeout=60, limits=httpx.Limits(max_connections=2)))
            r = await self.call("log-in", session, "POST", "/api/v1/session",
                                json={"phone": phone, "password": DEMO_PASSWORD})
            if r is None or r.status_code != 200:
                return None
            sessions.append(session)
        listed = await self.call("read", sessions[0], "GET",
                                 f"/api/v1/enterprises/{enterprise_id}/reports")
        if listed is None or listed.status_code != 200 or not listed.json()["items"]:
            return None
        oldest = listed.json()["items"][-1]
        body = {k: oldest[k] for k in REPORT_FIELDS if oldest.get(k) is not None}
        return sessions[0], sessions[1], enterprise_id, body

    async def report(self, a: httpx.AsyncClient, b: httpx.AsyncClient, enterprise_id: int,
                     body: dict) -> None:
        """Month after month: both sessions save it at once, then both submit at once."""
        year, month = 2023, 12
        while time.monotonic() < self.stop_at and year >= 2000:
            period = f"{year}-{month:02d}"
            path = f"/api/v1/enterprises/{enterprise_id}/reports/{period}"
            saved = await asyncio.gather(self.call("save (race)", a, "PUT", path, json=body),
                                         self.call("save (race)", b, "PUT", path, json=body))
            submitted = await asyncio.gather(
                self.call("submit (race)", a, "POST", f"{path}/submit"),
                self.call("submit (race)", b, "POST", f"{path}/submit"))
            self.races.append({
                "enterprise_id": enterprise_id, "period": period,
                "save": sorted(r.status_code if r else 0 for r in saved),
                "submit": sorted(r.status_code if r else 0 for r in submitted)})
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)

    async def run(self, codes: list[str], staff: list[tuple[str, int]],
                  scanners: int) -> tuple[float, float, int]:
        """Log every account in twice at once, then scans and report races together for
        `seconds`; returns (log-in seconds, load seconds, sessions pairs ready)."""
        limits = httpx.Limits(max_connections=scanners, max_keepalive_connections=scanners)
        async with contextlib.AsyncExitStack() as stack:
            started = time.monotonic()
            ready = [s for s in await asyncio.gather(
                *[self.log_in(stack, phone, eid) for phone, eid in staff]) if s]
            logged_in = time.monotonic() - started
            client = await stack.enter_async_context(
                httpx.AsyncClient(base_url=self.base, timeout=60, limits=limits))
            started = time.monotonic()
            self.stop_at = started + self.seconds
            await asyncio.gather(*[self.scanner(client, codes) for _ in range(scanners)],
                                 *[self.report(*s) for s in ready])
            return logged_in, time.monotonic() - started, len(ready)


def wait_ready(base: str, log: Path, proc: subprocess.Popen, workers: int,
               in_a_row: int = 20, timeout: float = 120) -> int:
    """Until every worker said it is ready and `in_a_row` health checks on new
    connections answered 200 (a worker is not addressable on its own; requests that
    arrive while a worker starts may fail). Returns the non-200 answers seen meanwhile."""
    deadline, good, bad = time.monotonic() + timeout, 0, 0
    while good < in_a_row:
        if time.monotonic() > deadline or proc.poll() is not None:
            raise RuntimeError(f"server not ready:\n{log.read_text()[-3000:]}")
        if log.read_text().count("Worker ready") < workers:
            time.sleep(0.2)
            continue
        try:
            ok = httpx.get(f"{base}/api/v1/healthz", timeout=10).status_code == 200
        except httpx.HTTPError:
            ok = False
        good, bad = (good + 1, bad) if ok else (0, bad + 1)
        if not ok:
            time.sleep(0.2)
    return bad


async def admin(url: str, sql: str) -> None:
    conn = await asyncpg.connect(url, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def fetch(url: str, sql: str, *args) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url, timeout=5)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


def cli(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "server", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--scanners", type=int, default=48)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--enterprises", type=int, default=41,
                        help="demo enterprises whose staff report (at most 41)")
    parser.add_argument("--admin-url", default=os.environ.get(
        "TEST_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()

    name = f"hulin_load_{uuid.uuid4().hex[:10]}"
    url = with_database(args.admin_url, name)
    try:
        asyncio.run(admin(args.admin_url, f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"PostgreSQL not reachable at {args.admin_url}: {exc}", file=sys.stderr)
        return 1
    folder = Path(tempfile.mkdtemp(prefix="hulin-load-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update(DATABASE_URL=url, SECRET_KEY=SECRET, PUBLIC_BASE_URL=base,
               DATA_DIR=str(folder / "data"), PYTHONUNBUFFERED="1", LOG_LEVEL="WARNING")
    log_path = folder / "server.log"
    proc = None
    try:
        t0 = time.monotonic()
        cli(env, "migrate")
        cli(env, "seed-demo")
        codes = [r["code"] for r in asyncio.run(fetch(
            url, "SELECT code FROM trace_code WHERE status = 'active'"))]
        before = {r["code"]: r["scan_count"] for r in asyncio.run(fetch(
            url, "SELECT code, scan_count FROM trace_code"))}
        daily_before = asyncio.run(fetch(url, "SELECT COALESCE(SUM(count), 0) AS n "
                                              "FROM scan_daily"))[0]["n"]
        staff = [(r["phone"], r["enterprise_id"]) for r in asyncio.run(fetch(
            url, "SELECT phone, enterprise_id FROM app_user WHERE role = 'staff' "
                 "ORDER BY phone LIMIT $1", args.enterprises))]
        prepared = time.monotonic() - t0

        with log_path.open("w") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "server", "serve", "--port", str(port),
                 "--workers", str(args.workers)], cwd=ROOT, env=env, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
            not_ready = wait_ready(base, log_path, proc, args.workers)
            load = Load(base, args.seconds)
            login_s, elapsed, pairs = asyncio.run(load.run(codes, staff, args.scanners))
            proc.send_signal(signal.SIGTERM)        # workers write their buffered scans
            exit_status = proc.wait(timeout=60)
        server_log = log_path.read_text()

        after = {r["code"]: r["scan_count"] for r in asyncio.run(fetch(
            url, "SELECT code, scan_count FROM trace_code"))}
        daily_after = asyncio.run(fetch(url, "SELECT COALESCE(SUM(count), 0) AS n "
                                             "FROM scan_daily"))[0]["n"]
        duplicates = asyncio.run(fetch(url, "SELECT enterprise_id, period, count(*) AS n "
                                            "FROM monthly_report GROUP BY 1, 2 "
                                            "HAVING count(*) > 1"))
        raced = {(r["enterprise_id"], r["period"]) for r in load.races}
        stored = asyncio.run(fetch(
            url, "SELECT enterprise_id, period, status, "
                 "(SELECT count(*) FROM report_revision v WHERE v.report_id = m.id "
                 "AND v.action = 'submit') AS submits "
                 "FROM monthly_report m WHERE period < '2024-01'"))
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        asyncio.run(admin(args.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    # -- figures ---------------------------------------------------------------------------
    print(f"load: PostgreSQL, {args.workers} workers; demo county ready in {prepared:.1f} s; "
          f"{not_ready} health checks not 200 while the workers started")
    print(f"  {len(staff)} demo accounts logged in twice at once: {pairs} pairs ready in "
          f"{login_s:.1f} s (argon2 at the production cost)")
    print(f"  then {elapsed:.1f} s of {args.scanners} concurrent scanners over {len(codes)} "
          f"codes with {pairs} enterprises racing their two sessions month after month")
    print(f"  {'kind':<14}{'requests':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'errors':>8}   statuses")
    print(load.kinds["log-in"].row("log-in", login_s))
    print(load.kinds["read"].row("read", login_s))
    for kind in ("scan /t/", "save (race)", "submit (race)"):
        print(load.kinds[kind].row(kind, elapsed))
    total = Kind()
    for k in (load.kinds[k] for k in ("scan /t/", "save (race)", "submit (race)")):
        total.statuses.update(k.statuses)
        total.errors.update(k.errors)
        total.ms.extend(k.ms)
    print(total.row("timed mix", elapsed))
    for k in (load.kinds["log-in"], load.kinds["read"]):
        total.statuses.update(k.statuses)
        total.errors.update(k.errors)

    checks: list[tuple[str, bool]] = []
    fives = sum(c for s, c in total.statuses.items() if s >= 500)
    checks.append((f"5xx answers: {fives}", fives == 0))
    errors = sum(total.errors.values())
    checks.append((f"transport errors: {errors} {dict(total.errors) or ''}".strip(),
                   errors == 0))
    answered = sum(load.scanned.values())
    counted = sum(after[c] - before.get(c, 0) for c in after)
    wrong = [c for c in after if after[c] - before.get(c, 0) != load.scanned.get(c, 0)]
    daily = daily_after - daily_before
    checks.append((f"scans: {answered} answered 200, {counted} counted in trace_code "
                   f"({len(wrong)} codes differ), {daily} in scan_daily",
                   answered == counted == daily and not wrong and answered > 0))
    checks.append((f"reports: {len(raced)} enterprise-months raced, {len(stored)} stored, "
                   f"{len(duplicates)} duplicated", not duplicates and len(stored) == len(raced)))
    submit_ok = sum(r["submit"] == [200, 409] for r in load.races)
    save_ok = sum(r["save"] in ([200, 200], [200, 409]) for r in load.races)
    once = sum(r["status"] == "submitted" and r["submits"] == 1 for r in stored)
    checks.append((f"submit races: {submit_ok} of {len(load.races)} gave one 200 and one 409; "
                   f"{once} reports submitted exactly once",
                   submit_ok == len(load.races) == once and once > 0))
    checks.append((f"save races: {save_ok} of {len(load.races)} gave 200+200 or 200+409",
                   save_ok == len(load.races)))
    troubles = len(re.findall(r"Traceback|\"status\": 5\d\d", server_log))
    checks.append((f"server: exit status {exit_status} after SIGTERM, {troubles} tracebacks "
                   f"or 5xx in its log", exit_status == 0 and troubles == 0))
    failed = [text for text, ok in checks if not ok]
    for text, ok in checks:
        print(f"  {'ok ' if ok else 'FAIL'} {text}")
    if failed:
        print(f"  server log kept: {log_path}")
        return 1
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
