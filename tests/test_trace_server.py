"""Scan counting on the real server: SIGTERM, restart, again - no scan lost.

The timed flush is switched off (SCAN_FLUSH_SECONDS=3600), so every count that reaches
the database was written by the shutdown of a worker: that is what is tested.
"""

import asyncio
import contextlib

import httpx
import pytest

from tests.support.processes import EmptyDatabase, ServerProcess, env_for, run_cli

pytestmark = pytest.mark.server
STAFF_PASSWORD = "server-test-password-2"


def _setup(base: str) -> list[str]:
    """An enterprise, its staff, a product, a batch and 3 codes, through the API."""
    with httpx.Client(base_url=base, timeout=120) as http:
        assert http.post("/api/v1/session", json={"phone": "13900004444",
                                                  "password": "server-test-password"}
                         ).status_code == 200
        enterprise = http.post("/api/v1/enterprises", json={
            "credit_code": "91310110666007217T", "name": "虎林市进程测试米业有限公司",
            "township": "虎林镇", "industry": "rice"}).json()
        assert http.post(f"/api/v1/enterprises/{enterprise['id']}/users", json={
            "phone": "13800005555", "name": "填报员", "password": STAFF_PASSWORD}
        ).status_code == 201
    with httpx.Client(base_url=base, timeout=120) as http:
        assert http.post("/api/v1/session", json={"phone": "13800005555",
                                                  "password": STAFF_PASSWORD}).status_code == 200
        product = http.post(f"/api/v1/enterprises/{enterprise['id']}/products",
                            json={"name": "长粒香大米", "industry": "rice"}).json()
        batch = http.post(f"/api/v1/products/{product['id']}/batches", json={
            "batch_no": "B1", "production_date": "2025-03-01", "quantity": "10"}).json()
        codes = http.post(f"/api/v1/batches/{batch['id']}/codes", json={"count": 3}).json()
    return [c["code"] for c in codes["codes"]]


def _counts(base: str, codes: list[str]) -> list[int]:
    with httpx.Client(base_url=base, timeout=120) as http:
        http.post("/api/v1/session", json={"phone": "13800005555", "password": STAFF_PASSWORD})
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
        created = run_cli("create-user", "--role", "supervisor", "--phone", "13900004444",
                          "--name", "监管员",
                          env={**env, "NEW_USER_PASSWORD": "server-test-password"})
        assert created.returncode == 0, created.stderr
        with running(ServerProcess(env, tmp_path / "one.log", workers=1)) as server:
            codes = _setup(server.base)
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
