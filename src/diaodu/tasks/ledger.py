"""任务分解表 (task decomposition ledger) xlsx: write, template and tolerant parse.

Layout (one header row, data below)::

    序号 | 任务内容 | 牵头单位 | 配合单位 | 完成时限 | 所属章节 | 原文位置 | 状态 | 责任领导

The speech parser exports only the first seven columns; :func:`parse_ledger_xlsx` accepts
both.  The header row is located by its titles within the first 10 rows (so a title row
above it is fine), and columns are matched by title, not position.  Errors are collected for
the whole sheet and raised together as :class:`LedgerParseError`, each naming the file,
sheet, row and cell (e.g. ``E7``).
"""

from __future__ import annotations

import datetime as dt
import re
from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from diaodu.tasks.lifecycle import STATUS_LABELS, Status

__all__ = [
    "LEDGER_COLUMNS",
    "LEDGER_REQUIRED_COLUMNS",
    "LedgerIssue",
    "LedgerParseError",
    "LedgerRow",
    "parse_deadline_text",
    "parse_ledger_xlsx",
    "split_units",
    "write_ledger_xlsx",
    "write_template",
]

LEDGER_COLUMNS = ("序号", "任务内容", "牵头单位", "配合单位", "完成时限", "所属章节", "原文位置", "状态", "责任领导")
LEDGER_REQUIRED_COLUMNS = ("任务内容", "牵头单位", "完成时限")
SHEET_NAME = "任务分解表"
_HEADER_ALIASES = {
    "序号": ("序号", "编号"),
    "任务内容": ("任务内容", "工作任务", "任务", "重点任务", "议定事项"),
    "牵头单位": ("牵头单位", "责任单位", "牵头部门"),
    "配合单位": ("配合单位", "协办单位", "配合部门"),
    "完成时限": ("完成时限", "完成时间", "时限要求", "办结时限"),
    "所属章节": ("所属章节", "章节"),
    "原文位置": ("原文位置", "出处"),
    "状态": ("状态", "办理状态"),
    "责任领导": ("责任领导", "分管领导", "牵头领导"),
}
_WIDTHS = {"序号": 6, "任务内容": 56, "牵头单位": 18, "配合单位": 24, "完成时限": 16, "所属章节": 18,
           "原文位置": 14, "状态": 10, "责任领导": 10}
_UNIT_SPLIT = re.compile(r"[、，,；;/\n]+")
_LONG_TERM = ("长期", "持续", "常态", "每月", "每季度", "每年", "按年度")


@dataclass(frozen=True)
class LedgerRow:
    """One ledger line. ``deadline`` is None for 长期/持续 tasks; ``deadline_text`` keeps the cell text."""

    content: str
    lead_unit: str
    deadline: dt.date | None
    deadline_text: str = ""
    seq: int | None = None
    assist_units: tuple[str, ...] = ()
    section: str | None = None
    source_ref: str | None = None
    status: Status | None = None
    leader: str | None = None
    row_number: int | None = None  # 1-based sheet row it was read from


@dataclass(frozen=True)
class LedgerIssue:
    file: str
    sheet: str
    row: int | None
    cell: str | None
    message: str

    def __str__(self) -> str:
        where = f"文件「{self.file}」工作表「{self.sheet}」"
        if self.row is not None:
            where += f"第{self.row}行"
        if self.cell:
            where += f"（{self.cell}单元格）"
        return f"{where}：{self.message}"


class LedgerParseError(ValueError):
    def __init__(self, issues: list[LedgerIssue]):
        self.issues = issues
        shown = "\n".join(str(i) for i in issues[:50])
        more = f"\n……共{len(issues)}处错误" if len(issues) > 50 else ""
        super().__init__(f"任务分解表有{len(issues)}处错误：\n{shown}{more}")


def split_units(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(u.strip() for u in _UNIT_SPLIT.split(str(text)) if u.strip())


_DATE_PATTERNS = [
    (re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(前|之前|以前)?$"), "ymd"),
    (re.compile(r"^(\d{4})[-/.年](\d{1,2})月?(底|末|份)?(前|之前|以前)?$"), "ym"),
    (re.compile(r"^(\d{1,2})月(\d{1,2})日(前|之前|以前)?$"), "md"),
    (re.compile(r"^(\d{1,2})月(底|末|份)?(前|之前|以前)?$"), "m"),
    (re.compile(r"^(\d{4})年(年底|底|末|年末)(前|之前|以前)?$"), "y"),
    (re.compile(r"^(年底|年末)(前|之前|以前)?$"), "eoy"),
]


def parse_deadline_text(text: str, default_year: int | None = None) -> tuple[dt.date | None, str | None]:
    """Parse a 完成时限 cell text. Returns ``(date_or_None, error_or_None)``.

    Month-only forms (``2026年6月底``) mean the last day of the month; ``年底`` means 31 Dec;
    长期/持续/每月… give ``(None, None)``.  Forms without a year need ``default_year``.
    """
    s = re.sub(r"\s+", "", str(text)).replace("（", "(").replace("）", ")")
    s = re.sub(r"\(.*?\)", "", s)
    if not s:
        return None, "完成时限为空"
    if any(k in s for k in _LONG_TERM):
        return None, None
    for pattern, kind in _DATE_PATTERNS:
        m = pattern.match(s)
        if not m:
            continue
        try:
            if kind == "ymd":
                return dt.date(int(m[1]), int(m[2]), int(m[3])), None
            if kind == "ym":
                y, mo = int(m[1]), int(m[2])
                return dt.date(y, mo, monthrange(y, mo)[1]), None
            if kind == "y":
                return dt.date(int(m[1]), 12, 31), None
            if default_year is None:
                return None, f"完成时限「{text}」未写年份"
            if kind == "md":
                return dt.date(default_year, int(m[1]), int(m[2])), None
            if kind == "m":
                mo = int(m[1])
                return dt.date(default_year, mo, monthrange(default_year, mo)[1]), None
            return dt.date(default_year, 12, 31), None
        except ValueError:
            return None, f"完成时限「{text}」不是有效日期"
    return None, f"无法识别完成时限「{text}」（示例：2026-06-30、2026年6月底、长期坚持）"


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _find_sheet(wb):
    if SHEET_NAME in wb.sheetnames:
        return wb[SHEET_NAME]
    return wb.worksheets[0]


def parse_ledger_xlsx(path: str | Path, *, default_year: int | None = None) -> list[LedgerRow]:
    """Read a 任务分解表; raise :class:`LedgerParseError` listing every problem found."""
    path = Path(path)
    fname = path.name
    try:
        wb = load_workbook(path, data_only=True, read_only=False)
    except FileNotFoundError:
        raise LedgerParseError([LedgerIssue(fname, "-", None, None, "文件不存在")]) from None
    except Exception as exc:  # noqa: BLE001 - zip/xml errors from a non-xlsx file
        raise LedgerParseError([LedgerIssue(fname, "-", None, None, f"无法作为 xlsx 文件打开（{type(exc).__name__}）")]) from None
    ws = _find_sheet(wb)
    sheet = ws.title
    issues: list[LedgerIssue] = []

    # Locate the header row.
    header_row = None
    colmap: dict[str, int] = {}
    for r in range(1, min(ws.max_row, 10) + 1):
        found: dict[str, int] = {}
        for c in range(1, ws.max_column + 1):
            text = re.sub(r"\s+", "", _cell_text(ws.cell(r, c).value))
            for canon, aliases in _HEADER_ALIASES.items():
                if text in aliases and canon not in found:
                    found[canon] = c
        if "任务内容" in found and "牵头单位" in found:
            header_row, colmap = r, found
            break
    if header_row is None:
        raise LedgerParseError([LedgerIssue(fname, sheet, None, None, "前10行中未找到表头（需包含「任务内容」「牵头单位」列）")])
    for col in LEDGER_REQUIRED_COLUMNS:
        if col not in colmap:
            issues.append(LedgerIssue(fname, sheet, header_row, None, f"缺少「{col}」列"))
    if issues:
        raise LedgerParseError(issues)

    def ref(col: str, r: int) -> str:
        return f"{get_column_letter(colmap[col])}{r}"

    rows: list[LedgerRow] = []
    for r in range(header_row + 1, ws.max_row + 1):
        values = {col: ws.cell(r, c).value for col, c in colmap.items()}
        if all(_cell_text(v) == "" for v in values.values()):
            continue
        content = _cell_text(values.get("任务内容"))
        lead = _cell_text(values.get("牵头单位"))
        if not content:
            issues.append(LedgerIssue(fname, sheet, r, ref("任务内容", r), "任务内容为空"))
        if not lead:
            issues.append(LedgerIssue(fname, sheet, r, ref("牵头单位", r), "牵头单位为空"))
        lead_units = split_units(lead)
        if len(lead_units) > 1:
            issues.append(LedgerIssue(fname, sheet, r, ref("牵头单位", r),
                                      f"牵头单位只能填写一个，实际为「{lead}」（其余单位请填入配合单位）"))

        raw_deadline = values.get("完成时限")
        deadline: dt.date | None = None
        deadline_text = ""
        if isinstance(raw_deadline, dt.datetime):
            deadline = raw_deadline.date()
            deadline_text = deadline.isoformat()
        elif isinstance(raw_deadline, dt.date):
            deadline, deadline_text = raw_deadline, raw_deadline.isoformat()
        else:
            deadline_text = _cell_text(raw_deadline)
            deadline, err = parse_deadline_text(deadline_text, default_year)
            if err:
                issues.append(LedgerIssue(fname, sheet, r, ref("完成时限", r), err))

        seq: int | None = None
        if "序号" in colmap:
            seq_text = _cell_text(values.get("序号"))
            if seq_text:
                if seq_text.isdigit():
                    seq = int(seq_text)
                else:
                    issues.append(LedgerIssue(fname, sheet, r, ref("序号", r), f"序号「{seq_text}」不是整数"))

        status: Status | None = None
        if "状态" in colmap and _cell_text(values.get("状态")):
            try:
                status = Status.parse(_cell_text(values.get("状态")))
            except ValueError as exc:
                issues.append(LedgerIssue(fname, sheet, r, ref("状态", r), str(exc)))

        def opt(col: str, values=values) -> str | None:
            return (_cell_text(values.get(col)) or None) if col in colmap else None

        rows.append(
            LedgerRow(
                content=content,
                lead_unit=lead_units[0] if lead_units else lead,
                deadline=deadline,
                deadline_text=deadline_text,
                seq=seq,
                assist_units=split_units(opt("配合单位")),
                section=opt("所属章节"),
                source_ref=opt("原文位置"),
                status=status,
                leader=opt("责任领导"),
                row_number=r,
            )
        )
    if issues:
        raise LedgerParseError(issues)
    if not rows:
        raise LedgerParseError([LedgerIssue(fname, sheet, header_row, None, "表头下没有任何任务")])
    return rows


def _setup_sheet(ws) -> None:
    thin = Side(style="thin", color="808080")
    head_font = Font(name="黑体", size=11, bold=True)
    for i, col in enumerate(LEDGER_COLUMNS, 1):
        cell = ws.cell(1, i, col)
        cell.font = head_font
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        ws.column_dimensions[get_column_letter(i)].width = _WIDTHS[col]
    ws.row_dimensions[1].height = 24
    ws.freeze_panes = "A2"
    labels = ",".join(STATUS_LABELS[s] for s in Status)
    dv = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True,
                        error="请从下拉列表中选择状态", errorTitle="状态无效")
    ws.add_data_validation(dv)
    dv.add("H2:H2000")


def write_ledger_xlsx(rows: Iterable[LedgerRow], path: str | Path) -> Path:
    """Write rows in the 任务分解表 layout (dates as real Excel dates)."""
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    _setup_sheet(ws)
    thin = Side(style="thin", color="BFBFBF")
    border = Border(top=thin, bottom=thin, left=thin, right=thin)
    body_font = Font(name="仿宋", size=11)
    for n, row in enumerate(rows, 1):
        r = n + 1
        values = [
            row.seq if row.seq is not None else n,
            row.content,
            row.lead_unit,
            "、".join(row.assist_units),
            row.deadline if row.deadline is not None else (row.deadline_text or None),
            row.section,
            row.source_ref,
            row.status.label if row.status is not None else None,
            row.leader,
        ]
        for c, value in enumerate(values, 1):
            cell = ws.cell(r, c, value)
            cell.font = body_font
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=True,
                                       horizontal="center" if c in (1, 5, 8) else "left")
            if c == 5 and isinstance(value, dt.date):
                cell.number_format = 'yyyy"年"m"月"d"日"'
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


_INSTRUCTIONS = [
    ("列", "填写说明"),
    ("序号", "整数，可留空（导入时按行号排序）"),
    ("任务内容", "必填。一行一项任务，写明要干什么、干到什么程度"),
    ("牵头单位", "必填。只填一个单位，名称或简称须与系统中的单位一致"),
    ("配合单位", "可多个，用顿号「、」分隔"),
    ("完成时限", "必填。日期（2026-06-30）或文字：2026年6月底、2026年底、长期坚持"),
    ("所属章节", "讲话或文件中的章节，如「一、稳增长」"),
    ("原文位置", "讲话稿中的段落位置，如「第3段」"),
    ("状态", "可留空（默认待签收）；或从下拉列表选择"),
    ("责任领导", "分管该项工作的领导姓名"),
]


def write_template(path: str | Path) -> Path:
    """An empty 任务分解表 with the header, a status drop-down and a 填写说明 sheet."""
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    _setup_sheet(ws)

    help_ws = wb.create_sheet("填写说明")
    for r, (a, b) in enumerate(_INSTRUCTIONS, 1):
        help_ws.cell(r, 1, a).font = Font(name="黑体", bold=(r == 1))
        help_ws.cell(r, 2, b).font = Font(name="仿宋", bold=(r == 1))
    help_ws.column_dimensions["A"].width = 12
    help_ws.column_dimensions["B"].width = 70
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
