"""ASVS V2.2.1 / V11.1.4: repeated attempts are slowed down, counted in the database.

Log-in per phone and per address: tests/features/accounts/test_session_api.py
(test_repeated_failures_for_a_phone_get_429_even_with_the_right_password,
test_repeated_failures_from_one_address_get_429_for_any_phone) and the page in
tests/features/accounts/test_login_pages.py::test_throttled_login_page_says_so.
Complaints per address: tests/features/trace/test_public_trace.py::
test_complaints_from_the_page_and_the_api_are_rate_limited. Here: per code, and the
windows really end."""

import pytest

from models import Complaint
from tests.support.factories import DEFAULT_PASSWORD


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "COMPLAINTS_PER_CODE_PER_HOUR": 3}


async def test_complaints_about_one_code_are_limited_from_any_number_of_addresses(
        client, issued, time_travel):
    target, other = issued[0], issued[1]
    for i in range(3):
        r = await client.another(client_ip=f"10.9.0.{i}").post(
            f"/api/v1/trace/{target}/complaints", json={"text": f"第{i}条：标签像是复印的"})
        assert r.status_code == 201
    fresh_address = client.another(client_ip="10.9.1.1")
    r = await fresh_address.post(f"/api/v1/trace/{target}/complaints",
                                 json={"text": "又一条关于这个码的反馈"})
    assert r.status_code == 429
    assert r.json()["error"] == {"code": "too_many_attempts", "message": "提交过于频繁，请稍后再试"}
    assert 3500 < int(r.headers["retry-after"]) <= 3601
    page = await fresh_address.post(f"/t/{target}/complaints", data={"text": "页面上再反馈一次"})
    assert page.status_code == 429 and "提交过于频繁" in page.text
    # another code from the same address is unaffected
    r = await fresh_address.post(f"/api/v1/trace/{other}/complaints",
                                 json={"text": "另一个码的问题反馈"})
    assert r.status_code == 201
    assert await Complaint.all().count() == 4
    time_travel(minutes=61)                     # the hour has passed
    r = await fresh_address.post(f"/api/v1/trace/{target}/complaints",
                                 json={"text": "一小时后再反馈一次"})
    assert r.status_code == 201


async def test_the_login_lock_lifts_when_its_window_ends(client, staff, time_travel):
    for _ in range(5):
        r = await client.post("/api/v1/session",
                              json={"phone": staff.phone, "password": "not-the-password-1"})
        assert r.status_code == 401
    r = await client.post("/api/v1/session",
                          json={"phone": staff.phone, "password": DEFAULT_PASSWORD})
    assert r.status_code == 429 and 850 < int(r.headers["retry-after"]) <= 901
    time_travel(minutes=14)
    r = await client.post("/api/v1/session",
                          json={"phone": staff.phone, "password": DEFAULT_PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) <= 61
    time_travel(minutes=15, seconds=1)          # LOGIN_WINDOW_MINUTES
    r = await client.post("/api/v1/session",
                          json={"phone": staff.phone, "password": DEFAULT_PASSWORD})
    assert r.status_code == 200
