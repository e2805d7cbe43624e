"""The registration page with photo upload, and supervision's verification pages."""

from models import RegistrationEvidence, TraceabilityRegistration
from models.enums import Verification
from tests.features.registration.test_registration_api import PDF, phone_photo
from tests.support.pages import csrf_from, log_in_page, submit_form

REG = {"platform": "provincial", "registration_no": "HLJ2303810007", "registered_on": "2025-05-06"}


async def upload_page(browser, files):
    page = await browser.get("/registration")
    return await browser.post("/registration/evidence",
                              data={"csrf_token": csrf_from(page.text)}, files=files)


async def test_record_the_registration_and_upload_photos(client, staff, enterprise):
    await log_in_page(client, staff.phone)
    page = await client.get("/registration")
    assert "保存注册信息后即可上传照片" in page.text
    r = await submit_form(client, "/registration", "/registration",
                          {**REG, "registration_no": ""})
    assert r.status_code == 422 and "请填写主体码" in r.text and 'value="2025-05-06"' in r.text
    r = await submit_form(client, "/registration", "/registration", REG)
    assert r.status_code == 303
    page = await client.get("/registration")
    assert "注册信息已保存，等待监管部门核验" in page.text
    assert 'accept="image/*" capture="environment"' in page.text
    assert 'enctype="multipart/form-data"' in page.text

    r = await upload_page(client, {"file": ("IMG_1.jpg", phone_photo((1600, 1200)), "image/jpeg"),
                                   "file_album": ("a.png", phone_photo((300, 600), fmt="PNG"),
                                                  "image/png")})
    assert r.status_code == 303
    page = await client.get("/registration")
    assert "已上传2张照片" in page.text and "注册证明照片（2/10）" in page.text
    photos = await RegistrationEvidence.all().order_by("id")
    assert f"/traceability-registration/evidence/{photos[0].id}?size=thumb" in page.text

    r = await submit_form(client, "/registration", f"/registration/evidence/{photos[0].id}/delete",
                          {})
    assert r.status_code == 303
    assert await RegistrationEvidence.all().count() == 1


async def test_a_pdf_renamed_jpg_is_refused_next_to_the_picker(client, staff, enterprise):
    await log_in_page(client, staff.phone)
    await submit_form(client, "/registration", "/registration", REG)
    r = await upload_page(client, {"file": ("证明.jpg", PDF, "image/jpeg")})
    assert r.status_code == 422
    assert "文件不是可识别的图片，请拍照或选择手机相册中的照片（JPG、PNG）" in r.text
    r = await upload_page(client, {"file": ("", b"", "application/octet-stream")})
    assert r.status_code == 422 and "请先拍照或选择照片" in r.text
    assert not await RegistrationEvidence.exists()


async def test_a_20_mb_photo_gets_a_clear_413_page(client, staff, enterprise):
    await log_in_page(client, staff.phone)
    await submit_form(client, "/registration", "/registration", REG)
    r = await upload_page(client, {"file": ("big.jpg", b"\xff\xd8" + b"0" * (20 * 1024 * 1024),
                                            "image/jpeg")})
    assert r.status_code == 413 and "文件太大，请压缩后重新上传" in r.text


async def test_supervision_verifies_and_rejects_on_the_review_pages(client, staff, supervisor,
                                                                    enterprise):
    await log_in_page(client, staff.phone)
    await submit_form(client, "/registration", "/registration", REG)
    await upload_page(client, {"file": ("IMG_1.jpg", phone_photo((800, 600)), "image/jpeg")})
    photo = await RegistrationEvidence.get()

    reviewer = client.another()
    await log_in_page(reviewer, supervisor.phone)
    queue = await reviewer.get("/review/registrations")
    assert enterprise.name in queue.text and "HLJ2303810007" in queue.text and "1 张照片" in queue.text
    page_url = f"/review/registrations/{enterprise.id}"
    page = await reviewer.get(page_url)
    assert f"/traceability-registration/evidence/{photo.id}" in page.text
    assert enterprise.credit_code in page.text
    token = page.text.split('name="review_token" value="')[1].split('"')[0]

    r = await submit_form(reviewer, page_url, f"{page_url}/verify",
                          {"decision": "reject", "comment": "", "review_token": token})
    assert r.status_code == 422 and "请填写未通过的原因" in r.text
    r = await submit_form(reviewer, page_url, f"{page_url}/verify",
                          {"decision": "reject", "comment": "照片中的主体码看不清",
                           "review_token": token})
    assert r.status_code == 303 and r.headers["location"] == "/review/registrations"
    assert (await TraceabilityRegistration.get()).verification == Verification.REJECTED

    # The enterprise sees why, re-uploads, and it is pending again.
    page = await client.get("/registration")
    assert "监管部门核验未通过" in page.text and "照片中的主体码看不清" in page.text
    await upload_page(client, {"file": ("IMG_2.jpg", phone_photo((800, 600)), "image/jpeg")})
    assert (await TraceabilityRegistration.get()).verification == Verification.PENDING

    # The reviewer's old page no longer matches what is on file.
    r = await submit_form(reviewer, page_url, f"{page_url}/verify",
                          {"decision": "verify", "comment": "", "review_token": token})
    assert r.status_code == 409 and "企业刚刚修改了注册信息或照片" in r.text
    page = await reviewer.get(page_url)
    fresh = page.text.split('name="review_token" value="')[1].split('"')[0]
    r = await submit_form(reviewer, page_url, f"{page_url}/verify",
                          {"decision": "verify", "comment": "", "review_token": fresh})
    assert r.status_code == 303
    assert (await TraceabilityRegistration.get()).verification == Verification.VERIFIED
    await reviewer.stop()


async def test_staff_cannot_reach_the_verification_pages(client, staff, enterprise):
    await log_in_page(client, staff.phone)
    await submit_form(client, "/registration", "/registration", REG)
    assert (await client.get("/review/registrations")).status_code == 403
    page = await client.get("/registration")
    r = await client.post(f"/review/registrations/{enterprise.id}/verify",
                          data={"decision": "verify", "csrf_token": csrf_from(page.text)})
    assert r.status_code == 403
    assert (await TraceabilityRegistration.get()).verification == Verification.PENDING
