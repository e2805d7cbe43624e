async def test_healthz_reports_database_ok(client):
    response = await client.get("/api/v1/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_login_and_whoami(as_supervisor, supervisor):
    response = await as_supervisor.get("/api/v1/session")
    assert response.status_code == 200
    assert response.json()["user"]["id"] == supervisor.id
