"""Reading and writing simple tables (xlsx sheets or csv) with cell references for errors.

Importers get rows as :class:`Row` objects that know their file, sheet, row number and the
cell of each column, so every error can name where it came from, in Chinese.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from diaodu.core.errors import ValidationFailed


class ImportError_(ValidationFailed):
    """An import problem located at file/sheet/row/cell."""


@dataclass
class Row:
    file: str
    sheet: str
    number: int  # 1-based row number in the sheet (csv: line number)
    values: dict[str, object]
    columns: dict[str, int]  # header -> 1-based column index

    def cell(self, header: str) -> str:
        col = self.columns.get(header)
        return f"{get_column_letter(col)}{self.number}" if col else "-"

    def where(self, header: str | None = None) -> str:
        where = f"文件 {self.file} 工作表“{self.sheet}”第 {self.number} 行"
        if header:
            where += f" {self.cell(header)} 单元格（{header}）"
        return where

    def error(self, header: str | None, message: str) -> ImportError_:
        return ImportError_(f"{self.where(header)}：{message}")

    def text(self, header: str) -> str:
        value = self.values.get(header)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def required(self, header: str) -> str:
        value = self.text(header)
        if not value:
            raise self.error(header, "不能为空")
        return value

    def number_or_none(self, header: str) -> float | None:
        value = self.values.get(header)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, (int, float)):
            return float(value)
        try:
            return float(str(value).strip().replace(",", ""))
        except ValueError:
            raise self.error(header, f"“{value}”不是数字") from None

    def date_or_none(self, header: str) -> dt.date | None:
        value = self.values.get(header)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip().replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-")
        try:
            y, m, d = (int(p) for p in text.split("-")[:3])
            return dt.date(y, m, d)
        except (ValueError, TypeError):
            raise self.error(header, f"“{value}”不是日期（应为 2025-03-01 这样的格式）") from None

    def is_blank(self) -> bool:
        return all(v is None or (isinstance(v, str) and not v.strip()) for v in self.values.values())


def read_csv_text(path: Path) -> str:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed(f"文件 {path.name} 不是 UTF-8 或 GB18030 编码的 CSV")


def read_sheets(path: Path, wanted: list[str] | None = None) -> dict[str, list[Row]]:
    """All sheets (or the wanted ones) as header-keyed rows; csv gives one sheet named after the file."""
    path = Path(path)
    if not path.is_file():
        raise ValidationFailed(f"文件不存在：{path}")
    suffix = path.suffix.lower()
    out: dict[str, list[Row]] = {}
    if suffix == ".csv":
        reader = csv.reader(io.StringIO(read_csv_text(path)))
        lines = list(reader)
        out[path.stem] = _rows(path.name, path.stem, lines)
        return out
    if suffix not in (".xlsx", ".xlsm"):
        raise ValidationFailed(f"文件 {path.name} 的格式不受支持，请使用 .xlsx 或 .csv")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any openpyxl failure means unreadable input
        raise ValidationFailed(f"无法读取 Excel 文件 {path.name}：{exc}") from exc
    try:
        for ws in wb.worksheets:
            if wanted is not None and ws.title not in wanted:
                continue
            out[ws.title] = _rows(path.name, ws.title, [list(r) for r in ws.iter_rows(values_only=True)])
    finally:
        wb.close()
    return out


def _rows(file: str, sheet: str, lines: list[list]) -> list[Row]:
    if not lines:
        return []
    headers = [str(h).strip() if h is not None else "" for h in lines[0]]
    columns = {h: i + 1 for i, h in enumerate(headers) if h}
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        values = {h: (line[i - 1] if i - 1 < len(line) else None) for h, i in columns.items()}
        if isinstance(line, list):
            values = {h: (v if not (isinstance(v, str) and v == "") else None) for h, v in values.items()}
        row = Row(file, sheet, n, values, columns)
        if not row.is_blank():
            rows.append(row)
    return rows


def write_workbook(path: Path, sheets: dict[str, tuple[list[str], list[list]]], notes: dict[str, str] | None = None) -> Path:
    """Write sheets of (headers, rows) with a bold, shaded header row and sensible widths."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for title, (headers, rows) in sheets.items():
        ws = wb.create_sheet(title)
        ws.append(headers)
        for cell in ws[1]:
            cell.font, cell.fill = bold, fill
        for row in rows:
            ws.append(row)
        for i, header in enumerate(headers, start=1):
            width = max([len(str(header)) * 2 + 2] + [len(str(r[i - 1])) * 2 for r in rows[:200] if i - 1 < len(r) and r[i - 1] is not None])
            ws.column_dimensions[get_column_letter(i)].width = min(max(width, 8), 60)
        ws.freeze_panes = "A2"
    for title, note in (notes or {}).items():
        ws = wb.create_sheet(title)
        for line in note.splitlines():
            ws.append([line])
        ws.column_dimensions["A"].width = 100
    wb.save(path)
    return path


def write_csv(path: Path, headers: list[str], rows: list[list]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return path
