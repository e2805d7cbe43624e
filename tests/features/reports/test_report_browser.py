"""A phone (headless Chromium, 375x812, WeChat's user agent) against the real server:
log in, fill in last month's report, submit it, and find it in the history."""

import httpx
import pytest

from server.demo.seed import demo_credit_code
from tests.support.browser import PhoneBrowser
from tests.support.processes import EmptyDatabase, ServerProcess, env_for, run_cli
from tests.support.reporting import LAST

pytestmark = [pytest.mark.browser, pytest.mark.server]

STAFF_PHONE, STAFF_PASSWORD = "13804679999", "phone-test-password-1"


@pytest.fixture
def served(tmp_path):
    """A migrated database with one enterprise and its staff account, behind `serve`."""
    db = EmptyDatabase(tmp_path)
    env = env_for(db.url, tmp_path)
    assert run_cli("migrate", env=env).returncode == 0
    created = run_cli("create-user", "--role", "supervisor", "--phone", "13900005555",
                      "--name", "监管员", env={**env, "NEW_USER_PASSWORD": "server-test-password"})
    assert created.returncode == 0, created.stderr
    server = ServerProcess(env, tmp_path / "server.log")
    try:
        server.wait_ready()
        with httpx.Client(base_url=server.base) as http:
            assert http.post("/api/v1/session", json={
                "phone": "13900005555", "password": "server-test-password"}).status_code == 200
            name = "虎林市手机填报米业有限公司"
            enterprise = http.post("/api/v1/enterprises", json={
                "credit_code": demo_credit_code(name), "name": name,
                "township": "虎林镇", "industry": "rice"})
            assert enterprise.status_code == 201, enterprise.text
            staff = http.post(f"/api/v1/enterprises/{enterprise.json()['id']}/users", json={
                "phone": STAFF_PHONE, "name": "手机填报员", "password": STAFF_PASSWORD})
            assert staff.status_code == 201, staff.text
        yield server
    finally:
        server.stop()
        db.drop()


async def test_a_phone_fills_in_and_submits_a_report(served, tmp_path):
    shots = tmp_path / "screenshots"
    async with PhoneBrowser() as phone:
        await phone.goto(f"{served.base}/login")
        await phone.fill("#f-phone", STAFF_PHONE)
        await phone.fill("#f-password", STAFF_PASSWORD)
        await phone.click("form.hl-login button[type=submit]")
        assert await phone.url() == f"{served.base}/"
        home = await phone.text()
        assert f"{LAST.label}月报" in home and "未填报" in home
        await phone.screenshot(shots / "1-home.png")

        await phone.click(f'a.weui-btn[href="/reports/{LAST}"]')       # 去填报
        await phone.fill("#f-revenue", "1234.5")
        await phone.fill("#f-output_value", "1300")
        await phone.fill("#f-output_quantity", "850")
        await phone.fill("#f-employees", "48")
        await phone.fill('input[name="products-0-name"]', "长粒香大米")
        await phone.fill('input[name="products-0-quantity"]', "850")
        await phone.screenshot(shots / "2-form.png")
        assert await phone.page_width() == 375          # nothing sticks out sideways

        await phone.click('button[name="action"][value="submit"]')
        assert await phone.url() == f"{served.base}/reports"
        history = await phone.text()
        assert f"{LAST.label}月报已提交，等待监管部门审核" in history
        row = await phone.text(f'a[href="/reports/{LAST}"].hl-report-row')
        assert f"{LAST.year}年{LAST.month}月" in row and "已提交待审核" in row
        assert "营业收入 1234.50 万元" in row
        assert await phone.page_width() == 375
        saved = await phone.screenshot(shots / "3-history.png")
        assert saved.stat().st_size > 10_000

        await phone.click(f'a[href="/reports/{LAST}"].hl-report-row')
        view = await phone.text()
        assert "已提交，等待监管部门审核" in view and "第2版" in view and "提交审核" in view
        await phone.screenshot(shots / "4-report.png")
