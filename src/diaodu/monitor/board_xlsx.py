"""The board as an Excel workbook (指标监测表): one sheet, one row per region × indicator.

Every row says where its number came from (the 来源 column: file, sheet and cell, or the user who
typed it); derived columns (rank, change, completion, gap, colour) are values computed by the
board, not formulas, so the sheet shows what the 驾驶舱 showed.
"""

from __future__ import annotations

import io

import xlsxwriter

from diaodu.monitor import rules

COLUMNS = [("地区", 12), ("指标", 22), ("期间", 10), ("累计值", 14), ("单位", 8), ("同比增速(%)", 11),
           ("位次", 6), ("同级个数", 8), ("公布位次", 8), ("位次变化", 8), ("年度目标", 22),
           ("完成年度目标(%)", 14), ("差距(百分点)", 12), ("预警", 6), ("来源", 48)]
FILL = {"red": "#FECACA", "yellow": "#FEF08A", "green": "#BBF7D0"}
CN = {"red": "红", "yellow": "黄", "green": "绿"}


def write(board: dict, title: str) -> bytes:
    """``board`` as returned by ``service.board``; ``title`` goes into the first row."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("指标监测表")
    bold = wb.add_format({"bold": True, "font_size": 14})
    head = wb.add_format({"bold": True, "bg_color": "#F3F4F6", "border": 1, "text_wrap": True, "valign": "vcenter"})
    num = wb.add_format({"num_format": "#,##0.00"})
    pct = wb.add_format({"num_format": "0.0"})
    fills = {c: wb.add_format({"bg_color": v, "align": "center"}) for c, v in FILL.items()}
    ws.write(0, 0, title, bold)
    for j, (name, width) in enumerate(COLUMNS):
        ws.write(1, j, name, head)
        ws.set_column(j, j, width)
    for i, r in enumerate(board["rows"], start=2):
        y, m = int(r["period"][:4]), int(r["period"][5:])
        ws.write(i, 0, r["region"])
        ws.write(i, 1, r["indicator"])
        ws.write(i, 2, f"{y}年{rules.period_label(m)}")
        _num(ws, i, 3, r["value"], num)
        ws.write(i, 4, r["unit"] or "")
        _num(ws, i, 5, r["growth"], pct)
        _num(ws, i, 6, r["rank"])
        _num(ws, i, 7, r["peers"])
        _num(ws, i, 8, r["published_rank"])
        _num(ws, i, 9, r["rank_change"])
        ws.write(i, 10, r["target"] or "")
        _num(ws, i, 11, r["completion"], pct)
        _num(ws, i, 12, r["schedule_gap"], pct)
        if r["colour"]:
            ws.write(i, 13, CN[r["colour"]], fills[r["colour"]])
        ws.write(i, 14, r["source"] or "")
    ws.freeze_panes(2, 2)
    ws.autofilter(1, 0, max(1, len(board["rows"]) + 1), len(COLUMNS) - 1)
    wb.close()
    return buf.getvalue()


def _num(ws, row: int, col: int, value, fmt=None) -> None:
    if value is not None:
        ws.write_number(row, col, value, fmt) if fmt else ws.write_number(row, col, value)
