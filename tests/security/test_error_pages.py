"""ASVS V7.4 / V14.3: a failure shows a generic Chinese message, never the exception,
a traceback, a file path, SQL or a setting; debug is off unless asked for. (404/405 JSON
envelopes: tests/test_errors.py.)"""

import pytest
from sanic import Request

from server.app import create_app
from tests.support import databases
from tests.support.client import running

LEAKS = [
    "Traceback", "RuntimeError", "OperationalError", "boom-secret-detail", "SELECT",
    "password_hash", "/work/", ".py", "site-packages", databases.TEST_SECRET, "sqlite://",
    "postgres://", "DATABASE_URL", "SECRET_KEY",
]


async def _explode(request: Request):
    from tortoise.exceptions import OperationalError

    raise OperationalError(
        f'boom-secret-detail: SELECT password_hash FROM app_user -- {__file__} '
        f'{request.app.ctx.settings.SECRET_KEY} {request.app.ctx.settings.DATABASE_URL}')


@pytest.fixture
async def exploding(settings_overrides):
    """The real app plus two routes that fail the way a bug would."""
    app = create_app(settings_overrides)
    app.add_route(_explode, "/api/v1/test-explode", name="test_explode_api")
    app.add_route(_explode, "/test-explode", name="test_explode_page")
    async with running(app) as runner:
        yield runner


async def test_a_crash_in_the_api_is_a_bare_500_envelope(exploding, caplog):
    r = await exploding.get("/api/v1/test-explode")
    assert r.status_code == 500
    assert r.json() == {"error": {"code": "internal", "message": "服务器内部错误，请稍后再试"}}
    for leak in LEAKS:
        assert leak not in r.text, leak
    # the details go to the server log, for the operator, with the request id
    assert "boom-secret-detail" in caplog.text
    assert r.headers["x-request-id"]


async def test_a_crash_on_a_page_is_a_plain_chinese_page(exploding):
    r = await exploding.get("/test-explode")
    assert r.status_code == 500 and r.headers["content-type"].startswith("text/html")
    assert "系统暂时出现问题，请稍后再试" in r.text and "返回首页" in r.text
    for leak in LEAKS:
        assert leak not in r.text, leak
    assert r.headers["content-security-policy"].startswith("default-src 'self'")


@pytest.mark.parametrize(("method", "url", "status", "words"), [
    ("get", "/no-such-page", 404, "您访问的页面不存在或已被删除"),
    ("get", "/enterprises/abc", 404, "您访问的页面不存在或已被删除"),
    ("get", "/logout", 405, "不支持该请求方法"),
    ("get", "/static/x/../../server/core/config.py", 404, "您访问的页面不存在或已被删除"),
])
async def test_404_and_405_pages_are_chinese_and_bare(client, method, url, status, words):
    r = await getattr(client, method)(url)
    assert r.status_code == status and words in r.text
    for leak in LEAKS:
        assert leak not in r.text, leak
    assert "Sanic" not in r.text and "sanic" not in r.text


def test_debug_is_off_by_default(settings_overrides):
    app = create_app(settings_overrides)
    assert app.debug is False
    assert app.config.FALLBACK_ERROR_FORMAT == "json"     # never Sanic's HTML debug page


async def test_logs_keep_passwords_and_session_tokens_out(client, staff, caplog):
    from tests.support.factories import DEFAULT_PASSWORD

    caplog.set_level("INFO")
    await client.post("/api/v1/session", json={"phone": staff.phone,
                                               "password": "wrong-but-secret-1"})
    r = await client.post("/api/v1/session", json={"phone": staff.phone,
                                                   "password": DEFAULT_PASSWORD})
    assert r.status_code == 200
    token = client.cookies.get("__Host-hl_session")
    await client.get("/api/v1/session")
    assert "failed log-in for phone" in caplog.text and "log-in of user" in caplog.text
    for secret in ("wrong-but-secret-1", DEFAULT_PASSWORD, token, token.split(".")[0]):
        assert secret not in caplog.text
