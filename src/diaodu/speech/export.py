"""Export an extraction as the 任务分解表 workbook (sheets 任务分解表, 目标, 数据)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import xlsxwriter

from .model import Extraction

TASK_COLUMNS = ["序号", "任务内容", "牵头单位", "配合单位", "完成时限", "所属章节", "原文位置"]
TARGET_COLUMNS = ["序号", "指标", "类型", "目标值", "单位", "限定", "原文", "原文位置"]
FIGURE_COLUMNS = ["序号", "指标", "类型", "数值", "单位", "时期", "地区", "比较基准", "原文", "原文位置"]
MEASURE_CN = {"growth": "增速", "level": "总量", "ratio": "比率", "rank": "位次", "diff": "差距"}


def _pos(doc: str, start: int, end: int) -> str:
    return f"{doc + ' ' if doc else ''}{start}-{end}"


def task_rows(ex: Extraction) -> list[list]:
    rows = []
    for i, t in enumerate(ex.tasks, 1):
        lead = t.lead or t.units
        assist = t.assist or [u for u in t.units if u not in lead]
        if t.deadline is None:
            due = ""
        else:
            due = t.deadline.date or t.deadline.quote
            if due.startswith("XXXX-"):
                due = f"{t.deadline.quote}（{due[5:]}）"
        rows.append([i, t.quote, "、".join(lead), "、".join(assist), due, t.section, _pos(ex.doc, t.start, t.end)])
    return rows


def write_xlsx(extractions: Iterable[Extraction], path: str | Path) -> Path:
    """Write one workbook for one or more speeches; returns the path."""
    path = Path(path)
    exs = list(extractions)
    wb = xlsxwriter.Workbook(str(path))
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})

    def sheet(name: str, cols: list[str], rows: list[list], widths: list[int]) -> None:
        ws = wb.add_worksheet(name)
        for c, (title, w) in enumerate(zip(cols, widths)):
            ws.write(0, c, title, head)
            ws.set_column(c, c, w)
        for r, row in enumerate(rows, 1):
            for c, v in enumerate(row):
                ws.write(r, c, "" if v is None else v, wrap)
        ws.freeze_panes(1, 0)

    tasks, targets, figures = [], [], []
    for ex in exs:
        tasks += task_rows(ex)
        targets += [[q.indicator, MEASURE_CN.get(q.measure, q.measure), q.value, q.unit, q.qualifier, q.quote,
                     _pos(ex.doc, q.start, q.end)] for q in ex.targets]
        figures += [[q.indicator, MEASURE_CN.get(q.measure, q.measure), q.value, q.unit, q.period or "",
                     q.region or "", q.base or "", q.quote, _pos(ex.doc, q.start, q.end)] for q in ex.figures]
    for i, r in enumerate(tasks, 1):
        r[0] = i
    sheet("任务分解表", TASK_COLUMNS, tasks, [6, 60, 20, 20, 16, 24, 14])
    sheet("目标", TARGET_COLUMNS, [[i, *r] for i, r in enumerate(targets, 1)], [6, 24, 8, 10, 10, 6, 40, 14])
    sheet("数据", FIGURE_COLUMNS, [[i, *r] for i, r in enumerate(figures, 1)], [6, 24, 8, 10, 10, 12, 10, 10, 40, 14])
    wb.close()
    return path
