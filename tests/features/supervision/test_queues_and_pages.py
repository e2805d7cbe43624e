"""Complaints, manual target entries, the dashboard, and who may open what."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from models import AuditLog, Complaint, MonthlyReport, TargetEntry, TraceabilityRegistration
from models.enums import ComplaintStatus, ReportStatus, Verification
from server.features.supervision import charts
from tests.features.supervision.builders import cert, firm, freeze_today, registration, report
from tests.support.pages import csrf_from, submit_form


# -- complaints -------------------------------------------------------------------------------
@pytest.fixture
async def complaints(app, enterprise):
    first = await Complaint.create(enterprise=enterprise, code_text="ABCD1234",
                                   text="=HYPERLINK(\"http://evil.example\",\"点我\") 假货？",
                                   contact="137****0000")
    second = await Complaint.create(text="包装破损", status=ComplaintStatus.HANDLED,
                                    handling_note="已联系")
    return first, second


async def test_complaint_queue_and_handling(as_supervisor, supervisor, complaints):
    first, second = complaints
    body = (await as_supervisor.get("/api/v1/complaints")).json()
    assert [c["id"] for c in body["items"]] == [first.id]
    assert (body["open"], body["handled"], body["total"]) == (1, 1, 1)
    assert body["items"][0]["enterprise_name"] == "虎林市测试米业有限公司"
    body = (await as_supervisor.get("/api/v1/complaints", params={"status": "all"})).json()
    assert body["total"] == 2
    assert (await as_supervisor.get("/api/v1/complaints",
                                    params={"status": "done"})).status_code == 422
    url = f"/api/v1/complaints/{first.id}/handle"
    assert (await as_supervisor.post(url, json={"note": "  "})).status_code == 422
    r = await as_supervisor.post(url, json={"note": "已核查：标签被复制，已通知企业作废"})
    assert r.status_code == 200
    assert r.json()["status"] == "handled" and r.json()["handled_by"] == supervisor.name
    assert (await as_supervisor.post(url, json={"note": "again"})).status_code == 409
    entry = await AuditLog.get(action="complaint.handle")
    assert entry.before["status"] == "open" and entry.after["status"] == "handled"
    assert (await as_supervisor.post("/api/v1/complaints/9999/handle",
                                     json={"note": "x"})).status_code == 404


async def test_complaint_pages_and_spreadsheet(as_supervisor, complaints):
    first, _ = complaints
    r = await as_supervisor.get("/complaints")
    assert r.status_code == 200 and "假货" in r.text
    assert "<script" not in r.text
    r = await submit_form(as_supervisor, f"/complaints/{first.id}",
                          f"/complaints/{first.id}/handle", {"note": ""})
    assert r.status_code == 422 and "请填写处理结果" in r.text
    r = await submit_form(as_supervisor, f"/complaints/{first.id}",
                          f"/complaints/{first.id}/handle", {"note": "已处理完毕"})
    assert r.status_code == 303 and r.headers["location"] == "/complaints"
    r = await as_supervisor.get("/complaints.xlsx")
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    texts = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert any(t.startswith("=HYPERLINK") for t in texts)
    # a consumer's text is written as text, never as a formula
    cell = next(c for c in sheet["F"][1:] if str(c.value).startswith("="))
    assert cell.data_type == "s"


# -- manual targets ---------------------------------------------------------------------------
async def test_manual_entries(as_supervisor, supervisor, app, monkeypatch):
    freeze_today(monkeypatch, "2026-03-01")
    url = "/api/v1/plan/targets/investment_attracted/entries"
    r = await as_supervisor.post(url, json={"value": "38.6", "as_of": "2024-12-31",
                                            "note": "2023—2024年累计"})
    assert r.status_code == 201, r.text
    assert r.json()["value"] == "38.6" and r.json()["entered_by"] == supervisor.name
    r = await as_supervisor.post(url, json={"value": "-1", "as_of": "2027-01-01", "note": ""})
    assert r.status_code == 422
    assert set(r.json()["error"]["fields"]) == {"value", "as_of", "note"}
    assert "不能晚于今天" in r.json()["error"]["fields"]["as_of"]
    r = await as_supervisor.post("/api/v1/plan/targets/total_revenue/entries",
                                 json={"value": "1", "as_of": "2025-01-01", "note": "x"})
    assert r.status_code == 422 and "自动计算" in r.json()["error"]["message"]
    r = await as_supervisor.post("/api/v1/plan/targets/nope/entries",
                                 json={"value": "1", "as_of": "2025-01-01", "note": "x"})
    assert r.status_code == 404
    rows = {x["key"]: x for x in (await as_supervisor.get("/api/v1/plan/progress",
                                                          params={"year": "2024"})).json()}
    assert rows["investment_attracted"]["actual"] == "38.6"
    # 2024-12-31 is 731 of the plan's 1096 days: 100 x 731/1096 = 66.70 亿 expected by then
    assert rows["investment_attracted"]["expected"] == "66.7"
    assert rows["investment_attracted"]["status"] == "behind"
    entry = await TargetEntry.get(target_key="investment_attracted")
    assert await AuditLog.filter(action="target_entry.create", entity_id=str(entry.id)).exists()
    listed = (await as_supervisor.get(url)).json()["items"]
    assert [x["value"] for x in listed] == ["38.6"]
    r = await as_supervisor.delete(f"{url}/{entry.id}")
    assert r.status_code == 200 and not await TargetEntry.exists()
    assert await AuditLog.filter(action="target_entry.delete").exists()


async def test_manual_entry_page(as_supervisor, app, monkeypatch):
    freeze_today(monkeypatch, "2026-03-01")
    page = "/plan/targets/strong_towns"
    r = await submit_form(as_supervisor, page, page + "/entries",
                          {"value": "abc", "as_of": "2025-12-20", "note": "东方红镇"})
    assert r.status_code == 422 and "东方红镇" in r.text         # nothing typed is lost
    r = await submit_form(as_supervisor, page, page + "/entries",
                          {"value": "2", "as_of": "2025-12-20", "note": "东方红镇、虎头镇获批"})
    assert r.status_code == 303
    entry = await TargetEntry.get(target_key="strong_towns")
    assert entry.value == Decimal(2)
    r = await as_supervisor.get(page + "?year=2025")
    assert "东方红镇、虎头镇获批" in r.text and "已完成" in r.text
    token = csrf_from(r.text)
    r = await as_supervisor.post(f"{page}/entries/{entry.id}/delete", data={"csrf_token": token})
    assert r.status_code == 303 and not await TargetEntry.exists()


# -- the dashboard ------------------------------------------------------------------------------
async def test_dashboard_links_every_figure(as_supervisor, app, monkeypatch, enterprise):
    freeze_today(monkeypatch, "2026-03-01")
    newly = await firm("新认证米业", township="宝东镇")
    await cert(newly, "2026-01-05")
    await report(enterprise, "2026-01", revenue="1234", status="submitted")
    await report(newly, "2026-01", revenue="10", status="draft")
    pending = await firm("待核验豆业", industry="soybean")
    await registration(pending, "2026-01-01", "pending")
    await Complaint.create(text="有问题")
    r = await as_supervisor.get("/")
    assert r.status_code == 200
    html = r.text
    # the gauge: one newly certified enterprise, none registered
    assert "sv-gauge" in html and "/compliance?year=2026#missing" in html
    # the review queues of the reporting feature, with their counts from the database
    assert await MonthlyReport.filter(status=ReportStatus.SUBMITTED).count() == 1
    assert await TraceabilityRegistration.filter(verification=Verification.PENDING).count() == 1
    assert 'href="/review/reports"' in html and 'href="/review/registrations"' in html
    queue = (await as_supervisor.get("/api/v1/supervision/queues")).json()
    assert queue == {"reports_to_review": 1, "registrations_to_verify": 1, "complaints_open": 1,
                     "certificates_to_chase": 0}
    # every target, a place ranking, charts, and drill-down links
    assert html.count('class="sv-target"') == len(app.ctx.county.targets)
    assert "/plan/enterprises?year=2026&amp;township=%E8%99%8E%E6%9E%97%E9%95%87" in html
    assert "/plan/enterprises?period=2026-01" in html
    assert "/supervision/reporting?period=2026-01" in html
    r = await as_supervisor.get("/", params={"year": "2025"})
    assert r.status_code == 200 and "2025年" in r.text


async def test_staff_still_get_their_own_home(as_staff):
    r = await as_staff.get("/")
    assert r.status_code == 200 and "sv-gauge" not in r.text


# -- who may open what ---------------------------------------------------------------------------
SUPERVISION_GETS = [
    "/api/v1/compliance/traceability", "/api/v1/compliance/traceability.xlsx",
    "/api/v1/plan/progress", "/api/v1/plan/progress.xlsx", "/api/v1/plan/breakdown",
    "/api/v1/plan/breakdown.xlsx", "/api/v1/plan/enterprises", "/api/v1/plan/enterprises.xlsx",
    "/api/v1/plan/targets/strong_towns/entries", "/api/v1/supervision/reporting",
    "/api/v1/supervision/reporting.xlsx", "/api/v1/supervision/certificates/expiring",
    "/api/v1/supervision/certificates/expiring.xlsx", "/api/v1/supervision/milk-quality",
    "/api/v1/supervision/milk-quality.xlsx", "/api/v1/supervision/queues", "/api/v1/complaints",
    "/api/v1/complaints.xlsx",
]
SUPERVISION_PAGES = [
    "/compliance", "/compliance/traceability.xlsx", "/plan", "/plan/progress.xlsx",
    "/plan/targets/total_revenue", "/plan/areas", "/plan/breakdown.xlsx", "/plan/enterprises",
    "/plan/enterprises.xlsx", "/supervision/reporting", "/supervision/reporting.xlsx",
    "/supervision/certificates", "/supervision/certificates.xlsx", "/supervision/milk",
    "/supervision/milk.xlsx", "/complaints", "/complaints.xlsx", "/supervision/import",
    "/supervision/import/template.xlsx",
]


async def test_every_route_is_for_supervision_only(client, as_staff, as_supervisor, as_admin):
    for url in SUPERVISION_GETS:
        assert (await client.get(url)).status_code == 401, url
        assert (await as_staff.get(url)).status_code == 403, url
        assert (await as_supervisor.get(url)).status_code == 200, url
    for url in SUPERVISION_PAGES:
        anonymous = await client.get(url)
        assert anonymous.status_code == 302 and anonymous.headers["location"].startswith(
            "/login?next="), url
        assert (await as_staff.get(url)).status_code == 403, url
        ok = await as_admin.get(url)
        assert ok.status_code == 200, url
        if url.endswith(".xlsx"):
            assert ok.content[:2] == b"PK", url
    for url, body in [("/api/v1/complaints/1/handle", {"note": "x"}),
                      ("/api/v1/plan/targets/strong_towns/entries",
                       {"value": "1", "as_of": "2025-01-01", "note": "x"})]:
        assert (await as_staff.post(url, json=body)).status_code == 403, url


async def test_empty_county_pages_render(as_supervisor):
    for url in SUPERVISION_PAGES + ["/", "/?year=2023"]:
        r = await as_supervisor.get(url)
        assert r.status_code == 200, (url, r.text[:300])
        if not url.endswith(".xlsx"):
            assert "style=" not in r.text and "<script" not in r.text, url


# -- the drawings ---------------------------------------------------------------------------------
def test_gauge_and_bars():
    svg = charts.gauge(Decimal("50.00"), Decimal("25.00"), Decimal(100), label="进驻率<50%>")
    assert svg.startswith("<svg") and "进驻率&lt;50%&gt;" in svg and "50%" in svg
    # half of the upper half circle ends straight above the centre
    assert "A84 84 0 0 1 100 20" in svg
    assert "sv-bad" in svg and charts.gauge(Decimal(100), None, Decimal(100), label="x") \
        .count("sv-good") == 1
    assert "—" in charts.gauge(None, None, Decimal(100), label="x")
    bar = charts.bar(Decimal("0.4"), tone="sv-tone_behind", marker=Decimal("0.75"))
    assert 'width="40"' in bar and 'x1="75"' in bar
    assert 'width="100"' in charts.bar(Decimal(3), tone="t")      # over the target: full
    chart = charts.columns([charts.Column("1", [Decimal(5), None], href="/x?a=1&b=2"),
                            charts.Column("2", [Decimal(12000), Decimal(1)])],
                           series=["今年", "去年"], unit="万元", title="营收")
    assert 'href="/x?a=1&amp;b=2"' in chart
    assert "2万" in chart and "1.5万" in chart   # the axis runs to 20000
    assert "style=" not in chart and "<script" not in chart
