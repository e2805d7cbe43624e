"""Supervision at scale: how fast the compliance and plan-progress endpoints answer.

For SQLite and, when it is reachable, PostgreSQL (TEST_PG_ADMIN_URL, default
postgres://postgres@127.0.0.1:5432/postgres): a fresh database, filled by
supervision_data.py (5,000 enterprises, 60,000 monthly reports, 20,000 certificates),
served by `python -m server serve` (one worker), timed over HTTP with a logged-in
supervisor. Each endpoint is called a few times to warm up, then ROUNDS times; the
median, 95th percentile and maximum are printed, and the goal (300 ms) is checked for
the two endpoints the issue names. "server CPU" is the CPU time the server process
spent per call (Python and, for SQLite, the database too): unlike the wall-clock figures
it does not grow when other programs compete for the CPUs. The load average is printed
with each engine. The PostgreSQL database is dropped afterwards.

    .venv/bin/python bench/supervision_speed.py [--rounds N] [--engine sqlite|postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from supervision_data import SUPERVISOR_PASSWORD, SUPERVISOR_PHONE, build  # noqa: E402  (bench/)

GOAL_MS = 300
TIMED = [
    # (label, path, held to the goal)
    ("compliance JSON", "/api/v1/compliance/traceability?year=2025", True),
    ("plan progress JSON", "/api/v1/plan/progress?year=2025", True),
    ("compliance .xlsx", "/api/v1/compliance/traceability.xlsx?year=2025", False),
    ("breakdown JSON", "/api/v1/plan/breakdown?year=2025", False),
    ("reporting JSON", "/api/v1/supervision/reporting?period=2025-12", False),
    ("dashboard page", "/?year=2025", False),
]
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
RESULTS = ROOT / "bench-results"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _pg_reachable() -> bool:
    try:
        asyncio.run(_pg_admin("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "skip PostgreSQL"
        return False
    return True


def _serve(database_url: str, log_path: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "PORT": str(port),
           "SECRET_KEY": "bench-secret-key-not-used-for-anything-0000",
           "PUBLIC_BASE_URL": "http://127.0.0.1:8000", "ARGON2_TIME_COST": "1",
           "ARGON2_MEMORY_KIB": "1024", "LOG_LEVEL": "WARNING"}
    log = log_path.open("w")
    proc = subprocess.Popen([sys.executable, "-m", "server", "serve", "--port", str(port),
                             "--workers", "1"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    in_a_row = 0
    while in_a_row < 3:
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"server did not start:\n{log_path.read_text()[-2000:]}")
        try:
            ok = httpx.get(f"{base}/api/v1/healthz", timeout=5).status_code == 200
        except httpx.HTTPError:
            ok = False
        in_a_row = in_a_row + 1 if ok else 0
        time.sleep(0.2)
    return proc, base


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            children = (task / "children").read_text().split() if (task / "children").exists() \
                else []
            todo += [int(c) for c in children]
    return found


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of the server and its worker processes, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for process in _descendants(pid):
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def _time(base: str, rounds: int, pid: int) -> list[tuple[str, bool, list[float], int, float]]:
    out = []
    with httpx.Client(base_url=base, timeout=120) as http:
        r = http.post("/api/v1/session", json={"phone": SUPERVISOR_PHONE,
                                               "password": SUPERVISOR_PASSWORD})
        r.raise_for_status()
        for label, path, goal in TIMED:
            for _ in range(3):
                http.get(path).raise_for_status()
            times = []
            size = 0
            cpu_before = _cpu_seconds(pid)
            for _ in range(rounds):
                started = time.perf_counter()
                response = http.get(path)
                times.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
                size = len(response.content)
            cpu_ms = (_cpu_seconds(pid) - cpu_before) * 1000 / rounds
            out.append((label, goal, times, size, cpu_ms))
    return out


def _report(engine: str, built: dict, seconds: float, results) -> bool:
    ok = True
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{engine}: {', '.join(f'{k} {v}' for k, v in built.items())} "
          f"(generated in {seconds:.1f} s; load average {load})")
    print(f"  {'endpoint':<20} {'median':>9} {'p95':>9} {'max':>9} {'server CPU':>11} "
          f"{'bytes':>8}  goal")
    for label, goal, times, size, cpu_ms in results:
        ordered = sorted(times)
        p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
        median = statistics.median(times)
        verdict = ""
        if goal:
            passed = p95 < GOAL_MS
            ok = ok and passed
            verdict = f"{'OK' if passed else 'MISSED'} (p95 < {GOAL_MS} ms)"
        print(f"  {label:<20} {median:>7.1f}ms {p95:>7.1f}ms {max(times):>7.1f}ms "
              f"{cpu_ms:>9.1f}ms {size:>8}  {verdict}")
    return ok


def run_engine(engine: str, rounds: int) -> bool:
    RESULTS.mkdir(exist_ok=True)
    if engine == "sqlite":
        path = RESULTS / "supervision-bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url, drop = f"sqlite://{path}", None
    else:
        name = f"hulin_bench_{uuid.uuid4().hex[:10]}"
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
        parts = urlsplit(PG_ADMIN_URL)
        url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
        drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    proc = None
    try:
        started = time.perf_counter()
        built = asyncio.run(build(url))
        seconds = time.perf_counter() - started
        if engine == "postgres":
            asyncio.run(_analyze(url))
        proc, base = _serve(url, RESULTS / f"supervision-{engine}.log")
        return _report(engine, built, seconds, _time(base, rounds, proc.pid))
    finally:
        if proc is not None:
            _stop(proc)
        if drop:
            asyncio.run(_pg_admin(drop))


async def _analyze(url: str) -> None:
    """Fresh statistics, as autovacuum would have gathered by the time anyone looks."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--engine", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    if not args.engine:
        # One engine per process: Tortoise caches statements per connection name, not
        # per dialect (STACK-NOTES trap 7).
        print(f"supervision endpoints at scale ({args.rounds} timed calls each, one worker, "
              f"{os.cpu_count()} CPUs)", flush=True)
        codes = [subprocess.run([sys.executable, __file__, "--engine", engine,
                                 "--rounds", str(args.rounds)], check=False).returncode
                 for engine in ("sqlite", "postgres")]
        return max(codes)
    if args.engine == "postgres" and not _pg_reachable():
        print(f"\npostgres: not reachable at {PG_ADMIN_URL}, skipped")
        return 0
    return 0 if run_engine(args.engine, args.rounds) else 1


if __name__ == "__main__":
    sys.exit(main())
