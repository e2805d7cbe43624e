"""Importing the official certificate list: .xlsx and .csv, all or nothing, idempotent."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from models import AuditLog, Certification
from models.enums import RecordSource
from tests.features.supervision.builders import cert, firm
from tests.support.pages import csrf_from
from tests.support.processes import EmptyDatabase, env_for, run_cli

API = "/api/v1/certifications/import"
EN = ["credit_code", "enterprise_name", "kind", "certificate_no", "product_name", "issued_on",
      "expires_on"]
CN = ["统一社会信用代码", "企业名称", "类型", "证书编号", "产品名称", "颁证日期", "有效期至"]


def xlsx(header, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(header, rows, encoding="utf-8-sig") -> bytes:
    lines = [",".join(header)] + [",".join(str(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


@pytest.fixture
async def firms(app):
    rice = await firm("虎林市导入米业有限公司", industry="rice")
    honey = await firm("虎林市导入蜂业有限公司", industry="honey")
    return rice, honey


def good_rows(rice, honey):
    return [
        [rice.credit_code, rice.name, "绿色食品", "LB-18-2503000001A", "长粒香大米",
         date(2025, 3, 18), date(2028, 3, 17)],
        [honey.credit_code, honey.name, "brand_heitu_youpin", "HTYP-1", "椴树雪蜜",
         "2025-05-20", "2027/5/19"],
        [rice.credit_code, rice.name, "有机农产品", "OP-1", "有机胚芽米", datetime(2025, 6, 1),
         "2026年5月31日"],
    ]


async def post(browser, name: str, data: bytes, **form):
    return await browser.post(API, files={"file": (name, data)}, data=form)


async def test_xlsx_with_chinese_headers_imports_and_reimport_changes_nothing(
        as_supervisor, firms, supervisor):
    rice, honey = firms
    data = xlsx(CN, good_rows(rice, honey))
    r = await post(as_supervisor, "名录.xlsx", data)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["rows"], body["created"], body["updated"], body["unchanged"]) == (3, 3, 0, 0)
    assert body["imported"] is True and body["problems"] == []
    green = await Certification.get(certificate_no="LB-18-2503000001A")
    assert (green.enterprise_id, green.kind.value, green.product_name) == (rice.id, "green_food",
                                                                          "长粒香大米")
    assert (green.issued_on, green.expires_on) == (date(2025, 3, 18), date(2028, 3, 17))
    assert green.source == RecordSource.IMPORT and green.created_by_id == supervisor.id
    organic = await Certification.get(certificate_no="OP-1")
    assert organic.expires_on == date(2026, 5, 31)
    entries = await AuditLog.filter(action="certification.import").count()
    assert entries == 3
    snapshot = sorted(await Certification.all().values_list("id", "certificate_no", "updated_at"))

    again = await post(as_supervisor, "名录.xlsx", data)
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["updated"],
            again.json()["unchanged"]) == (0, 0, 3)
    assert sorted(await Certification.all().values_list("id", "certificate_no", "updated_at")) \
        == snapshot
    assert await AuditLog.filter(action="certification.import").count() == 3


async def test_csv_with_english_headers_and_an_update(as_supervisor, firms):
    rice, honey = firms
    existing = await cert(rice, "2025-03-18", number="LB-18-2503000001A", product="旧名称")
    data = csv_bytes(EN, [[rice.credit_code, "", "green_food", "lb-18-2503000001a", "长粒香大米",
                           "2025-03-18", "2028-03-17"]])
    r = await post(as_supervisor, "list.csv", data)
    assert r.status_code == 200, r.text
    assert (r.json()["created"], r.json()["updated"]) == (0, 1)
    await existing.refresh_from_db()
    assert existing.product_name == "长粒香大米" and existing.source == RecordSource.IMPORT
    entry = await AuditLog.get(action="certification.import")
    assert entry.before["product_name"] == "旧名称" and entry.after["product_name"] == "长粒香大米"


async def test_gbk_csv_from_excel_is_read(as_supervisor, firms):
    rice, honey = firms
    data = csv_bytes(CN, [[rice.credit_code, rice.name, "绿色食品", "GBK-1", "大米", "2025-01-01",
                           "2027-12-31"]], encoding="gb18030")
    r = await post(as_supervisor, "名录.csv", data)
    assert r.status_code == 200, r.text
    assert await Certification.exists(certificate_no="GBK-1")


async def test_problems_are_listed_with_row_numbers_and_nothing_is_imported(
        as_supervisor, firms):
    rice, honey = firms
    rows = good_rows(rice, honey) + [
        ["91350100M000100Y43", "外县企业", "绿色食品", "LB-X", "米", "2025-01-01", "2026-01-01"],
        ["91230381MA00000000", "", "绿色食品", "LB-Y", "米", "2025-01-01", "2026-01-01"],
        [rice.credit_code, "", "蔬菜认证", "", "米", "2025-13-01", "2024-01-01"],
        [rice.credit_code, "", "绿色食品", "LB-Z", "米", "2025-05-01", "2025-04-01"],
        [None, None, None, None, None, None, None],             # an empty row is skipped
        [rice.credit_code, rice.name, "绿色食品", "LB-18-2503000001A", "别的产品",
         "2025-03-18", "2028-03-17"],                           # same number, other content
    ]
    r = await post(as_supervisor, "名录.xlsx", xlsx(CN, rows))
    assert r.status_code == 422
    error = r.json()["error"]
    assert "未导入任何数据" in error["message"]
    problems = [(p["row"], p["column"]) for p in error["rows"]]
    assert problems == [
        (5, "credit_code"),        # a valid code of an enterprise that is not registered
        (6, "credit_code"),        # a wrong check character
        (7, "certificate_no"), (7, "issued_on"), (7, "kind"),
        (8, "expires_on"),
        (10, "certificate_no"),
    ]
    assert "尚未登记" in error["rows"][0]["message"]
    assert error["rows"][0]["credit_code"] == "91350100M000100Y43"
    assert "与第2行证书编号相同但内容不同" in error["rows"][-1]["message"]
    assert await Certification.all().count() == 0
    assert await AuditLog.filter(action="certification.import").count() == 0


async def test_a_number_already_held_by_another_enterprise_is_a_problem(as_supervisor, firms):
    rice, honey = firms
    await cert(honey, "2025-01-01", number="LB-TAKEN")
    data = xlsx(EN, [[rice.credit_code, "", "绿色食品", "LB-TAKEN", "米", "2025-01-01",
                      "2027-12-31"]])
    r = await post(as_supervisor, "x.xlsx", data)
    assert r.status_code == 422
    assert honey.name in r.json()["error"]["rows"][0]["message"]


async def test_warnings_do_not_block(as_supervisor, firms):
    rice, honey = firms
    row = [rice.credit_code, "虎林市别名米业", "绿色食品", "LB-W", "米", "2025-01-01", "2027-12-31"]
    r = await post(as_supervisor, "x.xlsx", xlsx(CN, [row, row]))
    assert r.status_code == 200
    body = r.json()
    assert body["created"] == 1
    assert [(w["row"], w["column"]) for w in body["warnings"]] == [(2, "enterprise_name"),
                                                                  (3, "certificate_no")]


async def test_dry_run_imports_nothing(as_supervisor, firms):
    rice, honey = firms
    r = await post(as_supervisor, "x.xlsx", xlsx(CN, good_rows(rice, honey)), dry_run="true")
    assert r.status_code == 200
    assert (r.json()["created"], r.json()["imported"], r.json()["dry_run"]) == (3, False, True)
    assert await Certification.all().count() == 0


@pytest.mark.parametrize(("name", "data", "message"), [
    ("x.xlsx", b"", "请选择"),          # what a browser sends when no file was chosen
    ("x.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100, ".xls"),
    ("x.xlsx", b"PK\x03\x04 broken zip", "无法读取"),
    ("x.csv", "名称,编号\n甲,1\n".encode(), "表头缺少"),
    ("x.csv", ",".join(CN).encode("utf-8"), "只有表头"),
    ("x.jpg", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "不是 CSV"),
])
async def test_unreadable_files_are_422_not_500(as_supervisor, firms, name, data, message):
    r = await post(as_supervisor, name, data)
    assert r.status_code == 422, r.text
    assert message in r.json()["error"]["fields"]["file"]


async def test_only_supervision_imports(client, as_staff, firms):
    rice, honey = firms
    data = xlsx(CN, good_rows(rice, honey))
    assert (await client.post(API, files={"file": ("x.xlsx", data)})).status_code == 401
    assert (await as_staff.post(API, files={"file": ("x.xlsx", data)})).status_code == 403
    assert await Certification.all().count() == 0


async def test_upload_page(as_supervisor, firms):
    rice, honey = firms
    page = await as_supervisor.get("/supervision/import")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    token = csrf_from(page.text)
    bad = xlsx(CN, [["91230381MA00000000", "", "绿色食品", "A", "米", "2025-01-01", "2026-01-01"]])
    r = await as_supervisor.post("/supervision/import", data={"csrf_token": token},
                                 files={"file": ("名录.xlsx", bad)})
    assert r.status_code == 422 and "第2行" in r.text and "未导入任何数据" in r.text
    r = await as_supervisor.post("/supervision/import", data={"csrf_token": token},
                                 files={"file": ("名录.xlsx", xlsx(CN, good_rows(rice, honey)))})
    assert r.status_code == 200 and "新增3张" in r.text
    # without the CSRF token the upload is refused
    r = await as_supervisor.post("/supervision/import",
                                 files={"file": ("名录.xlsx", xlsx(CN, good_rows(rice, honey)))})
    assert r.status_code == 403
    template = await as_supervisor.get("/supervision/import/template.xlsx")
    assert template.status_code == 200


@pytest.fixture
def cli_env(tmp_path):
    db = EmptyDatabase(tmp_path)
    yield env_for(db.url, tmp_path)
    db.drop()


def test_import_certs_command(cli_env, tmp_path):
    assert run_cli("migrate", env=cli_env).returncode == 0
    assert run_cli("seed-demo", env=cli_env).returncode == 0
    from server.demo.data import ENTERPRISES
    from server.demo.seed import demo_credit_code

    demo = ENTERPRISES[6]
    code = demo_credit_code(demo.name)
    path = tmp_path / "名录.csv"
    path.write_bytes(csv_bytes(CN, [[code, demo.name, "绿色食品", "LB-CLI-1", "鑫源大米",
                                     "2025-09-01", "2028-08-31"]]))
    first = run_cli("import-certs", str(path), env=cli_env)
    assert first.returncode == 0, first.stderr
    assert "已导入：新增1张" in first.stdout
    second = run_cli("import-certs", str(path), env=cli_env)
    assert second.returncode == 0 and "新增0张，更新0张，1张无变化" in second.stdout
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(CN, [["91230381MA00000000", "", "绿色食品", "X", "米", "2025-01-01",
                                    "2026-01-01"]]))
    third = run_cli("import-certs", str(bad), env=cli_env)
    assert third.returncode == 1
    assert "第2行（统一社会信用代码）" in third.stderr and "未导入任何数据" in third.stderr
    missing = run_cli("import-certs", str(tmp_path / "none.csv"), env=cli_env)
    assert missing.returncode == 1 and "no such file" in missing.stderr
