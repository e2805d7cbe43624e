"""ASVS V14.4: the same security headers on every kind of response, and templates that
the CSP can stay strict for (no inline script, no inline event handler)."""

import re
from pathlib import Path

from qr.codes import new_code
from server.core.config import PROJECT_ROOT
from tests.support.factories import DEFAULT_PASSWORD

TEMPLATES = PROJECT_ROOT / "web" / "templates"


def assert_security_headers(r, what: str) -> None:
    csp = dict(
        (part.split(" ", 1) + [""])[:2] for part in
        (p.strip() for p in r.headers["content-security-policy"].split(";"))
    )
    assert csp["script-src"] == "'self'", what
    assert "unsafe-inline" not in r.headers["content-security-policy"], what
    assert "unsafe-eval" not in r.headers["content-security-policy"], what
    assert csp["frame-ancestors"] == "'none'", what
    assert csp["object-src"] == "'none'" and csp["base-uri"] == "'none'", what
    assert r.headers["x-content-type-options"] == "nosniff", what
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin", what
    assert r.headers["x-frame-options"] == "DENY", what
    assert r.headers["strict-transport-security"].startswith("max-age=31536000"), what
    assert "server" not in r.headers, what      # nothing names the software or its version
    assert "x-powered-by" not in r.headers, what


async def test_every_kind_of_response_carries_the_headers(client, app, issued):
    code = issued[0]
    forged = new_code("another-secret-" + "x" * 32)
    responses = {
        "page": await client.get("/login"),
        "api": await client.get("/api/v1/healthz"),
        "api 401": await client.get("/api/v1/session"),
        "api 404": await client.get("/api/v1/nothing-here"),
        "api 405": await client.put("/api/v1/healthz"),
        "api 422": await client.post("/api/v1/session", json={}),
        "page 404": await client.get("/nothing-here"),
        "page 403 (csrf)": await client.post("/login", data={"phone": "1"}),
        "login redirect": await client.get("/enterprises"),
        "static": await client.get(app.ctx.static.url("app.css")),
        "trace page": await client.get(f"/t/{code}"),
        "trace page 404": await client.get(f"/t/{forged}"),
        "trace json": await client.get(f"/api/v1/trace/{code}"),
    }
    assert responses["trace page"].status_code == 200
    assert responses["trace page 404"].status_code == 404
    assert responses["static"].status_code == 200
    for what, r in responses.items():
        assert_security_headers(r, what)


async def test_pages_and_api_answers_are_not_cached(client, staff, enterprise):
    r = await client.post("/api/v1/session",
                          json={"phone": staff.phone, "password": DEFAULT_PASSWORD})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    home = await client.get("/")
    assert home.status_code == 200
    assert home.headers["cache-control"] == "no-store"
    for url in [f"/api/v1/enterprises/{enterprise.id}", "/api/v1/session",
                f"/api/v1/enterprises/{enterprise.id}/reports", "/api/v1/nothing"]:
        assert (await client.get(url)).headers["cache-control"] == "no-store", url


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
_ANY_SCRIPT = re.compile(r"<script\b", re.IGNORECASE)
_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
_JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.IGNORECASE)
_STYLE_ATTR = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE | re.DOTALL)


def _templates() -> list[Path]:
    files = sorted(TEMPLATES.rglob("*.html"))
    assert len(files) > 30   # the scan really looked at the templates
    return files


def test_no_template_has_inline_script_handlers_or_styles():
    problems = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for name, pattern in [("inline <script>", _INLINE_SCRIPT), ("<script>", _ANY_SCRIPT),
                              ("on*= handler", _HANDLER), ("javascript: URL", _JS_URL),
                              ("style= attribute", _STYLE_ATTR)]:
            if pattern.search(text):
                problems.append(f"{path.relative_to(TEMPLATES)}: {name}")
    assert problems == []


def test_the_scan_would_catch_them():
    assert _INLINE_SCRIPT.search('<script>alert(1)</script>')
    assert _HANDLER.search('<img src="x.png"\n onerror="alert(1)">')
    assert _HANDLER.search("<body onload=go()>")
    assert not _HANDLER.search('<form action="/x" method="post">')
    assert _JS_URL.search('<a href="javascript:alert(1)">')
    assert _STYLE_ATTR.search('<div style="color:red">')
