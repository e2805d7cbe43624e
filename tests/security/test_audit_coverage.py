"""Every change of a report, certificate, registration, trace code, account or enterprise
is in the audit log — who, when, from where, before and after, never a secret — and
supervision reads it per enterprise while other enterprises' staff cannot.

Each change is made through the JSON API, as a person would; the entry is then checked
in the table and in GET /api/v1/enterprises/{id}/audit."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from PIL import Image

from models import AuditLog, User
from server.core import clock
from server.demo.seed import demo_credit_code
from tests.support.factories import DEFAULT_PASSWORD
from tests.support.reporting import FULL, LAST, url

SECRET_MARKERS = ("password_hash", "token_hash", "$argon2", DEFAULT_PASSWORD)


async def audited(action: str, actor: User | None, enterprise_id: int | None) -> AuditLog:
    """The newest entry of `action`, checked for what every entry must carry."""
    entry = await AuditLog.filter(action=action).order_by("-id").first()
    assert entry is not None, f"no audit entry for {action}"
    assert entry.actor_id == (actor.id if actor else None), action
    assert entry.actor_label == (str(actor) if actor else "系统")
    assert entry.enterprise_id == enterprise_id, action
    assert abs(entry.at - clock.now()) < timedelta(minutes=5), action
    assert entry.ip == "127.0.0.1", action
    blob = json.dumps([entry.before, entry.after], ensure_ascii=False)
    for marker in SECRET_MARKERS:
        assert marker not in blob, (action, marker)
    return entry


async def trail(browser, enterprise_id: int) -> list[dict]:
    r = await browser.get(f"/api/v1/enterprises/{enterprise_id}/audit?limit=200")
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def assert_only_supervision_reads(enterprise_id, as_supervisor, as_staff,
                                        as_other_staff, expected_actions):
    items = await trail(as_supervisor, enterprise_id)
    assert [i["action"] for i in reversed(items)] == expected_actions
    for item in items:
        assert item["actor"] and item["at"] and item["description"]
    for browser in (as_other_staff, as_staff):
        r = await browser.get(f"/api/v1/enterprises/{enterprise_id}/audit")
        assert r.status_code == 403


async def test_a_monthly_report_from_draft_to_approval(as_staff, as_supervisor, as_other_staff,
                                                       staff, supervisor, enterprise):
    report_url = url(enterprise.id, LAST)
    assert (await as_staff.put(report_url, json=FULL)).status_code == 200
    e = await audited("report.save", staff, enterprise.id)
    assert e.before is None and e.after["revenue"] == "1234.5000"
    assert e.after["status"] == "draft" and e.after["period"] == str(LAST)

    assert (await as_staff.put(report_url, json={**FULL, "revenue": "1300"})).status_code == 200
    e = await audited("report.save", staff, enterprise.id)
    assert (e.before["revenue"], e.after["revenue"]) == ("1234.5000", "1300.0000")

    assert (await as_staff.post(report_url + "/submit")).status_code == 200
    e = await audited("report.submit", staff, enterprise.id)
    assert (e.before["status"], e.after["status"]) == ("draft", "submitted")
    assert e.before["submitted_at"] is None and e.after["submitted_at"]

    r = await as_supervisor.post(report_url + "/return", json={"comment": "营业收入请核对"})
    assert r.status_code == 200
    e = await audited("report.return", supervisor, enterprise.id)
    assert (e.before["status"], e.after["status"]) == ("submitted", "returned")
    assert e.after["review_comment"] == "营业收入请核对"
    assert e.after["reviewed_by_id"] == supervisor.id

    assert (await as_staff.put(report_url, json={**FULL, "revenue": "1250"})).status_code == 200
    assert (await as_staff.post(report_url + "/submit")).status_code == 200
    assert (await as_supervisor.post(report_url + "/approve", json={})).status_code == 200
    e = await audited("report.approve", supervisor, enterprise.id)
    assert (e.before["status"], e.after["status"]) == ("submitted", "approved")
    assert e.after["revenue"] == "1250.0000"

    await assert_only_supervision_reads(
        enterprise.id, as_supervisor, as_staff, as_other_staff,
        ["report.save", "report.save", "report.submit", "report.return", "report.save",
         "report.submit", "report.approve"])


async def test_certificates(as_staff, as_supervisor, as_other_staff, staff, supervisor,
                            enterprise):
    today = clock.today()
    body = {"kind": "green_food", "certificate_no": "LB-18-2104121234A",
            "product_name": "稻香长粒香大米",
            "issued_on": (today - timedelta(days=30)).isoformat(),
            "expires_on": (today + timedelta(days=700)).isoformat()}
    base = f"/api/v1/enterprises/{enterprise.id}/certifications"
    r = await as_staff.post(base, json=body)
    assert r.status_code == 201
    cert_id = r.json()["id"]
    e = await audited("certification.create", staff, enterprise.id)
    assert e.before is None and e.entity_id == str(cert_id)
    assert e.after["certificate_no"] == "LB-18-2104121234A" and e.after["kind"] == "green_food"

    r = await as_supervisor.patch(f"{base}/{cert_id}", json={"product_name": "虎林大米"})
    assert r.status_code == 200
    e = await audited("certification.update", supervisor, enterprise.id)
    assert (e.before["product_name"], e.after["product_name"]) == ("稻香长粒香大米", "虎林大米")

    await assert_only_supervision_reads(enterprise.id, as_supervisor, as_staff, as_other_staff,
                                        ["certification.create", "certification.update"])


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 60)).save(out, "PNG")
    return out.getvalue()


async def test_traceability_registration(as_staff, as_supervisor, as_other_staff, staff,
                                         supervisor, enterprise):
    base = f"/api/v1/enterprises/{enterprise.id}/traceability-registration"
    reg = {"platform": "national", "registration_no": "GJ2303810001",
           "registered_on": "2025-04-20"}
    assert (await as_staff.put(base, json=reg)).status_code == 200
    e = await audited("registration.create", staff, enterprise.id)
    assert e.before is None and e.after["registration_no"] == "GJ2303810001"

    r = await as_staff.post(f"{base}/evidence",
                            files={"file": ("shot.png", _png(), "image/png")})
    assert r.status_code == 201
    e = await audited("registration.evidence_add", staff, enterprise.id)
    assert e.after and e.before is None

    r = await as_supervisor.post(f"{base}/verify", json={"verified": True})
    assert r.status_code == 200
    e = await audited("registration.verify", supervisor, enterprise.id)
    assert (e.before["verification"], e.after["verification"]) == ("pending", "verified")

    assert (await as_staff.put(base, json={**reg, "platform": "provincial"})).status_code == 200
    e = await audited("registration.update", staff, enterprise.id)
    assert (e.before["platform"], e.after["platform"]) == ("national", "provincial")
    assert (e.before["verification"], e.after["verification"]) == ("verified", "pending")

    r = await as_supervisor.post(f"{base}/verify", json={"verified": False, "comment": "截图不清"})
    assert r.status_code == 200
    e = await audited("registration.reject", supervisor, enterprise.id)
    assert e.after["verification"] == "rejected" and e.after["verification_comment"] == "截图不清"

    actions = [i["action"] for i in reversed(await trail(as_supervisor, enterprise.id))]
    assert actions[0] == "registration.create" and actions[-1] == "registration.reject"
    assert {"registration.evidence_add", "registration.verify", "registration.update"} \
        <= set(actions)
    for browser in (as_other_staff, as_staff):
        assert (await browser.get(f"/api/v1/enterprises/{enterprise.id}/audit")
                ).status_code == 403


async def test_products_batches_codes_and_complaints(client, as_staff, as_supervisor,
                                                     as_other_staff, staff, supervisor,
                                                     enterprise):
    r = await as_staff.post(f"/api/v1/enterprises/{enterprise.id}/products",
                            json={"name": "虎林大米", "industry": "rice", "spec": "5kg"})
    assert r.status_code == 201
    product_id = r.json()["id"]
    e = await audited("product.create", staff, enterprise.id)
    assert e.after["name"] == "虎林大米"
    r = await as_staff.post(f"/api/v1/products/{product_id}/batches",
                            json={"batch_no": "B-1", "production_date": "2025-06-01",
                                  "quantity": "100"})
    assert r.status_code == 201
    batch_id = r.json()["id"]
    assert (await audited("batch.create", staff, enterprise.id)).after["batch_no"] == "B-1"
    r = await as_staff.post(f"/api/v1/batches/{batch_id}/events",
                            json={"type": "pack", "at": "2025-06-01T08:00:00+08:00"})
    assert r.status_code == 201
    await audited("trace_event.create", staff, enterprise.id)

    r = await as_staff.post(f"/api/v1/batches/{batch_id}/codes", json={"count": 3})
    assert r.status_code == 201
    codes = [c["code"] for c in r.json()["codes"]]
    e = await audited("trace_code.issue", staff, enterprise.id)
    assert e.after == {"count": 3, "first_serial": 1, "last_serial": 3}

    r = await as_supervisor.post(f"/api/v1/codes/{codes[0]}/void", json={"reason": "标签损坏"})
    assert r.status_code == 200
    e = await audited("trace_code.void", supervisor, enterprise.id)
    assert (e.before["status"], e.after["status"]) == ("active", "void")
    assert e.before["code"] == codes[0] and e.after["void_reason"] == "标签损坏"

    r = await client.post(f"/api/v1/trace/{codes[1]}/complaints",
                          json={"text": "包装上的日期看不清", "contact": "13712345678"})
    assert r.status_code == 201
    e = await audited("complaint.create", None, enterprise.id)
    assert e.after["text"] == "包装上的日期看不清"
    r = await as_supervisor.post(f"/api/v1/complaints/{r.json()['id']}/handle",
                                 json={"note": "已联系企业核实"})
    assert r.status_code == 200
    e = await audited("complaint.handle", supervisor, enterprise.id)
    assert (e.before["status"], e.after["status"]) == ("open", "handled")

    await assert_only_supervision_reads(
        enterprise.id, as_supervisor, as_staff, as_other_staff,
        ["product.create", "batch.create", "trace_event.create", "trace_code.issue",
         "trace_code.void", "complaint.create", "complaint.handle"])


async def test_accounts(client, as_supervisor, as_admin, as_other_staff, supervisor, admin,
                        enterprise):
    r = await as_supervisor.post(f"/api/v1/enterprises/{enterprise.id}/users",
                                 json={"phone": "13712340001", "name": "王五",
                                       "password": "a-long-first-password"})
    assert r.status_code == 201
    new_id = r.json()["id"]
    e = await audited("user.create", supervisor, enterprise.id)
    assert e.before is None and e.entity_id == str(new_id)
    assert e.after["phone"] == "13712340001" and e.after["role"] == "staff"
    assert "password_hash" not in e.after

    worker = client.another()
    r = await worker.post("/api/v1/session",
                          json={"phone": "13712340001", "password": "a-long-first-password"})
    assert r.status_code == 200
    r = await worker.post("/api/v1/session/password",
                          json={"current_password": "a-long-first-password",
                                "new_password": "a-better-second-password"})
    assert r.status_code == 200
    new_user = await User.get(id=new_id)
    e = await audited("user.password_change", new_user, enterprise.id)
    assert e.before["password_changed_at"] != e.after["password_changed_at"]
    assert "a-better-second-password" not in json.dumps(e.after)

    r = await worker.post("/api/v1/tokens", json={"name": "ERP"})
    assert r.status_code == 201
    e = await audited("api_token.create", new_user, enterprise.id)
    # the 12-character prefix that names the token in lists, never the token itself
    assert e.after == {"name": "ERP", "prefix": r.json()["prefix"]}
    assert r.json()["token"] not in json.dumps(e.after)
    assert (await worker.delete(f"/api/v1/tokens/{r.json()['id']}")).status_code == 200
    await audited("api_token.revoke", new_user, enterprise.id)

    r = await as_supervisor.patch(f"/api/v1/users/{new_id}", json={"is_active": False})
    assert r.status_code == 200
    e = await audited("user.update", supervisor, enterprise.id)
    assert (e.before["is_active"], e.after["is_active"]) == (True, False)

    r = await as_supervisor.patch(f"/api/v1/users/{new_id}",
                                  json={"password": "set-by-supervision-1"})
    assert r.status_code == 200
    e = await audited("user.password_reset", supervisor, enterprise.id)
    assert e.before["password_changed_at"] != e.after["password_changed_at"]
    assert "set-by-supervision-1" not in json.dumps(e.after)

    # supervision accounts belong to no enterprise: the entry is kept all the same
    r = await as_admin.patch(f"/api/v1/users/{supervisor.id}", json={"role": "admin"})
    assert r.status_code == 200
    e = await audited("user.update", admin, None)
    assert (e.before["role"], e.after["role"]) == ("supervisor", "admin")

    items = await trail(as_supervisor, enterprise.id)
    assert [i["action"] for i in reversed(items)] == [
        "user.create", "user.password_change", "api_token.create", "api_token.revoke",
        "user.update", "user.password_reset"]
    assert items[0]["description"] == "账号 · 重设密码"
    assert (await as_other_staff.get(f"/api/v1/enterprises/{enterprise.id}/audit")
            ).status_code == 403


async def test_enterprises(as_supervisor, as_other_staff, supervisor):
    name = "虎林市新登记米业有限公司"
    body = {"credit_code": demo_credit_code(name), "name": name, "township": "虎林镇",
            "industry": "rice"}
    r = await as_supervisor.post("/api/v1/enterprises", json=body)
    assert r.status_code == 201, r.text
    enterprise_id = r.json()["id"]
    e = await audited("enterprise.create", supervisor, enterprise_id)
    assert e.before is None and e.after["credit_code"] == body["credit_code"]
    r = await as_supervisor.patch(f"/api/v1/enterprises/{enterprise_id}",
                                  json={"above_scale": True})
    assert r.status_code == 200
    e = await audited("enterprise.update", supervisor, enterprise_id)
    assert (e.before["above_scale"], e.after["above_scale"]) == (False, True)
    assert [i["action"] for i in reversed(await trail(as_supervisor, enterprise_id))] == \
        ["enterprise.create", "enterprise.update"]
    assert (await as_other_staff.get(f"/api/v1/enterprises/{enterprise_id}/audit")
            ).status_code == 403


def unaudited_writes(source: str) -> list[str]:
    """Public async functions that create, save, update or delete rows without calling
    audit.record. log_in is exempt: it only stamps last_login_at (and upgrades the
    hash's cost), not a change of the account by anyone. Private helpers run inside
    audited functions."""
    import ast

    writes = {"create", "save", "update", "delete", "bulk_create"}
    missing = []
    for fn in ast.parse(source).body:
        if not isinstance(fn, ast.AsyncFunctionDef) or fn.name == "log_in" \
                or fn.name.startswith("_"):
            continue
        calls = {n.func.attr for n in ast.walk(fn)
                 if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
        if writes & calls and "record" not in calls:
            missing.append(fn.name)
    return missing


@pytest.mark.parametrize("module", [
    "accounts/service.py", "certifications/service.py", "enterprises/service.py",
    "registration/service.py", "reports/service.py", "trace/service.py",
    "supervision/complaints.py", "supervision/manual.py", "supervision/certimport.py",
])
def test_every_service_write_records_audit(module):
    from server.core.config import PROJECT_ROOT

    path = PROJECT_ROOT / "server" / "features" / module
    assert unaudited_writes(path.read_text(encoding="utf-8")) == []


def test_the_audit_guard_finds_a_write_without_a_record():
    source = (
        "async def sneaky(ctx):\n    await Thing.filter(id=1).update(x=2)\n"
        "async def honest(ctx):\n    await t.save()\n    await audit.record(None, 'a', t)\n"
        "async def reader(ctx):\n    return await Thing.all()\n")
    assert unaudited_writes(source) == ["sneaky"]
