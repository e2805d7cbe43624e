"""Staff pages: from the product list to printed labels, as a phone would use them."""

from models import Batch, Product, TraceCode, TraceEvent
from models.enums import CodeStatus
from tests.support.pages import log_in_page, submit_form


async def test_staff_make_a_product_batch_event_and_codes(client, staff, green_cert):
    await log_in_page(client, staff.phone)
    home = await client.get("/")
    assert 'href="/products"' in home.text and "产品追溯" in home.text
    listing = await client.get("/products")
    assert listing.status_code == 200 and "还没有产品" in listing.text

    r = await submit_form(client, "/products/new", "/products/new",
                          {"name": "虎林长粒香", "industry": "rice", "spec": "5kg/袋",
                           "gtin": "6901234567891", "certification_id": ""})
    assert r.status_code == 422 and "校验位不正确" in r.text and 'value="虎林长粒香"' in r.text
    r = await submit_form(client, "/products/new", "/products/new",
                          {"name": "虎林长粒香", "industry": "rice", "spec": "5kg/袋",
                           "gtin": "6901234567892", "certification_id": str(green_cert.id)})
    assert r.status_code == 303
    product = await Product.get(name="虎林长粒香")
    assert r.headers["location"] == f"/products/{product.id}"
    assert product.certification_id == green_cert.id

    url = f"/products/{product.id}/batches/new"
    r = await submit_form(client, url, url, {"batch_no": "2025 03", "production_date": "",
                                             "quantity": "0"})
    assert r.status_code == 422 and "请修改标红的3处后再提交" in r.text
    r = await submit_form(client, url, url, {"batch_no": "20250315-01",
                                             "production_date": "2025-03-15",
                                             "quantity": "800", "quantity_unit": "袋",
                                             "origin": "虎林镇基地"})
    assert r.status_code == 303
    batch = await Batch.get(product=product)
    batch_url = f"/batches/{batch.id}"
    assert r.headers["location"] == batch_url

    event_url = f"{batch_url}/events/new"
    r = await submit_form(client, event_url, event_url, {
        "type": "harvest", "at": "2025-03-10T08:00", "location": "虎林镇基地", "note": "",
        "corrects": ""})
    assert r.status_code == 303
    event = await TraceEvent.get(batch=batch)
    assert event.operator_name == staff.name
    r = await submit_form(client, f"{event_url}?corrects={event.id}", event_url, {
        "type": "harvest", "at": "2025-03-11T08:00", "location": "虎林镇基地",
        "note": "日期更正", "corrects": str(event.id)})
    assert r.status_code == 303
    page = await client.get(batch_url)
    assert "已被更正" in page.text and "更正记录" in page.text

    r = await submit_form(client, batch_url, f"{batch_url}/codes", {"count": "12"})
    assert r.status_code == 303
    page = await client.get(batch_url)
    assert "已生成12个追溯码" in page.text
    assert f"/api/v1/batches/{batch.id}/labels.pdf" in page.text
    code = await TraceCode.filter(batch=batch).order_by("serial").first()
    assert code.code in page.text

    code_url = f"/codes/{code.code}"
    detail = await client.get(code_url)
    assert f"/api/v1/codes/{code.code}/label.png" in detail.text
    r = await submit_form(client, code_url, f"{code_url}/void", {"reason": ""})
    assert r.status_code == 422 and "请填写作废原因" in r.text
    r = await submit_form(client, code_url, f"{code_url}/void", {"reason": "标签污损"})
    assert r.status_code == 303
    assert (await TraceCode.get(id=code.id)).status == CodeStatus.VOID
    assert "已作废" in (await client.get(code_url)).text


async def test_pages_of_another_enterprise_are_forbidden(client, other_staff, product, batch,
                                                         codes):
    await log_in_page(client, other_staff.phone)
    for url in [f"/products/{product.id}", f"/batches/{batch.id}",
                f"/batches/{batch.id}/events/new", f"/products/{product.id}/batches/new",
                f"/codes/{codes[0].code}"]:
        r = await client.get(url)
        assert r.status_code == 403, url
    assert "虎林长粒香大米" not in (await client.get("/products")).text


async def test_supervision_reads_and_voids_but_does_not_issue(client, supervisor, product,
                                                               batch, codes):
    await log_in_page(client, supervisor.phone)
    page = await client.get(f"/products?enterprise_id={product.enterprise_id}")
    assert page.status_code == 200 and "虎林长粒香大米" in page.text
    page = await client.get(f"/batches/{batch.id}")
    assert page.status_code == 200 and "生成追溯码" not in page.text
    code_url = f"/codes/{codes[0].code}"
    r = await submit_form(client, code_url, f"{code_url}/void", {"reason": "监督抽检不合格"})
    assert r.status_code == 303
