"""POST/GET/DELETE /api/v1/session: log-in, cookies, throttling, log-out."""

import pytest

from models import ThrottleHit, UserSession
from tests.support.factories import DEFAULT_PASSWORD


async def test_login_answers_user_and_sets_a_signed_httponly_cookie(client, staff):
    response = await client.post("/api/v1/session",
                                 json={"phone": staff.phone, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert response.json()["user"] == {
        "id": staff.id, "phone": staff.phone, "name": staff.name, "role": "staff",
        "role_label": "企业填报员", "enterprise_id": staff.enterprise_id, "is_active": True,
    }
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-hl_session=")
    for flag in ("HttpOnly", "SameSite=Lax", "Secure", "Path=/"):
        assert flag in cookie
    token, signature = cookie.split(";")[0].split("=", 1)[1].split(".")
    assert len(token) >= 40 and len(signature) >= 40
    # Only a hash of the token is stored.
    assert not await UserSession.exists(token_hash=token)
    assert await UserSession.filter(user_id=staff.id).count() == 1


@pytest.mark.parametrize("body", [
    {"phone": "13800000001", "password": "wrong-password-123"},
    {"phone": "13999999999", "password": DEFAULT_PASSWORD},   # no such account
    {"phone": "not-a-phone", "password": DEFAULT_PASSWORD},
])
async def test_wrong_credentials_are_401_with_one_message(client, staff, body):
    response = await client.post("/api/v1/session", json=body)
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "unauthorized", "message": "手机号或密码错误"}}
    assert "set-cookie" not in response.headers


async def test_missing_fields_are_422_per_field(client):
    response = await client.post("/api/v1/session", json={"phone": ""})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"phone": "请填写手机号", "password": "请填写密码"}


async def test_repeated_failures_for_a_phone_get_429_even_with_the_right_password(client, staff):
    for _ in range(5):
        r = await client.post("/api/v1/session", json={"phone": staff.phone, "password": "nope-nope-nope"})
        assert r.status_code == 401
    r = await client.post("/api/v1/session", json={"phone": staff.phone, "password": DEFAULT_PASSWORD})
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "too_many_attempts"
    assert int(r.headers["retry-after"]) > 0


async def test_repeated_failures_from_one_address_get_429_for_any_phone(client, staff):
    # 4 x the per-phone limit from one address, spread over many phones
    for i in range(20):
        r = await client.post("/api/v1/session",
                              json={"phone": f"1370000{i:04d}", "password": "x" * 12})
        assert r.status_code == 401
    r = await client.post("/api/v1/session", json={"phone": staff.phone, "password": DEFAULT_PASSWORD})
    assert r.status_code == 429
    # another address is not affected
    elsewhere = client.another(client_ip="10.1.2.3")
    r = await elsewhere.post("/api/v1/session",
                             json={"phone": staff.phone, "password": DEFAULT_PASSWORD})
    assert r.status_code == 200


async def test_success_clears_the_phone_counter(client, staff):
    for _ in range(3):
        await client.post("/api/v1/session", json={"phone": staff.phone, "password": "bad-bad-bad-1"})
    r = await client.post("/api/v1/session", json={"phone": staff.phone, "password": DEFAULT_PASSWORD})
    assert r.status_code == 200
    assert await ThrottleHit.filter(key=f"login:phone:{staff.phone}").count() == 0


async def test_inactive_account_cannot_log_in(client, staff):
    staff.is_active = False
    await staff.save()
    r = await client.post("/api/v1/session", json={"phone": staff.phone, "password": DEFAULT_PASSWORD})
    assert r.status_code == 401


async def test_logout_ends_the_session_server_side(client, staff):
    r = await client.post("/api/v1/session", json={"phone": staff.phone, "password": DEFAULT_PASSWORD})
    stolen_cookie = client.cookies.get("__Host-hl_session")
    assert (await client.get("/api/v1/session")).status_code == 200
    r = await client.delete("/api/v1/session")
    assert r.status_code == 200
    assert (await client.get("/api/v1/session")).status_code == 401
    # replaying the old cookie does not work either: the session is gone
    replay = client.another()
    replay.cookies.set("__Host-hl_session", stolen_cookie, domain="testserver.local")
    assert (await replay.get("/api/v1/session")).status_code == 401


async def test_forged_cookie_is_anonymous(client, staff):
    client.cookies.set("__Host-hl_session", "abc.def", domain="testserver.local")
    r = await client.get("/api/v1/session")
    assert r.status_code == 401


async def test_session_expires_after_idle_timeout(client, staff):
    r = await client.post("/api/v1/session", json={"phone": staff.phone, "password": DEFAULT_PASSWORD})
    assert r.status_code == 200
    from datetime import timedelta

    from server.core import clock

    await UserSession.filter(user_id=staff.id).update(
        last_seen_at=clock.now() - timedelta(minutes=121))
    assert (await client.get("/api/v1/session")).status_code == 401
    assert not await UserSession.exists(user_id=staff.id)


async def test_password_change_logs_out_other_sessions(client, staff):
    phone_a = client.another()
    phone_b = client.another()
    for browser in (phone_a, phone_b):
        r = await browser.post("/api/v1/session",
                               json={"phone": staff.phone, "password": DEFAULT_PASSWORD})
        assert r.status_code == 200
    r = await phone_a.post("/api/v1/session/password",
                           json={"current_password": DEFAULT_PASSWORD,
                                 "new_password": "a-brand-new-password"})
    assert r.status_code == 200
    assert (await phone_a.get("/api/v1/session")).status_code == 200
    assert (await phone_b.get("/api/v1/session")).status_code == 401
    r = await phone_b.post("/api/v1/session",
                           json={"phone": staff.phone, "password": "a-brand-new-password"})
    assert r.status_code == 200


async def test_password_change_checks_rules(as_staff):
    r = await as_staff.post("/api/v1/session/password",
                            json={"current_password": "wrong-current-1", "new_password": "x"})
    assert r.status_code == 422
    assert "current_password" in r.json()["error"]["fields"]
    r = await as_staff.post("/api/v1/session/password",
                            json={"current_password": DEFAULT_PASSWORD, "new_password": "short"})
    assert r.json()["error"]["fields"] == {"new_password": "密码至少12位"}
