"""Health check, security headers, versioned static files."""

import gzip

from server.app import create_app
from tests.support.client import AppClient


async def test_healthz_is_503_when_the_database_is_unreachable(settings_overrides):
    # Tortoise connects lazily, so the app starts and the health check finds it down.
    app = create_app({**settings_overrides,
                      "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere"})
    runner = AppClient(app)
    await runner.start()
    try:
        r = await runner.get("/api/v1/healthz")
        assert r.status_code == 503
        assert r.json() == {"status": "degraded", "database": "unavailable"}
    finally:
        await runner.stop()


async def test_security_headers_on_pages_and_api(client):
    for url in ["/login", "/api/v1/healthz", "/no-such-page"]:
        r = await client.get(url)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert r.headers["strict-transport-security"].startswith("max-age=")


async def test_static_files_have_content_hashed_urls(client, app):
    page = await client.get("/login")
    url = app.ctx.static.url("app.css")
    assert url in page.text and url.startswith("/static/") and url.endswith("/app.css")
    r = await client.get(url, headers={"accept-encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/css")
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert ".hl-header" in r.text  # httpx decoded the gzip body
    raw = await client.get(url, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in raw.headers and ".hl-header" in raw.text
    assert len(gzip.compress(raw.content)) < len(raw.content)


async def test_old_digest_still_works_but_is_not_cached(client):
    r = await client.get("/static/000000000000/app.css")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-cache"


async def test_static_refuses_paths_outside_the_manifest(client):
    for url in ["/static/x/../../settings.toml", "/static/x/%2e%2e/%2e%2e/settings.toml",
                "/static/x/nope.css"]:
        r = await client.get(url)
        assert r.status_code == 404, url


async def test_county_reference_data(client):
    r = await client.get("/api/v1/county")
    body = r.json()
    assert body["name"] == "虎林市" and len(body["industries"]) == 13
    assert {"code": "green_food", "label": "绿色食品"} in body["certificate_kinds"]
