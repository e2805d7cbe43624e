"""Staff report pages and the staff home's to-do, driven like a phone without JavaScript."""

import re
from datetime import timedelta
from decimal import Decimal

from models import Certification, MonthlyReport
from models.enums import CertificateKind, ReportStatus
from tests.support.pages import csrf_from, log_in_page, submit_form
from tests.support.reporting import CURRENT, EARLIER, LAST, TODAY, make_report

FORM = {"revenue": "1234.5", "output_value": "1300", "output_quantity": "850",
        "output_unit": "吨", "employees": "48",
        "products-0-name": "长粒香大米", "products-0-quantity": "600", "products-0-unit": "吨",
        "products-1-name": "", "products-1-quantity": "", "products-1-unit": "",
        "products-2-name": "", "products-2-quantity": "", "products-2-unit": ""}


def countdown_text(period) -> str:
    days = (period.deadline(10) - TODAY).days
    if days > 0:
        return f"距截止还剩<strong>{days}</strong>天"
    if days == 0:
        return "<strong>今天</strong>截止"
    return f"已逾期<strong>{-days}</strong>天"


async def test_staff_home_shows_the_to_do(client, staff, enterprise):
    await make_report(enterprise, LAST.shift(-4))
    await make_report(enterprise, EARLIER, status=ReportStatus.RETURNED,
                      review_comment="请补充产值的计算口径")
    # A renewed green-food certificate and an organic one expiring in 30 days.
    for number, kind, issued, expires in [
        ("LB-OLD-1", CertificateKind.GREEN_FOOD, 2000, -100),
        ("LB-NEW-1", CertificateKind.GREEN_FOOD, 100, 900),
        ("ORG-30-1", CertificateKind.ORGANIC, 330, 30),
    ]:
        await Certification.create(enterprise=enterprise, kind=kind, certificate_no=number,
                                   product_name="长粒香大米",
                                   issued_on=TODAY - timedelta(days=issued),
                                   expires_on=TODAY + timedelta(days=expires))
    await log_in_page(client, staff.phone)
    home = await client.get("/")
    assert home.status_code == 200
    text = home.text
    # This month's report: not started, with its deadline and countdown.
    assert f"本月应报 · 截止 {LAST.deadline(10).isoformat()}" in text
    assert f"{LAST.label}月报" in text and "未填报" in text
    assert countdown_text(LAST) in text
    assert f'href="/reports/{LAST}">去填报' in text
    # Returned, and earlier months never sent (the returned one is not "missing").
    assert "退回修改" in text and "请补充产值的计算口径" in text
    assert f"{LAST.shift(-3).label}月报" in text and f"{LAST.shift(-1).label}月报" in text
    overdue = text.split("逾期未报</div>")[1].split("</div>\n\n")[0]
    assert EARLIER.label not in overdue
    # Certificates: the one expiring is flagged; the expired one was renewed.
    assert "有机农产品" in text and "还有 30 天到期" in text
    assert "LB-OLD-1" not in text and "已于" not in text
    # No registration yet.
    assert "尚未填写" in text and 'href="/registration"' in text
    # 1 due + 1 returned + 2 overdue + 1 certificate + 1 registration
    assert "待办 6 项" in text


async def test_fill_in_save_and_submit_through_the_form(client, staff, enterprise):
    await log_in_page(client, staff.phone)
    page = await client.get(f"/reports/{LAST}")
    assert page.status_code == 200
    assert f"{LAST.label}月报" in page.text and 'name="revenue"' in page.text
    assert 'inputmode="decimal"' in page.text

    r = await submit_form(client, f"/reports/{LAST}", f"/reports/{LAST}",
                          {**FORM, "action": "save"})
    assert r.status_code == 303 and r.headers["location"] == f"/reports/{LAST}"
    page = await client.get(r.headers["location"])
    assert "草稿已保存" in page.text and 'value="1234.5"' in page.text
    assert 'value="长粒香大米"' in page.text and "保存草稿" in page.text
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    assert version == "1"

    r = await client.post(f"/reports/{LAST}", data={
        **FORM, "version": version, "action": "submit", "csrf_token": csrf_from(page.text)})
    assert r.status_code == 303 and r.headers["location"] == "/reports"
    listing = await client.get("/reports")
    assert f"{LAST.label}月报已提交，等待监管部门审核" in listing.text
    assert f'href="/reports/{LAST}"' in listing.text and "已提交待审核" in listing.text
    saved = await MonthlyReport.get(enterprise_id=enterprise.id, period=str(LAST))
    assert saved.status == ReportStatus.SUBMITTED and saved.revenue == Decimal("1234.5")
    assert saved.products == [{"name": "长粒香大米", "quantity": "600", "unit": "吨"}]
    # Read-only now, with the history.
    view = await client.get(f"/reports/{LAST}")
    assert 'name="revenue"' not in view.text and "审核期间不能修改" in view.text
    assert "保存草稿" in view.text and "提交审核" in view.text and "第2版" in view.text


async def test_errors_are_shown_by_their_fields_and_nothing_typed_is_lost(client, staff,
                                                                          enterprise):
    await log_in_page(client, staff.phone)
    bad = {**FORM, "revenue": "-5", "employees": "四十八", "products-2-name": "",
           "products-2-quantity": "abc", "output_value": "1300万元", "action": "save"}
    r = await submit_form(client, f"/reports/{LAST}", f"/reports/{LAST}", bad)
    assert r.status_code == 422
    assert "请修改标红的4处后再提交" in r.text
    assert "营业收入不能为负数" in r.text and "从业人数应为数字" in r.text
    assert "请填写产品名称" in r.text and "产品数量应为数字" in r.text
    for typed in ('value="-5"', 'value="四十八"', 'value="abc"', 'value="1300万元"',
                  'value="长粒香大米"'):
        assert typed in r.text
    assert not await MonthlyReport.exists()


async def test_submitting_an_incomplete_form_keeps_the_draft(client, staff, enterprise):
    await log_in_page(client, staff.phone)
    r = await submit_form(client, f"/reports/{LAST}", f"/reports/{LAST}",
                          {**FORM, "output_quantity": "", "action": "submit"})
    assert r.status_code == 422
    assert "草稿已保存，但还不能提交" in r.text and "提交前请填写产量" in r.text
    assert 'value="1234.5"' in r.text
    saved = await MonthlyReport.get(period=str(LAST))
    assert saved.status == ReportStatus.DRAFT and saved.output_quantity is None
    # The form carries the saved version, so the next save is not refused as stale.
    assert f'name="version" value="{saved.version}"' in r.text


async def test_big_changes_ask_for_an_explanation_once(client, staff, enterprise):
    await make_report(enterprise, LAST.previous, revenue="400", output_value="1300",
                      output_quantity="850")
    await log_in_page(client, staff.phone)
    r = await submit_form(client, f"/reports/{LAST}", f"/reports/{LAST}",
                          {**FORM, "action": "submit"})
    assert r.status_code == 303 and r.headers["location"] == f"/reports/{LAST}?confirm=1"
    assert (await MonthlyReport.get(period=str(LAST))).status == ReportStatus.DRAFT
    page = await client.get(r.headers["location"])
    assert "以下数据与上月或去年同期相比变化较大" in page.text
    assert f"营业收入环比增长208.6%（{LAST.previous.label}为400万元）" in page.text
    assert 'name="change_explanation"' in page.text
    ack = re.search(r'name="warnings_ack" value="(\w+)"', page.text).group(1)
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    # Confirmed without a word: it goes through (a warning never blocks).
    r = await client.post(f"/reports/{LAST}", data={
        **FORM, "version": version, "warnings_ack": ack, "change_explanation": "",
        "action": "submit", "csrf_token": csrf_from(page.text)})
    assert r.status_code == 303 and r.headers["location"] == "/reports"
    assert (await MonthlyReport.get(period=str(LAST))).status == ReportStatus.SUBMITTED


async def test_an_explanation_typed_at_once_is_stored_and_submits(client, staff, enterprise):
    await make_report(enterprise, LAST.previous, revenue="400", output_value="1300",
                      output_quantity="850")
    await log_in_page(client, staff.phone)
    r = await submit_form(client, f"/reports/{LAST}", f"/reports/{LAST}", {
        **FORM, "action": "submit", "change_explanation": "新烘干塔投产，收购量翻倍"})
    assert r.status_code == 303 and r.headers["location"] == "/reports"
    saved = await MonthlyReport.get(period=str(LAST))
    assert saved.status == ReportStatus.SUBMITTED
    assert saved.change_explanation == "新烘干塔投产，收购量翻倍"


async def test_copy_last_month_prefills_without_saving(client, staff, enterprise):
    await make_report(enterprise, LAST.previous, revenue="987.6",
                      products=[{"name": "胚芽米", "quantity": "12", "unit": "吨"}])
    await log_in_page(client, staff.phone)
    page = await client.get(f"/reports/{LAST}")
    assert f'href="/reports/{LAST}?copy=1"' in page.text
    copied = await client.get(f"/reports/{LAST}?copy=1")
    assert f"已填入{LAST.previous.year}年{LAST.previous.month}月的数据" in copied.text
    assert 'value="987.6"' in copied.text and 'value="胚芽米"' in copied.text
    assert not await MonthlyReport.exists(period=str(LAST))


async def test_the_running_month_offers_only_a_draft(client, staff, enterprise):
    await log_in_page(client, staff.phone)
    page = await client.get(f"/reports/{CURRENT}")
    assert 'value="submit"' not in page.text
    assert f"{CURRENT.label}尚未结束，可以先保存草稿" in page.text


async def test_open_another_month_from_the_list(client, staff, enterprise):
    await log_in_page(client, staff.phone)
    r = await client.get("/reports/open", params={"period": str(EARLIER)})
    assert r.status_code == 303 and r.headers["location"] == f"/reports/{EARLIER}"
    r = await client.get("/reports/open", params={"period": "2025-13"})
    assert r.status_code == 422 and "月份应在1至12之间，当前为13" in r.text
    r = await client.get(f"/reports/{CURRENT.next}")
    assert r.status_code == 422 and f"{CURRENT.next.label}还没有到，不能填报以后的月份" in r.text
    r = await submit_form(client, f"/reports/{CURRENT}", f"/reports/{CURRENT.next}",
                          {**FORM, "action": "save"})
    assert r.status_code == 422 and "不能填报以后的月份" in r.text


async def test_a_bad_month_in_the_url_is_a_clear_page(client, staff):
    await log_in_page(client, staff.phone)
    r = await client.get("/reports/2025-13")
    assert r.status_code == 422 and "月份应在1至12之间" in r.text


async def test_forms_without_the_csrf_token_are_refused(client, staff):
    await log_in_page(client, staff.phone)
    r = await client.post(f"/reports/{LAST}", data={**FORM, "action": "save"})
    assert r.status_code == 403
    assert not await MonthlyReport.exists()


async def test_pages_are_for_the_right_people(client, staff, supervisor):
    await log_in_page(client, staff.phone)
    assert (await client.get("/review/reports")).status_code == 403
    other = client.another()
    await log_in_page(other, supervisor.phone)
    r = await other.get("/reports")
    assert r.status_code == 403 and "该页面供企业填报员使用" in r.text
    anonymous = client.another()
    r = await anonymous.get(f"/reports/{LAST}")
    assert r.status_code == 302 and r.headers["location"] == f"/login?next=/reports/{LAST}"
    await other.stop()
    await anonymous.stop()


async def test_navigation_has_the_reporting_entries(client, staff, supervisor):
    await log_in_page(client, staff.phone)
    nav = (await client.get("/reports")).text.split('aria-label="主要功能"')[1].split("</nav>")[0]
    assert [label for _, label in re.findall(r'href="([^"]+)">([^<]+)</a>', nav)] == \
        ["首页", "月报", "证书", "追溯平台注册", "产品追溯", "企业信息", "账号"]
    assert 'hl-nav__item hl-nav__item_on" href="/reports"' in nav
    other = client.another()
    await log_in_page(other, supervisor.phone)
    nav = (await other.get("/review/registrations")).text.split('aria-label="主要功能"')[1]
    assert 'hl-nav__item_on" href="/review">审核' in nav
    await other.stop()


async def test_nothing_to_do_says_so(client, staff, enterprise):
    await make_report(enterprise, LAST)
    from models import TraceabilityRegistration
    from models.enums import Platform

    await TraceabilityRegistration.create(enterprise=enterprise, platform=Platform.NATIONAL,
                                          registration_no="GJ0001", registered_on=TODAY)
    await log_in_page(client, staff.phone)
    home = await client.get("/")
    assert "暂无待办，谢谢配合" in home.text and "已审核通过" not in home.text
    assert f'href="/reports/{LAST}">查看' in home.text and "已通过" in home.text


async def test_dairy_form_asks_for_raw_milk_quality(app, client, enterprise):
    from tests.support.factories import make_enterprise, make_user

    dairy = await make_enterprise("虎林市页面乳业有限公司", industry="dairy", township="虎头镇")
    user = await make_user(app, "13800000078", role="staff", enterprise=dairy)
    await log_in_page(client, user.phone)
    page = await client.get(f"/reports/{LAST}")
    assert "生鲜乳质量（本月检测结果）" in page.text and 'placeholder="标准 ≥3.2"' in page.text
    r = await submit_form(client, f"/reports/{LAST}", f"/reports/{LAST}", {
        **FORM, "milk_protein_pct": "3.1", "milk_fat_pct": "3.9",
        "milk_bacteria_per_ml": "90000", "milk_somatic_cells_per_ml": "150000",
        "action": "save"})
    assert r.status_code == 303
    page = await client.get(f"/reports/{LAST}")
    assert "已保存的检测结果未达到规划标准" in page.text and "乳蛋白率3.10%低于3.2%" in page.text
    r = await submit_form(client, f"/reports/{LAST}", f"/reports/{LAST}", {
        **FORM, "milk_protein_pct": "32", "milk_fat_pct": "3.9",
        "milk_bacteria_per_ml": "九万", "milk_somatic_cells_per_ml": "150000", "action": "save"})
    assert r.status_code == 422
    assert "乳蛋白率不能大于10" in r.text and "菌落总数应为数字" in r.text
    assert 'value="九万"' in r.text
