"""Enterprise pages: supervision registers and browses; staff keep their contacts."""

from models import Enterprise, User
from tests.support.pages import log_in_page, submit_form

FORM = {"credit_code": "91310110666007217T", "name": "虎林市页面登记豆业有限公司",
        "township": "宝东镇", "industry": "soybean", "leading_level": "", "above_scale": "1",
        "above_scale_since": "", "legal_representative": "", "contact_name": "李四",
        "contact_phone": "", "address": ""}


async def test_register_an_enterprise_through_the_form(client, supervisor):
    await log_in_page(client, supervisor.phone)
    r = await submit_form(client, "/enterprises/new", "/enterprises/new", FORM)
    assert r.status_code == 303
    saved = await Enterprise.get(credit_code=FORM["credit_code"])
    assert r.headers["location"] == f"/enterprises/{saved.id}"
    assert saved.above_scale and saved.contact_name == "李四" and saved.industry == "soybean"
    detail = await client.get(r.headers["location"])
    assert "企业已登记" in detail.text and FORM["name"] in detail.text


async def test_form_errors_are_shown_by_their_fields_and_input_kept(client, supervisor):
    await log_in_page(client, supervisor.phone)
    bad = {**FORM, "credit_code": "91310110666007217X", "township": ""}
    r = await submit_form(client, "/enterprises/new", "/enterprises/new", bad)
    assert r.status_code == 422
    assert "请修改标红的2处后再提交" in r.text
    assert "统一社会信用代码校验位（第18位）不正确" in r.text
    assert "请填写所在乡镇（农场）" in r.text
    assert 'value="虎林市页面登记豆业有限公司"' in r.text   # nothing typed is lost
    assert not await Enterprise.exists(name=FORM["name"])


async def test_list_search_and_escaping(client, supervisor):
    from tests.support.factories import make_enterprise

    await make_enterprise("<script>alert(1)</script>食品厂", industry="honey", township="迎春镇")
    await make_enterprise("虎林市普通米业", industry="rice")
    await log_in_page(client, supervisor.phone)
    page = await client.get("/enterprises", params={"industry": "honey"})
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;食品厂" in page.text
    assert "普通米业" not in page.text


async def test_open_a_staff_account_from_the_detail_page(client, supervisor, enterprise):
    await log_in_page(client, supervisor.phone)
    url = f"/enterprises/{enterprise.id}"
    r = await submit_form(client, url, f"{url}/users",
                          {"name": "王五", "phone": "13712340000", "password": "short"})
    assert r.status_code == 422 and "密码至少12位" in r.text
    r = await submit_form(client, url, f"{url}/users",
                          {"name": "王五", "phone": "13712340000", "password": "a-long-password-1"})
    assert r.status_code == 303
    assert (await User.get(phone="13712340000")).enterprise_id == enterprise.id


async def test_staff_cannot_open_supervision_pages(client, staff):
    await log_in_page(client, staff.phone)
    for url in ["/enterprises", "/enterprises/new", f"/enterprises/{staff.enterprise_id}"]:
        r = await client.get(url)
        assert r.status_code == 403, url
        assert "无权" in r.text


async def test_staff_edit_their_contacts(client, staff, enterprise):
    await log_in_page(client, staff.phone)
    r = await submit_form(client, "/enterprise", "/enterprise",
                          {"contact_name": "新联系人", "contact_phone": "0467-5209999",
                           "legal_representative": "", "address": "虎林镇幸福街1号",
                           "above_scale": "1"})   # not theirs to change: ignored
    assert r.status_code == 303
    fresh = await Enterprise.get(id=enterprise.id)
    assert fresh.contact_name == "新联系人" and fresh.address == "虎林镇幸福街1号"
    assert not fresh.above_scale
    assert "联系信息已保存" in (await client.get("/enterprise")).text
