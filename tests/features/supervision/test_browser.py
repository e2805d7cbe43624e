"""The supervision pages in a real server with workers, seen by headless Chromium.

On the demo county: every page answers under Sanic's own server (the hand-written SQL
finds its Tortoise context there too), fits a phone's width without sideways scrolling,
and lays out for a desktop; the screenshots are kept under the test's temp folder.
"""

import time

import httpx
import pytest

from tests.support.browser import PhoneBrowser
from tests.support.processes import EmptyDatabase, ServerProcess, env_for, run_cli

PASSWORD = "Hulin-demo-2025"
PAGES = ["/", "/compliance", "/plan", "/plan/targets/rice_revenue", "/plan/areas",
         "/supervision/reporting", "/supervision/certificates", "/supervision/milk",
         "/complaints", "/supervision/import"]

# Text that ends beyond the screen's right edge. Rows that scroll sideways on purpose (the
# navigation, year/month chips, wide data tables with their first column fixed) are not
# counted: a reader sees they scroll. Anything else out of sight is simply lost.
CLIPPED_TEXT = """[...document.querySelectorAll('body *')].filter(e => !e.children.length
    && e.innerText && e.innerText.trim() && e.getBoundingClientRect().right > innerWidth + 1
    && !e.closest('.hl-nav, .sv-chips, .sv-table-wrap')).map(e => e.innerText.trim())"""

HINT_IN_SIGHT = """[...document.querySelectorAll('body *')].filter(e => !e.children.length
    && e.innerText.includes('晚于颁证日期')).map(e => e.getBoundingClientRect().right <= innerWidth)"""


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("supervision-server")
    db = EmptyDatabase(tmp_path)
    env = env_for(db.url, tmp_path)
    assert run_cli("migrate", env=env).returncode == 0
    seeded = run_cli("seed-demo", env=env)
    assert seeded.returncode == 0, seeded.stderr
    server = None
    try:
        for attempt in range(3):
            # One worker: what matters here is Sanic's own server (trap 3).
            server = ServerProcess(env, tmp_path / f"server-{attempt}.log", workers=1)
            if _started(server):
                break
            server.stop()
            server = None
        assert server is not None, "the server did not start in three attempts"
        yield server
    finally:
        if server is not None:
            server.stop()
        db.drop()


def _started(server: ServerProcess) -> bool:
    """Ready and answering: the worker's log line first, then health checks in a row.

    Nothing is sent while the worker starts (see server/core/db.py init_db: a request
    cancelled while the connection opened used to wedge the worker).
    """
    deadline = time.monotonic() + 90
    while "Worker ready" not in server.log_path.read_text():
        if server.proc.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    time.sleep(1)
    in_a_row = 0
    deadline = time.monotonic() + 30
    while in_a_row < 5:
        if time.monotonic() > deadline:
            return False
        try:
            ok = httpx.get(f"{server.base}/api/v1/healthz", timeout=5).status_code == 200
        except httpx.HTTPError:
            ok = False
        in_a_row = in_a_row + 1 if ok else 0
        time.sleep(0.1)
    return True


@pytest.mark.server
def test_supervision_api_under_the_real_server(demo_server):
    with httpx.Client(base_url=demo_server.base, timeout=60) as http:
        r = http.post("/api/v1/session", json={"phone": "13904670002", "password": PASSWORD})
        assert r.status_code == 200
        for _ in range(3):
            body = http.get("/api/v1/compliance/traceability", params={"year": "2025"}).json()
            assert body["newly_certified"] >= 8 and body["missing"]
            rows = http.get("/api/v1/plan/progress", params={"year": "2025"}).json()
            assert len(rows) == 25 and all(row["status"] for row in rows)
        sheet = http.get("/api/v1/compliance/traceability.xlsx", params={"year": "2025"})
        assert sheet.status_code == 200 and sheet.content[:2] == b"PK"


@pytest.mark.server
@pytest.mark.browser
@pytest.mark.parametrize(("width", "height"), [(375, 812), (1280, 900)])
async def test_pages_fit_a_phone_and_a_desktop(demo_server, tmp_path, width, height):
    async with PhoneBrowser(width=width, height=height, scale=1) as browser:
        await browser.goto(f"{demo_server.base}/login")
        await browser.fill("#f-phone", "13904670002")
        await browser.fill("#f-password", PASSWORD)
        await browser.click("form.hl-login button[type=submit]")
        for path in PAGES:
            await browser.goto(demo_server.base + path)
            text = await browser.text()
            assert "服务器内部错误" not in text and "无权" not in text, path
            assert await browser.page_width() <= width, f"{path} scrolls sideways at {width}px"
            assert await browser.evaluate(CLIPPED_TEXT) == [], f"{path}: text out of sight"
            if path == "/supervision/import":   # the column hints are the page's point
                assert await browser.evaluate(HINT_IN_SIGHT) == [True]
            name = path.strip("/").replace("/", "_") or "home"
            await browser.screenshot(tmp_path / f"{name}-{width}.png")
        await browser.goto(demo_server.base + "/")
        text = await browser.text()
        assert "新认证绿色食品企业追溯平台进驻率" in text and "各地营业收入排名" in text
        # the gauge links down to the enterprises behind it
        await browser.click("a.sv-gauge-box")
        assert "/compliance" in await browser.url()
        assert "未进驻企业" in await browser.text()
