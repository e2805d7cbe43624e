"""The plan's 100 % rule: exact counts and rates on a small known county, with the edges."""

import io

import pytest
from openpyxl import load_workbook

from models.enums import EnterpriseStatus
from tests.features.supervision.builders import cert, firm, freeze_today, registration

API = "/api/v1/compliance/traceability"


@pytest.fixture
async def county(app, monkeypatch):
    """Ten enterprises, each an edge of the rule (see the comments), on 2026-03-01."""
    freeze_today(monkeypatch, "2026-03-01")
    f = {}
    # A: certified on the last day of 2025, registered that same day (verified)
    f["a"] = await firm("A 末日获证米业", industry="rice", township="虎林镇",
                        contact_name="张三", contact_phone="0467-1")
    await cert(f["a"], "2025-12-31")
    await registration(f["a"], "2025-12-31", "verified")
    # B: certified mid-2025, registered only after the year's end
    f["b"] = await firm("B 迟注册豆业", industry="soybean", township="宝东镇",
                        contact_name="李四", contact_phone="0467-2")
    await cert(f["b"], "2025-06-01")
    await registration(f["b"], "2026-01-01", "pending")
    # C: a renewal in 2025 of a 2021 certificate: not newly certified in 2025
    f["c"] = await firm("C 老证换新米业", industry="rice", township="虎林镇")
    await cert(f["c"], "2021-04-12")
    await cert(f["c"], "2025-03-01")
    # D: two certificates in 2025, no registration: one enterprise, missing
    f["d"] = await firm("D 两证未注册菌业", industry="fungus", township="东方红镇")
    await cert(f["d"], "2025-02-01")
    await cert(f["d"], "2025-08-01")
    # E: certified on the first day of 2025, registered (verified) before it
    f["e"] = await firm("E 先注册蜂业", industry="honey", township="宝东镇")
    await cert(f["e"], "2025-01-01")
    await registration(f["e"], "2024-12-01", "verified", "provincial")
    # F: certified on the last day of 2024: 2024's, not 2025's
    f["f"] = await firm("F 去年末获证", industry="rice", township="虎林镇")
    await cert(f["f"], "2024-12-31")
    # G: organic only: not a green-food enterprise
    f["g"] = await firm("G 有机农场", industry="rice", township="虎林镇")
    await cert(f["g"], "2025-04-04", kind="organic")
    # H: registration rejected by supervision: missing
    f["h"] = await firm("H 注册被否米业", industry="rice", township="东方红镇")
    await cert(f["h"], "2025-05-05")
    await registration(f["h"], "2025-05-20", "rejected")
    # I: registered, waiting for verification: counted self-reported, not verified
    f["i"] = await firm("I 待核验米业", industry="rice", township="东方红镇")
    await cert(f["i"], "2025-07-07")
    await registration(f["i"], "2025-08-01", "pending")
    # J: closed: left out
    f["j"] = await firm("J 已注销", industry="rice", township="虎林镇",
                        status=EnterpriseStatus.CLOSED)
    await cert(f["j"], "2025-09-09")
    return f


async def test_year_counts_rates_and_missing(as_supervisor, county):
    r = await as_supervisor.get(API, params={"year": "2025"})
    assert r.status_code == 200, r.text
    body = r.json()
    # A, B, D, E, H, I are newly certified in 2025; A, E, I registered; A, E verified
    assert (body["newly_certified"], body["registered"], body["registered_verified"]) == (6, 3, 2)
    assert (body["rate"], body["rate_verified"], body["target_rate"]) == (
        "50.00", "33.33", "100.00")
    assert body["status"] == "behind" and body["awaiting_verification"] == 1
    assert (body["since"], body["until"], body["year"]) == ("2025-01-01", "2025-12-31", 2025)
    missing = body["missing"]
    assert [m["name"] for m in missing] == ["D 两证未注册菌业", "H 注册被否米业", "B 迟注册豆业"]
    b = missing[2]
    assert b["enterprise_id"] == county["b"].id
    assert b["credit_code"] == county["b"].credit_code
    assert b["certified_on"] == "2025-06-01"
    assert (b["township"], b["industry"], b["industry_name"]) == ("宝东镇", "soybean", "大豆")
    assert (b["contact_name"], b["contact_phone"]) == ("李四", "0467-2")
    assert b["registration_state"] == "late" and b["registered_on"] == "2026-01-01"
    assert b["days_waiting"] == 214          # 2025-06-01 .. 2026-01-01
    d = missing[0]
    assert d["certified_on"] == "2025-02-01"  # the first of its two certificates
    assert d["registration_state"] == "none" and d["days_waiting"] == 393  # .. 2026-03-01
    assert missing[1]["registration_state"] == "rejected"


async def test_breakdowns_by_place_and_industry(as_supervisor, county):
    body = (await as_supervisor.get(API, params={"year": "2025"})).json()
    places = {p["place"]: (p["newly_certified"], p["registered"], p["registered_verified"],
                           p["rate"]) for p in body["by_place"]}
    assert places == {"虎林镇": (1, 1, 1, "100.00"), "东方红镇": (3, 1, 0, "33.33"),
                      "宝东镇": (2, 1, 1, "50.00")}
    # county order of places: 虎林镇, 东方红镇, ..., 宝东镇
    assert [p["place"] for p in body["by_place"]] == ["虎林镇", "东方红镇", "宝东镇"]
    industries = {i["industry"]: (i["industry_name"], i["newly_certified"], i["missing"])
                  for i in body["by_industry"]}
    assert industries == {"rice": ("水稻", 3, 1), "soybean": ("大豆", 1, 1),
                          "honey": ("蜂蜜", 1, 0), "fungus": ("食用菌", 1, 1)}


async def test_other_windows(as_supervisor, county):
    body = (await as_supervisor.get(API, params={"year": "2024"})).json()
    assert (body["newly_certified"], body["registered"], body["rate"]) == (1, 0, "0.00")
    assert [m["name"] for m in body["missing"]] == ["F 去年末获证"]
    # a custom range: B (06-01, the first day), I, and A (12-31, the last day)
    body = (await as_supervisor.get(API, params={"since": "2025-06-01",
                                                 "until": "2025-12-31"})).json()
    assert body["year"] is None
    assert (body["newly_certified"], body["registered"], body["registered_verified"]) == (3, 2, 1)
    # July alone: I was certified then but registered only on 08-01, after the window
    body = (await as_supervisor.get(API, params={"since": "2025-07-01",
                                                 "until": "2025-07-31"})).json()
    assert (body["newly_certified"], body["registered"]) == (1, 0)
    assert body["missing"][0]["registration_state"] == "late"
    # no newly certified enterprise at all: no rate, not 0 % and not 100 %
    body = (await as_supervisor.get(API, params={"year": "2019"})).json()
    assert (body["newly_certified"], body["rate"], body["status"]) == (0, None, "no_data")


async def test_registration_on_the_last_day_counts_the_day_after_does_not(as_supervisor, app,
                                                                          monkeypatch):
    freeze_today(monkeypatch, "2026-03-01")
    on_time = await firm("当日注册", industry="rice")
    await cert(on_time, "2025-03-01")
    await registration(on_time, "2025-12-31", "verified")
    late = await firm("次日注册", industry="rice")
    await cert(late, "2025-03-01")
    await registration(late, "2026-01-01", "verified")
    body = (await as_supervisor.get(API, params={"year": "2025"})).json()
    assert (body["newly_certified"], body["registered"], body["registered_verified"]) == (2, 1, 1)
    assert [m["name"] for m in body["missing"]] == ["次日注册"]


async def test_default_is_the_current_year(as_supervisor, county):
    body = (await as_supervisor.get(API)).json()
    assert (body["year"], body["since"], body["until"]) == (2026, "2026-01-01", "2026-12-31")
    assert body["as_of"] == "2026-03-01"


@pytest.mark.parametrize(("query", "field"), [
    ({"year": "abc"}, "year"), ({"year": "25"}, "year"), ({"year": "1999"}, "year"),
    ({"since": "2025-13-01"}, "since"), ({"until": "yesterday"}, "until"),
    ({"since": "2025-06-01", "until": "2025-05-01"}, "until"),
    ({"year": "2025", "since": "2025-01-01"}, "year"),
])
async def test_bad_windows_are_422(as_supervisor, county, query, field):
    r = await as_supervisor.get(API, params=query)
    assert r.status_code == 422
    assert field in r.json()["error"]["fields"]


async def test_only_supervision(client, as_staff, as_admin, county):
    assert (await client.get(API)).status_code == 401
    assert (await as_staff.get(API)).status_code == 403
    assert (await as_staff.get(API + ".xlsx")).status_code == 403
    assert (await as_admin.get(API, params={"year": "2025"})).status_code == 200


async def test_spreadsheet_has_one_row_per_enterprise(as_supervisor, county):
    r = await as_supervisor.get(API + ".xlsx", params={"year": "2025"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["新认证企业", "按地区", "按产业", "说明"]
    sheet = book["新认证企业"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("企业名称", "统一社会信用代码", "所在地", "产业", "首次绿色食品认证日期",
                           "进驻情况")
    body = {row[0]: row for row in rows[1:]}
    assert sorted(body) == sorted(["A 末日获证米业", "B 迟注册豆业", "D 两证未注册菌业",
                                   "E 先注册蜂业", "H 注册被否米业", "I 待核验米业"])
    b = body["B 迟注册豆业"]
    assert b[1] == county["b"].credit_code and b[2] == "宝东镇" and b[3] == "大豆"
    assert b[4].date().isoformat() == "2025-06-01"
    assert b[5] == "注册晚于统计期末" and b[6].date().isoformat() == "2026-01-01"
    assert b[9] == 214 and b[11] == "0467-2"
    assert body["A 末日获证米业"][5] == "已注册，已核验"
    assert body["A 末日获证米业"][9] is None
    places = list(book["按地区"].iter_rows(values_only=True))
    assert places[0][0] == "地区" and places[1][:5] == ("虎林镇", 1, 1, 1, 0)
    assert places[1][5] == 1          # 100 % written as a fraction with a % format
    assert book["按地区"]["F2"].number_format == "0.00%"


async def test_page_shows_the_gauge_and_who_is_missing(as_supervisor, county):
    r = await as_supervisor.get("/compliance", params={"year": "2025"})
    assert r.status_code == 200
    html = r.text
    assert "50%" in html and "<svg" in html
    for name in ("D 两证未注册菌业", "H 注册被否米业", "B 迟注册豆业"):
        assert name in html
    assert "已等待393天" in html
    assert f'href="/enterprises/{county["b"].id}"' in html
    assert "/compliance/traceability.xlsx?year=2025" in html
    r = await as_supervisor.get("/compliance", params={"year": "x"})
    assert r.status_code == 422
