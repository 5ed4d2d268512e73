"""督查通报 (supervision bulletin) and 会议议定事项督办单 (meeting follow-up memo) as .docx.

Layout follows the 公文 conventions of GB/T 9704-2012 without the red header: A4, margins
37/35/28/26 mm (top/bottom/left/right), title in 2号 方正小标宋简体, body in 3号 仿宋_GB2312 at a
fixed 28 pt line pitch, first-level headings in 3号 黑体, page numbers ``— 1 —`` in 4号 宋体.
East Asian fonts are set through ``w:rFonts/@w:eastAsia``; the font table also names a
fallback (``w:altName``: 黑体 for 方正小标宋简体, 仿宋 for 仿宋_GB2312, 楷体 for 楷体_GB2312) for
machines that lack the GB2312-era fonts.

Input is plain data (:class:`BulletinInput` with :class:`~diaodu.tasks.records.TaskRecord`
rows); statistics are computed here (:func:`compute_unit_stats`) so the document and any page
showing the same numbers agree.

The ledger xlsx helpers live in :mod:`diaodu.tasks.ledger` and are re-exported here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from diaodu.tasks.ledger import (  # noqa: F401 - re-exported
    LedgerParseError,
    LedgerRow,
    parse_ledger_xlsx,
    write_ledger_xlsx,
    write_template,
)
from diaodu.tasks.lifecycle import DEFAULT_DUE_SOON_WORKDAYS, Status
from diaodu.tasks.records import TaskRecord

__all__ = [
    "BulletinInput",
    "FontSet",
    "MemoInput",
    "OverdueRow",
    "UnitStats",
    "build_bulletin",
    "build_followup_memo",
    "compute_unit_stats",
    "format_rate",
    "overdue_rows",
    "parse_ledger_xlsx",
    "period_bounds",
    "rank_units",
    "write_bulletin",
    "write_followup_memo",
    "write_ledger_xlsx",
    "write_template",
]

# 公文 font sizes (号 -> pt)
SIZE_2 = Pt(22)
SIZE_3 = Pt(16)
SIZE_4 = Pt(14)
SIZE_XIAO4 = Pt(12)
LINE_PITCH = Pt(28)


@dataclass(frozen=True)
class FontSet:
    title: str = "方正小标宋简体"
    body: str = "仿宋_GB2312"
    heading: str = "黑体"
    kai: str = "楷体_GB2312"
    page_number: str = "宋体"
    latin: str = "Times New Roman"
    fallbacks: tuple[tuple[str, str], ...] = (
        ("方正小标宋简体", "黑体"),
        ("仿宋_GB2312", "仿宋"),
        ("楷体_GB2312", "楷体"),
    )


def _fmt_date(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "—"


def format_rate(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


# ----------------------------------------------------------------------------- statistics


@dataclass(frozen=True)
class UnitStats:
    """Per lead unit, as of ``today``.

    ``total = closed + in_progress + overdue`` (推进中 = open and not overdue, including 待签收,
    申请办结 and 延期申请中).  ``due`` (应办结) = closed tasks plus open tasks whose deadline has
    passed; ``on_time_rate`` (按期办结率) = ``on_time_closed / due`` or None when ``due == 0``.
    """

    unit: str
    total: int = 0
    closed: int = 0
    in_progress: int = 0
    overdue: int = 0
    due_soon: int = 0
    pending: int = 0
    on_time_closed: int = 0
    due: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time_closed / self.due if self.due else None


@dataclass(frozen=True)
class OverdueRow:
    task: TaskRecord
    days_overdue: int
    workdays_overdue: int


def compute_unit_stats(
    tasks: Sequence[TaskRecord],
    today: dt.date,
    *,
    due_soon_days: int = DEFAULT_DUE_SOON_WORKDAYS,
    unit_order: Sequence[str] | None = None,
) -> list[UnitStats]:
    """Statistics per lead unit.

    Units come in ``unit_order`` (the city's canonical 单位 order; unknown units follow) or
    else in order of first appearance in ``tasks``: code-point order means nothing in Chinese.
    """
    acc: dict[str, dict[str, int]] = {}
    for t in tasks:
        s = acc.setdefault(t.lead_unit, dict.fromkeys(
            ("total", "closed", "in_progress", "overdue", "due_soon", "pending", "on_time_closed", "due"), 0))
        f = t.flags(today, due_soon_days=due_soon_days)
        s["total"] += 1
        if t.status is Status.CLOSED:
            s["closed"] += 1
            s["due"] += 1
            if f.on_time or (t.deadline is None and t.closed_on is not None):
                s["on_time_closed"] += 1
        elif f.overdue:
            s["overdue"] += 1
            s["due"] += 1
        else:
            s["in_progress"] += 1
            if f.due_soon:
                s["due_soon"] += 1
        if t.status is Status.PENDING:
            s["pending"] += 1
    position = {u: i for i, u in enumerate(unit_order or ())}
    first_seen = {u: i for i, u in enumerate(acc)}
    units = sorted(acc, key=lambda u: (position.get(u, len(position)), first_seen[u]))
    return [UnitStats(unit, **acc[unit]) for unit in units]


def rank_units(stats: Sequence[UnitStats]) -> list[tuple[int | None, UnitStats]]:
    """Rank by 按期办结率 (desc), then fewer overdue, then more closed; ties share a rank
    (1, 1, 3) and keep the input (unit) order.  Units with nothing due yet come last with rank None."""
    rated = [s for s in stats if s.on_time_rate is not None]
    unrated = [s for s in stats if s.on_time_rate is None]
    rated.sort(key=lambda s: (-round(s.on_time_rate, 6), s.overdue, -s.closed))  # stable
    result: list[tuple[int | None, UnitStats]] = []
    prev_key = None
    rank = 0
    for i, s in enumerate(rated, 1):
        key = (round(s.on_time_rate, 6), s.overdue, s.closed)
        if key != prev_key:
            rank = i
            prev_key = key
        result.append((rank, s))
    result.extend((None, s) for s in unrated)
    return result


def overdue_rows(tasks: Sequence[TaskRecord], today: dt.date) -> list[OverdueRow]:
    """Open overdue tasks, most overdue first."""
    rows = []
    for t in tasks:
        f = t.flags(today)
        if f.overdue:
            rows.append(OverdueRow(t, f.days_overdue, f.workdays_overdue))
    rows.sort(key=lambda r: (-r.days_overdue, r.task.lead_unit, str(r.task.id)))
    return rows


# ----------------------------------------------------------------------------- docx helpers


def _set_run_font(run, east_asia: str, size=None, bold: bool | None = None, latin: str = "Times New Roman"):
    run.font.name = latin
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold
    return run


def _para(doc_or_cell, text: str = "", *, font: str, size=SIZE_3, bold=False, align=None,
          indent_chars: float = 0, pitch=LINE_PITCH, space_before=0, space_after=0, latin="Times New Roman"):
    p = doc_or_cell.add_paragraph()
    pf = p.paragraph_format
    if pitch is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = pitch
    else:
        pf.line_spacing = 1.0
    pf.space_before = Pt(space_before)
    pf.space_after = Pt(space_after)
    if indent_chars:
        pf.first_line_indent = Pt(size.pt * indent_chars)
    if align is not None:
        p.alignment = align
    _add_lines(p, text, font, size, bold, latin)
    return p


def _add_lines(p, text: str, font: str, size, bold, latin: str) -> None:
    """Add ``text`` to paragraph ``p``; ``\n`` becomes a line break (not a new paragraph)."""
    for i, line in enumerate(text.split("\n") if text else []):
        run = _set_run_font(p.add_run(line), font, size, bold, latin)
        if i:
            run._element.insert(run._element.index(run._element.find(qn("w:t"))), OxmlElement("w:br"))


def _cell_text(cell, text: str, *, font: str, size=SIZE_XIAO4, bold=False, align=WD_ALIGN_PARAGRAPH.CENTER,
               latin="Times New Roman", pad=2):
    p = cell.paragraphs[0]
    p.alignment = align
    pf = p.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(size.pt * 1.45)
    pf.space_before = Pt(pad)
    pf.space_after = Pt(pad)
    _add_lines(p, text, font, size, bold, latin)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _set_repeat_header(row):
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _no_split(row):
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _narrow_cell_margins(table, twips: int = 57):
    """1 mm left/right cell padding instead of Word's 1.9 mm: CJK cells waste less width."""
    tblpr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(twips))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tblpr.append(mar)


def _table(doc, headers: Sequence[str], rows: Sequence[Sequence[str]], widths_mm: Sequence[float], fonts: FontSet,
           left_cols: Sequence[int] = (), size=SIZE_XIAO4, pad=2):
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _narrow_cell_margins(table)
    for i, h in enumerate(headers):
        _cell_text(table.rows[0].cells[i], h, font=fonts.heading, size=size, latin=fonts.latin, pad=pad)
    _set_repeat_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for i, v in enumerate(values):
            align = WD_ALIGN_PARAGRAPH.LEFT if i in left_cols else WD_ALIGN_PARAGRAPH.CENTER
            _cell_text(cells[i], v, font=fonts.body, size=size, align=align, latin=fonts.latin, pad=pad)
    for row in table.rows:
        _no_split(row)
        for i, w in enumerate(widths_mm):
            row.cells[i].width = Mm(w)
    # Column grid widths too (LibreOffice reads these).
    for i, col in enumerate(table.columns):
        col.width = Mm(widths_mm[i])
    return table


def _add_page_number_footer(section, fonts: FontSet):
    footer = section.footer
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_run_font(p.add_run("— "), fonts.page_number, SIZE_4, latin=fonts.page_number)
    run = p.add_run()
    _set_run_font(run, fonts.page_number, SIZE_4, latin=fonts.page_number)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), kind)
            run._element.append(fc)
        elif text.strip() == "PAGE":
            it = OxmlElement("w:instrText")
            it.set(qn("xml:space"), "preserve")
            it.text = text
            run._element.append(it)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._element.append(t)
    _set_run_font(p.add_run(" —"), fonts.page_number, SIZE_4, latin=fonts.page_number)


def _register_font_fallbacks(doc, fonts: FontSet):
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable"))
    xml = part.blob.decode("utf-8")
    extra = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        for name, alt in fonts.fallbacks
        if f'w:name="{name}"' not in xml
    )
    xml = xml.replace("</w:fonts>", extra + "</w:fonts>")
    part._blob = xml.encode("utf-8")


def _new_document(fonts: FontSet):
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(22)
    normal = doc.styles["Normal"]
    normal.font.name = fonts.latin
    normal.font.size = SIZE_3
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), fonts.body)
    # Chinese documents: no space after paragraphs, widow control off to keep the pitch grid.
    normal.paragraph_format.space_after = Pt(0)
    _register_font_fallbacks(doc, fonts)
    _add_page_number_footer(section, fonts)
    doc.core_properties.author = "调度台"
    return doc


def _heading(doc, text: str, fonts: FontSet):
    return _para(doc, text, font=fonts.heading, indent_chars=2)


def _body(doc, text: str, fonts: FontSet, **kw):
    return _para(doc, text, font=fonts.body, indent_chars=2, **kw)


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of ``YYYY-MM`` or ``YYYY-Qn`` (for the caller's task query and a
    default ``today`` of ``min(period end, real today)``)."""
    from calendar import monthrange

    text = period.strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if m and 1 <= int(m[2]) <= 12:
        y, mo = int(m[1]), int(m[2])
        return dt.date(y, mo, 1), dt.date(y, mo, monthrange(y, mo)[1])
    m = re.fullmatch(r"(\d{4})-Q([1-4])", text, flags=re.IGNORECASE)
    if m:
        y, q = int(m[1]), int(m[2])
        end_month = q * 3
        return dt.date(y, end_month - 2, 1), dt.date(y, end_month, monthrange(y, end_month)[1])
    raise ValueError(f"统计期「{period}」格式不正确，应为 YYYY-MM 或 YYYY-Qn（如 2026-11、2026-Q4）")


def _period_label(period: str) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", period.strip())
    if m:
        return f"{int(m[1])}年{int(m[2])}月"
    m = re.fullmatch(r"(\d{4})-Q([1-4])", period.strip(), flags=re.IGNORECASE)
    if m:
        return f"{m[1]}年第{'一二三四'[int(m[2]) - 1]}季度"
    return period


# ----------------------------------------------------------------------------- bulletin


@dataclass(frozen=True)
class BulletinInput:
    """Everything the 督查通报 needs; ``tasks`` are the tasks in scope (the caller filters)."""

    period: str  # "2026-11" (or "2026-Q4", or free text)
    today: dt.date
    tasks: Sequence[TaskRecord]
    issuer: str = "市人民政府督查室"
    doc_number: str | None = None  # default "〔<year>〕X号"
    recipients: str = "各县（市、区）人民政府，市政府各部门，各有关单位："
    title: str | None = None
    due_soon_days: int = DEFAULT_DUE_SOON_WORKDAYS
    unit_order: Sequence[str] | None = None  # canonical unit order for the per-unit table
    requirements: Sequence[str] = field(default_factory=lambda: (
        "逾期任务的牵头单位要在5个工作日内书面说明逾期原因，明确整改措施和完成时限，报督查部门。",
        "临期任务的牵头单位要倒排工期、压茬推进，确保按期办结；确需延期的，须在完成时限前提出延期申请。",
        "各配合单位要主动对接、密切配合，不得推诿扯皮。督查部门将持续跟踪问效，对多次逾期的单位予以通报。",
    ))


def build_bulletin(data: BulletinInput, fonts: FontSet = FontSet()):
    """Return a python-docx ``Document`` for the bulletin."""
    today = data.today
    tasks = list(data.tasks)
    stats = compute_unit_stats(tasks, today, due_soon_days=data.due_soon_days, unit_order=data.unit_order)
    ranking = rank_units(stats)
    overdue = overdue_rows(tasks, today)
    period = _period_label(data.period)

    total = len(tasks)
    closed = sum(s.closed for s in stats)
    on_time = sum(s.on_time_closed for s in stats)
    due = sum(s.due for s in stats)
    n_overdue = sum(s.overdue for s in stats)
    n_progress = sum(s.in_progress for s in stats)
    n_due_soon = sum(s.due_soon for s in stats)
    overall_rate = on_time / due if due else None

    doc = _new_document(fonts)
    number = data.doc_number or f"〔{today.year}〕X号"
    _para(doc, number, font=fonts.body, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "", font=fonts.body)
    # A deliberate break keeps the two-line title balanced (no orphan "报" on line two).
    title = data.title or f"关于{period}重点工作任务\n督查情况的通报"
    _para(doc, title, font=fonts.title, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, pitch=Pt(36))
    _para(doc, "", font=fonts.body)
    _para(doc, data.recipients, font=fonts.body)

    _body(doc, (
        f"为推动各项工作任务落地见效，{data.issuer}对{period}在办督查督办任务进行了梳理核查。"
        f"现将有关情况通报如下。"
    ), fonts)
    _heading(doc, "一、总体情况", fonts)
    summary = (
        f"截至{_fmt_date(today)}，纳入督办的任务共{total}项，涉及牵头单位{len(stats)}个。"
        f"其中，已办结{closed}项（按期办结{on_time}项），推进中{n_progress}项，逾期未办结{n_overdue}项"
    )
    summary += f"；另有{n_due_soon}项将在{data.due_soon_days}个工作日内到期。" if n_due_soon else "。"
    summary += f"总体按期办结率为{format_rate(overall_rate)}。"
    _body(doc, summary, fonts)

    _heading(doc, "二、各单位任务办理情况", fonts)
    _body(doc, "各牵头单位任务办理情况见下表。", fonts)
    rows = [
        [s.unit, str(s.total), str(s.closed), str(s.in_progress), str(s.overdue), format_rate(s.on_time_rate)]
        for s in stats
    ]
    rows.append(["合计", str(total), str(closed), str(n_progress), str(n_overdue), format_rate(overall_rate)])
    _table(doc, ["单位", "任务总数", "已办结", "推进中", "逾期", "按期办结率"], rows,
           [46, 22, 20, 20, 18, 30], fonts, left_cols=(0,))
    _para(doc, "注：推进中含待签收、申请办结和延期申请中的未逾期任务；按期办结率＝按期办结数÷应办结数"
               "（已办结任务与已过完成时限的任务）。", font=fonts.body, size=SIZE_XIAO4, pitch=Pt(20),
          space_before=3)

    _heading(doc, "三、按期办结率排名", fonts)
    rated = [(r, s) for r, s in ranking if r is not None]
    if rated:
        best = "、".join(s.unit for r, s in rated if r == 1)
        text = f"按期办结率排名前列的是{best}。"
        worst = [s for r, s in rated if s.overdue > 0]
        if worst:
            worst.sort(key=lambda s: (-s.overdue, s.unit))
            text += f"逾期任务较多的单位是{'、'.join(s.unit for s in worst[:3])}。"
        _body(doc, text, fonts)
    rank_rows = [
        [str(r) if r is not None else "—", s.unit, format_rate(s.on_time_rate), f"{s.on_time_closed}/{s.due}",
         str(s.overdue)]
        for r, s in ranking
    ]
    _table(doc, ["名次", "单位", "按期办结率", "按期办结/应办结", "逾期"], rank_rows,
           [16, 54, 30, 36, 20], fonts, left_cols=(1,))
    if any(r is None for r, _ in ranking):
        _para(doc, "注：名次为“—”的单位本期暂无应办结任务，不参与排名。", font=fonts.body, size=SIZE_XIAO4,
              pitch=Pt(20), space_before=3)

    _heading(doc, "四、逾期未办结任务", fonts)
    if overdue:
        _body(doc, f"截至{_fmt_date(today)}，以下{len(overdue)}项任务已超过完成时限仍未办结，予以通报。", fonts)
        od_rows = []
        for i, r in enumerate(overdue, 1):
            t = r.task
            deadline = _fmt_date(t.deadline)
            if t.extended:
                deadline += f"（原{_fmt_date(t.original_deadline)}，已延期）"
            od_rows.append([str(i), t.content, t.lead_unit, deadline,
                            f"{r.days_overdue}天\n（{r.workdays_overdue}个工作日）"])
        _table(doc, ["序号", "任务", "牵头单位", "完成时限", "逾期天数"], od_rows,
               [10, 53, 30, 33, 30], fonts, left_cols=(1,), size=Pt(10.5))
    else:
        _body(doc, "本期无逾期未办结任务。", fonts)

    _heading(doc, "五、有关要求", fonts)
    for i, req in enumerate(data.requirements, 1):
        _body(doc, f"（{'一二三四五六七八九十'[i - 1] if i <= 10 else i}）{req}", fonts)

    _para(doc, "", font=fonts.body)
    _para(doc, "", font=fonts.body)
    sign = _para(doc, data.issuer, font=fonts.body, align=WD_ALIGN_PARAGRAPH.RIGHT)
    sign.paragraph_format.right_indent = Pt(32)
    datep = _para(doc, _fmt_date(today), font=fonts.body, align=WD_ALIGN_PARAGRAPH.RIGHT)
    datep.paragraph_format.right_indent = Pt(32)
    return doc


def write_bulletin(data: BulletinInput, path: str | Path, fonts: FontSet = FontSet()) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    build_bulletin(data, fonts).save(path)
    return path


# ----------------------------------------------------------------------------- follow-up memo


@dataclass(frozen=True)
class MemoInput:
    """会议议定事项督办单 for the tasks decided at one meeting (speech)."""

    meeting_title: str
    meeting_date: dt.date | None
    today: dt.date
    tasks: Sequence[TaskRecord]
    issuer: str = "市人民政府督查室"
    doc_number: str | None = None  # default "〔<year>〕X号"
    sign_within_workdays: int = 2
    report_rule: str = "每月25日前报送一次进展情况，办结后及时申请销号"
    contact: str = "联系人：        联系电话："


def build_followup_memo(data: MemoInput, fonts: FontSet = FontSet()):
    """One-page memo: meeting, decisions with owners and deadlines, handling requirements."""
    from diaodu.tasks.workdays import add_workdays

    doc = _new_document(fonts)
    sec = doc.sections[0]
    # A memo is a form: tighter margins keep ~15 decisions on one page.
    sec.top_margin, sec.bottom_margin = Mm(25), Mm(22)
    sec.left_margin, sec.right_margin = Mm(22), Mm(20)
    sec.footer_distance = Mm(12)
    _para(doc, "会议议定事项督办单", font=fonts.title, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, pitch=Pt(40))
    number = data.doc_number or f"〔{data.today.year}〕X号"
    _para(doc, f"督办编号：{number}　　　　交办日期：{_fmt_date(data.today)}", font=fonts.body,
          size=SIZE_XIAO4, align=WD_ALIGN_PARAGRAPH.CENTER, pitch=Pt(24), space_after=6)

    meta = doc.add_table(rows=0, cols=4)
    meta.style = "Table Grid"
    meta.alignment = WD_TABLE_ALIGNMENT.CENTER
    _narrow_cell_margins(meta)
    leaders = sorted({t.leader for t in data.tasks if t.leader})
    meta_rows = [
        ("会议名称", data.meeting_title, "会议日期", _fmt_date(data.meeting_date)),
        ("议定事项", f"{len(data.tasks)}项", "责任领导", "、".join(leaders) or "—"),
    ]
    for a, b, c, d in meta_rows:
        cells = meta.add_row().cells
        for cell, text, head in zip(cells, (a, b, c, d), (True, False, True, False)):
            _cell_text(cell, text, font=fonts.heading if head else fonts.body, size=Pt(10.5), pad=1,
                       align=WD_ALIGN_PARAGRAPH.CENTER if head else WD_ALIGN_PARAGRAPH.LEFT, latin=fonts.latin)
    for row in meta.rows:
        for cell, w in zip(row.cells, (22, 70, 22, 54)):
            cell.width = Mm(w)
    for col, w in zip(meta.columns, (22, 70, 22, 54)):
        col.width = Mm(w)
    _para(doc, "", font=fonts.body, size=Pt(6), pitch=Pt(8))

    rows = []
    tasks = sorted(data.tasks, key=lambda t: (t.deadline or dt.date.max, str(t.id)))
    for i, t in enumerate(tasks, 1):
        rows.append([str(i), t.content, t.lead_unit, "、".join(t.assist_units) or "—", t.leader or "—",
                     _fmt_date(t.deadline) if t.deadline else "长期坚持"])
    size = Pt(10.5) if len(rows) <= 12 else Pt(9)
    _table(doc, ["序号", "议定事项", "牵头单位", "配合单位", "责任\n领导", "完成时限"], rows,
           [9, 54, 28, 28, 15, 34], fonts, left_cols=(1,), size=size, pad=1)

    sign_by = add_workdays(data.today, data.sign_within_workdays)
    _para(doc, "办理要求：", font=fonts.heading, size=SIZE_XIAO4, pitch=Pt(22), space_before=8)
    for line in (
        f"1．请各牵头单位于{_fmt_date(sign_by)}前在调度台签收，制定推进计划，明确具体责任人。",
        f"2．请{data.report_rule}；配合单位同步报送配合事项进展。",
        "3．确需延期的，须在完成时限前提出延期申请，说明理由；未经批准逾期的，纳入督查通报。",
    ):
        _para(doc, line, font=fonts.body, size=SIZE_XIAO4, pitch=Pt(22), indent_chars=2)
    _para(doc, f"{data.issuer}　　{data.contact}", font=fonts.body, size=SIZE_XIAO4, pitch=Pt(22),
          align=WD_ALIGN_PARAGRAPH.RIGHT, space_before=8)
    return doc


def write_followup_memo(data: MemoInput, path: str | Path, fonts: FontSet = FontSet()) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    build_followup_memo(data, fonts).save(path)
    return path
