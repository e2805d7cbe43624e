"""The staff JSON API: products, batches, events, codes, voiding, labels."""

import io
import zipfile

import zxingcpp
from PIL import Image

from models import AuditLog, Certification, Product, TraceCode, TraceEvent
from models.enums import CertificateKind
from qr.codes import verify
from tests.support.databases import TEST_SECRET


async def test_create_product_checks_gtin_and_certificate(as_staff, staff, other_enterprise):
    url = f"/api/v1/enterprises/{staff.enterprise_id}/products"
    r = await as_staff.post(url, json={"name": "长粒香", "industry": "水稻", "spec": "5kg",
                                       "gtin": "6901234567891"})
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"gtin": "商品条码（GTIN）校验位不正确，请核对"}
    foreign = await Certification.create(
        enterprise=other_enterprise, kind=CertificateKind.GREEN_FOOD, certificate_no="X-1",
        product_name="大豆", issued_on="2025-01-01", expires_on="2028-01-01")
    r = await as_staff.post(url, json={"name": "长粒香", "industry": "rice",
                                       "certification_id": foreign.id})
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"certification_id": "只能关联本企业的认证证书"}
    r = await as_staff.post(url, json={"name": "长粒香", "industry": "水稻", "spec": "5kg/袋",
                                       "gtin": "690 1234 567892"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["gtin"] == "06901234567892" and body["industry"] == "rice"
    assert body["industry_name"] == "水稻"
    again = await as_staff.post(url, json={"name": "另一个", "industry": "rice",
                                           "gtin": "06901234567892"})
    assert again.status_code == 409 and "gtin" in again.json()["error"]["fields"]
    assert await AuditLog.filter(action="product.create").count() == 1


async def test_staff_cannot_touch_another_enterprises_products(as_other_staff, product, batch,
                                                               codes, as_supervisor):
    for method, url, body in [
        ("post", f"/api/v1/enterprises/{product.enterprise_id}/products",
         {"name": "x", "industry": "rice"}),
        ("post", f"/api/v1/products/{product.id}/batches",
         {"batch_no": "B1", "production_date": "2025-01-01", "quantity": "1"}),
        ("post", f"/api/v1/batches/{batch.id}/events",
         {"type": "pack", "at": "2025-03-15T09:00:00+08:00"}),
        ("post", f"/api/v1/batches/{batch.id}/codes", {"count": 1}),
        ("get", f"/api/v1/batches/{batch.id}/labels.zip", None),
        ("get", f"/api/v1/batches/{batch.id}/labels.pdf", None),
        ("get", f"/api/v1/codes/{codes[0].code}/label.png", None),
        ("post", f"/api/v1/codes/{codes[0].code}/void", {"reason": "x"}),
        ("get", f"/api/v1/products/{product.id}", None),
        ("get", "/api/v1/products/999999", None),      # 403 whether or not it exists
    ]:
        r = await getattr(as_other_staff, method)(url, **({"json": body} if body else {}))
        assert r.status_code == 403, (url, r.text)
    # supervision reads but does not write the enterprise's trace data
    assert (await as_supervisor.get(f"/api/v1/products/{product.id}")).status_code == 200
    r = await as_supervisor.post(f"/api/v1/batches/{batch.id}/codes", json={"count": 1})
    assert r.status_code == 403
    assert (await as_supervisor.get("/api/v1/products/999999")).status_code == 404


async def test_batches_are_unique_per_product_and_checked(as_staff, product):
    url = f"/api/v1/products/{product.id}/batches"
    ok = {"batch_no": "20250401-02", "production_date": "2025-04-01", "quantity": "300.5",
          "quantity_unit": "箱", "origin": "宝东镇基地"}
    r = await as_staff.post(url, json=ok)
    assert r.status_code == 201 and r.json()["quantity"] == "300.5"
    assert (await as_staff.post(url, json=ok)).status_code == 409
    r = await as_staff.post(url, json={"batch_no": "批次/1", "production_date": "2999-01-01",
                                       "quantity": "-1"})
    fields = r.json()["error"]["fields"]
    assert r.status_code == 422
    assert set(fields) == {"batch_no", "production_date", "quantity"}


async def test_events_are_append_only_with_corrections(as_staff, batch):
    url = f"/api/v1/batches/{batch.id}/events"
    r = await as_staff.post(url, json={"type": "harvest", "at": "2025-03-10T08:30:00+08:00",
                                       "location": "虎林镇基地", "note": "采收"})
    assert r.status_code == 201
    first = r.json()
    assert first["at"] == "2025-03-10T00:30:00+00:00" or first["at"].startswith("2025-03-10T08:30")
    # no zone: taken as China time
    r = await as_staff.post(url, json={"type": "pack", "at": "2025-03-12 14:00"})
    assert r.status_code == 201
    saved = await TraceEvent.get(id=r.json()["id"])
    assert saved.at.utcoffset() is not None and saved.at.timestamp() == 1741759200
    bad = await as_staff.post(url, json={"type": "dance", "at": "2999-01-01T00:00:00Z"})
    assert bad.status_code == 422 and set(bad.json()["error"]["fields"]) == {"type", "at"}
    # a correction points at the old event and must say why
    r = await as_staff.post(url, json={"type": "harvest", "at": "2025-03-11T08:30:00+08:00",
                                       "corrects": first["id"]})
    assert r.status_code == 422 and "note" in r.json()["error"]["fields"]
    r = await as_staff.post(url, json={"type": "harvest", "at": "2025-03-11T08:30:00+08:00",
                                       "corrects": first["id"], "note": "日期记错，应为11日"})
    assert r.status_code == 201 and r.json()["corrects"] == first["id"]
    listed = (await as_staff.get(url)).json()["items"]
    assert [e["type"] for e in listed] == ["harvest", "harvest", "pack"]
    # nothing edits or deletes an event
    assert (await as_staff.request("PUT", f"{url}/{first['id']}", json={})).status_code in (404, 405)
    assert await TraceEvent.filter(batch_id=batch.id).count() == 3


async def test_issue_codes_in_bulk_with_one_audit_entry(as_staff, batch):
    url = f"/api/v1/batches/{batch.id}/codes"
    for bad in (0, 100001, "many", -3):
        r = await as_staff.post(url, json={"count": bad})
        assert r.status_code == 422, bad
    r = await as_staff.post(url, json={"count": 3})
    assert r.status_code == 201
    first = r.json()["codes"]
    assert [c["serial"] for c in first] == [1, 2, 3]
    r = await as_staff.post(url, json={"count": 100000})
    assert r.status_code == 201
    issued = r.json()["codes"]
    assert len(issued) == 100000 and issued[0]["serial"] == 4 and issued[-1]["serial"] == 100003
    sample = issued[::997] + first
    for item in sample:
        assert verify(TEST_SECRET, item["code"]) == item["code"]
        assert item["url"] == f"https://trace.example.cn/t/{item['code']}"
    assert await TraceCode.filter(batch_id=batch.id).count() == 100003
    assert len({c["code"] for c in issued}) == 100000
    entries = await AuditLog.filter(action="trace_code.issue").order_by("id")
    assert [e.after["count"] for e in entries] == [3, 100000]


async def test_void_a_code(as_staff, as_supervisor, client, codes):
    code = codes[0].code
    r = await as_staff.post(f"/api/v1/codes/{code}/void", json={})
    assert r.status_code == 422
    r = await as_staff.post(f"/api/v1/codes/{code.lower()}/void", json={"reason": "标签破损"})
    assert r.status_code == 200 and r.json()["status"] == "void"
    assert (await as_staff.post(f"/api/v1/codes/{code}/void",
                                json={"reason": "again"})).status_code == 409
    page = await client.get(f"/t/{code}")
    assert page.status_code == 410 and "该追溯码已作废" in page.text and "标签破损" in page.text
    api = await client.get(f"/api/v1/trace/{code}")
    assert api.status_code == 410 and api.json()["error"]["code"] == "gone"
    # supervision may void too
    r = await as_supervisor.post(f"/api/v1/codes/{codes[1].code}/void", json={"reason": "抽检发现问题"})
    assert r.status_code == 200
    assert await AuditLog.filter(action="trace_code.void").count() == 2
    assert (await as_staff.get(f"/api/v1/codes/{code}/label.png")).status_code == 409


async def test_label_png_and_zip_decode_to_their_urls(as_staff, batch, codes):
    r = await as_staff.get(f"/api/v1/codes/{codes[0].code}/label.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(r.content)).convert("L"))
    assert [x.text for x in found] == [f"https://trace.example.cn/t/{codes[0].code}"]
    await as_staff.post(f"/api/v1/codes/{codes[1].code}/void", json={"reason": "打印错误"})
    r = await as_staff.get(f"/api/v1/batches/{batch.id}/labels.zip")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as archive:
        names = archive.namelist()
        assert names == [f"{c.code}.png" for c in codes if c.code != codes[1].code]
        for name in names:
            image = Image.open(io.BytesIO(archive.read(name))).convert("L")
            assert [x.text for x in zxingcpp.read_barcodes(image)] == [
                f"https://trace.example.cn/t/{name[:-4]}"]
    r = await as_staff.get(f"/api/v1/batches/{batch.id}/labels.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-1.4")
    assert r.content.rstrip().endswith(b"%%EOF")


async def test_code_details_with_digital_link(as_staff, codes, product, batch):
    r = await as_staff.get(f"/api/v1/codes/{codes[0].code}")
    body = r.json()
    assert body["digital_link"] == (f"https://trace.example.cn/01/06901234567892/10/"
                                    f"{batch.batch_no}/21/{codes[0].code}")
    assert body["serial"] == codes[0].serial and body["scan_count"] == 0
    listing = (await as_staff.get(f"/api/v1/batches/{batch.id}/codes?limit=2")).json()
    assert listing["total"] == 5 and len(listing["items"]) == 2
    assert (await Product.get(id=product.id)).gtin == "06901234567892"
