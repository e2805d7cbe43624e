"""/api/v1/enterprises/{id}/certifications: the five kinds, dates, validity, inspection."""

from datetime import timedelta

import pytest

from models import AuditLog, Certification
from models.enums import AnnualInspection, CertificateKind, RecordSource
from server.core import clock

TODAY = clock.today()
GREEN = {
    "kind": "green_food",
    "certificate_no": "LB-18-2104121234A",
    "product_name": "稻香长粒香大米",
    "issued_on": (TODAY - timedelta(days=400)).isoformat(),
    "expires_on": (TODAY + timedelta(days=700)).isoformat(),
}


def url(enterprise_id: int, tail: str = "") -> str:
    return f"/api/v1/enterprises/{enterprise_id}/certifications{tail}"


@pytest.mark.parametrize("kind", [k.value for k in CertificateKind])
async def test_every_kind_can_be_recorded(as_staff, staff, enterprise, kind):
    r = await as_staff.post(url(enterprise.id), json={**GREEN, "kind": kind,
                                                      "certificate_no": f"NO-{kind[:6].upper()}-001"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["kind"] == kind and body["kind_label"] == CertificateKind(kind).label
    assert (body["validity"], body["valid"], body["days_left"]) == ("valid", True, 700)
    assert body["annual_inspection"] == "not_due" and body["source"] == "self"
    entry = await AuditLog.get(action="certification.create")
    assert entry.actor_id == staff.id and entry.after["certificate_no"] == f"NO-{kind[:6].upper()}-001"


async def test_numbers_are_normalised_and_unique_per_kind(as_staff, enterprise):
    r = await as_staff.post(url(enterprise.id), json={**GREEN, "certificate_no": " lb-18-2104 121234a "})
    assert r.status_code == 201 and r.json()["certificate_no"] == "LB-18-2104121234A"
    again = await as_staff.post(url(enterprise.id), json=GREEN)
    assert again.status_code == 409
    assert again.json()["error"]["fields"] == {"certificate_no": "该类型的这个证书编号已经登记过"}
    other_kind = await as_staff.post(url(enterprise.id), json={**GREEN, "kind": "organic"})
    assert other_kind.status_code == 201


@pytest.mark.parametrize("change, fields", [
    ({"expires_on": (TODAY - timedelta(days=500)).isoformat()},
     {"expires_on": "有效期至应晚于颁证日期，请核对两个日期"}),
    ({"expires_on": (TODAY - timedelta(days=400)).isoformat()},            # the same day
     {"expires_on": "有效期至应晚于颁证日期，请核对两个日期"}),
    ({"issued_on": "2025-02-30"}, {"issued_on": "颁证日期不存在，请核对年月日"}),
    ({"issued_on": "2025-13-01"}, {"issued_on": "颁证日期不存在，请核对年月日"}),
    ({"expires_on": "明年"}, {"expires_on": "有效期至格式应为 YYYY-MM-DD，例如 2025-03-09"}),
    ({"issued_on": (TODAY + timedelta(days=3)).isoformat()},
     {"issued_on": "颁证日期不能晚于今天，请核对"}),
    ({"kind": "iso9001"}, {"kind": "证书类型取值无效"}),
    ({"certificate_no": "", "product_name": " "},
     {"certificate_no": "请填写证书编号", "product_name": "请填写产品名称"}),
    ({"certificate_no": "LB 18<script>"}, {"certificate_no": "证书编号只能包含字母、数字和 - _ / ( ) ."}),
    ({"annual_inspection": "ok"}, {"annual_inspection": "年检状态取值无效"}),
])
async def test_bad_certificates_are_422(as_staff, enterprise, change, fields):
    r = await as_staff.post(url(enterprise.id), json={**GREEN, **change})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"] == fields
    assert not await Certification.exists()


async def test_validity_is_computed_today_and_listed_expiring_first(as_staff, enterprise):
    base = {**GREEN}
    cases = {
        "VALID-0001": (400, 700),
        "EXPIRING-01": (1000, 30),        # within CERT_EXPIRY_WARN_DAYS (90)
        "EXPIRED-001": (1200, -1),
        "BOUNDARY-01": (1000, 90),        # exactly 90 days: flagged
    }
    for number, (age, left) in cases.items():
        r = await as_staff.post(url(enterprise.id), json={
            **base, "certificate_no": number,
            "issued_on": (TODAY - timedelta(days=age)).isoformat(),
            "expires_on": (TODAY + timedelta(days=left)).isoformat()})
        assert r.status_code == 201, r.text
    listing = (await as_staff.get(url(enterprise.id))).json()["items"]
    assert [(i["certificate_no"], i["validity"], i["days_left"]) for i in listing] == [
        ("EXPIRING-01", "expiring", 30), ("BOUNDARY-01", "expiring", 90),
        ("VALID-0001", "valid", 700), ("EXPIRED-001", "expired", -1)]
    assert [i["validity_label"] for i in listing] == ["即将到期", "即将到期", "有效", "已过期"]


async def test_annual_inspection_is_recorded_with_patch(as_staff, enterprise):
    cert_id = (await as_staff.post(url(enterprise.id), json=GREEN)).json()["id"]
    r = await as_staff.patch(url(enterprise.id, f"/{cert_id}"), json={"annual_inspection": "passed"})
    assert r.status_code == 200 and r.json()["annual_inspection_label"] == "年检合格"
    bad = await as_staff.patch(url(enterprise.id, f"/{cert_id}"),
                               json={"expires_on": "2000-01-01"})
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"] == {"expires_on": "有效期至应晚于颁证日期，请核对两个日期"}
    assert (await Certification.get(id=cert_id)).annual_inspection == AnnualInspection.PASSED
    assert await AuditLog.filter(action="certification.update").count() == 1


async def test_official_list_certificates_are_read_only_for_staff(as_staff, as_supervisor,
                                                                  enterprise):
    cert = await Certification.create(
        enterprise=enterprise, kind=CertificateKind.GREEN_FOOD, certificate_no="LB-01-0001",
        product_name="大米", issued_on=TODAY - timedelta(days=10),
        expires_on=TODAY + timedelta(days=1000), source=RecordSource.IMPORT)
    r = await as_staff.patch(url(enterprise.id, f"/{cert.id}"), json={"product_name": "小米"})
    assert r.status_code == 403
    assert r.json()["error"]["fields"] == {"product_name": "该证书来自官方名录，只能由监管部门修改"}
    ok = await as_staff.patch(url(enterprise.id, f"/{cert.id}"), json={"annual_inspection": "pending"})
    assert ok.status_code == 200
    by_supervision = await as_supervisor.patch(url(enterprise.id, f"/{cert.id}"),
                                               json={"product_name": "小米"})
    assert by_supervision.status_code == 200 and by_supervision.json()["product_name"] == "小米"


async def test_supervision_may_record_certificates_for_an_enterprise(as_supervisor, enterprise):
    r = await as_supervisor.post(url(enterprise.id), json=GREEN)
    assert r.status_code == 201 and r.json()["source"] == "supervision"
    assert (await as_supervisor.get(url(enterprise.id))).status_code == 200
    assert (await as_supervisor.post(url(4242), json=GREEN)).status_code == 404


async def test_another_enterprises_certificates_are_403(as_staff, enterprise, other_enterprise):
    cert = await Certification.create(
        enterprise=other_enterprise, kind=CertificateKind.ORGANIC, certificate_no="ORG-1",
        product_name="大豆", issued_on=TODAY - timedelta(days=10),
        expires_on=TODAY + timedelta(days=300))
    assert (await as_staff.get(url(other_enterprise.id))).status_code == 403
    assert (await as_staff.post(url(other_enterprise.id), json=GREEN)).status_code == 403
    r = await as_staff.patch(url(other_enterprise.id, f"/{cert.id}"), json={"product_name": "x"})
    assert r.status_code == 403
    # Its certificate under our own id is simply not there.
    r = await as_staff.patch(url(enterprise.id, f"/{cert.id}"), json={"product_name": "x"})
    assert r.status_code == 404
    assert (await Certification.get(id=cert.id)).product_name == "大豆"
