"""ASVS V3.3 and V2.1: sessions end after idle time and at their absolute age (time moved
on through server/core/clock.py, which every expiry rule reads); disabling an account
ends its sessions and its API tokens; password rules speak Chinese."""

import pytest

from models import UserSession
from tests.support.factories import DEFAULT_PASSWORD


async def _log_in(browser, phone, password=DEFAULT_PASSWORD):
    r = await browser.post("/api/v1/session", json={"phone": phone, "password": password})
    assert r.status_code == 200, r.text
    return r


async def test_idle_session_ends_after_the_idle_limit(client, staff, time_travel):
    await _log_in(client, staff.phone)
    time_travel(minutes=119)
    assert (await client.get("/api/v1/session")).status_code == 200   # use keeps it alive
    time_travel(minutes=119 + 119)
    assert (await client.get("/api/v1/session")).status_code == 200
    time_travel(minutes=119 + 119 + 120)                                # 120 idle minutes
    assert (await client.get("/api/v1/session")).status_code == 401
    assert not await UserSession.exists(user_id=staff.id)               # gone server-side
    assert (await client.get("/")).headers["location"] == "/login"


async def test_a_busy_session_still_ends_at_its_absolute_age(client, staff, time_travel):
    await _log_in(client, staff.phone)
    for minutes in range(100, 720, 100):          # never idle for long, up to 11 h 40
        time_travel(minutes=minutes)
        assert (await client.get("/api/v1/session")).status_code == 200, minutes
    time_travel(hours=12)                          # SESSION_MAX_AGE_HOURS
    assert (await client.get("/api/v1/session")).status_code == 401
    await _log_in(client, staff.phone)             # a new log-in starts a new 12 hours
    assert (await client.get("/api/v1/session")).status_code == 200


async def test_the_cookie_max_age_matches_the_server_side_limit(client, staff):
    r = await _log_in(client, staff.phone)
    assert "max-age=43200" in r.headers["set-cookie"].lower()


async def test_disabling_an_account_ends_its_sessions_and_tokens(client, as_supervisor, staff):
    phone_a, phone_b = client.another(), client.another()
    await _log_in(phone_a, staff.phone)
    await _log_in(phone_b, staff.phone)
    token = (await phone_a.post("/api/v1/tokens", json={"name": "ERP"})).json()["token"]
    bearer = {"authorization": f"Bearer {token}"}
    assert (await client.get("/api/v1/session", headers=bearer)).status_code == 200

    r = await as_supervisor.patch(f"/api/v1/users/{staff.id}", json={"is_active": False})
    assert r.status_code == 200 and r.json()["is_active"] is False
    for browser in (phone_a, phone_b):
        assert (await browser.get("/api/v1/session")).status_code == 401
    assert not await UserSession.exists(user_id=staff.id)
    assert (await client.get("/api/v1/session", headers=bearer)).status_code == 401
    r = await phone_a.post("/api/v1/session",
                           json={"phone": staff.phone, "password": DEFAULT_PASSWORD})
    assert r.status_code == 401 and r.json()["error"]["message"] == "手机号或密码错误"

    r = await as_supervisor.patch(f"/api/v1/users/{staff.id}", json={"is_active": True})
    assert r.status_code == 200
    assert (await phone_b.get("/api/v1/session")).status_code == 401   # ended stays ended
    await _log_in(phone_b, staff.phone)


async def test_who_may_manage_accounts(client, as_supervisor, as_admin, as_staff, staff,
                                       supervisor, admin, other_staff):
    # staff manage nobody, not even a colleague elsewhere
    r = await as_staff.patch(f"/api/v1/users/{other_staff.id}", json={"is_active": False})
    assert r.status_code == 403
    # a supervisor manages staff but not supervision accounts
    r = await as_supervisor.patch(f"/api/v1/users/{admin.id}", json={"is_active": False})
    assert r.status_code == 403
    r = await as_supervisor.patch(f"/api/v1/users/{staff.id}", json={"role": "admin"})
    assert r.status_code == 422 and "填报员账号不能改变身份" in r.json()["error"]["fields"]["role"]
    # an admin switches a supervisor to admin and back, never themself
    r = await as_admin.patch(f"/api/v1/users/{supervisor.id}", json={"role": "admin"})
    assert r.status_code == 200 and r.json()["role"] == "admin"
    r = await as_admin.patch(f"/api/v1/users/{supervisor.id}", json={"role": "staff"})
    assert r.status_code == 422
    r = await as_admin.patch(f"/api/v1/users/{admin.id}", json={"is_active": False})
    assert r.status_code == 403
    assert r.json()["error"]["message"] == "不能停用自己的账号、改变自己的身份或在这里重设自己的密码"
    r = await as_admin.patch(f"/api/v1/users/{staff.id}", json={"is_active": "maybe"})
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"is_active": "应为是或否"}
    assert (await as_admin.patch("/api/v1/users/99999", json={"name": "x"})).status_code == 404


@pytest.mark.parametrize(("password", "message"), [
    ("short-pass", "密码至少12位"),
    ("password1234", "密码过于常见，请换一个"),
    ("aaaaaaaaaaaaaaaa", "密码过于简单，请混合使用不同字符"),
    ("my13712345678pw", "密码不能包含手机号"),
    ("x" * 129, "密码最多128位"),
])
async def test_weak_passwords_are_refused_in_chinese(as_supervisor, enterprise, password,
                                                     message):
    r = await as_supervisor.post(f"/api/v1/enterprises/{enterprise.id}/users",
                                 json={"phone": "13712345678", "name": "新人",
                                       "password": password})
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"password": message}


async def test_a_new_password_may_not_contain_the_phone(as_staff, staff):
    r = await as_staff.post("/api/v1/session/password",
                            json={"current_password": DEFAULT_PASSWORD,
                                  "new_password": f"pw-{staff.phone}-x"})
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"new_password": "密码不能包含手机号"}


async def test_supervision_disables_a_staff_account_from_the_enterprise_page(
        client, supervisor, staff, enterprise, other_enterprise):
    from tests.support.pages import csrf_from, log_in_page

    phone = client.another()
    await _log_in(phone, staff.phone)
    await log_in_page(client, supervisor.phone)
    page = await client.get(f"/enterprises/{enterprise.id}")
    assert "停用" in page.text
    action = f"/enterprises/{enterprise.id}/users/{staff.id}/active"
    assert f'action="{action}"' in page.text
    r = await client.post(action, data={"csrf_token": csrf_from(page.text), "active": "0"})
    assert r.status_code == 303 and r.headers["location"] == f"/enterprises/{enterprise.id}"
    page = await client.get(r.headers["location"])
    assert "账号已停用，已退出所有登录" in page.text and "（已停用）" in page.text
    assert (await phone.get("/api/v1/session")).status_code == 401
    # the account must belong to the enterprise in the address
    r = await client.post(f"/enterprises/{other_enterprise.id}/users/{staff.id}/active",
                          data={"csrf_token": csrf_from(page.text), "active": "1"})
    assert r.status_code == 404 and "该企业没有这个账号" in r.text


async def test_supervision_sets_a_new_password_for_someone_who_forgot(client, as_supervisor,
                                                                     staff, supervisor):
    phone = client.another()
    await _log_in(phone, staff.phone)
    r = await as_supervisor.patch(f"/api/v1/users/{staff.id}", json={"password": "short"})
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"password": "密码至少12位"}
    r = await as_supervisor.patch(f"/api/v1/users/{staff.id}",
                                  json={"password": "handed-over-in-person"})
    assert r.status_code == 200
    assert (await phone.get("/api/v1/session")).status_code == 401     # logged out
    r = await phone.post("/api/v1/session",
                         json={"phone": staff.phone, "password": DEFAULT_PASSWORD})
    assert r.status_code == 401
    await _log_in(phone, staff.phone, "handed-over-in-person")
    r = await as_supervisor.patch(f"/api/v1/users/{supervisor.id}",
                                  json={"password": "my-own-new-password"})
    assert r.status_code == 403                    # one's own: through the account page


async def test_a_log_in_always_starts_a_new_session(client, staff):
    first = await _log_in(client, staff.phone)
    old = client.cookies.get("__Host-hl_session")
    second = await _log_in(client, staff.phone)
    new = client.cookies.get("__Host-hl_session")
    assert first.status_code == second.status_code == 200 and old != new
    assert await UserSession.filter(user_id=staff.id).count() == 1   # the old one is gone


async def test_supervision_sets_a_new_password_on_the_enterprise_page(client, supervisor, staff,
                                                                     enterprise):
    from tests.support.pages import csrf_from, log_in_page

    phone = client.another()
    await _log_in(phone, staff.phone)
    await log_in_page(client, supervisor.phone)
    page = await client.get(f"/enterprises/{enterprise.id}")
    assert "重设密码" in page.text and f"{staff.name}（{staff.phone}）" in page.text
    action = f"/enterprises/{enterprise.id}/users/password"
    r = await client.post(action, data={"csrf_token": csrf_from(page.text),
                                        "user_id": str(staff.id), "new_password": "short"})
    assert r.status_code == 422 and "密码至少12位" in r.text
    assert "short" not in r.text.split("重设密码", 1)[1].split("</form>", 1)[0]
    r = await client.post(action, data={"csrf_token": csrf_from(page.text), "user_id": "999",
                                        "new_password": "handed-over-in-person"})
    assert r.status_code == 422 and "请选择该企业的一个账号" in r.text
    r = await client.post(action, data={"csrf_token": csrf_from(page.text),
                                        "user_id": str(staff.id),
                                        "new_password": "handed-over-in-person"})
    assert r.status_code == 303
    assert "其所有设备已退出登录" in (await client.get(r.headers["location"])).text
    assert (await phone.get("/api/v1/session")).status_code == 401
    await _log_in(phone, staff.phone, "handed-over-in-person")
