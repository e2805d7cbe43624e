"""/api/v1/enterprises/{id}/traceability-registration: data, photo evidence, verification."""

from datetime import timedelta
from io import BytesIO

import pytest
from PIL import ExifTags, Image

from models import AuditLog, RegistrationEvidence, TraceabilityRegistration
from models.enums import Verification
from server.core import clock

TODAY = clock.today()
REG = {"platform": "national", "registration_no": "GJ2303810001", "registered_on": "2025-04-20"}


def url(enterprise_id: int, tail: str = "") -> str:
    return f"/api/v1/enterprises/{enterprise_id}/traceability-registration{tail}"


def phone_photo(size=(4032, 3024), *, gps=True, fmt="JPEG", mode="RGB") -> bytes:
    """A photo as a phone takes it: big, sideways (EXIF orientation), with GPS."""
    image = Image.new(mode, size, (30, 140, 60) if mode == "RGB" else (30, 140, 60, 128))
    for x in range(0, size[0], 97):      # some detail, so it is not a flat colour
        image.paste((200, 40, 40) if mode == "RGB" else (200, 40, 40, 255),
                    (x, 0, x + 20, size[1] // 3))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6            # rotate 90° to view
    exif[ExifTags.Base.Make] = "HuaweiTestPhone"
    if gps:
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        info[ExifTags.GPS.GPSLatitudeRef] = "N"
        info[ExifTags.GPS.GPSLatitude] = (45.0, 46.0, 12.0)
        info[ExifTags.GPS.GPSLongitudeRef] = "E"
        info[ExifTags.GPS.GPSLongitude] = (132.0, 58.0, 30.0)
    out = BytesIO()
    if fmt == "JPEG":
        image.save(out, fmt, exif=exif, quality=95)
    else:
        image.save(out, fmt)
    return out.getvalue()


PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


async def upload(browser, enterprise_id, data, name="photo.jpg", content_type="image/jpeg"):
    return await browser.post(url(enterprise_id, "/evidence"),
                              files={"file": (name, data, content_type)})


@pytest.fixture
async def registered(as_staff, enterprise):
    r = await as_staff.put(url(enterprise.id), json=REG)
    assert r.status_code == 200, r.text
    return r.json()


async def test_record_the_registration(as_staff, staff, enterprise):
    assert (await as_staff.get(url(enterprise.id))).status_code == 404
    r = await as_staff.put(url(enterprise.id), json={**REG, "registration_no": " gj 2303810001 "})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["platform"], body["registration_no"], body["registered_on"]) == \
        ("national", "GJ2303810001", "2025-04-20")
    assert body["verification"] == "pending" and body["evidence"] == []
    assert (await as_staff.get(url(enterprise.id))).json()["registration_no"] == "GJ2303810001"
    entry = await AuditLog.get(action="registration.create")
    assert entry.actor_id == staff.id and entry.after["platform"] == "national"


@pytest.mark.parametrize("change, fields", [
    ({"platform": "wechat"}, {"platform": "追溯平台取值无效"}),
    ({"platform": ""}, {"platform": "请填写追溯平台"}),
    ({"registration_no": "主体码"}, {"registration_no": "主体码太短，请按平台上显示的主体码填写"}),
    ({"registration_no": "GJ<script>1"}, {"registration_no": "主体码只能包含字母、数字和“-”"}),
    ({"registered_on": "2025-13-01"}, {"registered_on": "注册日期不存在，请核对年月日"}),
    ({"registered_on": (TODAY + timedelta(days=1)).isoformat()},
     {"registered_on": "注册日期不能晚于今天，请核对"}),
])
async def test_bad_registration_data_is_422(as_staff, enterprise, change, fields):
    r = await as_staff.put(url(enterprise.id), json={**REG, **change})
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == fields
    assert not await TraceabilityRegistration.exists()


async def test_a_phone_photo_is_reencoded_upright_small_and_without_gps(
        as_staff, enterprise, registered, settings_overrides, app):
    original = phone_photo()
    assert b"HuaweiTestPhone" in original
    r = await upload(as_staff, enterprise.id, original, name="IMG_2031.JPG")
    assert r.status_code == 201, r.text
    [photo] = r.json()["evidence"]
    # Upright (portrait after EXIF rotation) and at most 1600 px on the long side.
    assert (photo["width"], photo["height"]) == (1200, 1600)
    stored = await RegistrationEvidence.get(id=photo["id"])
    assert len(stored.file_name) == 36 and stored.file_name.endswith(".jpg")
    assert "IMG_2031" not in stored.file_name
    path = app.ctx.settings.data_path / "evidence" / stored.file_name
    data = path.read_bytes()
    assert stored.size_bytes == len(data) < len(original)
    image = Image.open(BytesIO(data))
    assert image.format == "JPEG" and image.size == (1200, 1600)
    assert dict(image.getexif()) == {}
    assert b"Exif" not in data and b"HuaweiTestPhone" not in data
    served = await as_staff.get(photo["url"])
    assert served.status_code == 200 and served.content == data
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["cache-control"] == "private, max-age=3600"
    thumb = await as_staff.get(photo["thumbnail_url"])
    assert Image.open(BytesIO(thumb.content)).size == (360, 480)


async def test_png_screenshots_with_transparency_are_accepted(as_staff, enterprise, registered):
    r = await upload(as_staff, enterprise.id, phone_photo((750, 1334), fmt="PNG", mode="RGBA"),
                     name="screenshot.png", content_type="image/png")
    assert r.status_code == 201
    assert (r.json()["evidence"][0]["width"], r.json()["evidence"][0]["height"]) == (750, 1334)


@pytest.mark.parametrize("data, name, content_type", [
    (PDF, "registration.jpg", "image/jpeg"),             # a PDF renamed .jpg
    (b"just some text, not a picture", "photo.jpg", "image/jpeg"),
    (phone_photo((64, 64))[:300], "cut.jpg", "image/jpeg"),   # a photo cut off mid-upload
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "logo.png", "image/png"),
])
async def test_files_that_are_not_photos_are_422(as_staff, enterprise, registered, data, name,
                                                  content_type):
    r = await upload(as_staff, enterprise.id, data, name=name, content_type=content_type)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"] == {
        "file": "文件不是可识别的图片，请拍照或选择手机相册中的照片（JPG、PNG）"}
    assert not await RegistrationEvidence.exists()


async def test_an_empty_upload_and_a_missing_field_are_422(as_staff, enterprise, registered):
    r = await upload(as_staff, enterprise.id, b"")
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"file": "请选择要上传的照片"}
    r = await as_staff.post(url(enterprise.id, "/evidence"),
                            files={"photo": ("a.jpg", phone_photo((64, 64)), "image/jpeg")})
    assert r.status_code == 422 and "file" in r.json()["error"]["fields"]


@pytest.mark.parametrize("size", [(8000, 7000), (12000, 12000)])   # 56 and 144 megapixels
async def test_a_decompression_bomb_is_refused(as_staff, enterprise, registered, size):
    bomb = BytesIO()
    Image.new("1", size).save(bomb, "PNG")       # a few KB that would unpack to hundreds of MB
    assert len(bomb.getvalue()) < 100_000
    r = await upload(as_staff, enterprise.id, bomb.getvalue(), name="bomb.png")
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"file": "图片尺寸过大，请用手机拍照后上传"}


async def test_a_20_mb_photo_is_413(as_staff, enterprise, registered):
    r = await upload(as_staff, enterprise.id, b"\xff\xd8\xff" + b"\0" * (20 * 1024 * 1024))
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "too_large"
    assert not await RegistrationEvidence.exists()


async def test_just_over_the_cap_is_413_saying_the_limit(as_staff, enterprise, registered):
    # Under the request limit (cap + 1 MB for the envelope), over the photo cap itself.
    r = await upload(as_staff, enterprise.id, b"\0" * (10 * 1024 * 1024 + 1))
    assert r.status_code == 413
    assert r.json()["error"]["fields"] == {"file": "照片不能超过10 MB，请重新拍摄或压缩后上传"}


async def test_photos_need_the_registration_first(as_staff, enterprise):
    r = await upload(as_staff, enterprise.id, phone_photo((64, 64)))
    assert r.status_code == 409
    assert r.json()["error"]["fields"] == {"file": "请先填写并保存注册信息，再上传照片"}


async def test_photos_are_served_only_to_that_enterprise_and_supervision(
        client, as_staff, as_other_staff, as_supervisor, enterprise, other_enterprise, registered):
    photo = (await upload(as_staff, enterprise.id, phone_photo((640, 480)))).json()["evidence"][0]
    assert (await as_supervisor.get(photo["url"])).status_code == 200
    assert (await as_other_staff.get(photo["url"])).status_code == 403
    anonymous = await client.get(photo["url"])
    assert anonymous.status_code == 401
    # The same photo id under another enterprise's URL is not found, even for supervision.
    other = f"/api/v1/enterprises/{other_enterprise.id}/traceability-registration/evidence/{photo['id']}"
    assert (await as_supervisor.get(other)).status_code == 404
    assert (await as_other_staff.get(other)).status_code == 404


async def test_other_enterprises_registration_is_403(as_staff, other_enterprise):
    assert (await as_staff.put(url(other_enterprise.id), json=REG)).status_code == 403
    assert (await as_staff.get(url(other_enterprise.id))).status_code == 403
    r = await upload(as_staff, other_enterprise.id, phone_photo((64, 64)))
    assert r.status_code == 403


async def test_supervision_verifies_or_rejects_staff_cannot(
        as_staff, as_supervisor, supervisor, enterprise, registered):
    r = await as_staff.post(url(enterprise.id, "/verify"), json={"verified": True})
    assert r.status_code == 403
    assert r.json()["error"]["message"] == "注册信息由监管部门核验，企业不能核验自己的注册信息"
    assert (await TraceabilityRegistration.get(enterprise_id=enterprise.id)).verification == \
        Verification.PENDING

    r = await as_supervisor.post(url(enterprise.id, "/verify"), json={"verified": False})
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"comment": "请填写未通过的原因，告诉企业需要怎样改正"}
    r = await as_supervisor.post(url(enterprise.id, "/verify"), json={"verified": "maybe"})
    assert r.status_code == 422 and "verified" in r.json()["error"]["fields"]

    r = await as_supervisor.post(url(enterprise.id, "/verify"),
                                 json={"verified": False, "comment": "照片看不清主体码"})
    assert r.status_code == 200
    assert (r.json()["verification"], r.json()["verification_comment"]) == \
        ("rejected", "照片看不清主体码")
    r = await as_supervisor.post(url(enterprise.id, "/verify"), json={"verified": True})
    assert r.status_code == 200 and r.json()["verification"] == "verified"
    saved = await TraceabilityRegistration.get(enterprise_id=enterprise.id)
    assert saved.verified_by_id == supervisor.id and saved.verified_at is not None
    actions = await AuditLog.filter(entity="TraceabilityRegistration").order_by("id") \
        .values_list("action", flat=True)
    assert actions == ["registration.create", "registration.reject", "registration.verify"]


async def test_any_change_by_the_enterprise_needs_verifying_again(
        as_staff, as_supervisor, enterprise, registered):
    await as_supervisor.post(url(enterprise.id, "/verify"), json={"verified": True})
    r = await as_staff.put(url(enterprise.id), json=REG)          # nothing changed
    assert r.json()["verification"] == "verified"
    r = await as_staff.put(url(enterprise.id), json={**REG, "registration_no": "GJ2303810002"})
    assert r.json()["verification"] == "pending" and r.json()["verified_at"] is None

    await as_supervisor.post(url(enterprise.id, "/verify"), json={"verified": True})
    r = await upload(as_staff, enterprise.id, phone_photo((64, 64)))
    assert r.json()["verification"] == "pending"
    await as_supervisor.post(url(enterprise.id, "/verify"), json={"verified": True})
    photo_id = r.json()["evidence"][0]["id"]
    r = await as_staff.delete(url(enterprise.id, f"/evidence/{photo_id}"))
    assert r.status_code == 200
    assert r.json()["verification"] == "pending" and r.json()["evidence"] == []


async def test_a_verification_of_what_the_reviewer_did_not_see_is_409(
        as_staff, as_supervisor, enterprise, registered):
    token = (await as_supervisor.get(url(enterprise.id))).json()["review_token"]
    await as_staff.put(url(enterprise.id), json={**REG, "registration_no": "GJ9999999999"})
    r = await as_supervisor.post(url(enterprise.id, "/verify"),
                                 json={"verified": True, "review_token": token})
    assert r.status_code == 409
    fresh = (await as_supervisor.get(url(enterprise.id))).json()["review_token"]
    r = await as_supervisor.post(url(enterprise.id, "/verify"),
                                 json={"verified": True, "review_token": fresh})
    assert r.status_code == 200


async def test_deleting_a_photo_removes_its_files(as_staff, enterprise, registered, app):
    r = await upload(as_staff, enterprise.id, phone_photo((64, 64)))
    photo = r.json()["evidence"][0]
    stored = await RegistrationEvidence.get(id=photo["id"])
    folder = app.ctx.settings.data_path / "evidence"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [stored.file_name, stored.file_name.replace(".jpg", ".thumb.jpg")])
    await as_staff.delete(url(enterprise.id, f"/evidence/{photo['id']}"))
    assert list(folder.iterdir()) == []
    assert (await as_staff.get(photo["url"])).status_code == 404


async def test_at_most_ten_photos(as_staff, enterprise, registered):
    small = phone_photo((32, 32), gps=False)
    for _ in range(10):
        assert (await upload(as_staff, enterprise.id, small)).status_code == 201
    r = await upload(as_staff, enterprise.id, small)
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"file": "最多上传10张照片，请先删除不需要的"}


async def test_supervision_queue(as_supervisor, as_staff, enterprise, registered):
    r = await as_supervisor.get("/api/v1/traceability-registrations")
    assert [(i["enterprise_name"], i["verification"]) for i in r.json()["items"]] == \
        [(enterprise.name, "pending")]
    await as_supervisor.post(url(enterprise.id, "/verify"), json={"verified": True})
    assert (await as_supervisor.get("/api/v1/traceability-registrations")).json()["items"] == []
    assert (await as_staff.get("/api/v1/traceability-registrations")).status_code == 403
