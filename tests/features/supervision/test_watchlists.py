"""Report submission (late, missing), expiring certificates, raw-milk quality, breakdowns."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from models.enums import EnterpriseStatus, LeadingLevel
from models.rules.milk import milk_shortfalls
from server.core.county import MilkStandard
from server.features.supervision.milk import milk_quality
from server.features.supervision.window import Window
from tests.features.supervision.builders import at_local, cert, d, firm, freeze_today, report


# -- monthly report submission -----------------------------------------------------------------
@pytest.fixture
async def reporting_county(app, monkeypatch):
    freeze_today(monkeypatch, "2025-11-20")      # October's reports were due on 11-10
    f = {}
    f["on_time"] = await firm("按时", township="虎林镇")
    await report(f["on_time"], "2025-10", submitted_at=at_local("2025-11-10", "23:59:59"))
    f["late"] = await firm("逾期", township="虎林镇", contact_phone="0467-9")
    await report(f["late"], "2025-10", submitted_at=at_local("2025-11-11", "00:00"),
                 status="submitted")
    f["returned"] = await firm("退回", township="宝东镇")
    await report(f["returned"], "2025-10", status="returned",
                 submitted_at=at_local("2025-11-03"))
    f["draft"] = await firm("草稿", township="宝东镇")
    await report(f["draft"], "2025-10", status="draft")
    f["none"] = await firm("未报", township="宝东镇", contact_name="王五")
    f["suspended"] = await firm("停产", township="宝东镇", status=EnterpriseStatus.SUSPENDED)
    for e in (f["on_time"], f["late"], f["returned"]):
        await report(e, "2025-09", submitted_at=at_local("2025-10-08"))
    return f


async def test_submission_of_a_month(as_supervisor, reporting_county):
    r = await as_supervisor.get("/api/v1/supervision/reporting", params={"period": "2025-10"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["period"], body["deadline"], body["deadline_passed"]) == ("2025-10", "2025-11-10",
                                                                         True)
    # five active enterprises; the suspended one is not expected to report
    assert {k: body[k] for k in ("expected", "handed_in", "on_time", "late", "missing",
                                 "rate", "on_time_rate")} == {
        "expected": 5, "handed_in": 3, "on_time": 2, "late": 1, "missing": 2,
        "rate": "60.00", "on_time_rate": "40.00"}
    assert [p["name"] for p in body["late_enterprises"]] == ["逾期"]
    late = body["late_enterprises"][0]
    assert late["days_late"] == 1 and late["contact_phone"] == "0467-9"
    # ordered by place, then name
    assert sorted((p["name"], p["report_status"] or "") for p in body["missing_enterprises"]) \
        == [("未报", ""), ("草稿", "draft")]
    places = {p["place"]: (p["expected"], p["handed_in"], p["late"], p["missing"])
              for p in body["by_place"]}
    assert places == {"虎林镇": (2, 2, 1, 0), "宝东镇": (3, 1, 0, 2)}
    months = {m["period"]: (m["handed_in"], m["late"], m["rate"]) for m in body["months"]}
    assert list(months) == [f"2025-{m:02d}" for m in range(1, 11)]
    assert months["2025-09"] == (3, 0, "60.00") and months["2025-10"] == (3, 1, "60.00")
    assert months["2025-01"] == (0, 0, "0.00")


async def test_default_is_last_month_and_before_the_deadline_nothing_is_late(
        as_supervisor, reporting_county, monkeypatch):
    freeze_today(monkeypatch, "2025-11-05")
    body = (await as_supervisor.get("/api/v1/supervision/reporting")).json()
    assert body["period"] == "2025-10" and body["deadline_passed"] is False
    r = await as_supervisor.get("/supervision/reporting")
    assert r.status_code == 200 and "尚未报送的企业" in r.text


async def test_reporting_spreadsheet_and_page(as_supervisor, reporting_county):
    r = await as_supervisor.get("/supervision/reporting.xlsx", params={"period": "2025-10"})
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["2025年月度报送", "2025年10月按地区", "逾期报送企业", "未报送企业",
                               "说明"]
    late = list(book["逾期报送企业"].iter_rows(values_only=True))
    assert late[0][:6] == ("企业名称", "统一社会信用代码", "所在地", "产业", "提交时间", "逾期天数")
    assert late[1][0] == "逾期" and late[1][4].isoformat() == "2025-11-11T00:00:00"
    assert late[1][5] == 1
    missing = sorted(row[0] for row in book["未报送企业"].iter_rows(min_row=2, values_only=True))
    assert missing == ["未报", "草稿"]
    r = await as_supervisor.get("/supervision/reporting", params={"period": "2025-10"})
    assert r.status_code == 200 and "逾期1天" in r.text and "未报" in r.text
    assert (await as_supervisor.get("/api/v1/supervision/reporting",
                                    params={"period": "2025-13"})).status_code == 422


# -- certificates expiring -------------------------------------------------------------------
async def test_expiring_certificates(as_supervisor, app, monkeypatch):
    freeze_today(monkeypatch, "2025-06-01")
    a = await firm("甲", contact_phone="0467-1")
    await cert(a, "2022-09-01", expires="2025-08-30", number="IN-90", product="一")   # 90 days
    await cert(a, "2022-09-01", expires="2025-08-31", number="OUT-91", product="二")  # 91 days
    await cert(a, "2022-06-01", expires="2025-06-01", number="TODAY", product="三")   # 0 days
    b = await firm("乙")
    await cert(b, "2022-06-20", expires="2025-06-19", number="RENEWED", product="豆")
    await cert(b, "2025-05-01", expires="2028-04-30", number="NEW", product="豆")
    await cert(b, "2022-05-01", expires="2025-05-31", number="GONE", product="米")   # yesterday
    await cert(b, "2022-01-01", expires="2025-02-01", number="OLD", product="面")   # too long ago
    body = (await as_supervisor.get("/api/v1/supervision/certificates/expiring")).json()
    assert body["days"] == 90
    soon = [(c["certificate_no"], c["days_left"], c["renewed"]) for c in body["expiring"]]
    assert soon == [("TODAY", 0, False), ("RENEWED", 18, True), ("IN-90", 90, False)]
    assert [(c["certificate_no"], c["days_left"]) for c in body["expired"]] == [("GONE", -1)]
    body = (await as_supervisor.get("/api/v1/supervision/certificates/expiring",
                                    params={"days": "30"})).json()
    assert [c["certificate_no"] for c in body["expiring"]] == ["TODAY", "RENEWED"]
    assert (await as_supervisor.get("/api/v1/supervision/certificates/expiring",
                                    params={"days": "0"})).status_code == 422
    r = await as_supervisor.get("/supervision/certificates.xlsx")
    rows = list(load_workbook(io.BytesIO(r.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:4] == ("企业名称", "所在地", "类型", "证书编号")
    assert [row[3] for row in rows[1:]] == ["TODAY", "RENEWED", "IN-90"]
    assert rows[2][8] == "是" and rows[1][7] == 0
    r = await as_supervisor.get("/supervision/certificates")
    assert r.status_code == 200 and "已换证" in r.text and "IN-90" in r.text
    assert (await as_supervisor.get("/api/v1/supervision/queues")).json()[
        "certificates_to_chase"] == 3          # TODAY, IN-90 and GONE; RENEWED is done


# -- raw milk -----------------------------------------------------------------------------------
STANDARD = MilkStandard(Decimal("3.2"), Decimal("3.8"), 100000, 200000)
MILK_CASES = [
    ("3.20", "3.80", 100000, 200000),    # every figure exactly on the limit: compliant
    ("3.19", "3.80", 100000, 200000),    # protein just under
    ("3.20", "3.79", 100000, 200000),    # fat just under
    ("3.20", "3.80", 100001, 200000),    # bacteria just over
    ("3.20", "3.80", 100000, 200001),    # somatic cells just over
    ("10.5", "12.0", 1, 1),              # far above (a text comparison would get 10.5 wrong)
    ("3.50", None, None, None),          # one figure given, and it meets the standard
    (None, None, None, 250000),          # one figure given, and it misses
    (None, None, None, None),            # nothing given: not judged
]


async def test_milk_counts_in_sql_agree_with_the_rule(app, ctx, admin, monkeypatch):
    freeze_today(monkeypatch, "2026-03-01")
    dairy = await firm("乳", industry="dairy")
    for month, case in zip(range(1, 10), MILK_CASES, strict=True):
        await report(dairy, f"2025-{month:02d}", milk=case)
    rice = await firm("稻", industry="rice")
    await report(rice, "2025-01", milk=("1.0", "1.0", 999999, 999999))   # not a dairy report
    result = await milk_quality(ctx.acting_as(admin), Window.of_year(2025))
    by_rule = [not milk_shortfalls(STANDARD, protein_pct=Decimal(p) if p else None,
                                   fat_pct=Decimal(f) if f else None, bacteria_per_ml=b,
                                   somatic_cells_per_ml=s)
               for p, f, b, s in MILK_CASES[:-1]]
    assert sum(by_rule) == 3
    c = result.counts
    assert (c.reports, c.judged, c.compliant, c.failing, c.unjudged) == (9, 8, 3, 5, 1)
    assert c.rate == Decimal("37.50")
    assert [f.period for f in result.failing] == ["2025-08", "2025-05", "2025-04", "2025-03",
                                                  "2025-02"]
    assert result.failing[-1].shortfalls == ["乳蛋白率3.19%低于3.2%"]


async def test_milk_api_page_and_spreadsheet(as_supervisor, app, monkeypatch):
    freeze_today(monkeypatch, "2026-03-01")
    dairy = await firm("乳企", industry="dairy")
    await report(dairy, "2025-01", milk=("3.30", "3.90", 50000, 100000))
    await report(dairy, "2025-02", milk=("3.10", "3.90", 150000, 100000))
    body = (await as_supervisor.get("/api/v1/supervision/milk-quality",
                                    params={"year": "2025"})).json()
    assert (body["judged"], body["compliant"], body["rate"]) == (2, 1, "50.00")
    assert body["failing"][0]["shortfalls"] == ["乳蛋白率3.10%低于3.2%",
                                                "菌落总数150,000/mL超过100,000/mL"]
    assert body["months"][1] == {"period": "2025-02", "reports": 1, "judged": 1, "compliant": 0,
                                 "failing": 1, "unjudged": 0, "rate": "0.00"}
    r = await as_supervisor.get("/supervision/milk", params={"year": "2025"})
    assert r.status_code == 200 and "菌落总数150,000/mL超过100,000/mL" in r.text
    r = await as_supervisor.get("/supervision/milk.xlsx", params={"year": "2025"})
    failing = list(load_workbook(io.BytesIO(r.content))["不达标月报"].iter_rows(values_only=True))
    assert failing[1][:2] == ("乳企", "2025-02") and "乳蛋白率3.10%低于3.2%" in failing[1][6]


# -- breakdowns and the place ranking -----------------------------------------------------------
async def test_breakdown_by_place_and_industry(as_supervisor, app, monkeypatch):
    freeze_today(monkeypatch, "2026-03-01")
    a = await firm("甲米", industry="rice", township="虎林镇", above_scale=True,
                   leading_level=LeadingLevel.CITY)
    b = await firm("乙豆", industry="soybean", township="虎林镇")
    c = await firm("丙米", industry="rice", township="宝东镇")
    e = await firm("丁米", industry="rice", township="东方红镇")
    await firm("戊", industry="honey", township="迎春镇")          # no reports: ranked last
    await report(a, "2025-01", revenue="600", quantity="10")
    await report(b, "2025-01", revenue="400", quantity="3")
    await report(c, "2025-02", revenue="1000", quantity="5", unit="万袋")   # wrong unit
    await report(e, "2025-03", revenue="1000")
    await cert(a, "2025-01-01")
    body = (await as_supervisor.get("/api/v1/plan/breakdown", params={"year": "2025"})).json()
    assert body["total"]["revenue"] == "3000" and body["total"]["enterprises"] == 5
    ranking = [(p["place"], p["rank"], p["revenue"], p["revenue_share"]) for p in body["by_place"]]
    # 虎林镇, 东方红镇 and 宝东镇 all have 1000 万元: a tie shares the rank, in county order
    assert ranking[:3] == [("虎林镇", 1, "1000", "33.33"), ("东方红镇", 1, "1000", "33.33"),
                           ("宝东镇", 1, "1000", "33.33")]
    assert ranking[3] == ("迎春镇", 4, "0", "0.00")
    huling = next(p for p in body["by_place"] if p["place"] == "虎林镇")
    assert (huling["enterprises"], huling["above_scale"], huling["leading"],
            huling["certificates"], huling["reporting_enterprises"]) == (2, 1, 1, 1, 2)
    rice = next(i for i in body["by_industry"] if i["industry"] == "rice")
    assert (rice["revenue"], rice["output_quantity"], rice["output_unit"],
            rice["enterprises"]) == ("2600", "10", "吨", 3)
    r = await as_supervisor.get("/plan/areas", params={"year": "2025"})
    assert r.status_code == 200 and "虎林镇" in r.text
    assert "/plan/enterprises?year=2025&amp;township=" in r.text
    r = await as_supervisor.get("/plan/breakdown.xlsx", params={"year": "2025"})
    places = list(load_workbook(io.BytesIO(r.content))["按地区排名"].iter_rows(values_only=True))
    assert places[0][:4] == ("排名", "地区", "类型", "企业数")
    assert places[4][:2] == (4, "迎春镇")
    r = await as_supervisor.get("/plan/enterprises", params={"year": "2025", "township": "虎林镇"})
    assert r.status_code == 200 and "甲米" in r.text and "乙豆" in r.text and "丙米" not in r.text


def test_date_helper():
    assert d("2025-01-02").isoformat() == "2025-01-02"
