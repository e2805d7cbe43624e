"""The public page a label opens, its JSON twin, GS1 paths, scan counting, complaints."""

import asyncio
from datetime import date, datetime

import pytest

from models import Complaint, ScanDaily, TraceabilityRegistration, TraceCode
from models.enums import Platform, Verification
from qr.codes import new_code
from server.core import clock
from server.features.trace import service
from tests.support.databases import TEST_SECRET


async def flush(app) -> None:
    await app.ctx.scans.flush()


async def test_the_page_shows_the_whole_record(client, app, ctx, staff, enterprise, codes,
                                               batch):
    await TraceabilityRegistration.create(enterprise=enterprise, platform=Platform.NATIONAL,
                                          registration_no="GJ2303810001",
                                          registered_on=date(2024, 5, 6),
                                          verification=Verification.VERIFIED)
    await service.add_event(ctx.acting_as(staff), batch.id, {
        "type": "inspect", "at": "2025-03-14T10:00:00+08:00", "location": "企业化验室",
        "note": "出厂检验合格"})
    r = await client.get(f"/t/{codes[0].code}")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    assert "<script" not in r.text and "weui.min.css" not in r.text
    for text in ["虎林长粒香大米", "5kg/袋", "虎林市测试米业有限公司", "黑龙江省虎林市虎林镇",
                 "20250315-01", "2025-03-15", "虎林镇水稻基地", "06901234567892",
                 "绿色食品", "有效", "LB-18-25010001A", "本产品认证",
                 "已注册", "国家农产品质量安全追溯平台", "GJ2303810001", "监管部门已核验",
                 "检验", "企业化验室", "出厂检验合格", "2025-03-14 10:00",
                 "查询次数", f'action="/t/{codes[0].code}/complaints"']:
        assert text in r.text, text
    assert "谨防假冒" not in r.text


async def test_expired_certificate_and_no_registration_are_said_plainly(client, green_cert,
                                                                        codes):
    green_cert.expires_on = date(2025, 2, 1)
    await green_cert.save()
    r = await client.get(f"/t/{codes[0].code}")
    assert "已过期" in r.text and "未登记" in r.text
    body = (await client.get(f"/api/v1/trace/{codes[1].code}")).json()
    assert body["certificates"][0]["validity"] == "expired"
    assert body["registration"] is None


async def test_text_is_escaped_everywhere(client, ctx, staff, enterprise):
    enterprise.name = '<img src=x onerror="alert(1)">米业'
    await enterprise.save()
    evil = "<script>alert('x')</script>大米"
    product = await service.create_product(ctx.acting_as(staff), enterprise.id,
                                           {"name": evil, "industry": "rice",
                                            "spec": "<b>5kg</b>"})
    batch = await service.create_batch(ctx.acting_as(staff), product.id, {
        "batch_no": "B-1", "production_date": "2025-01-02", "quantity": "1",
        "origin": '"><svg onload=alert(2)>'})
    await service.add_event(ctx.acting_as(staff), batch.id, {
        "type": "pack", "at": "2025-01-02T08:00:00+08:00", "location": "<iframe>",
        "note": "</section><script>alert(3)</script>"})
    code = (await service.issue_codes(ctx.acting_as(staff), batch.id, {"count": 1}))[0].code
    r = await client.get(f"/t/{code}")
    assert r.status_code == 200
    for raw in ["<script>", "<img src=x", "<svg", "<iframe>", "<b>5kg</b>"]:
        assert raw not in r.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;大米" in r.text
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;米业" in r.text
    # a complaint form shown again with what was typed keeps it escaped too
    r = await client.post(f"/t/{code}/complaints", data={"text": "<i>", "contact": "<u>x"})
    assert r.status_code == 422 and "请至少写5个字" in r.text
    assert "<i>" not in r.text and "&lt;i&gt;" in r.text and "&lt;u&gt;x" in r.text


@pytest.mark.parametrize("path", [
    "/t/ABCDEFGH234567",                       # well-formed, wrong signature
    "/t/not-a-code",
    "/t/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/t/" + "Z" * 300,
])
async def test_forged_and_unknown_codes_get_a_friendly_404(client, path):
    r = await client.get(path)
    assert r.status_code == 404
    assert "未查到该追溯码" in r.text and "12315" in r.text
    assert "<script>alert" not in r.text
    api = await client.get("/api/v1" + path.replace("/t/", "/trace/", 1))
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"


async def test_a_signed_code_that_was_never_issued_is_404(client, codes):
    stranger = new_code(TEST_SECRET)      # signature right, but not in the database
    assert (await client.get(f"/t/{stranger}")).status_code == 404


async def test_gs1_digital_link_opens_the_same_page(client, codes, batch):
    code = codes[0].code
    path = f"/01/06901234567892/10/{batch.batch_no}/21/{code}"
    r = await client.get(path)
    assert r.status_code == 200 and "虎林长粒香大米" in r.text
    assert (await client.get(f"/01/6901234567892/10/{batch.batch_no}/21/{code.lower()}")
            ).status_code == 200                     # GTIN-13 form and lower case too
    for wrong in [f"/01/06901234567885/10/{batch.batch_no}/21/{code}",   # other GTIN
                  f"/01/06901234567892/10/OTHER/21/{code}",              # other batch
                  f"/01/06901234567892/10/{batch.batch_no}/21/1",        # sequential serial
                  f"/01/06901234567892/10/{batch.batch_no}/21/ABCDEFGH234567"]:
        r = await client.get(wrong)
        assert r.status_code == 404 and "未查到该追溯码" in r.text, wrong
    await flush(client.app)
    assert (await TraceCode.get(code=code)).scan_count == 2


async def test_every_scan_is_counted_exactly_even_concurrently(client, app, codes, batch):
    code = codes[0].code
    first = await client.get(f"/api/v1/trace/{code}")
    assert first.json()["scans"]["count"] == 1
    results = await asyncio.gather(*[client.get(f"/t/{code}") for _ in range(150)])
    assert all(r.status_code == 200 for r in results)
    await asyncio.gather(*[client.get(f"/api/v1/trace/{codes[1].code}") for _ in range(20)])
    assert app.ctx.scans.total_pending == 171
    await flush(app)
    assert app.ctx.scans.total_pending == 0
    row = await TraceCode.get(code=code)
    assert row.scan_count == 151 and row.first_scan_at is not None
    assert row.last_scan_at >= row.first_scan_at
    assert (await TraceCode.get(code=codes[1].code)).scan_count == 20
    day = await ScanDaily.get(batch_id=batch.id)
    assert day.count == 171 and day.day == clock.today()
    # counts written by a flush add up with what is buffered afterwards
    body = (await client.get(f"/api/v1/trace/{code}")).json()
    assert body["scans"]["count"] == 152
    await flush(app)
    assert (await TraceCode.get(code=code)).scan_count == 152
    assert (await ScanDaily.get(batch_id=batch.id)).count == 172


async def test_a_failed_flush_loses_nothing(client, app, codes, monkeypatch):
    for _ in range(3):
        await client.get(f"/t/{codes[0].code}")
    counter = app.ctx.scans

    async def broken(*args):
        raise ConnectionError("database went away")

    monkeypatch.setattr(counter, "_write", broken)
    with pytest.raises(ConnectionError):
        await counter.flush()
    await client.get(f"/t/{codes[0].code}")
    monkeypatch.undo()
    assert await counter.flush() == 4
    assert (await TraceCode.get(code=codes[0].code)).scan_count == 4


@pytest.fixture
def no_timed_flush(settings_overrides):
    settings_overrides["SCAN_FLUSH_SECONDS"] = 3600


async def test_stopping_writes_the_buffered_scans(no_timed_flush, app, client, codes):
    """What the server's shutdown listener does (the real server's SIGTERM and restart
    are in tests/test_trace_server.py)."""
    for _ in range(7):
        assert (await client.get(f"/t/{codes[2].code}")).status_code == 200
    await asyncio.sleep(0.05)
    assert app.ctx.scans.total_pending == 7
    assert (await TraceCode.get(code=codes[2].code)).scan_count == 0
    await app.ctx.scans.stop()
    assert app.ctx.scans.total_pending == 0
    assert (await TraceCode.get(code=codes[2].code)).scan_count == 7


async def test_the_warning_after_the_threshold(client, app, codes):
    code = codes[3].code
    for n in range(1, 12):
        r = await client.get(f"/t/{code}")
        assert ("谨防假冒" in r.text) is (n > 10), n
    assert "此码已被查询11次，首次查询时间<span" in r.text
    await flush(app)
    row = await TraceCode.get(code=code)
    first = clock.local(row.first_scan_at).strftime("%Y-%m-%d %H:%M")
    r = await client.get(f"/t/{code}")
    assert f'此码已被查询12次，首次查询时间<span class="tp-nowrap">{first}</span>，谨防假冒' in r.text
    body = (await client.get(f"/api/v1/trace/{code}")).json()
    assert body["scans"]["count"] == 13 and body["scans"]["warning"] is True
    assert datetime.fromisoformat(body["scans"]["first_at"]) == row.first_scan_at


async def test_new_events_show_up_at_once(client, ctx, staff, as_staff, codes, batch):
    assert "包装车间" not in (await client.get(f"/t/{codes[0].code}")).text
    r = await as_staff.post(f"/api/v1/batches/{batch.id}/events", json={
        "type": "pack", "at": "2025-03-15T15:00:00+08:00", "location": "包装车间"})
    assert r.status_code == 201
    assert "包装车间" in (await client.get(f"/t/{codes[0].code}")).text


async def test_complaints_from_the_page_and_the_api_are_rate_limited(client, app, codes,
                                                                     enterprise):
    code = codes[0].code
    r = await client.post(f"/t/{code}/complaints",
                          data={"text": "买到的大米有异味，怀疑是假货", "contact": "13712345678"})
    assert r.status_code == 303 and r.headers["location"] == f"/t/{code}/thanks"
    thanks = await client.get(r.headers["location"])
    assert "已收到您的反馈" in thanks.text
    complaint = await Complaint.get()
    assert complaint.trace_code_id == (await TraceCode.get(code=code)).id
    assert complaint.enterprise_id == enterprise.id
    assert complaint.code_text == code and complaint.contact == "13712345678"
    assert (await client.post(f"/api/v1/trace/{code}/complaints",
                              json={"text": "短"})).status_code == 422
    for _ in range(4):     # COMPLAINTS_PER_HOUR = 5 per address
        r = await client.post(f"/api/v1/trace/{code}/complaints", json={"text": "标签好像是复印的"})
        assert r.status_code == 201
    r = await client.post(f"/api/v1/trace/{code}/complaints", json={"text": "标签好像是复印的"})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    page = await client.post(f"/t/{code}/complaints", data={"text": "再反馈一次这个问题"})
    assert page.status_code == 429 and "提交过于频繁" in page.text
    other = client.another(client_ip="10.1.2.3")
    assert (await other.post(f"/api/v1/trace/{code}/complaints",
                             json={"text": "另一个人的反馈内容"})).status_code == 201
    assert await Complaint.all().count() == 6
    # complaints are not scans
    await flush(app)
    assert (await TraceCode.get(code=code)).scan_count == 0


async def test_scans_being_written_still_show(client, app, codes):
    """While a flush is in flight, its counts are neither in the row nor in the buffer:
    the page still shows them, and after the commit shows them once."""
    code = codes[4].code
    for _ in range(3):
        await client.get(f"/t/{code}")
    counter = app.ctx.scans
    release = asyncio.Event()
    real_write = counter._write

    async def slow_write(*args):
        await release.wait()
        await real_write(*args)

    counter._write = slow_write
    flushing = asyncio.create_task(counter.flush())
    await asyncio.sleep(0.05)
    assert counter.flushing and not counter.codes
    body = (await client.get(f"/api/v1/trace/{code}")).json()
    assert body["scans"]["count"] == 4
    release.set()
    assert await flushing == 3
    counter._write = real_write
    assert (await TraceCode.get(code=code)).scan_count == 3
    body = (await client.get(f"/api/v1/trace/{code}")).json()
    assert body["scans"]["count"] == 5
