"""Plan progress: every target of the county file measured from a small known data set."""

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from models import TargetEntry
from models.enums import EnterpriseStatus, LeadingLevel
from server.core.county import load_county
from server.features.supervision import progress
from tests.features.supervision.builders import (
    at_local,
    cert,
    d,
    firm,
    freeze_today,
    registration,
    report,
)

API = "/api/v1/plan/progress"
ROOT = Path(__file__).resolve().parents[3]
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]


@pytest.fixture
async def plan_county(app, monkeypatch):
    """The 2025 figures of each target are worked out by hand in the test below."""
    freeze_today(monkeypatch, "2026-03-01")
    rice1 = await firm("稻一", industry="rice", leading_level=LeadingLevel.PROVINCE,
                       above_scale=True, above_scale_since=d("2016-05-01"))
    for i, month in enumerate(MONTHS):
        await report(rice1, month, revenue="9000", output_value="9500", quantity="20",
                     status="submitted" if i == 11 else "approved")
    # became 规上 only in 2026: not 规上 at the end of 2025
    rice2 = await firm("稻二", industry="rice", township="东方红镇",
                       leading_level=LeadingLevel.CITY, above_scale=True,
                       above_scale_since=d("2026-02-01"))
    for month in MONTHS[:11]:
        await report(rice2, month, revenue="1000")
    await report(rice2, "2025-12", revenue="5000", status="returned")   # not counted
    # exactly 10 亿: not "over" 10 亿; 规上 with no date
    rice3 = await firm("稻三", industry="rice", above_scale=True)
    await report(rice3, "2025-06", revenue="100000")
    soy1 = await firm("豆一", industry="soybean", township="宝东镇")
    for month in MONTHS:
        await report(soy1, month, revenue="300")
    await report(soy1, "2024-12", revenue="999999")                      # another year
    dairy1 = await firm("乳一", industry="dairy", above_scale=True,
                        above_scale_since=d("2024-01-01"))
    for i, month in enumerate(MONTHS):
        milk = ("3.25", "3.90", 90000, 150000) if i < 10 else ("3.19", "3.90", 90000, 150000)
        await report(dairy1, month, revenue="2000", quantity="5000", milk=milk)
    dairy2 = await firm("乳二", industry="dairy")
    await report(dairy2, "2025-03", revenue="500", quantity="1000", unit="公斤")
    await report(dairy2, "2025-04", revenue="777", status="draft")       # not counted
    fish = await firm("鱼一", industry="coldwater_fish", township="虎头镇")
    for month in MONTHS:
        await report(fish, month, revenue="800", output_value="1000")
    await firm("已注销龙头", industry="rice", leading_level=LeadingLevel.NATION,
               above_scale=True, status=EnterpriseStatus.CLOSED)
    await firm("杂粮一", industry="grain_bean", above_scale=True, above_scale_since=d("2021-01-01"))
    await firm("杂粮二", industry="grain_bean")
    # certificates, valid or not on 2025-12-31
    await cert(rice1, "2024-01-01")                                       # valid
    await cert(rice1, "2024-12-31", kind="organic", expires="2025-12-30")  # expired the day before
    await cert(rice1, "2016-01-01", kind="geo_indication", expires="2025-12-31")  # last valid day
    await cert(soy1, "2026-01-01")                                        # not yet valid
    soy2 = await firm("豆二", industry="soybean")
    await cert(soy2, "2025-05-01")                                        # valid, newly certified
    await registration(soy2, "2025-06-01", "verified")
    honey1 = await firm("蜂一", industry="honey")
    await cert(honey1, "2025-01-01", kind="brand_heitu_youpin", product="椴树雪蜜")
    await cert(honey1, "2025-01-01", kind="brand_heitu_youpin", product="椴树蜂王浆")
    await cert(honey1, "2024-01-01", kind="brand_hulin_linden_honey")
    honey2 = await firm("蜂二", industry="honey")
    await cert(honey2, "2024-01-01", kind="brand_hulin_linden_honey")
    await cert(honey2, "2025-01-01", kind="brand_hulin_linden_honey")
    await cert(rice2, "2025-01-01", kind="brand_heitu_youpin")          # not a bee product
    await TargetEntry.create(target_key="strong_towns", value=Decimal(1), as_of=d("2025-06-01"),
                             note="东方红镇")
    await TargetEntry.create(target_key="strong_towns", value=Decimal(2), as_of=d("2026-02-01"),
                             note="又一个")


async def by_key(browser, year: str) -> dict:
    rows = (await browser.get(API, params={"year": year})).json()
    return {row["key"]: row for row in rows}


EXPECTED_2025 = {
    # key: (actual, status)
    "total_revenue": ("25.67", "behind"),     # 108000+11000+100000+3600+24000+500+9600 万元
    "leading_enterprises": ("2", "behind"),
    "revenue_over_1bn": ("1", "achieved"),
    "above_scale_enterprises": ("4", "behind"),
    "above_scale_over_100m": ("3", "behind"),
    "strong_towns": ("1", "behind"),
    "two_products_one_label": ("3", "behind"),
    "traceability_rate": ("100", "achieved"),
    "soybean_revenue": ("3600", "behind"),
    "rice_revenue": ("21.9", "behind"),
    "new_dairy_above_scale": ("1", "achieved"),
    "milk_output": ("6", "behind"),
    "raw_milk_quality": ("83.33", "behind"),
    "meat_revenue": (None, "no_data"),
    "honey_revenue": (None, "no_data"),
    "linden_honey_brand_units": ("2", "behind"),
    "heitu_youpin_bee_products": ("2", "behind"),
    "fungus_output": (None, "no_data"),
    "forest_food_revenue": (None, "no_data"),
    "herbal_revenue": (None, "no_data"),
    "fishery_output_value": ("1.2", "behind"),
    "prepared_dish_revenue": (None, "no_data"),
    "grain_bean_processors": ("2", "achieved"),
    "grain_bean_above_scale": ("1", "achieved"),
    "investment_attracted": (None, "no_data"),
}


async def test_every_target_of_the_county_file(as_supervisor, plan_county, app):
    r = await as_supervisor.get(API, params={"year": "2025"})
    assert r.status_code == 200, r.text
    rows = r.json()
    county = app.ctx.county
    assert [row["key"] for row in rows] == [t.key for t in county.targets]
    assert len(rows) == 25
    got = {row["key"]: (row["actual"], row["status"]) for row in rows}
    assert got == EXPECTED_2025


async def test_row_details(as_supervisor, plan_county):
    rows = await by_key(as_supervisor, "2025")
    total = rows["total_revenue"]
    assert {k: total[k] for k in ("label", "target", "unit", "ratio", "status_label",
                                  "expected", "measure")} == {
        "label": "农产品加工业营业收入", "target": "70", "unit": "亿元", "ratio": "0.3667",
        "status_label": "进度滞后", "expected": "70", "measure": "revenue_sum"}
    assert total["href"] == "/plan/targets/total_revenue?year=2025"
    soy = rows["soybean_revenue"]
    # base 2022 = 4100 / 1.336 = 3068.86; growth (3600 - 3068.86) / 3068.86
    assert (soy["base_year"], soy["base"], soy["growth"], soy["growth_target"]) == (
        2022, "3068.86", "17.31", "33.6")
    assert soy["industry"] == "soybean" and soy["industry_name"] == "大豆"
    assert rows["fishery_output_value"]["growth"] == "20"      # 1.2 against 1.00
    assert rows["rice_revenue"]["growth"] == "-57.84"          # 21.9 against 51.95
    assert rows["revenue_over_1bn"]["ratio"] == "1"
    assert rows["strong_towns"]["entered_on"] == "2025-06-01"
    assert "东方红镇" in rows["strong_towns"]["detail"]
    assert rows["raw_milk_quality"]["detail"] == "判定12份乳品月报，达标10份"
    assert rows["traceability_rate"]["detail"] == "新认证1家，已进驻1家，已核验1家"
    assert rows["meat_revenue"]["ratio"] is None and rows["meat_revenue"]["growth"] is None


async def test_the_latest_manual_entry_of_the_year_counts(as_supervisor, plan_county):
    rows = await by_key(as_supervisor, "2026")
    assert (rows["strong_towns"]["actual"], rows["strong_towns"]["status"]) == ("2", "achieved")


async def test_a_year_in_progress_is_judged_pro_rata(as_supervisor, app, monkeypatch):
    # 2025-07-15: the reports of January to June are due (June's on July 10)
    freeze_today(monkeypatch, "2025-07-15")
    fish = await firm("鱼", industry="coldwater_fish")
    rice = await firm("稻", industry="rice", leading_level=LeadingLevel.CITY)
    for month in MONTHS[:6]:
        await report(fish, month, revenue="10", output_value="1300")
        await report(rice, month, revenue="9000")
    rows = {row["key"]: row for row in (await as_supervisor.get(API)).json()}
    fishery = rows["fishery_output_value"]
    # 0.78 亿 against 1.5 亿 x 6/12 = 0.75
    assert (fishery["actual"], fishery["expected"], fishery["status"]) == ("0.78", "0.75",
                                                                          "on_track")
    assert fishery["growth"] is None                           # not a whole year yet
    total = rows["total_revenue"]
    # 6 x (9000 + 10) 万元
    assert (total["actual"], total["expected"], total["status"]) == ("5.406", "35", "behind")
    # stocks: a straight line over the plan period, 2023-01-01 .. 2025-12-31
    share = Decimal((date(2025, 7, 15) - date(2023, 1, 1)).days + 1) / 1096
    leading = rows["leading_enterprises"]
    assert leading["expected"] == str((51 * share).quantize(Decimal("0.01")))
    assert leading["status"] == "behind"
    assert rows["raw_milk_quality"]["status"] == "no_data"


async def test_an_earlier_year_follows_the_plans_growth_path(as_supervisor, app, monkeypatch):
    freeze_today(monkeypatch, "2026-03-01")
    soy = await firm("豆", industry="soybean")
    for month in [f"2024-{m:02d}" for m in range(1, 13)]:
        await report(soy, month, revenue="320")
    rows = await by_key(as_supervisor, "2024")
    soybean = rows["soybean_revenue"]
    # base 3068.86 (2022) to 4100 (2025): 2024 is two thirds of the way, geometrically
    base = Decimal("3068.86")
    expected = base * (Decimal(4100) / base) ** (Decimal(2) / 3)
    assert soybean["expected"] == str(expected.quantize(Decimal("0.0001")).normalize())
    assert soybean["actual"] == "3840" and soybean["status"] == "on_track"


def test_hulin_targets_are_all_understood():
    county = load_county(ROOT / "county" / "hulin.toml")
    progress.check_targets(county)
    measures = {t.measure for t in county.targets}
    assert measures == set(progress.KNOWN_PARAMS)


def test_an_unknown_target_parameter_is_refused():
    county = load_county(ROOT / "county" / "hulin.toml")
    t = county.targets[1]
    broken = replace(county, targets=(replace(t, params={**t.params, "leader_min": "city"}),))
    with pytest.raises(progress.CountyTargetError, match="leader_min"):
        progress.check_targets(broken)


@pytest.fixture
def other_county(tmp_path, settings_overrides):
    """Another county's plan: Hulin's file plus three targets of its own."""
    text = (ROOT / "county" / "hulin.toml").read_text(encoding="utf-8")
    text += '''
[[targets]]
key = "corn_output_value"
label = "玉米加工产值"
target = "100"
unit = "万元"
measure = "output_value_sum"
industry = "corn"

[[targets]]
key = "provincial_leaders"
label = "省级以上龙头企业"
target = "3"
unit = "家"
measure = "enterprise_count"
leading_min = "province"

[[targets]]
key = "organic_firms"
label = "有机认证企业"
target = "2"
unit = "家"
measure = "certified_enterprise_count"
kinds = ["organic"]
'''
    path = tmp_path / "other.toml"
    path.write_text(text, encoding="utf-8")
    settings_overrides["COUNTY_FILE"] = str(path)
    return path


async def test_another_countys_targets_need_no_code(other_county, as_supervisor, monkeypatch):
    freeze_today(monkeypatch, "2026-03-01")
    corn = await firm("玉米一", industry="corn", leading_level=LeadingLevel.NATION)
    await report(corn, "2025-05", revenue="50", output_value="60.5")
    await report(corn, "2025-06", revenue="50", output_value="39.5")
    await firm("省龙头", industry="rice", leading_level=LeadingLevel.PROVINCE)
    await firm("市龙头", industry="rice", leading_level=LeadingLevel.CITY)
    organic = await firm("有机一", industry="rice")
    await cert(organic, "2025-01-01", kind="organic", expires="2025-12-31")
    await cert(organic, "2025-02-01", kind="organic", expires="2026-01-31")
    rows = await by_key(as_supervisor, "2025")
    assert (rows["corn_output_value"]["actual"], rows["corn_output_value"]["status"]) == (
        "100", "achieved")
    assert rows["provincial_leaders"]["actual"] == "2"
    assert rows["organic_firms"]["actual"] == "1"


async def test_spreadsheet(as_supervisor, plan_county):
    r = await as_supervisor.get(API + ".xlsx", params={"year": "2025"})
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("目标", "单位", "目标值", "实际值", "完成比例", "按进度应达", "状态")
    assert len(rows) == 26
    total = rows[1]
    assert total[0] == "农产品加工业营业收入" and total[1] == "亿元"
    assert total[2] == 70 and total[3] == pytest.approx(25.67) and total[6] == "进度滞后"
    assert total[4] == pytest.approx(0.3667)
    assert sheet["E2"].number_format == "0.00%"


async def test_only_supervision(client, as_staff, plan_county):
    assert (await client.get(API)).status_code == 401
    assert (await as_staff.get(API)).status_code == 403
    assert (await as_staff.get("/plan")).status_code == 403


async def test_pages(as_supervisor, plan_county):
    r = await as_supervisor.get("/plan", params={"year": "2025"})
    assert r.status_code == 200
    assert "农产品加工业营业收入" in r.text and "25.67" in r.text
    r = await as_supervisor.get("/plan", params={"year": "2025", "status": "achieved"})
    assert r.text.count('class="sv-target"') == 5
    r = await as_supervisor.get("/plan/targets/rice_revenue", params={"year": "2025"})
    assert r.status_code == 200
    # the enterprises behind it, largest first
    assert r.text.index("稻一") < r.text.index("稻三") < r.text.index("稻二")
    r = await as_supervisor.get("/plan/targets/above_scale_enterprises", params={"year": "2025"})
    assert all(name in r.text for name in ("稻一", "稻三", "乳一", "杂粮一"))
    assert "稻二" not in r.text and "已注销龙头" not in r.text
    r = await as_supervisor.get("/plan/targets/heitu_youpin_bee_products", params={"year": "2025"})
    assert "椴树雪蜜" in r.text and "椴树蜂王浆" in r.text
    r = await as_supervisor.get("/plan/targets/no_such_target")
    assert r.status_code == 404


async def test_drill_down_api(as_supervisor, plan_county):
    r = await as_supervisor.get("/api/v1/plan/enterprises",
                                params={"year": "2025", "target": "rice_revenue"})
    body = r.json()
    assert [i["name"] for i in body["items"]] == ["稻一", "稻三", "稻二"]
    assert [i["revenue"] for i in body["items"]] == ["108000", "100000", "11000"]
    assert body["total"] == 3 and body["totals"]["revenue"] == "219000"
    r = await as_supervisor.get("/api/v1/plan/enterprises",
                                params={"year": "2025", "target": "above_scale_over_100m"})
    assert sorted(i["name"] for i in r.json()["items"]) == ["乳一", "稻一", "稻三"]
    r = await as_supervisor.get("/api/v1/plan/enterprises", params={"period": "2025-12"})
    december = {i["name"]: i["revenue"] for i in r.json()["items"]}
    assert december["稻一"] == "9000" and december["稻二"] is None   # returned: not counted
    r = await as_supervisor.get("/api/v1/plan/enterprises", params={"target": "strong_towns"})
    assert r.status_code == 422
    r = await as_supervisor.get("/api/v1/plan/enterprises", params={"township": "火星"})
    assert r.status_code == 422


def test_submitted_at_helper_is_local():
    assert at_local("2025-01-10", "23:59").utcoffset().total_seconds() == 8 * 3600
