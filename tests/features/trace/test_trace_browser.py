"""The public page in headless Chromium at a phone's width, on the real server."""

from pathlib import Path

import pytest
from PIL import Image

from tests.support.browser import PhoneBrowser
from tests.support.processes import EmptyDatabase, ServerProcess, env_for, run_cli
from tests.support.trace_data import SUPERVISOR, create_supervisor_args, make_codes

pytestmark = [pytest.mark.browser, pytest.mark.server]
SHOTS = Path(__file__).resolve().parents[3] / "bench-results" / "screenshots"


@pytest.fixture
def served(tmp_path):
    db = EmptyDatabase(tmp_path)
    env = env_for(db.url, tmp_path, SCAN_WARN_THRESHOLD="2")
    assert run_cli("migrate", env=env).returncode == 0
    assert run_cli(*create_supervisor_args(),
                   env={**env, "NEW_USER_PASSWORD": SUPERVISOR[1]}).returncode == 0
    server = ServerProcess(env, tmp_path / "server.log", workers=1)
    try:
        server.wait_ready(timeout=120)
        yield server
    finally:
        server.stop()
        db.drop()


def _green_share(path: Path) -> float:
    image = Image.open(path).convert("RGB")
    top = image.crop((0, 0, image.width, 200))
    pixels = [top.getpixel((x, y)) for x in range(0, top.width, 5) for y in range(0, 200, 5)]
    return sum(1 for r, g, b in pixels if g > 150 and r < 60) / len(pixels)


async def test_the_trace_page_on_a_phone(served, tmp_path):
    codes = make_codes(served.base, 2, events=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with PhoneBrowser() as phone:
        await phone.goto(f"{served.base}/t/{codes[0]}")
        assert await phone.page_width() == 375          # nothing scrolls sideways
        text = await phone.text()
        for expected in ["虎林椴树蜜", "虎林市珍宝岛蜂业有限责任公司", "20250601-01",
                         "出厂检验合格", "发往哈尔滨经销商", "查询次数", "投诉举报"]:
            assert expected in text
        assert "谨防假冒" not in text
        shot = await phone.screenshot(SHOTS / "trace-page.png")
        assert Image.open(shot).width == 750 and _green_share(shot) > 0.5

        for _ in range(2):                               # past SCAN_WARN_THRESHOLD=2
            await phone.goto(f"{served.base}/t/{codes[0]}")
        assert "此码已被查询3次" in await phone.text()
        await phone.screenshot(SHOTS / "trace-page-warning.png")

        await phone.fill("#f-text", "标签看起来是复印的，请核实")
        await phone.click("form.tp-form button[type=submit]")
        assert "已收到您的反馈" in await phone.text()

        await phone.goto(f"{served.base}/t/ABCDEFGH234567")
        assert "未查到该追溯码" in await phone.text() and await phone.page_width() == 375
        await phone.screenshot(SHOTS / "trace-not-found.png")
