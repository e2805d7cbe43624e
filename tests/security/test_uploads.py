"""ASVS V12.1 / V12.2: uploads are bounded before they are parsed.

Already proved elsewhere: an oversized body is 413 from middleware on every route
(tests/test_errors.py::test_body_over_the_cap_is_413, and on the real server
tests/test_server_process.py::test_real_server_refuses_an_oversized_body_with_413);
photos: not an image 422, EXIF/GPS stripped by re-encoding, pixel bombs, 413 just over
the cap, at most ten (tests/features/registration/test_registration_api.py). Here: the
certificate import's workbook cannot be a zip bomb."""

import io
import zipfile

from models import Certification


def zip_bomb(unpacked_mb: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(unpacked_mb):
                member.write(chunk)
    return out.getvalue()


async def test_an_xlsx_that_inflates_to_gigabytes_is_refused_unread(as_supervisor):
    bomb = zip_bomb(101)
    assert len(bomb) < 1_000_000
    r = await as_supervisor.post("/api/v1/certifications/import",
                                 files={"file": ("清单.xlsx", bomb)})
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {
        "file": "该 Excel 文件解压后过大，请只保留证书清单后重新保存"}
    assert not await Certification.exists()
