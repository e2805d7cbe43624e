"""ASVS V2.2 / V3 / V8: nothing tells an outsider which phones have accounts or which
trace codes exist. (Every single-character change of a code failing its signature is
tests/qr/test_codes_and_encoder.py::test_forged_and_mistyped_codes_fail_without_a_database.)"""

import statistics
import time

import pytest

from qr.codes import ALPHABET, new_code
from server.app import create_app
from tests.support import databases
from tests.support.client import running
from tests.support.factories import make_user
from tests.support.pages import csrf_from


async def test_unknown_phone_and_wrong_password_read_exactly_the_same(client, staff):
    answers = []
    for phone in (staff.phone, "13999999999"):
        r = await client.another(client_ip=f"10.0.0.{len(answers) + 1}").post(
            "/api/v1/session", json={"phone": phone, "password": "not-the-password-1"})
        answers.append((r.status_code, r.content, "set-cookie" in r.headers))
    assert answers[0] == answers[1] == (
        401, '{"error":{"code":"unauthorized","message":"手机号或密码错误"}}'.encode(), False)
    # the page too: the same form, only the typed phone differs
    pages = []
    for phone in (staff.phone, "13999999999"):
        page = await client.get("/login")
        r = await client.post("/login", data={"csrf_token": csrf_from(page.text),
                                              "phone": phone, "password": "not-the-password-1"})
        pages.append((r.status_code, r.text.replace(phone, "PHONE")))
    assert pages[0] == pages[1] and pages[0][0] == 401


@pytest.fixture
async def costly_client(settings_overrides):
    """An app with a realistic argon2 cost, so that a skipped verification would show."""
    app = create_app({**settings_overrides, "ARGON2_TIME_COST": 2,
                      "ARGON2_MEMORY_KIB": 32768})
    async with running(app) as runner:
        yield runner


async def test_an_unknown_phone_costs_a_password_verification_too(costly_client):
    await make_user(costly_client.app, "13800000055", role="supervisor")

    async def timed(phone: str, ip: str) -> float:
        browser = costly_client.another(client_ip=ip)
        started = time.perf_counter()
        r = await browser.post("/api/v1/session",
                               json={"phone": phone, "password": "not-the-password-1"})
        assert r.status_code == 401
        return time.perf_counter() - started

    known, unknown, malformed = [], [], []
    for i in range(3):   # interleaved, so load on a shared machine hits both alike
        known.append(await timed("13800000055", f"10.1.0.{i}"))
        unknown.append(await timed(f"1380000{i:04d}", f"10.2.0.{i}"))
        malformed.append(await timed("not-a-phone", f"10.3.0.{i}"))
    typical = statistics.median(known)
    assert typical > 0.02            # a real argon2 verification was measured
    # Without the dummy verification an unknown phone answers in ~1 ms: a 20x gap.
    assert statistics.median(unknown) > 0.5 * typical, (known, unknown)
    assert statistics.median(malformed) > 0.5 * typical, (known, malformed)


def _mutated(code: str) -> str:
    """The same code with its last character changed: well-formed, signature wrong."""
    last = ALPHABET[(ALPHABET.index(code[-1]) + 1) % len(ALPHABET)]
    return code[:-1] + last


async def test_unissued_and_forged_codes_get_the_same_404(client, issued):
    never_issued = new_code(databases.TEST_SECRET)      # signed right, not in the database
    forged = _mutated(issued[0])                         # a real code with one typo
    pages, apis, complaints = [], [], []
    for code in (never_issued, forged):
        r = await client.get(f"/t/{code}")
        pages.append((r.status_code, r.text.replace(code, "CODE")))
        r = await client.get(f"/api/v1/trace/{code}")
        apis.append((r.status_code, r.content))
        r = await client.post(f"/api/v1/trace/{code}/complaints", json={"text": "这是一条测试反馈"})
        complaints.append((r.status_code, r.content))
    assert pages[0] == pages[1] and pages[0][0] == 404
    assert apis[0] == apis[1] and apis[0][0] == 404
    assert complaints[0] == complaints[1] and complaints[0][0] == 404
    assert (await client.get(f"/t/{issued[0]}")).status_code == 200


async def test_staff_looking_up_codes_cannot_tell_unissued_from_forged(client, as_staff,
                                                                      issued):
    answers = []
    for code in (new_code(databases.TEST_SECRET), _mutated(issued[1])):
        r = await as_staff.get(f"/codes/{code}")
        answers.append((r.status_code, r.text.replace(code, "CODE")))
    assert answers[0] == answers[1] and answers[0][0] == 404


async def test_codes_of_one_batch_are_not_sequential(issued):
    # Three codes issued together share no prefix and no suffix a guesser could follow.
    a, b, c = issued
    assert len({a[:4], b[:4], c[:4]}) == 3 and len({a[-4:], b[-4:], c[-4:]}) == 3
