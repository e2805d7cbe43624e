"""A small driver for Debian's headless Chromium over the DevTools protocol.

Enough to use the pages as a phone does: open a URL at 375x812 with a WeChat user agent,
type into fields, press buttons (real form posts, no page JavaScript needed), read text,
and save full-page screenshots. It needs only `websockets`, which Sanic already pins.

    async with PhoneBrowser() as phone:
        await phone.goto("http://127.0.0.1:8000/login")
        await phone.fill("#f-phone", "13904670002")
        await phone.click("button[type=submit]")      # waits for the next page
        await phone.screenshot(path)
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

WECHAT_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50 NetType/WIFI Language/zh_CN"
)
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--remote-debugging-port=0",
]


class BrowserError(RuntimeError):
    pass


class PhoneBrowser:
    def __init__(self, width: int = 375, height: int = 812, scale: float = 2) -> None:
        self.width, self.height, self.scale = width, height, scale
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future] = {}
        self._events: asyncio.Queue = asyncio.Queue()
        self._profile = tempfile.mkdtemp(prefix="hl-chromium-")

    async def __aenter__(self) -> PhoneBrowser:
        binary = shutil.which("chromium")
        if binary is None:
            raise BrowserError("chromium is not installed (make system-deps)")
        self._proc = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={self._profile}",
             f"--window-size={self.width},{self.height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port_file = Path(self._profile) / "DevToolsActivePort"
        for _ in range(200):
            if port_file.exists() and len(port_file.read_text().splitlines()) >= 2:
                break
            await asyncio.sleep(0.05)
        else:
            raise BrowserError("chromium did not start")
        port, path = port_file.read_text().splitlines()[:2]
        self._ws = await connect(f"ws://127.0.0.1:{port}{path}", max_size=64 * 1024 * 1024)
        self._reader = asyncio.create_task(self._read())
        targets = await self._send("Target.getTargets", session=False)
        page = next(t for t in targets["targetInfos"] if t["type"] == "page")
        attached = await self._send("Target.attachToTarget",
                                    {"targetId": page["targetId"], "flatten": True}, session=False)
        self._session = attached["sessionId"]
        await self._send("Page.enable")
        await self._send("Runtime.enable")
        await self._send("Emulation.setDeviceMetricsOverride", {
            "width": self.width, "height": self.height, "deviceScaleFactor": self.scale,
            "mobile": True})
        await self._send("Emulation.setUserAgentOverride", {"userAgent": WECHAT_UA,
                                                             "acceptLanguage": "zh-CN"})
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self._reader.cancel()
        await self._ws.close()
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
        shutil.rmtree(self._profile, ignore_errors=True)

    async def _read(self) -> None:
        async for raw in self._ws:
            message = json.loads(raw)
            if "id" in message and message["id"] in self._pending:
                self._pending.pop(message["id"]).set_result(message)
            elif "method" in message:
                await self._events.put(message)

    async def _send(self, method: str, params: dict | None = None, *, session: bool = True):
        call_id = next(self._ids)
        future = asyncio.get_running_loop().create_future()
        self._pending[call_id] = future
        message = {"id": call_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self._session
        await self._ws.send(json.dumps(message))
        reply = await asyncio.wait_for(future, timeout=30)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    async def _wait_for_load(self, timeout: float = 30) -> None:
        async def wait() -> None:
            while True:
                event = await self._events.get()
                if event["method"] == "Page.loadEventFired":
                    return

        await asyncio.wait_for(wait(), timeout)

    def _drain_events(self) -> None:
        while not self._events.empty():
            self._events.get_nowait()

    async def goto(self, url: str) -> None:
        self._drain_events()
        result = await self._send("Page.navigate", {"url": url})
        if result.get("errorText"):
            raise BrowserError(f"cannot open {url}: {result['errorText']}")
        await self._wait_for_load()

    async def evaluate(self, expression: str) -> Any:
        result = await self._send("Runtime.evaluate",
                                  {"expression": expression, "returnByValue": True,
                                   "awaitPromise": True})
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def fill(self, selector: str, value: str) -> None:
        """Set a field's value as typing would (selects pick the option with that value)."""
        ok = await self.evaluate(
            f"(() => {{ const el = document.querySelector({json.dumps(selector)});"
            f" if (!el) return false; el.value = {json.dumps(value)};"
            " el.dispatchEvent(new Event('input', {bubbles: true}));"
            " el.dispatchEvent(new Event('change', {bubbles: true})); return true; })()"
        )
        if not ok:
            raise BrowserError(f"no field {selector}")

    async def click(self, selector: str, *, navigates: bool = True) -> None:
        self._drain_events()
        ok = await self.evaluate(
            f"(() => {{ const el = document.querySelector({json.dumps(selector)});"
            " if (!el) return false; el.click(); return true; })()"
        )
        if not ok:
            raise BrowserError(f"nothing to click at {selector}")
        if navigates:
            await self._wait_for_load()

    async def text(self, selector: str = "body") -> str:
        return await self.evaluate(
            f"(document.querySelector({json.dumps(selector)}) || {{innerText: ''}}).innerText"
        )

    async def url(self) -> str:
        return await self.evaluate("location.href")

    async def page_width(self) -> int:
        """The document's scroll width: wider than the screen means sideways scrolling."""
        return await self.evaluate("document.documentElement.scrollWidth")

    async def screenshot(self, path: Path, *, full_page: bool = True) -> Path:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            metrics = await self._send("Page.getLayoutMetrics")
            height = max(self.height, int(metrics["cssContentSize"]["height"]))
            params["clip"] = {"x": 0, "y": 0, "width": self.width, "height": height, "scale": 1}
            params["captureBeyondViewport"] = True
        shot = await self._send("Page.captureScreenshot", params)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path
