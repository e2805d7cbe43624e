"""Bearer API tokens for integrations."""

from models import ApiToken


async def test_token_lifecycle(as_supervisor, client, supervisor):
    r = await as_supervisor.post("/api/v1/tokens", json={"name": "省平台对接"})
    assert r.status_code == 201
    token = r.json()["token"]
    assert token.startswith("hlt_") and len(token) > 40
    stored = await ApiToken.get(id=r.json()["id"])
    assert stored.token_hash != token and token not in stored.token_hash

    integration = client.another()
    headers = {"Authorization": f"Bearer {token}"}
    r = await integration.get("/api/v1/session", headers=headers)
    assert r.status_code == 200 and r.json()["user"]["id"] == supervisor.id
    assert (await integration.get("/api/v1/enterprises", headers=headers)).status_code == 200

    listed = (await as_supervisor.get("/api/v1/tokens")).json()["items"]
    assert [t["name"] for t in listed] == ["省平台对接"] and "token" not in listed[0]

    r = await as_supervisor.delete(f"/api/v1/tokens/{stored.id}")
    assert r.status_code == 200
    r = await integration.get("/api/v1/session", headers=headers)
    assert r.status_code == 401
    assert r.json()["error"]["message"] == "API 令牌无效或已撤销"


async def test_bad_authorization_headers_are_401(client):
    for header in ["Bearer hlt_nonsense", "Basic abc", "Bearer "]:
        r = await client.get("/api/v1/session", headers={"Authorization": header})
        assert r.status_code == 401, header


async def test_cannot_revoke_someone_elses_token(as_supervisor, as_staff):
    r = await as_supervisor.post("/api/v1/tokens", json={"name": "x"})
    r = await as_staff.delete(f"/api/v1/tokens/{r.json()['id']}")
    assert r.status_code == 404


async def test_token_name_required(as_staff):
    r = await as_staff.post("/api/v1/tokens", json={"name": ""})
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"name": "请填写令牌名称"}
