"""Trace data made through the HTTP API of a running server (tests of real processes)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx

SUPERVISOR = ("13900004444", "server-test-password")
STAFF = ("13800005555", "server-test-password-2")


def create_supervisor_args() -> list[str]:
    return ["create-user", "--role", "supervisor", "--phone", SUPERVISOR[0], "--name", "监管员"]


@contextlib.contextmanager
def logged_in(base: str, who: tuple[str, str]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=120) as http:
        r = http.post("/api/v1/session", json={"phone": who[0], "password": who[1]})
        assert r.status_code == 200, r.text
        yield http


def make_codes(base: str, count: int = 3, *, events: bool = False) -> list[str]:
    """An enterprise with its staff, a product, a batch (with its history if `events`)
    and `count` codes; returns the codes."""
    with logged_in(base, SUPERVISOR) as http:
        enterprise = http.post("/api/v1/enterprises", json={
            "credit_code": "91310110666007217T", "name": "虎林市珍宝岛蜂业有限责任公司",
            "township": "虎头镇", "industry": "honey"}).json()
        assert http.post(f"/api/v1/enterprises/{enterprise['id']}/users", json={
            "phone": STAFF[0], "name": "孙晓梅", "password": STAFF[1]}).status_code == 201
    with logged_in(base, STAFF) as http:
        product = http.post(f"/api/v1/enterprises/{enterprise['id']}/products", json={
            "name": "虎林椴树蜜", "industry": "honey", "spec": "500g/瓶"}).json()
        batch = http.post(f"/api/v1/products/{product['id']}/batches", json={
            "batch_no": "20250601-01", "production_date": "2025-06-01", "quantity": "2000",
            "quantity_unit": "瓶", "origin": "虎头镇椴树蜜源基地"}).json()
        if events:
            steps = [("harvest", "05-20", "虎头镇椴树蜜源基地", "椴树花期采收成熟蜜"),
                     ("receive", "05-22", "企业原料库", "原料验收入库，抽样留存"),
                     ("process", "05-28", "企业加工车间", "低温过滤，不添加任何物质"),
                     ("inspect", "05-30", "企业化验室", "出厂检验合格"),
                     ("pack", "06-01", "企业包装车间", "500g/瓶"),
                     ("ship", "06-03", "虎林市物流园", "发往哈尔滨经销商")]
            for kind, day, where, note in steps:
                assert http.post(f"/api/v1/batches/{batch['id']}/events", json={
                    "type": kind, "at": f"2025-{day}T09:00:00+08:00", "location": where,
                    "note": note}).status_code == 201
        codes = http.post(f"/api/v1/batches/{batch['id']}/codes", json={"count": count}).json()
    return [c["code"] for c in codes["codes"]]
