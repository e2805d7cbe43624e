"""Trace test data: a product with a batch, its events and codes, made through the
services (so they follow the same rules as in production)."""

from __future__ import annotations

from datetime import date

import pytest

from models import Certification
from models.enums import CertificateKind
from server.features.trace import service


@pytest.fixture
async def green_cert(enterprise):
    return await Certification.create(
        enterprise=enterprise, kind=CertificateKind.GREEN_FOOD, certificate_no="LB-18-25010001A",
        product_name="长粒香大米", issued_on=date(2025, 1, 10), expires_on=date(2099, 1, 9))


@pytest.fixture
async def product(ctx, staff, green_cert):
    return await service.create_product(ctx.acting_as(staff), staff.enterprise_id, {
        "name": "虎林长粒香大米", "industry": "rice", "spec": "5kg/袋",
        "gtin": "6901234567892", "certification_id": green_cert.id})


@pytest.fixture
async def batch(ctx, staff, product):
    return await service.create_batch(ctx.acting_as(staff), product.id, {
        "batch_no": "20250315-01", "production_date": "2025-03-15", "quantity": "1200",
        "quantity_unit": "袋", "origin": "虎林镇水稻基地"})


@pytest.fixture
async def codes(ctx, staff, batch):
    return await service.issue_codes(ctx.acting_as(staff), batch.id, {"count": 5})
