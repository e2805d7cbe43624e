"""Scan counting on the real server: SIGTERM, restart, again - no scan lost.

The timed flush is switched off (SCAN_FLUSH_SECONDS=3600), so every count that reaches
the database was written by the shutdown of a worker: that is what is tested.
"""

import asyncio
import contextlib

import httpx
import pytest

from tests.support.processes import EmptyDatabase, ServerProcess, env_for, run_cli
from tests.support.trace_data import (
    STAFF,
    SUPERVISOR,
    create_supervisor_args,
    logged_in,
    make_codes,
)

pytestmark = pytest.mark.server


def _counts(base: str, codes: list[str]) -> list[int]:
    with logged_in(base, STAFF) as http:
        return [http.get(f"/api/v1/codes/{c}").json()["scan_count"] for c in codes]


async def _scan(base: str, codes: list[str], per_code: int) -> None:
    limits = httpx.Limits(max_connections=32)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
        paths = [f"/t/{c}" if i % 2 else f"/api/v1/trace/{c}"
                 for c in codes for i in range(per_code)]
        results = await asyncio.gather(*[http.get(p) for p in paths])
    assert [r.status_code for r in results] == [200] * len(paths)


@contextlib.contextmanager
def running(server: ServerProcess):
    """The server until the block ends, then SIGTERM; its log as `server.log`."""
    try:
        server.wait_ready(timeout=120)
        yield server
    finally:
        server.log = server.stop()


def test_no_scan_is_lost_across_workers_and_restarts(tmp_path):
    db = EmptyDatabase(tmp_path)
    env = env_for(db.url, tmp_path, SCAN_FLUSH_SECONDS="3600")
    try:
        assert run_cli("migrate", env=env).returncode == 0
        created = run_cli(*create_supervisor_args(),
                          env={**env, "NEW_USER_PASSWORD": SUPERVISOR[1]})
        assert created.returncode == 0, created.stderr
        with running(ServerProcess(env, tmp_path / "one.log", workers=1)) as server:
            codes = make_codes(server.base)
            asyncio.run(_scan(server.base, codes, 120))
            assert _counts(server.base, codes) == [0, 0, 0]    # still buffered in the worker
        assert "Traceback" not in server.log

        with running(ServerProcess(env, tmp_path / "two.log", workers=1)) as again:
            assert _counts(again.base, codes) == [120, 120, 120]
            asyncio.run(_scan(again.base, codes[:1], 33))
        assert "Traceback" not in again.log

        with running(ServerProcess(env, tmp_path / "three.log", workers=1)) as third:
            assert _counts(third.base, codes) == [153, 120, 120]
    finally:
        db.drop()
