"""Spreadsheets for every supervision list: Chinese headers, real numbers and dates.

    sheet = Sheet("未进驻企业", [Column("企业名称", 36), Column("认证日期", kind="date")])
    sheet.rows.append(["虎林市…", date(2025, 3, 18)])
    return xlsx_response("追溯进驻-2025.xlsx", workbook([sheet]))

Numbers are written as numbers (Decimal keeps its digits), dates as dates, percentages
as fractions with a % format. Text is always written as text: a value such as
`=HYPERLINK(...)` typed by a consumer into a complaint stays inert in Excel.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from sanic.response import HTTPResponse, raw

from server.core import clock

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {
    "int": "#,##0",
    "money": "#,##0.00",
    "decimal": "#,##0.####",
    "percent": "0.00%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}
HEADER_COLOUR = "07C160"


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 14
    kind: str = "text"      # text, int, money, decimal, percent (value in percent), date


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)


def info_sheet(lines: list[str]) -> Sheet:
    """A last sheet "说明": what the figures are, for which period, made when."""
    stamp = clock.local(clock.now()).strftime("%Y-%m-%d %H:%M")
    return Sheet("说明", [Column("说明", 100)], [[line] for line in [*lines, f"导出时间：{stamp}"]])


def _value(value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None
    if kind == "percent":
        return Decimal(value) / 100
    if kind in ("int", "money", "decimal"):
        return value if isinstance(value, int | Decimal) else Decimal(str(value))
    if kind == "datetime" and isinstance(value, datetime):
        return clock.local(value).replace(tzinfo=None)
    if kind == "date" and isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return str(value)


def workbook(sheets: list[Sheet]) -> bytes:
    # openpyxl takes a quarter of a second to import: only when a sheet is written,
    # not in every worker's start-up.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor=HEADER_COLOUR)
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(title=sheet.title[:31])
        header_row = row_no = 1
        for col_no, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=header_row, column=col_no, value=column.header)
            cell.font, cell.fill = header_font, header_fill
            cell.alignment = Alignment(vertical="center")
            ws.column_dimensions[get_column_letter(col_no)].width = column.width
        for values in sheet.rows:
            row_no += 1
            for col_no, (column, value) in enumerate(zip(sheet.columns, values, strict=True),
                                                     start=1):
                cell = ws.cell(row=row_no, column=col_no, value=_value(value, column.kind))
                if isinstance(cell.value, str):
                    cell.data_type = "s"          # never a formula
                elif column.kind in FORMATS and cell.value is not None:
                    cell.number_format = FORMATS[column.kind]
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        if sheet.rows:
            ws.auto_filter.ref = (f"A{header_row}:{get_column_letter(len(sheet.columns))}"
                                  f"{row_no}")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(file_name: str, data: bytes) -> HTTPResponse:
    """A download named `file_name` (Chinese allowed: RFC 6266 filename*)."""
    ascii_name = "".join(ch if ch.isascii() and ch.isalnum() or ch in "-_." else "_"
                         for ch in file_name)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"
    return raw(data, content_type=XLSX_TYPE,
               headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})
