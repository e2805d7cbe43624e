"""One structured JSON line per request, errors included, without secrets."""

import json
import logging

import pytest

from tests.support.factories import DEFAULT_PASSWORD


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(json.loads(record.getMessage()))


@pytest.fixture
def access_lines():
    handler = Lines()
    logger = logging.getLogger("hulin.access")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


async def test_each_request_is_one_json_line(client, staff, access_lines):
    r = await client.post("/api/v1/session", json={"phone": staff.phone, "password": DEFAULT_PASSWORD})
    await client.get("/api/v1/nothing-here")
    login, missing = access_lines[-2:]
    assert (login["method"], login["path"], login["status"]) == ("POST", "/api/v1/session", 200)
    assert login["user"] == staff.id and login["ms"] >= 0 and login["bytes"] > 0
    assert login["request_id"] == r.headers["x-request-id"]
    assert (missing["status"], missing["user"]) == (404, None)
    assert DEFAULT_PASSWORD not in json.dumps(access_lines)
