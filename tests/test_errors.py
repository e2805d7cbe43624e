"""One JSON error envelope for every API failure; Chinese pages for people; never a 500."""

import pytest


async def test_unknown_api_route_is_json_404(client):
    r = await client.get("/api/v1/no-such-thing")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")
    assert r.json() == {"error": {"code": "not_found", "message": "未找到该内容"}}


async def test_wrong_method_is_405_json(client):
    r = await client.put("/api/v1/healthz")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(("body", "ctype", "status"), [
    (b"{not json", "application/json", 400),
    (b"[1, 2]", "application/json", 400),
    (b"", "application/json", 400),
    (b'{"phone": "1"}', "text/plain", 415),
    (b"phone=1", "application/x-www-form-urlencoded", 415),
    (b"\xff\xfe\x00", "application/json", 400),
])
async def test_malformed_bodies(client, body, ctype, status):
    r = await client.post("/api/v1/session", content=body, headers={"content-type": ctype})
    assert r.status_code == status
    assert set(r.json()["error"]) == {"code", "message"}


async def test_body_over_the_cap_is_413(client, app):
    too_big = b"x" * (app.config.REQUEST_MAX_SIZE + 10)
    r = await client.post("/api/v1/session", content=too_big,
                          headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "too_large"


async def test_unknown_page_is_a_chinese_page(client):
    r = await client.get("/no-such-page")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "未找到该内容" in r.text and "返回首页" in r.text


async def test_pages_need_login_and_come_back_after(client):
    r = await client.get("/enterprises?q=米业")
    assert r.status_code == 302
    assert r.headers["location"] == "/login?next=/enterprises%3Fq%3D%25E7%25B1%25B3%25E4%25B8%259A"
