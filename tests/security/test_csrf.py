"""ASVS V4.2.2 / V3.4: cross-site requests cannot act with someone's session.

Log-in form without a token, or with another browser's: tests/features/accounts/
test_login_pages.py (test_post_without_csrf_token_is_refused,
test_csrf_token_from_another_browser_is_refused). Here: a logged-in form, cookies
planted by a sibling subdomain, and cookie-authenticated API calls from another site."""

from tests.support.factories import DEFAULT_PASSWORD
from tests.support.pages import csrf_from, log_in_page

DOMAIN = "testserver.local"   # what httpx files the ASGI client's cookies under


async def test_a_logged_in_form_needs_this_sessions_token(client, staff):
    await log_in_page(client, staff.phone)
    r = await client.post("/account/logout-all", data={})
    assert r.status_code == 403 and "页面已过期或来源不明" in r.text
    stranger = client.another()
    foreign_token = csrf_from((await stranger.get("/login")).text)
    r = await client.post("/account/logout-all", data={"csrf_token": foreign_token})
    assert r.status_code == 403
    r = await client.post("/account/logout-all", data={"csrf_token": "x" * 43})
    assert r.status_code == 403
    assert (await client.get("/api/v1/session")).status_code == 200   # nothing happened
    r = await client.post("/account/logout-all",
                          data={"csrf_token": csrf_from((await client.get("/account")).text)})
    assert r.status_code == 303


async def test_a_planted_unprefixed_csrf_seed_is_ignored(client, staff):
    # The attacker gets a valid seed and token pair from their own visit...
    attacker = client.another()
    token = csrf_from((await attacker.get("/login")).text)
    seed = attacker.cookies.get("__Host-hl_csrf")
    # ...and plants the seed in the victim's browser from a sibling subdomain, where
    # only an unprefixed or __Secure- cookie can be set.
    for planted in ("hl_csrf", "__Secure-hl_csrf"):
        victim = client.another()
        victim.cookies.set(planted, seed, domain=DOMAIN)
        r = await victim.post("/login", data={"csrf_token": token, "phone": staff.phone,
                                              "password": DEFAULT_PASSWORD})
        assert r.status_code == 403, planted


async def test_a_planted_unprefixed_session_cookie_is_ignored(client, staff):
    attacker = client.another()
    r = await attacker.post("/api/v1/session",
                            json={"phone": staff.phone, "password": DEFAULT_PASSWORD})
    assert r.status_code == 200
    signed = attacker.cookies.get("__Host-hl_session")
    for planted in ("hl_session", "__Secure-hl_session"):
        victim = client.another()
        victim.cookies.set(planted, signed, domain=DOMAIN)
        assert (await victim.get("/api/v1/session")).status_code == 401, planted


async def test_cookie_api_calls_from_another_site_are_refused(as_staff, staff):
    for origin in ("https://evil.example.cn", "null", "https://trace.example.cn.evil.cn"):
        r = await as_staff.post("/api/v1/tokens", json={"name": "x"},
                                headers={"origin": origin})
        assert r.status_code == 403, origin
        assert r.json()["error"] == {"code": "forbidden", "message": "请求来源不明，已拒绝"}
    # this site (as PUBLIC_BASE_URL or as the host asked for), or no Origin at all (not
    # a browser): allowed
    for headers in ({"origin": "https://trace.example.cn"}, {"origin": "https://testserver"},
                    {}):
        r = await as_staff.post("/api/v1/tokens", json={"name": "ok"}, headers=headers)
        assert r.status_code == 201, headers
    # a bearer token is not sent by a browser on its own: the Origin does not matter
    token = r.json()["token"]
    outsider = as_staff.another()
    r = await outsider.get("/api/v1/session", headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 200
    r = await outsider.post("/api/v1/tokens", json={"name": "integration"},
                            headers={"authorization": f"Bearer {token}",
                                     "origin": "https://erp.example.com"})
    assert r.status_code == 201


async def test_no_cross_origin_reads_are_allowed(as_staff):
    r = await as_staff.get("/api/v1/session", headers={"origin": "https://evil.example.cn"})
    assert r.status_code == 200
    assert not [h for h in r.headers if h.startswith("access-control-")]
    r = await as_staff.request("OPTIONS", "/api/v1/session",
                               headers={"origin": "https://evil.example.cn",
                                        "access-control-request-method": "DELETE"})
    assert "access-control-allow-origin" not in r.headers
