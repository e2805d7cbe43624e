"""The real server process (Sanic's own server and workers), not the in-process client.

In-process tests can hide a Tortoise context bug that only shows under workers
(STACK-NOTES trap 3); this starts `python -m server serve --workers 2` and talks HTTP.
"""

import httpx
import pytest

from tests.support.processes import EmptyDatabase, ServerProcess, env_for, run_cli

pytestmark = pytest.mark.server


@pytest.fixture
def served(tmp_path):
    db = EmptyDatabase(tmp_path)
    env = env_for(db.url, tmp_path)
    assert run_cli("migrate", env=env).returncode == 0
    created = run_cli("create-user", "--role", "supervisor", "--phone", "13900004444",
                      "--name", "监管员", env={**env, "NEW_USER_PASSWORD": "server-test-password"})
    assert created.returncode == 0, created.stderr
    server = ServerProcess(env, tmp_path / "server.log", workers=2)
    try:
        server.wait_ready()
        yield server
    finally:
        server.log = server.stop()
        db.drop()


def test_real_server_serves_api_and_pages_with_workers(served):
    # Generous timeouts: CI machines may be busy; a hang still fails the test.
    with httpx.Client(base_url=served.base, timeout=30) as http:
        assert http.get("/api/v1/healthz").json() == {"status": "ok", "database": "ok"}
        r = http.post("/api/v1/session",
                      json={"phone": "13900004444", "password": "server-test-password"})
        assert r.status_code == 200, r.text
        # PUBLIC_BASE_URL is http here: HttpOnly and SameSite, but not Secure (a browser
        # would drop a Secure cookie over http); no header names the server software.
        cookie = [a.strip().lower() for a in r.headers["set-cookie"].split(";")]
        assert cookie[0].startswith("hl_session=")
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
        assert "server" not in r.headers and "x-powered-by" not in r.headers
        assert "nosniff" == r.headers["x-content-type-options"]
        for _ in range(6):  # a few requests, likely spread over both workers
            assert http.get("/api/v1/enterprises").status_code == 200
        page = http.get("/enterprises")
        assert page.status_code == 200 and "企业名录" in page.text
        login = httpx.get(f"{served.base}/login", timeout=30)  # no cookies: the log-in page
        css = login.text.split('href="')[1].split('"')[0]
        static = http.get(css, headers={"accept-encoding": "gzip"})
        assert static.status_code == 200
        assert static.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_real_server_refuses_an_oversized_body_with_413(served):
    body = b"x" * (12 * 1024 * 1024)
    r = httpx.post(f"{served.base}/api/v1/session", content=body,
                   headers={"content-type": "application/json"}, timeout=30)
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "too_large"
