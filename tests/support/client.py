"""An HTTP client that drives the app through ASGI exactly as a server would.

Unlike sanic-testing's client (which re-runs the start-up listeners on every request,
STACK-NOTES trap 2), this one speaks the ASGI lifespan protocol once: `start()` sends
lifespan.startup (the app opens its database in its own listener, as in production) and
`stop()` sends lifespan.shutdown. Requests then go through Sanic's routing, middleware,
error handlers and cookies like any real request.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx
from sanic import Sanic

from tests.support import databases

# https, like production behind TLS: the session cookie is Secure and __Host- there.
BASE_URL = "https://testserver"


class AppClient:
    def __init__(self, app: Sanic, *, client_ip: str = "127.0.0.1") -> None:
        self.app = app
        self._client_ip = client_ip
        self.http = self._new_http(client_ip)
        self._lifespan: asyncio.Task | None = None
        self._to_app: asyncio.Queue = asyncio.Queue()
        self._from_app: asyncio.Queue = asyncio.Queue()

    def _new_http(self, client_ip: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app, client=(client_ip, 51000))
        return httpx.AsyncClient(transport=transport, base_url=BASE_URL, follow_redirects=False)

    async def start(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}}
        self._lifespan = asyncio.create_task(
            self.app(scope, self._to_app.get, self._from_app.put)
        )
        await self._to_app.put({"type": "lifespan.startup"})
        message = await self._from_app.get()
        if message["type"] != "lifespan.startup.complete":
            raise RuntimeError(f"app failed to start: {message}")

    async def stop(self) -> None:
        await self.http.aclose()
        if self._lifespan is None:
            return
        await self._to_app.put({"type": "lifespan.shutdown"})
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._from_app.get(), timeout=10)
        self._lifespan.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._lifespan

    def another(self, *, client_ip: str | None = None) -> AppClient:
        """A second browser (own cookies) on the same running app."""
        other = AppClient(self.app, client_ip=client_ip or self._client_ip)
        return other

    # The usual verbs, returning httpx responses.
    async def get(self, url: str, **kw: Any) -> httpx.Response:
        return await self.http.get(url, **kw)

    async def post(self, url: str, **kw: Any) -> httpx.Response:
        return await self.http.post(url, **kw)

    async def put(self, url: str, **kw: Any) -> httpx.Response:
        return await self.http.put(url, **kw)

    async def patch(self, url: str, **kw: Any) -> httpx.Response:
        return await self.http.patch(url, **kw)

    async def delete(self, url: str, **kw: Any) -> httpx.Response:
        return await self.http.delete(url, **kw)

    async def request(self, method: str, url: str, **kw: Any) -> httpx.Response:
        return await self.http.request(method, url, **kw)

    @property
    def cookies(self) -> httpx.Cookies:
        return self.http.cookies


@contextlib.asynccontextmanager
async def running(app: Sanic):
    """The app started (lifespan) on an empty database, and its client, stopped after."""
    runner = AppClient(app)
    await runner.start()
    if databases.ENGINE == "postgres":   # one database per run: start each test empty
        await databases.truncate_all()
    try:
        yield runner
    finally:
        await runner.stop()
