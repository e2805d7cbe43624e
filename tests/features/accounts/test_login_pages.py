"""The log-in page, log-out, and the account page, as a phone browser uses them."""

from tests.support.factories import DEFAULT_PASSWORD
from tests.support.pages import csrf_from, log_in_page, submit_form


async def test_home_sends_visitors_to_login(client):
    r = await client.get("/")
    assert r.status_code == 302 and r.headers["location"] == "/login"
    page = await client.get("/login")
    assert page.status_code == 200
    assert "手机号" in page.text and "登录" in page.text
    assert page.headers["cache-control"] == "no-store"


async def test_login_then_post_redirect_get_to_the_staff_home(client, staff, enterprise):
    r = await log_in_page(client, staff.phone)
    assert r.status_code == 303 and r.headers["location"] == "/"
    home = await client.get("/")
    assert home.status_code == 200 and enterprise.name in home.text


async def test_supervisor_lands_on_the_supervision_home(client, supervisor):
    await log_in_page(client, supervisor.phone)
    home = await client.get("/")
    assert "农产品加工业监管" in home.text


async def test_wrong_password_shows_the_form_again_with_the_phone_kept(client, staff):
    r = await log_in_page(client, staff.phone, "not-the-password")
    assert r.status_code == 401
    assert "手机号或密码错误" in r.text
    assert f'value="{staff.phone}"' in r.text


async def test_throttled_login_page_says_so(client, staff):
    for _ in range(5):
        await log_in_page(client, staff.phone, "not-the-password")
    r = await log_in_page(client, staff.phone)
    assert r.status_code == 429 and "登录失败次数过多" in r.text


async def test_post_without_csrf_token_is_refused(client, staff):
    r = await client.post("/login", data={"phone": staff.phone, "password": DEFAULT_PASSWORD})
    assert r.status_code == 403
    assert "页面已过期" in r.text


async def test_csrf_token_from_another_browser_is_refused(client, staff):
    other = client.another()
    token = csrf_from((await other.get("/login")).text)
    await client.get("/login")  # our own cookie, different seed
    r = await client.post("/login", data={"csrf_token": token, "phone": staff.phone,
                                          "password": DEFAULT_PASSWORD})
    assert r.status_code == 403


async def test_next_goes_back_to_the_page_but_never_off_site(client, supervisor):
    r = await submit_form(client, "/login?next=/enterprises", "/login",
                          {"phone": supervisor.phone, "password": DEFAULT_PASSWORD,
                           "next": "/enterprises"})
    assert r.headers["location"] == "/enterprises"
    for evil in ["https://evil.example/", "//evil.example/x", "/\\evil.example"]:
        browser = client.another()
        r = await submit_form(browser, "/login", "/login",
                              {"phone": supervisor.phone, "password": DEFAULT_PASSWORD,
                               "next": evil})
        assert r.headers["location"] == "/", evil


async def test_logout_from_the_header_button(client, staff):
    await log_in_page(client, staff.phone)
    home = await client.get("/")
    r = await client.post("/logout", data={"csrf_token": csrf_from(home.text)})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    page = await client.get("/login")
    assert "已退出登录" in page.text
    # the notice shows once
    assert "已退出登录" not in (await client.get("/login")).text
    assert (await client.get("/")).headers["location"] == "/login"


async def test_change_password_page(client, staff):
    await log_in_page(client, staff.phone)
    r = await submit_form(client, "/account", "/account/password",
                          {"current_password": "wrong-one-here", "new_password": "another-good-pass"})
    assert r.status_code == 422 and "当前密码不正确" in r.text
    r = await submit_form(client, "/account", "/account/password",
                          {"current_password": DEFAULT_PASSWORD, "new_password": "another-good-pass"})
    assert r.status_code == 303
    assert "密码已修改" in (await client.get("/account")).text
    fresh = client.another()
    assert (await log_in_page(fresh, staff.phone, "another-good-pass")).status_code == 303


async def test_logout_everywhere(client, staff):
    other_phone = client.another()
    await log_in_page(other_phone, staff.phone)
    await log_in_page(client, staff.phone)
    r = await submit_form(client, "/account", "/account/logout-all", {})
    assert r.status_code == 303
    assert (await other_phone.get("/")).headers["location"] == "/login"
    assert (await client.get("/")).headers["location"] == "/login"
