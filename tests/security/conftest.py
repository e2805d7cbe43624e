"""Shared by the security tests: issued trace codes, and moving the app's clock on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from server.core import clock
from server.features.trace import service as trace


@pytest.fixture
async def issued(ctx, staff):
    """Three active codes of the staff's enterprise (made through the services)."""
    product = await trace.create_product(ctx.acting_as(staff), staff.enterprise_id, {
        "name": "虎林椴树蜜", "industry": "honey", "spec": "500g/瓶"})
    batch = await trace.create_batch(ctx.acting_as(staff), product.id, {
        "batch_no": "S-20250601", "production_date": "2025-06-01", "quantity": "100",
        "origin": "虎林镇"})
    codes = await trace.issue_codes(ctx.acting_as(staff), batch.id, {"count": 3})
    return [c.code for c in codes]


@pytest.fixture
def time_travel(monkeypatch):
    """Move the app's clock forward: travel(minutes=...) sets the offset from now."""
    start = clock.now()
    offset = {"value": timedelta(0)}
    monkeypatch.setattr(clock, "now", lambda: start + offset["value"])

    def travel(**delta):
        offset["value"] = timedelta(**delta)

    return travel
