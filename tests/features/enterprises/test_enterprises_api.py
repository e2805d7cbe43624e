"""/api/v1/enterprises: registration by supervision, lists, isolation between enterprises."""

import pytest

from models import AuditLog, Enterprise, User

NEW = {
    "credit_code": "91310115591693856A",
    "name": "虎林市新登记米业有限公司",
    "township": "东方红镇",
    "industry": "rice",
    "leading_level": "city",
    "above_scale": True,
}


async def test_supervisor_registers_an_enterprise(as_supervisor, supervisor):
    r = await as_supervisor.post("/api/v1/enterprises", json=NEW)
    assert r.status_code == 201
    body = r.json()
    assert body["id"] > 0
    assert {k: body[k] for k in NEW} == NEW
    assert body["industry_name"] == "水稻" and body["township_kind"] == "town"
    saved = await Enterprise.get(id=body["id"])
    assert saved.credit_code == NEW["credit_code"] and saved.above_scale
    entry = await AuditLog.get(action="enterprise.create")
    assert entry.actor_id == supervisor.id and entry.enterprise_id == saved.id
    assert entry.before is None and entry.after["credit_code"] == NEW["credit_code"]


async def test_chinese_names_and_aliases_are_accepted(as_supervisor):
    r = await as_supervisor.post("/api/v1/enterprises",
                                 json={**NEW, "industry": "水稻", "township": "经开区"})
    assert r.status_code == 201
    assert (r.json()["industry"], r.json()["township"]) == ("rice", "虎林经济开发区")


async def test_wrong_credit_code_is_422_saying_so(as_supervisor):
    r = await as_supervisor.post("/api/v1/enterprises", json={**NEW, "credit_code": "91310115591693856B"})
    assert r.status_code == 422
    assert r.json()["error"]["fields"]["credit_code"] == "统一社会信用代码校验位（第18位）不正确，请核对"


async def test_same_code_twice_is_409(as_supervisor):
    assert (await as_supervisor.post("/api/v1/enterprises", json=NEW)).status_code == 201
    r = await as_supervisor.post("/api/v1/enterprises", json={**NEW, "name": "另一个名字"})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "conflict"
    assert await Enterprise.filter(credit_code=NEW["credit_code"]).count() == 1


async def test_every_bad_field_is_reported_at_once(as_supervisor):
    r = await as_supervisor.post("/api/v1/enterprises", json={
        "credit_code": "123", "name": "", "township": "上海市", "industry": "steel",
        "leading_level": "galactic", "above_scale": "maybe"})
    assert r.status_code == 422
    assert set(r.json()["error"]["fields"]) == {
        "credit_code", "name", "township", "industry", "leading_level", "above_scale"}


@pytest.mark.parametrize("body", [{"name": ["a list"]}, {"name": {"an": "object"}}])
async def test_wrong_json_types_are_422_not_500(as_supervisor, body):
    r = await as_supervisor.post("/api/v1/enterprises", json={**NEW, **body})
    assert r.status_code == 422


async def test_staff_cannot_register_or_list(as_staff):
    assert (await as_staff.post("/api/v1/enterprises", json=NEW)).status_code == 403
    assert (await as_staff.get("/api/v1/enterprises")).status_code == 403


async def test_anonymous_gets_401(client):
    assert (await client.get("/api/v1/enterprises")).status_code == 401
    assert (await client.post("/api/v1/enterprises", json=NEW)).status_code == 401


async def test_list_filters(as_supervisor, enterprise, other_enterprise):
    async def names(query):
        r = await as_supervisor.get("/api/v1/enterprises", params=query)
        assert r.status_code == 200
        return [e["name"] for e in r.json()["items"]]

    assert sorted(await names({})) == sorted([enterprise.name, other_enterprise.name])
    assert await names({"industry": "soybean"}) == [other_enterprise.name]
    assert await names({"industry": "大豆"}) == [other_enterprise.name]
    assert await names({"township": "虎林镇"}) == [enterprise.name]
    assert await names({"q": "另一家"}) == [other_enterprise.name]
    assert await names({"q": enterprise.credit_code[-6:].lower()}) == [enterprise.name]
    r = await as_supervisor.get("/api/v1/enterprises", params={"township": "火星"})
    assert r.status_code == 422
    r = await as_supervisor.get("/api/v1/enterprises", params={"limit": "x"})
    assert r.status_code == 422


async def test_list_pages(as_supervisor, enterprise, other_enterprise):
    r = await as_supervisor.get("/api/v1/enterprises", params={"limit": 1, "offset": 1})
    body = r.json()
    assert body["total"] == 2 and body["limit"] == 1 and len(body["items"]) == 1


async def test_staff_see_only_their_own_enterprise(as_staff, enterprise, other_enterprise):
    r = await as_staff.get(f"/api/v1/enterprises/{enterprise.id}")
    assert r.status_code == 200 and r.json()["name"] == enterprise.name
    r = await as_staff.get(f"/api/v1/enterprises/{other_enterprise.id}")
    assert r.status_code == 403
    # an id that does not exist does not reveal that it does not
    assert (await as_staff.get("/api/v1/enterprises/99999")).status_code == 403


async def test_supervisor_gets_404_for_unknown(as_supervisor):
    r = await as_supervisor.get("/api/v1/enterprises/99999")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


async def test_supervisor_opens_a_staff_account(as_supervisor, client, enterprise):
    r = await as_supervisor.post(f"/api/v1/enterprises/{enterprise.id}/users",
                                 json={"phone": "13712345678", "name": "新填报员",
                                       "password": "first-password-9"})
    assert r.status_code == 201
    assert r.json()["enterprise_id"] == enterprise.id and r.json()["role"] == "staff"
    user = await User.get(phone="13712345678")
    assert user.password_hash.startswith("$argon2id$")
    login = await client.another().post("/api/v1/session",
                                        json={"phone": "13712345678", "password": "first-password-9"})
    assert login.status_code == 200 and login.json()["user"]["enterprise_id"] == enterprise.id
    audit = await AuditLog.get(action="user.create")
    assert "password_hash" not in audit.after


async def test_staff_account_errors(as_supervisor, staff, enterprise):
    r = await as_supervisor.post(f"/api/v1/enterprises/{enterprise.id}/users",
                                 json={"phone": staff.phone, "name": "重复", "password": "first-password-9"})
    assert r.status_code == 409
    r = await as_supervisor.post(f"/api/v1/enterprises/{enterprise.id}/users",
                                 json={"phone": "123", "name": "", "password": "short"})
    assert r.status_code == 422
    assert set(r.json()["error"]["fields"]) == {"phone", "name", "password"}
    r = await as_supervisor.post("/api/v1/enterprises/99999/users",
                                 json={"phone": "13712345678", "name": "x", "password": "first-password-9"})
    assert r.status_code == 404


async def test_staff_cannot_open_accounts(as_staff, enterprise):
    r = await as_staff.post(f"/api/v1/enterprises/{enterprise.id}/users",
                            json={"phone": "13712345678", "name": "x", "password": "first-password-9"})
    assert r.status_code == 403


async def test_staff_update_contacts_but_not_official_fields(as_staff, enterprise, other_enterprise):
    r = await as_staff.patch(f"/api/v1/enterprises/{enterprise.id}",
                             json={"contact_name": "张三", "contact_phone": "0467-5201234"})
    assert r.status_code == 200 and r.json()["contact_name"] == "张三"
    r = await as_staff.patch(f"/api/v1/enterprises/{enterprise.id}", json={"above_scale": True})
    assert r.status_code == 403
    assert "above_scale" in r.json()["error"]["fields"]
    assert not (await Enterprise.get(id=enterprise.id)).above_scale
    r = await as_staff.patch(f"/api/v1/enterprises/{other_enterprise.id}", json={"contact_name": "x"})
    assert r.status_code == 403


async def test_supervisor_update_is_audited_with_before_and_after(as_supervisor, enterprise):
    r = await as_supervisor.patch(f"/api/v1/enterprises/{enterprise.id}",
                                  json={"above_scale": True, "above_scale_since": "2024-01-01"})
    assert r.status_code == 200 and r.json()["above_scale_since"] == "2024-01-01"
    entry = await AuditLog.get(action="enterprise.update")
    assert entry.before["above_scale"] is False and entry.after["above_scale"] is True
