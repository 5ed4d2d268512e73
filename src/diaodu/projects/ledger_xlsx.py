"""The project ledger workbook (项目台账): one layout for the empty template, the export
and the import, so that ``parse_ledger(write_ledger(projects, p))`` round-trips.

Sheets (header in row 1, data from row 2, column order free on import, extra columns
and sheets ignored):

* 项目 — one row per project (see ``PROJECT_COLUMNS``)
* 节点 — 项目编码, 节点名称, 计划日期, 完成日期
* 问题 — 项目编码, 问题, 责任单位, 时限, 状态
* 月度 — 项目编码, 月份 (YYYY-MM), 本月完成投资(万元), 形象进度, 入库金额(万元)
* 说明 — instructions, ignored on import

Dates are accepted as Excel dates or as text ``2025-03-01``, ``2025/3/1``, ``2025年3月1日``;
months as ``2025-03``, ``2025/3``, ``2025年3月`` or an Excel date. Amounts are 万元; numbers
are written as Excel numbers (exact round trip up to 15 significant digits).

Errors are collected and raised together as :class:`LedgerError`; each
:class:`LedgerIssue` names the file, sheet, row, column header and cell (e.g. ``K7``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from .records import PROBLEM_STATUSES, REG_STATUSES, STAGES, ZERO, MonthlyReport, Node, Problem, Project

LIST_SEP = "、"
LIST_SEPARATORS = "、,，;；"   # accepted between list names on import
SHEET_PROJECTS, SHEET_NODES, SHEET_PROBLEMS = "项目", "节点", "问题"
SHEET_MONTHLY, SHEET_HELP = "月度", "说明"

# (header, attribute, kind, required)
PROJECT_COLUMNS: tuple[tuple[str, str, str, bool], ...] = (
    ("项目编码", "code", "text", True),
    ("项目名称", "name", "text", True),
    ("所属清单", "lists", "lists", False),
    ("建设阶段", "stage", "stage", True),
    ("所属产业", "industry", "text", False),
    ("产业链", "chain", "text", False),
    ("县市区", "county", "text", True),
    ("业主单位", "owner", "text", False),
    ("责任单位", "unit", "text", False),
    ("联系市领导", "leader", "text", False),
    ("总投资(万元)", "total_investment", "money", True),
    ("年度计划投资(万元)", "annual_plan", "money", True),
    ("计划开工", "planned_start", "date", False),
    ("实际开工", "actual_start", "date", False),
    ("计划竣工", "planned_completion", "date", False),
    ("实际竣工", "actual_completion", "date", False),
    ("形象进度", "progress", "text", False),
    ("入库状态", "reg_status", "reg_status", False),
    ("入库日期", "reg_date", "date", False),
    ("入库金额(万元)", "reg_amount", "money", False),
)
NODE_COLUMNS = (
    ("项目编码", "code", "text", True),
    ("节点名称", "name", "text", True),
    ("计划日期", "planned_date", "date", False),
    ("完成日期", "done_date", "date", False),
)
PROBLEM_COLUMNS = (
    ("项目编码", "code", "text", True),
    ("问题", "text", "text", True),
    ("责任单位", "unit", "text", False),
    ("时限", "deadline", "date", False),
    ("状态", "status", "problem_status", False),
)
MONTHLY_COLUMNS = (
    ("项目编码", "code", "text", True),
    ("月份", "month", "month", True),
    ("本月完成投资(万元)", "amount", "money", True),
    ("形象进度", "progress", "text", False),
    ("入库金额(万元)", "registered", "money", False),
)
SHEETS = ((SHEET_PROJECTS, PROJECT_COLUMNS), (SHEET_NODES, NODE_COLUMNS),
          (SHEET_PROBLEMS, PROBLEM_COLUMNS), (SHEET_MONTHLY, MONTHLY_COLUMNS))

_WIDTHS = {"text": 16, "lists": 22, "stage": 10, "reg_status": 10, "problem_status": 10,
           "money": 14, "date": 12, "month": 10}
_WIDE = {"项目名称": 34, "形象进度": 30, "问题": 40, "业主单位": 24, "责任单位": 20, "节点名称": 24}

HELP_LINES = (
    "项目台账导入说明",
    "1. 第一行为表头，请勿修改表头名称；列的顺序可以调整，多余的列和工作表会被忽略。",
    "2. 金额单位均为万元；累计完成投资由“月度”表逐月汇总得出，不需要填写。",
    "3. 日期可填 Excel 日期，或文本 2025-03-01、2025/3/1、2025年3月1日；月份填 2025-03。",
    "4. “所属清单”可填多个，用顿号“、”分隔，例如：省重点、集中开工第一批。",
    (f"5. 建设阶段：{LIST_SEP.join(STAGES)}；入库状态：{LIST_SEP.join(REG_STATUSES)}；"
    f"问题状态：{LIST_SEP.join(PROBLEM_STATUSES)}。"),
    "6. “节点”“问题”“月度”表按项目编码关联“项目”表；每个项目每月只能有一行月度数据。",
)


# ---------------------------------------------------------------- errors

@dataclass(frozen=True)
class LedgerIssue:
    file: str
    sheet: str
    row: int | None = None
    column: str | None = None     # header name
    cell: str | None = None       # e.g. "K7"
    message: str = ""

    def __str__(self) -> str:
        where = f"文件“{self.file}”"
        if self.sheet:
            where += f"工作表“{self.sheet}”"
        if self.row is not None:
            where += f"第{self.row}行"
        if self.column:
            where += f"“{self.column}”列"
        if self.cell:
            where += f"（{self.cell}单元格）"
        return f"{where}：{self.message}"


class LedgerError(ValueError):
    """Import failed; ``issues`` lists every problem found (nothing was imported)."""

    def __init__(self, issues: Sequence[LedgerIssue]):
        self.issues = list(issues)
        shown = [str(i) for i in self.issues[:50]]
        if len(self.issues) > 50:
            shown.append(f"……共{len(self.issues)}处错误")
        super().__init__("\n".join(shown))


# ---------------------------------------------------------------- cell parsing

class _CellError(ValueError):
    pass


_DATE_RES = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
_MONTH_RES = (
    re.compile(r"^(\d{4})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月?$"),
)
DATE_HINT = "可填 Excel 日期，或 2025-03-01、2025/3/1、2025年3月1日"


def parse_date(value: Any) -> date | None:
    """Excel date / serial number / text → date; empty → None; else ``ValueError``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return from_excel(value).date()
        raise _CellError(f"不是有效的日期：“{value}”（{DATE_HINT}）")
    text = str(value).strip()
    for rx in _DATE_RES:
        m = rx.match(text)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                break
    raise _CellError(f"不是有效的日期：“{text}”（{DATE_HINT}）")


def parse_month(value: Any) -> str:
    if isinstance(value, (datetime, date)):
        return f"{value.year:04d}-{value.month:02d}"
    text = "" if value is None else str(value).strip()
    for rx in _MONTH_RES:
        m = rx.match(text)
        if m and 1 <= int(m.group(2)) <= 12:
            return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
    raise _CellError(f"不是有效的月份：“{text}”（应为 YYYY-MM，例如 2025-03）")


def parse_money(value: Any) -> Decimal | None:
    """Number or numeric text (commas allowed) → Decimal ≥ 0; empty → None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _CellError(f"不是有效的金额：“{value}”")
    if isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(repr(value))
    elif isinstance(value, Decimal):
        d = value
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        if text.endswith("万元"):
            text = text[:-2].strip()
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise _CellError(f"不是有效的金额：“{value}”（单位万元，只填数字）") from None
        if not d.is_finite():
            raise _CellError(f"不是有效的金额：“{value}”")
    if d < 0:
        raise _CellError(f"金额不能为负数：{value}")
    return d


def parse_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _choice(allowed: Sequence[str], label: str) -> Callable[[Any], str | None]:
    def parse(value: Any) -> str | None:
        text = parse_text(value)
        if not text:
            return None
        if text not in allowed:
            raise _CellError(f"{label}“{text}”无效，应为：{LIST_SEP.join(allowed)}")
        return text
    return parse


def parse_lists(value: Any) -> tuple[str, ...]:
    text = parse_text(value)
    if not text:
        return ()
    parts = [p.strip() for p in re.split("[" + LIST_SEPARATORS + "]", text)]
    return tuple(dict.fromkeys(p for p in parts if p))


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": parse_text,
    "lists": parse_lists,
    "stage": _choice(STAGES, "建设阶段"),
    "reg_status": _choice(REG_STATUSES, "入库状态"),
    "problem_status": _choice(PROBLEM_STATUSES, "问题状态"),
    "money": parse_money,
    "date": parse_date,
    "month": parse_month,
}
_EMPTY = {"text": "", "lists": (), "money": None, "date": None, "stage": None, "reg_status": None,
          "problem_status": None, "month": None}


def _norm_header(h: Any) -> str:
    text = parse_text(h).replace("（", "(").replace("）", ")").replace(" ", "").replace("\u3000", "")
    return text


def _header_aliases(header: str) -> set[str]:
    base = header.replace("(万元)", "")
    out = {header, base}
    if header == "月份":
        out.add("月份(YYYY-MM)")
    return out


# ---------------------------------------------------------------- reading

def _read_sheet(wb, file: str, sheet: str, columns, issues: list[LedgerIssue],
                required_sheet: bool) -> tuple[list[tuple[int, dict[str, Any]]], set[str], bool]:
    """Parsed good rows, the 项目编码 of rows with errors, and whether the sheet was usable."""
    if sheet not in wb.sheetnames:
        if required_sheet:
            issues.append(LedgerIssue(file, sheet, message=f"缺少工作表“{sheet}”"))
        return [], set(), not required_sheet
    ws = wb[sheet]
    rows = ws.iter_rows(values_only=False)
    try:
        header_cells = next(rows)
    except StopIteration:
        issues.append(LedgerIssue(file, sheet, 1, message="缺少表头行"))
        return [], set(), False
    found: dict[str, int] = {}
    for idx, c in enumerate(header_cells):
        h = _norm_header(c.value)
        for header, *_ in columns:
            if h and h in _header_aliases(header) and header not in found:
                found[header] = idx
    missing = [h for h, _a, _k, req in columns if h not in found and req]
    for h in missing:
        issues.append(LedgerIssue(file, sheet, 1, h, message=f"缺少表头“{h}”"))
    if missing:
        return [], set(), False
    out: list[tuple[int, dict[str, Any]]] = []
    bad_codes: set[str] = set()
    for cells in rows:
        values = [c.value for c in cells]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        rownum = cells[0].row
        rec: dict[str, Any] = {}
        bad = False
        for header, attr, kind, req in columns:
            if header not in found:
                rec[attr] = _EMPTY[kind]
                continue
            idx = found[header]
            raw = values[idx] if idx < len(values) else None
            cell = f"{get_column_letter(idx + 1)}{rownum}"
            try:
                v = _PARSERS[kind](raw)
            except _CellError as e:
                issues.append(LedgerIssue(file, sheet, rownum, header, cell, str(e)))
                bad = True
                continue
            if req and (v is None or v == ""):
                issues.append(LedgerIssue(file, sheet, rownum, header, cell, f"“{header}”不能为空"))
                bad = True
                continue
            rec[attr] = v
            rec["_cell_" + attr] = cell
            rec["_hdr_" + attr] = header
        if not bad:
            out.append((rownum, rec))
        elif rec.get("code"):
            bad_codes.add(rec["code"])
    return out, bad_codes, True


def parse_ledger(path: str | Path) -> list[Project]:
    """Read a ledger workbook into projects (nodes, problems and monthly reports
    attached). Raises :class:`LedgerError` listing every problem; nothing partial."""
    path = Path(path)
    file = path.name
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as e:
        issue = LedgerIssue(file, "", message=f"无法读取 Excel 文件（{type(e).__name__}）")
        raise LedgerError([issue]) from e
    issues: list[LedgerIssue] = []
    try:
        prow, bad_codes, projects_ok = _read_sheet(wb, file, SHEET_PROJECTS, PROJECT_COLUMNS, issues, True)
        nrow = _read_sheet(wb, file, SHEET_NODES, NODE_COLUMNS, issues, False)[0]
        qrow = _read_sheet(wb, file, SHEET_PROBLEMS, PROBLEM_COLUMNS, issues, False)[0]
        mrow = _read_sheet(wb, file, SHEET_MONTHLY, MONTHLY_COLUMNS, issues, False)[0]
    finally:
        wb.close()

    projects: dict[str, Project] = {}
    for rownum, r in prow:
        if r["code"] in projects:
            issues.append(LedgerIssue(file, SHEET_PROJECTS, rownum, "项目编码", r["_cell_code"],
                                      f"项目编码“{r['code']}”重复"))
            continue
        projects[r["code"]] = Project(
            code=r["code"], name=r["name"], county=r["county"], lists=r["lists"],
            stage=r["stage"], industry=r["industry"], chain=r["chain"], owner=r["owner"],
            unit=r["unit"], leader=r["leader"], total_investment=r["total_investment"],
            annual_plan=r["annual_plan"], planned_start=r["planned_start"],
            actual_start=r["actual_start"], planned_completion=r["planned_completion"],
            actual_completion=r["actual_completion"], progress=r["progress"],
            reg_status=r["reg_status"] or "未入库", reg_date=r["reg_date"],
            reg_amount=r["reg_amount"] if r["reg_amount"] is not None else ZERO,
        )

    def owner_of(sheet: str, rownum: int, r: dict) -> Project | None:
        p = projects.get(r["code"])
        if p is None and projects_ok and r["code"] not in bad_codes:   # no follow-on errors
            issues.append(LedgerIssue(file, sheet, rownum, "项目编码", r["_cell_code"],
                                      f"项目编码“{r['code']}”在“项目”表中不存在"))
        return p

    for rownum, r in nrow:
        p = owner_of(SHEET_NODES, rownum, r)
        if p is not None:
            p.nodes.append(Node(r["name"], r["planned_date"], r["done_date"]))
    for rownum, r in qrow:
        p = owner_of(SHEET_PROBLEMS, rownum, r)
        if p is not None:
            p.problems.append(Problem(r["text"], r["unit"], r["deadline"], r["status"] or "待解决"))
    seen: dict[tuple[str, str], int] = {}
    for rownum, r in mrow:
        p = owner_of(SHEET_MONTHLY, rownum, r)
        if p is None:
            continue
        k = (p.code, r["month"])
        if k in seen:
            issues.append(LedgerIssue(file, SHEET_MONTHLY, rownum, "月份", r["_cell_month"],
                                      f"项目“{p.code}”的{r['month']}月度数据重复（已在第{seen[k]}行）"))
            continue
        seen[k] = rownum
        p.monthly.append(MonthlyReport(r["month"], r["amount"], r["progress"],
                                       r["registered"] if r["registered"] is not None else ZERO))
    if issues:
        raise LedgerError(issues)
    for p in projects.values():
        p.monthly.sort(key=lambda m: m.month)
    return list(projects.values())


def ledger_warnings(projects: Sequence[Project]) -> list[str]:
    """Non-blocking checks after a successful parse (Chinese messages)."""
    out: list[str] = []
    for p in projects:
        cum = sum((m.amount for m in p.monthly), ZERO)
        if p.total_investment > 0 and cum > p.total_investment:
            out.append(f"项目“{p.code} {p.name}”累计完成投资{cum}万元超过总投资{p.total_investment}万元")
        if p.actual_start and p.planned_start is None:
            out.append(f"项目“{p.code} {p.name}”已填实际开工，但缺少计划开工日期，不计入开工率")
    return out


# ---------------------------------------------------------------- writing

def _cell_value(kind: str, value: Any) -> Any:
    if kind == "lists":
        for name in value:
            if any(sep in name for sep in LIST_SEPARATORS):
                raise ValueError(f"清单名称不能包含顿号、逗号或分号：{name}")
        return LIST_SEP.join(value) or None
    if kind == "money":
        return value
    if value == "":
        return None
    return value


def _write_sheet(ws, columns, rows: list[list[Any]]) -> None:
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="1F4E79")
    for j, (header, _attr, kind, _req) in enumerate(columns, start=1):
        c = ws.cell(row=1, column=j, value=header)
        c.font = head_font
        c.fill = head_fill
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = _WIDE.get(header, _WIDTHS[kind])
    for i, row in enumerate(rows, start=2):
        for j, ((_h, _a, kind, _r), value) in enumerate(zip(columns, row, strict=True), start=1):
            v = _cell_value(kind, value)
            c = ws.cell(row=i, column=j, value=v)
            if isinstance(v, str) and v.startswith("="):
                c.data_type = "s"   # keep literal text, never a formula
            if kind == "date" and v is not None:
                c.number_format = "yyyy-mm-dd"
            elif kind == "money":
                c.number_format = "#,##0.00##"
            elif kind in ("text", "month", "lists"):
                c.number_format = "@"
    ws.freeze_panes = "B2" if ws.title == SHEET_PROJECTS else "A2"
    last = max(len(rows) + 1, 1000)
    for j, (_h, _a, kind, _r) in enumerate(columns, start=1):
        allowed = {"stage": STAGES, "reg_status": REG_STATUSES, "problem_status": PROBLEM_STATUSES}.get(kind)
        if allowed:
            col = get_column_letter(j)
            dv = DataValidation(type="list", formula1='"' + ",".join(allowed) + '"', allow_blank=True)
            dv.add(f"{col}2:{col}{last}")
            ws.add_data_validation(dv)


def _build(projects: Sequence[Project]) -> Workbook:
    codes = [p.code for p in projects]
    if len(set(codes)) != len(codes):
        raise ValueError("项目编码重复，无法导出")
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_PROJECTS
    _write_sheet(ws, PROJECT_COLUMNS,
                 [[getattr(p, a) for _h, a, _k, _r in PROJECT_COLUMNS] for p in projects])
    _write_sheet(wb.create_sheet(SHEET_NODES), NODE_COLUMNS,
                 [[p.code, n.name, n.planned_date, n.done_date] for p in projects for n in p.nodes])
    _write_sheet(wb.create_sheet(SHEET_PROBLEMS), PROBLEM_COLUMNS,
                 [[p.code, q.text, q.unit, q.deadline, q.status] for p in projects for q in p.problems])
    _write_sheet(wb.create_sheet(SHEET_MONTHLY), MONTHLY_COLUMNS,
                 [[p.code, m.month, m.amount, m.progress, m.registered]
                  for p in projects for m in sorted(p.monthly, key=lambda m: m.month)])
    help_ws = wb.create_sheet(SHEET_HELP)
    help_ws.column_dimensions["A"].width = 100
    for i, line in enumerate(HELP_LINES, start=1):
        help_ws.cell(row=i, column=1, value=line).font = Font(bold=(i == 1))
    return wb


def write_ledger(projects: Sequence[Project], path: str | Path) -> Path:
    """Export projects (with nodes, problems, monthly reports) in the import layout."""
    path = Path(path)
    _build(projects).save(path)
    return path


def write_template(path: str | Path) -> Path:
    """The empty import template: same sheets and headers as the export."""
    return write_ledger([], path)
