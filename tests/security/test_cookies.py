"""ASVS V3.4: cookie attributes follow PUBLIC_BASE_URL, checked on the Set-Cookie headers
the app really sends (the https case through the suite's usual app; the plain-http case
through an app built for http; the real server process is checked in
tests/test_server_process.py)."""

import pytest

from server.app import create_app
from tests.support.client import running
from tests.support.factories import DEFAULT_PASSWORD, make_user
from tests.support.pages import csrf_from


@pytest.fixture
async def http_client(settings_overrides):
    app = create_app({**settings_overrides, "PUBLIC_BASE_URL": "http://192.168.1.20:8000"})
    async with running(app) as runner:
        yield runner


def set_cookies(response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


async def _log_in(browser, phone):
    page = await browser.get("/login")
    r = await browser.post("/login", data={"csrf_token": csrf_from(page.text), "phone": phone,
                                           "password": DEFAULT_PASSWORD})
    assert r.status_code == 303
    return page, r


async def test_over_plain_http_cookies_are_httponly_samesite_and_not_secure(http_client):
    await make_user(http_client.app, "13800000077", role="supervisor")
    page, login = await _log_in(http_client, "13800000077")
    csrf = set_cookies(page)["hl_csrf"]
    session = set_cookies(login)["hl_session"]
    for header in (csrf, session):
        attrs = [a.strip().lower() for a in header.split(";")[1:]]
        assert "httponly" in attrs and "samesite=lax" in attrs and "path=/" in attrs
        assert "secure" not in attrs      # a browser would drop it over http
    assert "__Host-" not in session and "max-age=43200" in session.lower()
    assert "strict-transport-security" not in page.headers
    # and logging out clears it under the same name
    home = await http_client.get("/")
    out = await http_client.post("/logout", data={"csrf_token": csrf_from(home.text)})
    cleared = set_cookies(out)["hl_session"].lower()
    assert "max-age=0" in cleared and "secure" not in cleared


async def test_over_https_cookies_are_secure_and_host_prefixed(client, supervisor):
    page, login = await _log_in(client, supervisor.phone)
    csrf = set_cookies(page)["__Host-hl_csrf"]
    session = set_cookies(login)["__Host-hl_session"]
    for header in (csrf, session):
        attrs = [a.strip().lower() for a in header.split(";")[1:]]
        assert {"httponly", "samesite=lax", "secure", "path=/"} <= set(attrs)
        assert not any(a.startswith("domain=") for a in attrs)   # __Host- forbids Domain
    assert "hl_session" not in {k for k in set_cookies(login) if not k.startswith("__Host-")}
    home = await client.get("/")
    out = await client.post("/logout", data={"csrf_token": csrf_from(home.text)})
    cleared = set_cookies(out)["__Host-hl_session"].lower()
    assert "max-age=0" in cleared and "secure" in cleared
