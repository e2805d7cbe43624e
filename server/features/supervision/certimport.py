"""Importing the official certificate list (.xlsx or .csv) — `import-certs` and the page.

Columns (API.md), English or Chinese headers, in any order:

    credit_code      统一社会信用代码   the enterprise, which must already be registered
    enterprise_name  企业名称           optional; a different registered name is a warning
    kind             类型               green_food / 绿色食品, organic / 有机农产品, ...
    certificate_no   证书编号
    product_name     产品名称
    issued_on        颁证日期
    expires_on       有效期至

Rules:
- every row is checked; bad rows and unknown credit codes are listed back with their row
  number (the spreadsheet's own row number, header = row 1);
- all or nothing: when any row has a problem nothing is imported (one transaction), so a
  list is never half in the database and a newly certified enterprise is never silently
  missing from the 100 % check - register it, then import again;
- a certificate is identified by kind + number: a new one is created, a known one of
  the same enterprise is updated to the official figures, and one that already matches
  is left alone, so importing the same file again changes nothing;
- every creation and update has its audit-log entry.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import Certification, Enterprise
from models.enums import CertificateKind, RecordSource
from models.rules import RuleError
from models.rules.credit_code import normalize_credit_code, parse_credit_code
from models.rules.dates import parse_date
from models.rules.text import halfwidth
from server.core import audit
from server.core.context import ServiceContext
from server.core.errors import Conflict, ValidationError
from server.core.permissions import require_supervision
from server.core.validation import text

MAX_ROWS = 20000
# What a workbook may unpack to: 20,000 rows of seven columns is ~20 MB of sheet XML. A
# zip bomb (a few MB that inflate to gigabytes) is refused before openpyxl reads it.
XLSX_MAX_UNPACKED = 100 * 1024 * 1024
CHUNK = 500

COLUMNS = {
    "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码"),
    "enterprise_name": ("企业名称", "单位名称"),
    "kind": ("类型", "证书类型", "认证类型"),
    "certificate_no": ("证书编号", "编号"),
    "product_name": ("产品名称",),
    "issued_on": ("颁证日期", "发证日期"),
    "expires_on": ("有效期至", "有效期", "到期日期"),
}
REQUIRED = ("credit_code", "kind", "certificate_no", "product_name", "issued_on",
            "expires_on")
LABELS = {name: names[0] for name, names in COLUMNS.items()}

_KIND_NAMES = {
    CertificateKind.GREEN_FOOD: ("绿色食品", "绿色食品证书"),
    CertificateKind.ORGANIC: ("有机农产品", "有机产品", "有机食品", "有机"),
    CertificateKind.GEO_INDICATION: ("农产品地理标志", "地理标志", "地标"),
    CertificateKind.BRAND_HULIN_LINDEN_HONEY: ("虎林椴树蜜", "虎林椴树蜜区域品牌授权"),
    CertificateKind.BRAND_HEITU_YOUPIN: ("黑土优品", "黑土优品品牌授权"),
}


def _kind_key(raw: str) -> str:
    return "".join(halfwidth(raw).split()).lower().strip("“”\"'")


KINDS: dict[str, CertificateKind] = {}
for _kind in CertificateKind:
    for _name in (_kind.value, _kind.label, *_KIND_NAMES[_kind]):
        KINDS[_kind_key(_name).replace("“", "").replace("”", "")] = _kind


@dataclass(frozen=True)
class Problem:
    line: int                 # spreadsheet row number (0: the file itself)
    column: str               # field name, or "" for the whole row
    message: str
    credit_code: str = ""

    def text(self) -> str:
        where = f"第{self.line}行" if self.line else "文件"
        column = f"（{LABELS.get(self.column, self.column)}）" if self.column else ""
        return f"{where}{column}：{self.message}"


@dataclass(frozen=True)
class ParsedRow:
    line: int
    credit_code: str
    enterprise_name: str
    kind: CertificateKind
    certificate_no: str
    product_name: str
    issued_on: date
    expires_on: date


@dataclass
class ImportResult:
    file_name: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        return not self.dry_run and not self.problems

    def summary(self) -> str:
        if self.problems:
            return f"共{self.rows}行，发现{len(self.problems)}处问题，未导入任何数据"
        verb = "检查通过，可导入" if self.dry_run else "已导入"
        return (f"共{self.rows}行，{verb}：新增{self.created}张，更新{self.updated}张，"
                f"{self.unchanged}张无变化")


class ImportRejected(ValidationError):
    """The file has problems; nothing was imported. Carries the full result."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__(result.summary(), fields={"file": result.summary()})
        self.result = result

    def envelope(self) -> dict[str, Any]:
        body = super().envelope()
        body["error"]["rows"] = [problem_json(p) for p in self.result.problems]
        body["error"]["warnings"] = [problem_json(p) for p in self.result.warnings]
        return body


# -- reading the file -------------------------------------------------------------------
def read_table(file_name: str, data: bytes) -> list[tuple[int, list[Any]]]:
    """(row number, cells) of the first sheet (.xlsx) or of the CSV file."""
    name = file_name.lower()
    if not data:
        raise _file_error("文件是空的")
    if name.endswith(".xls") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _file_error("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 .csv 后上传")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if name.endswith(".xlsx"):
        raise _file_error("该文件不是有效的 .xlsx 文件")
    return _read_csv(data)


def _file_error(message: str) -> ValidationError:
    return ValidationError(message, fields={"file": message})


def _read_xlsx(data: bytes) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        # zipfile never inflates a member past its declared size, so the sum bounds it.
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > XLSX_MAX_UNPACKED:
            raise _file_error("该 Excel 文件解压后过大，请只保留证书清单后重新保存")
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise _file_error("无法读取该 Excel 文件，请确认是 .xlsx 格式") from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 1:
                raise _file_error(f"一次最多导入{MAX_ROWS}行，请拆分文件")
            rows.append((number, list(values)))
        return rows
    finally:
        book.close()


def _read_csv(data: bytes) -> list[tuple[int, list[Any]]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            content = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise _file_error("无法识别文件编码，请保存为 UTF-8 编码的 CSV")
    if "\x00" in content:
        raise _file_error("该文件不是 CSV 文本文件，请上传 .xlsx 或 .csv")
    first = content.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    rows = []
    for number, values in enumerate(csv.reader(io.StringIO(content), delimiter=delimiter),
                                    start=1):
        if number > MAX_ROWS + 1:
            raise _file_error(f"一次最多导入{MAX_ROWS}行，请拆分文件")
        rows.append((number, values))
    return rows


def _header_key(raw: Any) -> str:
    return "".join(halfwidth(str(raw or "")).split()).lower().lstrip("\ufeff")


def map_header(cells: list[Any]) -> dict[str, int]:
    """Column index of each known field; unknown columns are ignored."""
    names = {}
    for field_name, chinese in COLUMNS.items():
        for alias in (field_name, *chinese):
            names[_header_key(alias)] = field_name
    mapping: dict[str, int] = {}
    for index, cell in enumerate(cells):
        field_name = names.get(_header_key(cell))
        if field_name and field_name not in mapping:
            mapping[field_name] = index
    return mapping


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _cell_date(value: Any, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 < value < 100000:
        return date(1899, 12, 30) + timedelta(days=int(value))   # an Excel serial date
    return parse_date(_cell_text(value), what)


def _parse_kind(raw: Any) -> CertificateKind:
    key = _kind_key(_cell_text(raw)).replace("“", "").replace("”", "")
    if not key:
        raise RuleError("请填写证书类型")
    kind = KINDS.get(key)
    if kind is None:
        raise RuleError("类型应为绿色食品、有机农产品、农产品地理标志、虎林椴树蜜或黑土优品")
    return kind


def parse_rows(table: list[tuple[int, list[Any]]]) -> tuple[list[ParsedRow], list[Problem]]:
    """Check every row; the rows that pass, and the problems of those that do not."""
    content = [(n, cells) for n, cells in table if not all(_blank(c) for c in cells)]
    if not content:
        raise _file_error("文件中没有数据")
    header_line, header = content[0]
    mapping = map_header(header)
    absent = [LABELS[name] for name in REQUIRED if name not in mapping]
    if absent:
        raise _file_error(f"第{header_line}行表头缺少：{'、'.join(absent)}"
                          "（可用英文列名 credit_code、kind、certificate_no、product_name、"
                          "issued_on、expires_on）")
    rows, problems = [], []
    number_text = text(64, "证书编号")
    product_text = text(200, "产品名称")
    name_text = text(200, "企业名称")
    for line, cells in content[1:]:
        def cell(name: str, cells=cells) -> Any:
            index = mapping.get(name)
            return cells[index] if index is not None and index < len(cells) else None

        values: dict[str, Any] = {}
        row_problems = []
        parsers = {
            "credit_code": lambda v: parse_credit_code(_cell_text(v)),
            "enterprise_name": lambda v: name_text(_cell_text(v)),
            "kind": _parse_kind,
            "certificate_no": lambda v: number_text(_cell_text(v)).upper(),
            "product_name": lambda v: product_text(_cell_text(v)),
            "issued_on": lambda v: _cell_date(v, "颁证日期"),
            "expires_on": lambda v: _cell_date(v, "有效期至"),
        }
        for name, parse in parsers.items():
            raw = cell(name)
            if _blank(raw):
                if name in REQUIRED:
                    row_problems.append(Problem(line, name, f"请填写{LABELS[name]}"))
                values[name] = ""
                continue
            try:
                values[name] = parse(raw)
            except RuleError as exc:
                row_problems.append(Problem(line, name, str(exc)))
        if not row_problems and values["expires_on"] <= values["issued_on"]:
            row_problems.append(Problem(line, "expires_on", "有效期至应晚于颁证日期"))
        code = values.get("credit_code") or normalize_credit_code(_cell_text(cell("credit_code")))
        if row_problems:
            problems += [Problem(p.line, p.column, p.message, code) for p in row_problems]
            continue
        rows.append(ParsedRow(line, values["credit_code"], values["enterprise_name"],
                              values["kind"], values["certificate_no"], values["product_name"],
                              values["issued_on"], values["expires_on"]))
    if not rows and not problems:
        raise _file_error("文件中只有表头，没有证书数据")
    return rows, problems


# -- importing ---------------------------------------------------------------------------
def _chunks(values: list[Any]) -> list[list[Any]]:
    return [values[i:i + CHUNK] for i in range(0, len(values), CHUNK)]


async def import_certificates(ctx: ServiceContext, file_name: str, data: bytes, *,
                              dry_run: bool = False, operator: bool = False) -> ImportResult:
    """Check the file and, unless `dry_run` or a problem, import it in one transaction.

    Raises ImportRejected (422) listing every problem when anything is wrong.
    `operator=True` is the command line (the server's operator, no account); every
    HTTP route leaves it False, so an anonymous request is refused.
    """
    if not operator:
        require_supervision(ctx.actor)
    result = ImportResult(file_name=file_name, dry_run=dry_run)
    rows, problems = parse_rows(read_table(file_name, data))
    result.rows = len(rows) + len({p.line for p in problems})
    result.problems += problems

    codes = sorted({r.credit_code for r in rows})
    enterprises: dict[str, Enterprise] = {}
    for chunk in _chunks(codes):
        for e in await Enterprise.filter(credit_code__in=chunk):
            enterprises[e.credit_code] = e
    numbers = sorted({r.certificate_no for r in rows})
    existing: dict[tuple[str, str], Certification] = {}
    for chunk in _chunks(numbers):
        for c in await Certification.filter(certificate_no__in=chunk):
            existing[(c.kind.value, c.certificate_no)] = c
    owners = {e.id: e for e in enterprises.values()}
    missing_owner_ids = {c.enterprise_id for c in existing.values()} - set(owners)
    for chunk in _chunks(sorted(missing_owner_ids)):
        for e in await Enterprise.filter(id__in=chunk):
            owners[e.id] = e

    seen: dict[tuple[str, str], ParsedRow] = {}
    plan: list[tuple[ParsedRow, Enterprise, Certification | None]] = []
    for row in rows:
        enterprise = enterprises.get(row.credit_code)
        if enterprise is None:
            result.problems.append(Problem(
                row.line, "credit_code",
                f"统一社会信用代码 {row.credit_code} 的企业尚未登记，请先在“企业”中登记后再导入",
                row.credit_code))
            continue
        key = (row.kind.value, row.certificate_no)
        if key in seen:
            first = seen[key]
            if (first.credit_code, first.product_name, first.issued_on, first.expires_on) == \
                    (row.credit_code, row.product_name, row.issued_on, row.expires_on):
                result.warnings.append(Problem(row.line, "certificate_no",
                                               f"与第{first.line}行重复，已忽略", row.credit_code))
            else:
                result.problems.append(Problem(row.line, "certificate_no",
                                               f"与第{first.line}行证书编号相同但内容不同",
                                               row.credit_code))
            continue
        seen[key] = row
        if row.enterprise_name and row.enterprise_name != enterprise.name:
            result.warnings.append(Problem(
                row.line, "enterprise_name",
                f"企业名称与登记名称“{enterprise.name}”不一致，已按信用代码匹配",
                row.credit_code))
        current = existing.get(key)
        if current is not None and current.enterprise_id != enterprise.id:
            owner = owners.get(current.enterprise_id)
            result.problems.append(Problem(
                row.line, "certificate_no",
                f"该证书编号已登记在“{owner.name if owner else current.enterprise_id}”名下",
                row.credit_code))
            continue
        plan.append((row, enterprise, current))

    result.problems.sort(key=lambda p: (p.line, p.column))
    for row, _enterprise, current in plan:
        if current is None:
            result.created += 1
        elif _differs(current, row):
            result.updated += 1
        else:
            result.unchanged += 1
    if result.problems:
        raise ImportRejected(result)
    if dry_run:
        return result
    try:
        async with in_transaction():
            for row, enterprise, current in plan:
                await _apply(ctx, row, enterprise, current)
    except IntegrityError:
        raise Conflict("导入过程中有相同证书被同时登记，未导入任何数据，请重新导入") from None
    return result


def _differs(current: Certification, row: ParsedRow) -> bool:
    return (current.product_name, current.issued_on, current.expires_on, current.source) != \
        (row.product_name, row.issued_on, row.expires_on, RecordSource.IMPORT)


async def _apply(ctx: ServiceContext, row: ParsedRow, enterprise: Enterprise,
                 current: Certification | None) -> None:
    if current is None:
        cert = await Certification.create(
            enterprise=enterprise, kind=row.kind, certificate_no=row.certificate_no,
            product_name=row.product_name, issued_on=row.issued_on,
            expires_on=row.expires_on, source=RecordSource.IMPORT, created_by=ctx.actor)
        await audit.record(ctx.actor, "certification.import", cert,
                           after=audit.snapshot(cert), enterprise_id=enterprise.id, ip=ctx.ip)
        return
    if not _differs(current, row):
        return
    before = audit.snapshot(current)
    current.product_name = row.product_name
    current.issued_on = row.issued_on
    current.expires_on = row.expires_on
    current.source = RecordSource.IMPORT
    await current.save(update_fields=["product_name", "issued_on", "expires_on", "source",
                                      "updated_at"])
    await audit.record(ctx.actor, "certification.import", current, before=before,
                       after=audit.snapshot(current), enterprise_id=enterprise.id, ip=ctx.ip)


def problem_json(p: Problem) -> dict[str, Any]:
    return {"row": p.line, "column": p.column, "message": p.message,
            "credit_code": p.credit_code or None}


def result_json(r: ImportResult) -> dict[str, Any]:
    return {"file": r.file_name, "dry_run": r.dry_run, "imported": r.imported,
            "rows": r.rows, "created": r.created, "updated": r.updated,
            "unchanged": r.unchanged, "summary": r.summary(),
            "problems": [problem_json(p) for p in r.problems],
            "warnings": [problem_json(p) for p in r.warnings]}
