"""The staff's certificate pages: list with validity, add, correct, annual inspection."""

from datetime import timedelta

from models import Certification
from models.enums import AnnualInspection, CertificateKind, RecordSource
from server.core import clock
from tests.support.pages import log_in_page, submit_form

TODAY = clock.today()
FORM = {"kind": "green_food", "certificate_no": "LB-18-2104121234A", "product_name": "长粒香大米",
        "issued_on": (TODAY - timedelta(days=100)).isoformat(),
        "expires_on": (TODAY + timedelta(days=60)).isoformat(), "annual_inspection": ""}


async def test_add_a_certificate_and_see_it_flagged(client, staff, enterprise):
    await log_in_page(client, staff.phone)
    empty = await client.get("/certifications")
    assert "还没有登记证书" in empty.text
    r = await submit_form(client, "/certifications/new", "/certifications/new", FORM)
    assert r.status_code == 303 and r.headers["location"] == "/certifications"
    listing = await client.get("/certifications")
    assert "证书已添加" in listing.text and "LB-18-2104121234A" in listing.text
    assert "即将到期" in listing.text and "还有 60 天到期" in listing.text
    cert = await Certification.get(certificate_no="LB-18-2104121234A")
    assert cert.enterprise_id == enterprise.id and cert.annual_inspection == AnnualInspection.NOT_DUE
    home = await client.get("/")
    assert "证书提醒" in home.text and "还有 60 天到期" in home.text


async def test_expiry_before_issue_is_shown_by_the_field(client, staff):
    await log_in_page(client, staff.phone)
    bad = {**FORM, "issued_on": "2025-06-01", "expires_on": "2024-06-01"}
    r = await submit_form(client, "/certifications/new", "/certifications/new", bad)
    assert r.status_code == 422
    assert "有效期至应晚于颁证日期，请核对两个日期" in r.text
    assert 'value="LB-18-2104121234A"' in r.text and 'value="2024-06-01"' in r.text
    assert not await Certification.exists()


async def test_record_the_annual_inspection(client, staff, enterprise):
    cert = await Certification.create(
        enterprise=enterprise, kind=CertificateKind.GREEN_FOOD, certificate_no="LB-9",
        product_name="大米", issued_on=TODAY - timedelta(days=400),
        expires_on=TODAY + timedelta(days=700), source=RecordSource.IMPORT)
    await log_in_page(client, staff.phone)
    page = await client.get(f"/certifications/{cert.id}/edit")
    assert "来自市场监管部门导入的官方名录" in page.text and 'name="product_name"' not in page.text
    r = await submit_form(client, f"/certifications/{cert.id}/edit",
                          f"/certifications/{cert.id}/edit",
                          {"annual_inspection": "failed", "product_name": "被忽略"})
    assert r.status_code == 303
    fresh = await Certification.get(id=cert.id)
    assert fresh.annual_inspection == AnnualInspection.FAILED and fresh.product_name == "大米"
    assert "年检不合格" in (await client.get("/certifications")).text


async def test_another_enterprises_certificate_is_not_reachable(client, staff, other_enterprise):
    cert = await Certification.create(
        enterprise=other_enterprise, kind=CertificateKind.ORGANIC, certificate_no="ORG-2",
        product_name="大豆", issued_on=TODAY - timedelta(days=40),
        expires_on=TODAY + timedelta(days=300))
    await log_in_page(client, staff.phone)
    assert (await client.get(f"/certifications/{cert.id}/edit")).status_code == 404
