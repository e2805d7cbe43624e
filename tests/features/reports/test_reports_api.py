"""/api/v1/enterprises/{id}/reports: drafts, submit, review, history, warnings, deadlines.

Each rule is driven through HTTP with the mistakes people really make.
"""

import asyncio

import pytest

from models import AuditLog, MonthlyReport, ReportRevision
from models.enums import ReportStatus
from tests.support.factories import make_enterprise, make_user
from tests.support.reporting import CURRENT, EARLIER, FULL, LAST, make_report, url


async def test_save_a_draft_and_read_it_back(as_staff, staff, enterprise):
    r = await as_staff.put(url(enterprise.id, LAST), json=FULL)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "draft" and body["version"] == 1
    assert (body["revenue"], body["output_value"], body["output_quantity"]) == \
        ("1234.50", "1300.00", "850.25")
    assert body["employees"] == 48 and body["output_unit"] == "吨"
    assert body["products"] == [{"name": "长粒香大米", "quantity": "600", "unit": "吨"},
                                {"name": "胚芽米", "quantity": "250.25", "unit": "吨"}]
    assert [h["action"] for h in body["history"]] == ["save"]
    got = await as_staff.get(url(enterprise.id, LAST))
    assert got.status_code == 200 and got.json()["revenue"] == "1234.50"
    saved = await MonthlyReport.get(enterprise_id=enterprise.id, period=str(LAST))
    assert str(saved.revenue) == "1234.5000"   # Decimal end to end, never a float
    entry = await AuditLog.get(action="report.save")
    assert entry.actor_id == staff.id and entry.enterprise_id == enterprise.id
    assert entry.before is None and entry.after["revenue"] == "1234.5000"


async def test_a_draft_may_be_incomplete(as_staff, enterprise):
    r = await as_staff.put(url(enterprise.id, LAST), json={"revenue": "88"})
    assert r.status_code == 200
    assert r.json()["output_value"] is None and r.json()["products"] == []


@pytest.mark.parametrize("field, value, message", [
    ("revenue", "-5", "营业收入不能为负数"),
    ("revenue", "12abc", "营业收入应为数字，例如 1234.5"),
    ("revenue", "一千二", "营业收入应为数字，例如 1234.5"),
    ("revenue", "1.23456", "营业收入最多保留4位小数"),
    ("output_value", "1e999", "产值数值过大，请核对单位"),
    ("output_value", "NaN", "产值应为数字"),
    ("revenue", "12000000000000", "营业收入数值过大，请核对单位"),   # 元 typed into 万元
    ("output_quantity", "-1", "产量不能为负数"),
    ("employees", "12.5", "从业人数应为整数"),
    ("employees", "四十", "从业人数应为数字，例如 1234.5"),
    ("output_unit", "斤", "产量单位应为吨（与所属产业的统计口径一致）"),
    ("revenue", ["12"], "营业收入格式有误"),
])
async def test_bad_figures_are_422_naming_the_field(as_staff, enterprise, field, value, message):
    r = await as_staff.put(url(enterprise.id, LAST), json={**FULL, field: value})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"] == {field: message}
    assert not await MonthlyReport.exists(enterprise_id=enterprise.id)


async def test_what_people_type_on_phones_is_understood(as_staff, enterprise):
    r = await as_staff.put(url(enterprise.id, LAST), json={
        **FULL, "revenue": "１，２３４.５", "output_value": "1300万元", "output_quantity": "850吨",
        "employees": "48人"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["revenue"], body["output_value"], body["output_quantity"], body["employees"]) \
        == ("1234.50", "1300.00", "850.00", 48)


async def test_bad_product_lines_name_the_row(as_staff, enterprise):
    r = await as_staff.put(url(enterprise.id, LAST), json={**FULL, "products": [
        {"name": "大米", "quantity": "10", "unit": "吨"},
        {"name": "", "quantity": "", "unit": ""},           # an empty row is skipped
        {"name": "", "quantity": "abc", "unit": "吨"},
        "not an object"]})
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {
        "products.2.name": "请填写产品名称",
        "products.2.quantity": "产品数量应为数字，例如 1234.5",
        "products.3": "产品明细格式有误"}


@pytest.mark.parametrize("period, message", [
    ("2025-13", "月份应在1至12之间，当前为13"),
    ("2025-00", "月份应在1至12之间，当前为0"),
    ("2025-1-1", "月份格式应为 YYYY-MM，例如 2025-03"),
    ("202503", "月份格式应为 YYYY-MM，例如 2025-03"),
])
async def test_impossible_months_are_422(as_staff, enterprise, period, message):
    for method in ("put", "get"):
        r = await getattr(as_staff, method)(url(enterprise.id, period),
                                            **({"json": FULL} if method == "put" else {}))
        assert r.status_code == 422, (method, r.text)
        assert r.json()["error"]["fields"] == {"period": message}


async def test_future_months_cannot_be_filled(as_staff, enterprise):
    r = await as_staff.put(url(enterprise.id, CURRENT.next), json=FULL)
    assert r.status_code == 422
    assert r.json()["error"]["fields"]["period"] == f"{CURRENT.next.label}还没有到，不能填报以后的月份"


async def test_the_running_month_can_be_drafted_but_not_submitted(as_staff, enterprise):
    assert (await as_staff.put(url(enterprise.id, CURRENT), json=FULL)).status_code == 200
    r = await as_staff.post(url(enterprise.id, CURRENT, "/submit"))
    assert r.status_code == 422
    assert f"{CURRENT.label}尚未结束" in r.json()["error"]["fields"]["period"]
    assert (await MonthlyReport.get(period=str(CURRENT))).status == ReportStatus.DRAFT


async def test_another_enterprises_id_in_the_url_is_403(as_staff, enterprise, other_enterprise):
    await make_report(other_enterprise, EARLIER)
    calls = [
        ("put", url(other_enterprise.id, LAST), {"json": FULL}),
        ("get", url(other_enterprise.id, EARLIER), {}),
        ("get", f"/api/v1/enterprises/{other_enterprise.id}/reports", {}),
        ("post", url(other_enterprise.id, EARLIER, "/submit"), {}),
        ("post", url(other_enterprise.id, LAST, "/copy-previous"), {}),
        ("put", url(99999, LAST), {"json": FULL}),     # unknown ids too: nothing to probe
    ]
    for method, path, kw in calls:
        r = await getattr(as_staff, method)(path, **kw)
        assert r.status_code == 403, (method, path, r.text)
        assert r.json()["error"]["code"] == "forbidden"
    assert await MonthlyReport.filter(enterprise_id=other_enterprise.id).count() == 1


async def test_anonymous_is_401(client, enterprise):
    assert (await client.put(url(enterprise.id, LAST), json=FULL)).status_code == 401
    assert (await client.get(f"/api/v1/enterprises/{enterprise.id}/reports")).status_code == 401


async def test_supervision_reads_but_does_not_fill_in(as_supervisor, enterprise):
    await make_report(enterprise, EARLIER)
    assert (await as_supervisor.get(url(enterprise.id, EARLIER))).status_code == 200
    r = await as_supervisor.put(url(enterprise.id, LAST), json=FULL)
    assert r.status_code == 403


async def test_submitting_an_incomplete_report_names_what_is_missing(as_staff, enterprise):
    await as_staff.put(url(enterprise.id, LAST), json={"revenue": "10", "employees": 3})
    r = await as_staff.post(url(enterprise.id, LAST, "/submit"))
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"output_value": "提交前请填写产值",
                                           "output_quantity": "提交前请填写产量"}
    r = await as_staff.post(url(enterprise.id, EARLIER, "/submit"))
    assert r.status_code == 404


async def test_submit_then_a_second_submit_is_409_and_the_report_is_frozen(as_staff, enterprise,
                                                                           staff):
    await as_staff.put(url(enterprise.id, LAST), json=FULL)
    r = await as_staff.post(url(enterprise.id, LAST, "/submit"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "submitted" and body["version"] == 2
    assert body["submitted_at"] == body["first_submitted_at"]
    again = await as_staff.post(url(enterprise.id, LAST, "/submit"))
    assert again.status_code == 409
    assert again.json()["error"]["message"] == \
        f"{LAST.label}的月报已提交，正在等待审核，不能重复提交或修改"
    edit = await as_staff.put(url(enterprise.id, LAST), json={**FULL, "revenue": "1"})
    assert edit.status_code == 409
    saved = await MonthlyReport.get(enterprise_id=enterprise.id, period=str(LAST))
    assert saved.revenue == 1234.5 and saved.submitted_by_id == staff.id


async def test_two_submits_at_once_give_one_success_and_one_409(app, client, staff, enterprise):
    first, second = client.another(), client.another()
    for browser in (first, second):
        r = await browser.post("/api/v1/session", json={"phone": staff.phone,
                                                        "password": "correct-horse-battery-staple"})
        assert r.status_code == 200
    await first.put(url(enterprise.id, LAST), json=FULL)
    results = await asyncio.gather(first.post(url(enterprise.id, LAST, "/submit")),
                                   second.post(url(enterprise.id, LAST, "/submit")))
    assert sorted(r.status_code for r in results) == [200, 409]
    assert await ReportRevision.filter(action="submit").count() == 1
    assert await AuditLog.filter(action="report.submit").count() == 1
    for browser in (first, second):
        await browser.stop()


async def test_a_stale_version_is_409_not_a_lost_update(as_staff, enterprise):
    await as_staff.put(url(enterprise.id, LAST), json=FULL)                      # version 1
    await as_staff.put(url(enterprise.id, LAST), json={**FULL, "revenue": "2000"})  # version 2
    r = await as_staff.put(url(enterprise.id, LAST), json={**FULL, "version": 1})
    assert r.status_code == 409
    assert (await MonthlyReport.get(period=str(LAST))).revenue == 2000


async def test_review_return_resubmit_approve_and_the_whole_history(
        as_staff, as_supervisor, enterprise, supervisor, staff):
    await as_staff.put(url(enterprise.id, LAST), json=FULL)
    # Only a submitted report can be reviewed.
    early = await as_supervisor.post(url(enterprise.id, LAST, "/approve"))
    assert early.status_code == 409
    await as_staff.post(url(enterprise.id, LAST, "/submit"))

    # Staff cannot review; a return needs a comment.
    assert (await as_staff.post(url(enterprise.id, LAST, "/approve"))).status_code == 403
    r = await as_supervisor.post(url(enterprise.id, LAST, "/return"), json={"comment": "  "})
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"comment": "请填写退回原因，告诉企业需要修改什么"}

    r = await as_supervisor.post(url(enterprise.id, LAST, "/return"),
                                 json={"comment": "产值低于营业收入的原因请核实"})
    assert r.status_code == 200
    assert r.json()["status"] == "returned"
    assert r.json()["review_comment"] == "产值低于营业收入的原因请核实"

    # Returned: staff correct and resubmit.
    r = await as_staff.put(url(enterprise.id, LAST), json={**FULL, "output_value": "1400"})
    assert r.status_code == 200 and r.json()["status"] == "returned"
    r = await as_staff.post(url(enterprise.id, LAST, "/submit"))
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert r.json()["first_submitted_at"] != r.json()["submitted_at"]

    r = await as_supervisor.post(url(enterprise.id, LAST, "/approve"), json={"comment": "同意"})
    assert r.status_code == 200 and r.json()["status"] == "approved" and r.json()["locked"]

    # Approved is locked for everyone.
    assert (await as_staff.put(url(enterprise.id, LAST), json=FULL)).status_code == 409
    assert (await as_staff.post(url(enterprise.id, LAST, "/submit"))).status_code == 409
    again = await as_supervisor.post(url(enterprise.id, LAST, "/return"), json={"comment": "x"})
    assert again.status_code == 409

    listing = await as_staff.get(f"/api/v1/enterprises/{enterprise.id}/reports")
    assert listing.status_code == 200
    [item] = listing.json()["items"]
    assert item["status"] == "approved"
    history = item["history"]
    assert [(h["version"], h["action"], h["status"], h["actor"]) for h in history] == [
        (1, "save", "draft", staff.name),
        (2, "submit", "submitted", staff.name),
        (3, "return", "returned", supervisor.name),
        (4, "save", "returned", staff.name),
        (5, "submit", "submitted", staff.name),
        (6, "approve", "approved", supervisor.name),
    ]
    assert history[2]["comment"] == "产值低于营业收入的原因请核实"
    assert history[3]["changes"] == [{"field": "产值", "before": "1300", "after": "1400"}]
    actions = await AuditLog.filter(entity="MonthlyReport").order_by("id") \
        .values_list("action", flat=True)
    assert actions == ["report.save", "report.submit", "report.return", "report.save",
                       "report.submit", "report.approve"]


async def test_big_changes_warn_and_keep_the_explanation_without_blocking(as_staff, enterprise):
    await make_report(enterprise, LAST.previous, revenue="1000", output_value="1000",
                      output_quantity="500")
    await make_report(enterprise, LAST.same_month_last_year, revenue="400",
                      output_value="1000", output_quantity="500")
    body = {**FULL, "revenue": "1600", "output_value": "1400", "output_quantity": "200"}
    r = await as_staff.put(url(enterprise.id, LAST), json=body)
    warnings = {(w["field"], w["basis"]): w for w in r.json()["warnings"]}
    assert set(warnings) == {("revenue", "mom"), ("revenue", "yoy"),
                             ("output_quantity", "mom"), ("output_quantity", "yoy")}
    assert warnings[("revenue", "mom")]["change_percent"] == "60.0"
    assert warnings[("revenue", "mom")]["message"] == \
        f"营业收入环比增长60.0%（{LAST.previous.label}为1000万元）"
    assert warnings[("revenue", "yoy")]["change_percent"] == "300.0"
    assert warnings[("output_quantity", "mom")]["message"] == \
        f"产量环比下降60.0%（{LAST.previous.label}为500吨）"
    # Not blocking: submitted without a word, or with an explanation that is kept.
    r = await as_staff.post(url(enterprise.id, LAST, "/submit"),
                            json={"change_explanation": "新生产线投产，原料集中收购"})
    assert r.status_code == 200
    assert r.json()["change_explanation"] == "新生产线投产，原料集中收购"
    assert len(r.json()["warnings"]) == 4
    saved = await MonthlyReport.get(period=str(LAST))
    assert saved.change_explanation == "新生产线投产，原料集中收购"


async def test_changes_within_the_bound_do_not_warn(as_staff, enterprise):
    await make_report(enterprise, LAST.previous, revenue="1000", output_value="1300",
                      output_quantity="850")
    r = await as_staff.put(url(enterprise.id, LAST), json={**FULL, "revenue": "1500"})
    assert r.json()["warnings"] == []      # +50 % exactly is still within ±50 %


async def test_copy_previous_month(as_staff, enterprise):
    assert (await as_staff.post(url(enterprise.id, LAST, "/copy-previous"))).status_code == 404
    await make_report(enterprise, LAST.shift(-3), revenue="777",
                      products=[{"name": "大米", "quantity": "5", "unit": "吨"}])
    r = await as_staff.post(url(enterprise.id, LAST, "/copy-previous"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "draft" and body["revenue"] == "777.00"
    assert body["products"] == [{"name": "大米", "quantity": "5", "unit": "吨"}]
    assert body["history"][0]["action"] == "copy"
    again = await as_staff.post(url(enterprise.id, LAST, "/copy-previous"))
    assert again.status_code == 409


async def test_deadline_and_late_flags(as_staff, enterprise):
    on_time = await make_report(enterprise, EARLIER)                 # submitted on the 5th
    late_day = EARLIER.shift(-1).deadline(10).replace(day=20)
    await make_report(enterprise, EARLIER.shift(-1), submitted_on=late_day)
    items = {i["period"]: i for i in
             (await as_staff.get(f"/api/v1/enterprises/{enterprise.id}/reports")).json()["items"]}
    assert items[str(EARLIER)]["late"] is False
    assert items[str(EARLIER)]["deadline"] == EARLIER.deadline(10).isoformat()
    assert items[str(EARLIER.shift(-1))]["late"] is True
    assert on_time.period in items

    # Never submitted and past its deadline: overdue; submitting it now is late.
    await as_staff.put(url(enterprise.id, EARLIER.shift(-2)), json=FULL)
    r = await as_staff.get(url(enterprise.id, EARLIER.shift(-2)))
    assert (r.json()["overdue"], r.json()["late"]) == (True, False)
    r = await as_staff.post(url(enterprise.id, EARLIER.shift(-2), "/submit"))
    assert (r.json()["overdue"], r.json()["late"]) == (False, True)


async def test_supervision_queue_lists_submitted_reports_county_wide(
        as_supervisor, as_staff, enterprise, other_enterprise):
    await make_report(other_enterprise, EARLIER, status=ReportStatus.SUBMITTED)
    await as_staff.put(url(enterprise.id, LAST), json=FULL)
    await as_staff.post(url(enterprise.id, LAST, "/submit"))
    r = await as_supervisor.get("/api/v1/reports")
    assert r.status_code == 200
    assert [(i["enterprise_name"], i["period"]) for i in r.json()["items"]] == [
        (other_enterprise.name, str(EARLIER)), (enterprise.name, str(LAST))]
    assert (await as_supervisor.get("/api/v1/reports?status=nonsense")).status_code == 422
    assert (await as_staff.get("/api/v1/reports")).status_code == 403


# --- dairy: raw-milk quality -------------------------------------------------------


@pytest.fixture
async def dairy(app):
    enterprise = await make_enterprise("虎林市测试乳业有限公司", industry="dairy", township="虎头镇")
    user = await make_user(app, "13800000077", role="staff", name="乳业填报员",
                           enterprise=enterprise)
    return enterprise, user


@pytest.fixture
async def as_dairy(client, dairy):
    browser = client.another()
    r = await browser.post("/api/v1/session", json={"phone": dairy[1].phone,
                                                    "password": "correct-horse-battery-staple"})
    assert r.status_code == 200
    yield browser
    await browser.stop()


MILK_OK = {"milk_protein_pct": "3.25", "milk_fat_pct": "3.9", "milk_bacteria_per_ml": 85000,
           "milk_somatic_cells_per_ml": "180000"}


async def test_dairy_must_report_milk_quality_to_submit(as_dairy, dairy):
    enterprise = dairy[0]
    await as_dairy.put(url(enterprise.id, LAST), json={**FULL, "output_unit": "吨"})
    r = await as_dairy.post(url(enterprise.id, LAST, "/submit"))
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {
        "milk_protein_pct": "乳品企业提交前请填写乳蛋白率",
        "milk_fat_pct": "乳品企业提交前请填写乳脂肪率",
        "milk_bacteria_per_ml": "乳品企业提交前请填写菌落总数",
        "milk_somatic_cells_per_ml": "乳品企业提交前请填写体细胞数"}
    r = await as_dairy.put(url(enterprise.id, LAST), json={**FULL, **MILK_OK})
    assert r.json()["milk_shortfalls"] == []
    assert (await as_dairy.post(url(enterprise.id, LAST, "/submit"))).status_code == 200


async def test_milk_below_the_standard_is_flagged_not_refused(as_dairy, dairy):
    enterprise = dairy[0]
    r = await as_dairy.put(url(enterprise.id, LAST), json={
        **FULL, "milk_protein_pct": "3.1", "milk_fat_pct": "3.8",
        "milk_bacteria_per_ml": "120000", "milk_somatic_cells_per_ml": "200000"})
    assert r.status_code == 200
    assert r.json()["milk_shortfalls"] == ["乳蛋白率3.10%低于3.2%",
                                           "菌落总数120,000/mL超过100,000/mL"]
    assert (await as_dairy.post(url(enterprise.id, LAST, "/submit"))).status_code == 200


@pytest.mark.parametrize("field, value, message", [
    ("milk_protein_pct", "32", "乳蛋白率不能大于10"),          # 3.2 typed without the point
    ("milk_fat_pct", "三点八", "乳脂肪率应为数字，例如 1234.5"),
    ("milk_bacteria_per_ml", "八万", "菌落总数应为数字，例如 1234.5"),
    ("milk_bacteria_per_ml", "8.55555万", "菌落总数应为整数"),
    ("milk_somatic_cells_per_ml", "-1", "体细胞数不能为负数"),
])
async def test_bad_milk_figures_are_422(as_dairy, dairy, field, value, message):
    r = await as_dairy.put(url(dairy[0].id, LAST), json={**FULL, **MILK_OK, field: value})
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {field: message}


async def test_cell_counts_may_be_written_in_wan_as_the_plan_does(as_dairy, dairy):
    r = await as_dairy.put(url(dairy[0].id, LAST), json={
        **FULL, **MILK_OK, "milk_bacteria_per_ml": "8.5万", "milk_somatic_cells_per_ml": "18万/mL"})
    assert r.status_code == 200, r.text
    assert (r.json()["milk_bacteria_per_ml"], r.json()["milk_somatic_cells_per_ml"]) == \
        (85000, 180000)


async def test_milk_figures_are_refused_from_other_industries(as_staff, enterprise):
    r = await as_staff.put(url(enterprise.id, LAST), json={**FULL, **MILK_OK})
    assert r.status_code == 422
    assert set(r.json()["error"]["fields"]) == set(MILK_OK)


async def test_restarting_from_zero_warns_without_a_percentage(as_staff, enterprise):
    await make_report(enterprise, LAST.previous, revenue="0", output_value="1300",
                      output_quantity="850")
    r = await as_staff.put(url(enterprise.id, LAST), json={**FULL, "revenue": "500"})
    [warning] = r.json()["warnings"]
    assert warning["change_percent"] is None
    assert warning["message"] == f"营业收入环比由0增至500万元（{LAST.previous.label}为0万元）"
