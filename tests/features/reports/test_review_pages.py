"""Supervision's report review: the queue, one report with its warnings and history,
approving and returning with a comment."""

import re

from models import MonthlyReport, ReportRevision
from models.enums import ReportStatus
from tests.support.pages import csrf_from, log_in_page, submit_form
from tests.support.reporting import EARLIER, FULL, LAST, make_report, url


async def submitted_by_staff(client, staff, enterprise, **changes):
    """The staff fill in and submit LAST through the API, as a phone would."""
    staff_browser = client.another()
    await staff_browser.post("/api/v1/session", json={
        "phone": staff.phone, "password": "correct-horse-battery-staple"})
    await staff_browser.put(url(enterprise.id, LAST), json={**FULL, **changes})
    r = await staff_browser.post(url(enterprise.id, LAST, "/submit"),
                                 json={"change_explanation": "收购了邻县的稻谷"})
    assert r.status_code == 200, r.text
    await staff_browser.stop()


async def test_the_queue_and_a_report_with_its_warnings(client, supervisor, staff, enterprise,
                                                        other_enterprise):
    await make_report(enterprise, LAST.previous, revenue="500")
    await make_report(other_enterprise, EARLIER, status=ReportStatus.APPROVED)
    await submitted_by_staff(client, staff, enterprise)
    await log_in_page(client, supervisor.phone)
    queue = await client.get("/review/reports")
    assert queue.status_code == 200
    assert enterprise.name in queue.text and other_enterprise.name not in queue.text
    assert f'href="/review/reports/{enterprise.id}/{LAST}"' in queue.text
    assert "变化较大 2 项" in queue.text      # revenue and output
    assert re.search(r'月报审核<span class="weui-badge">1</span>', queue.text)
    approved = await client.get("/review/reports", params={"status": "approved"})
    assert other_enterprise.name in approved.text and "已通过" in approved.text

    page = await client.get(f"/review/reports/{enterprise.id}/{LAST}")
    assert page.status_code == 200
    assert "1,234.5 万元" in page.text and "长粒香大米 600 吨" in page.text
    assert f"营业收入环比增长146.9%（{LAST.previous.label}为500万元）" in page.text
    assert "企业说明：收购了邻县的稻谷" in page.text
    assert "提交审核" in page.text and "第2版" in page.text     # the history
    assert 'formaction="/review/reports/' in page.text


async def test_return_needs_a_comment_then_goes_back_to_the_enterprise(client, supervisor,
                                                                       staff, enterprise):
    await submitted_by_staff(client, staff, enterprise)
    await log_in_page(client, supervisor.phone)
    review = f"/review/reports/{enterprise.id}/{LAST}"
    r = await submit_form(client, review, f"{review}/return", {"comment": "", "version": "2"})
    assert r.status_code == 422 and "请填写退回原因，告诉企业需要修改什么" in r.text
    assert (await MonthlyReport.get(period=str(LAST))).status == ReportStatus.SUBMITTED

    r = await submit_form(client, review, f"{review}/return",
                          {"comment": "员工人数与社保缴纳人数不一致", "version": "2"})
    assert r.status_code == 303 and r.headers["location"] == "/review/reports"
    queue = await client.get("/review/reports")
    assert f"{enterprise.name} {LAST.label}月报已退回企业修改" in queue.text
    saved = await MonthlyReport.get(period=str(LAST))
    assert saved.status == ReportStatus.RETURNED
    assert saved.review_comment == "员工人数与社保缴纳人数不一致"

    staff_browser = client.another()
    await log_in_page(staff_browser, staff.phone)
    home = await staff_browser.get("/")
    assert "员工人数与社保缴纳人数不一致" in home.text and "继续填写并提交" in home.text
    await staff_browser.stop()


async def test_approve_locks_the_report(client, supervisor, staff, enterprise):
    await submitted_by_staff(client, staff, enterprise)
    await log_in_page(client, supervisor.phone)
    review = f"/review/reports/{enterprise.id}/{LAST}"
    r = await submit_form(client, review, f"{review}/approve", {"comment": "", "version": "2"})
    assert r.status_code == 303
    assert (await MonthlyReport.get(period=str(LAST))).status == ReportStatus.APPROVED
    page = await client.get(review)
    assert "审核通过" in page.text and 'formaction=' not in page.text
    # Approving it again (an old tab) is a clear conflict, not a second approval.
    r = await client.post(f"{review}/approve", data={"comment": "", "version": "2",
                                                     "csrf_token": csrf_from(page.text)})
    assert r.status_code == 409
    assert "只有已提交待审核的月报可以审核" in r.text
    assert await ReportRevision.filter(action="approve").count() == 1


async def test_a_report_changed_since_the_page_was_opened_is_not_approved(client, supervisor,
                                                                          staff, enterprise):
    await submitted_by_staff(client, staff, enterprise)
    await log_in_page(client, supervisor.phone)
    review = f"/review/reports/{enterprise.id}/{LAST}"
    r = await submit_form(client, review, f"{review}/approve", {"comment": "", "version": "1"})
    assert r.status_code == 409 and "企业刚刚修改了这份月报，请刷新后重新审核" in r.text
    assert (await MonthlyReport.get(period=str(LAST))).status == ReportStatus.SUBMITTED


async def test_review_redirect_and_unknown_report(client, supervisor, enterprise):
    await log_in_page(client, supervisor.phone)
    r = await client.get("/review")
    assert r.status_code == 303 and r.headers["location"] == "/review/reports"
    r = await client.get(f"/review/reports/{enterprise.id}/{LAST}")
    assert r.status_code == 404 and f"{LAST.label}的月报尚未填报" in r.text
