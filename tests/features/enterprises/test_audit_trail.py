"""Supervision reads every change of an enterprise: who, when, before and after."""

from tests.support.pages import log_in_page


async def test_audit_trail_api_lists_changes_newest_first(as_supervisor, supervisor, enterprise):
    await as_supervisor.patch(f"/api/v1/enterprises/{enterprise.id}", json={"contact_name": "甲"})
    await as_supervisor.patch(f"/api/v1/enterprises/{enterprise.id}", json={"contact_name": "乙"})
    r = await as_supervisor.get(f"/api/v1/enterprises/{enterprise.id}/audit")
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 2
    newest = body["items"][0]
    assert newest["action"] == "enterprise.update" and newest["description"] == "企业信息 · 修改"
    assert newest["actor_id"] == supervisor.id
    assert (newest["before"]["contact_name"], newest["after"]["contact_name"]) == ("甲", "乙")


async def test_audit_trail_is_for_supervision_only(as_staff, enterprise, as_supervisor):
    assert (await as_staff.get(f"/api/v1/enterprises/{enterprise.id}/audit")).status_code == 403
    assert (await as_supervisor.get("/api/v1/enterprises/9999/audit")).status_code == 404


async def test_audit_page_shows_what_changed_in_chinese(client, supervisor, enterprise, as_supervisor):
    await as_supervisor.patch(f"/api/v1/enterprises/{enterprise.id}",
                              json={"contact_name": "<b>新</b>", "above_scale": True})
    await log_in_page(client, supervisor.phone)
    page = await client.get(f"/enterprises/{enterprise.id}/audit")
    assert page.status_code == 200
    assert "企业信息 · 修改" in page.text and "联系人" in page.text and "规上企业" in page.text
    assert "&lt;b&gt;新&lt;/b&gt;" in page.text and "<b>新</b>" not in page.text
