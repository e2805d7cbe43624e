"""Fixtures shared by the whole suite: a real app over a real database, per test.

`app` builds the app with test settings and starts it through the ASGI lifespan (its
own listener opens the database, as in production); `client` talks to it over HTTP.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sanic import Sanic

from server.app import create_app
from server.core.context import ServiceContext
from tests.support import databases
from tests.support.client import AppClient, running
from tests.support.factories import DEFAULT_PASSWORD, make_enterprise, make_user

# Building the app in every test would otherwise trip Sanic's app-name registry.
Sanic.test_mode = True

# Cheap argon2 in tests: the cost is a setting, and hashing is not what is tested here.
FAST_HASHING = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024, "ARGON2_PARALLELISM": 1}


def pytest_report_header(config):
    return f"database engine: {databases.ENGINE}"


@pytest.fixture(scope="session")
def test_database(tmp_path_factory):
    if databases.ENGINE == "postgres":
        problem = databases.postgres_reachable()
        if problem:
            if databases.IN_CI:
                pytest.fail(f"PostgreSQL at {databases.PG_ADMIN_URL} is required in CI: {problem}")
            pytest.exit(
                f"PostgreSQL not reachable at {databases.PG_ADMIN_URL} ({problem}); "
                "skipping the PostgreSQL run",
                returncode=0,
            )
        db = databases.PostgresDatabase()
    else:
        db = databases.SqliteTemplate(tmp_path_factory.mktemp("db"))
    yield db
    db.close()


@pytest.fixture
def settings_overrides(test_database, tmp_path: Path) -> dict:
    """Test settings: its own database and data folder; tests may add to this dict."""
    return {
        "DATABASE_URL": test_database.url_for_test(tmp_path),
        "SECRET_KEY": databases.TEST_SECRET,
        "PUBLIC_BASE_URL": "https://trace.example.cn",
        "DATA_DIR": str(tmp_path / "data"),
        **FAST_HASHING,
    }


@pytest.fixture
async def app(settings_overrides):
    app = create_app(settings_overrides)
    async with running(app) as runner:
        app.ctx.test_runner = runner
        yield app


@pytest.fixture
def client(app) -> AppClient:
    return app.ctx.test_runner


@pytest.fixture
def ctx(app) -> ServiceContext:
    """A service context with nobody acting; use ctx.acting_as(user)."""
    return ServiceContext(
        settings=app.ctx.settings, county=app.ctx.county, passwords=app.ctx.passwords,
        actor=None, ip="127.0.0.1",
    )


@pytest.fixture
async def enterprise(app):
    return await make_enterprise("虎林市测试米业有限公司", industry="rice", township="虎林镇")


@pytest.fixture
async def other_enterprise(app):
    return await make_enterprise("虎林市另一家豆业有限公司", industry="soybean", township="宝东镇")


@pytest.fixture
async def supervisor(app):
    return await make_user(app, "13900000002", role="supervisor", name="监管员")


@pytest.fixture
async def admin(app):
    return await make_user(app, "13900000001", role="admin", name="管理员")


@pytest.fixture
async def staff(app, enterprise):
    return await make_user(app, "13800000001", role="staff", name="填报员", enterprise=enterprise)


@pytest.fixture
async def other_staff(app, other_enterprise):
    return await make_user(app, "13800000009", role="staff", name="别家填报员",
                           enterprise=other_enterprise)


async def _logged_in(client: AppClient, phone: str) -> AppClient:
    browser = client.another()
    response = await browser.post("/api/v1/session",
                                  json={"phone": phone, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200, response.text
    return browser


@pytest.fixture
async def as_supervisor(client, supervisor):
    browser = await _logged_in(client, supervisor.phone)
    yield browser
    await browser.stop()


@pytest.fixture
async def as_admin(client, admin):
    browser = await _logged_in(client, admin.phone)
    yield browser
    await browser.stop()


@pytest.fixture
async def as_staff(client, staff):
    browser = await _logged_in(client, staff.phone)
    yield browser
    await browser.stop()


@pytest.fixture
async def as_other_staff(client, other_staff):
    browser = await _logged_in(client, other_staff.phone)
    yield browser
    await browser.stop()


def pytest_collection_modifyitems(config, items):
    # Browser tests need Debian's chromium; without it they are skipped with a reason
    # (the Makefile installs it, so `make test` on a fresh machine runs them).
    if os.environ.get("CI") or _has_chromium():
        return
    skip = pytest.mark.skip(reason="chromium is not installed (run `make system-deps`)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def _has_chromium() -> bool:
    from shutil import which

    return which("chromium") is not None
