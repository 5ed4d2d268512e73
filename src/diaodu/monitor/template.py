"""Long-format import template: 地区, 指标, 期间, 数值, 增速 (+ optional 单位, 排名).

``write_template(path)`` writes the xlsx template; ``parse_long(path)`` reads
xlsx or csv (UTF-8, UTF-8 with BOM, GB18030) and returns ``ParsedObservation``
records plus Chinese errors naming file, sheet, row and cell.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .catalogue import SEED_INDICATORS, get_indicator, resolve_indicator
from .records import (
    ImportMessage,
    NotANumber,
    ParsedObservation,
    normalise_region,
    parse_period,
    to_number,
    to_rank,
)

COLUMNS = ["地区", "指标", "期间", "数值", "增速", "单位", "排名"]
REQUIRED = ["地区", "指标", "期间"]
_HEADER_ALIASES = {
    "地区": {"地区", "地区名称", "县市区", "区域"},
    "指标": {"指标", "指标名称"},
    "期间": {"期间", "时期", "月份", "统计期"},
    "数值": {"数值", "绝对额", "绝对值", "累计值", "值"},
    "增速": {"增速", "增速(%)", "增长(%)", "同比(%)", "同比增长(%)", "增速%"},
    "单位": {"单位", "计量单位"},
    "排名": {"排名", "位次"},
}
SHEET_NAME = "数据"


@dataclass
class LongParse:
    file: str
    observations: list[ParsedObservation] = field(default_factory=list)
    errors: list[ImportMessage] = field(default_factory=list)
    warnings: list[ImportMessage] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def write_template(path: str | Path, examples: bool = True) -> Path:
    """Write the xlsx template with a data sheet, an instructions sheet and the catalogue."""
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    ws.append(COLUMNS)
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
    widths = [12, 22, 14, 14, 10, 10, 8]
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    help_ws = wb.create_sheet("填写说明")
    for line in [
        ["列", "说明"],
        ["地区", "县市区名称，如“邵阳县”“大祥区”；全市合计填“全市”"],
        ["指标", "指标名称或别名，见“指标目录”表，如“地区生产总值”“GDP”"],
        ["期间", "累计期间：2025-03、2025年1-3月 或 2025年3月（均表示1-3月累计）"],
        ["数值", "累计值或期末余额；可留空（只报增速时）"],
        ["增速", "同比增速，单位为%，如 6.3 表示增长6.3%；可留空"],
        ["单位", "数值的单位，如 万元、亿元；留空则按指标目录的单位"],
        ["排名", "统计部门公布的排名（可选），正整数"],
    ]:
        help_ws.append(line)
    if examples:  # examples live here, not in the data sheet, so an untouched template imports nothing
        help_ws.append([])
        help_ws.append(["示例（请在“数据”表中填写）"])
        help_ws.append(COLUMNS)
        help_ws.append(["全市", "规模工业增加值", "2025年1-3月", None, 8.8, None, None])
        help_ws.append(["邵阳县", "地区生产总值", "2025-03", 515627.8, 6.3, "万元", 6])
    cat = wb.create_sheet("指标目录")
    cat.append(["代码", "指标", "别名", "单位", "类型", "方向", "责任单位", "口径"])
    kinds = {"flow": "累计", "stock": "余额", "rate": "比率/平均"}
    for ind in SEED_INDICATORS:
        cat.append([ind.code, ind.name, "、".join(ind.aliases), ind.unit, kinds[ind.kind],
                    "越高越好" if ind.direction > 0 else "越低越好", ind.owner, ind.scope])
    wb.save(path)
    return path


def _norm_header(v: Any) -> str:
    s = unicodedata.normalize("NFKC", str(v or "")).replace(" ", "").strip()
    for key, aliases in _HEADER_ALIASES.items():
        if s in aliases:
            return key
    return s


def _read_csv_rows(path: Path, result: LongParse) -> list[list[Any]] | None:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        result.errors.append(ImportMessage(path.name, "", None, None, "无法识别文件编码（应为UTF-8或GB18030）"))
        return None
    return [row for row in csv.reader(io.StringIO(text))]


def parse_long(path: str | Path) -> LongParse:
    """Parse the long-format template (xlsx/xlsm or csv)."""
    path = Path(path)
    result = LongParse(file=path.name)
    sheets: list[tuple[str, list[list[Any]]]] = []
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            rows = _read_csv_rows(path, result)
            if rows is None:
                return result
            sheets.append(("", rows))
        elif suffix in (".xlsx", ".xlsm"):
            wb = load_workbook(path, data_only=True, read_only=True)
            names = [SHEET_NAME] if SHEET_NAME in wb.sheetnames else [wb.sheetnames[0]]
            for name in names:
                sheets.append((name, [list(r) for r in wb[name].iter_rows(values_only=True)]))
            wb.close()
        else:
            result.errors.append(ImportMessage(path.name, None, None, None, f"不支持的文件类型“{path.suffix}”（应为xlsx或csv）"))
            return result
    except Exception as exc:  # noqa: BLE001
        result.errors.append(ImportMessage(path.name, None, None, None, f"无法读取文件（{exc}）"))
        return result
    for sheet, rows in sheets:
        _parse_rows(path.name, sheet, rows, result)
    return result


def _parse_rows(file: str, sheet: str, rows: list[list[Any]], result: LongParse) -> None:
    def err(r: int, c: int | None, msg: str) -> None:
        cell = f"{get_column_letter(c + 1)}{r}" if c is not None else None
        result.errors.append(ImportMessage(file, sheet, r, cell, msg))

    # header: first non-empty row
    hidx = next((i for i, row in enumerate(rows) if any(v not in (None, "") for v in row)), None)
    if hidx is None:
        err(1, None, "文件为空，没有表头")
        return
    header = [_norm_header(v) for v in rows[hidx]]
    pos = {name: header.index(name) for name in COLUMNS if name in header}
    missing = [n for n in REQUIRED if n not in pos]
    if missing:
        err(hidx + 1, None, f"表头缺少列：{'、'.join(missing)}（应为 {'、'.join(COLUMNS[:5])}）")
        return
    if "数值" not in pos and "增速" not in pos:
        err(hidx + 1, None, "表头缺少“数值”或“增速”列")
        return
    seen: dict[tuple, int] = {}
    for i in range(hidx + 1, len(rows)):
        r = i + 1
        row = list(rows[i]) + [None] * (len(header) - len(rows[i]))
        if all(v is None or str(v).strip() == "" for v in row):
            continue

        def cell(name: str) -> Any:
            return row[pos[name]] if name in pos else None

        ok = True
        region = str(cell("地区") or "").strip()
        if not region:
            err(r, pos["地区"], "地区为空")
            ok = False
        ind_name = str(cell("指标") or "").strip()
        code = resolve_indicator(ind_name) if ind_name else None
        if not ind_name:
            err(r, pos["指标"], "指标为空")
            ok = False
        elif code is None:
            err(r, pos["指标"], f"指标“{ind_name}”不在指标目录中")
            ok = False
        period = parse_period(cell("期间"))
        if period is None:
            err(r, pos["期间"], f"期间“{cell('期间')}”无法识别（应为 2025-03、2025年1-3月 或 2025年3月）")
            ok = False
        nums: dict[str, Any] = {}
        for name, key in (("数值", "value"), ("增速", "growth"), ("排名", "rank")):
            if name not in pos:
                continue
            raw = cell(name)
            try:
                v = to_rank(raw) if key == "rank" else to_number(raw)
            except NotANumber:
                err(r, pos[name], f"{name}“{raw}”不是{'正整数' if key == 'rank' else '数字'}")
                ok = False
                continue
            if v is not None:
                nums[key] = v
        if ok and not ("value" in nums or "growth" in nums):
            err(r, pos.get("数值", pos.get("增速")), "数值和增速都为空")
            ok = False
        if ok:
            key = (normalise_region(region), code, period)
            if key in seen:
                err(r, pos["地区"], f"与第{seen[key]}行重复（同一地区、指标、期间）")
                ok = False
            else:
                seen[key] = r
        if not ok:
            continue
        unit = str(cell("单位") or "").strip() or None
        if unit is None and "value" in nums:
            ind = get_indicator(code)
            unit = ind.unit if ind else None
        cells = {"region": _ref(pos["地区"], r), "indicator": _ref(pos["指标"], r), "period": _ref(pos["期间"], r)}
        for name, key in (("数值", "value"), ("增速", "growth"), ("排名", "rank")):
            if key in nums:
                cells[key] = _ref(pos[name], r)
        result.observations.append(
            ParsedObservation(
                source_file=file,
                sheet=sheet,
                row=r,
                region_name=region,
                region_norm=normalise_region(region),
                indicator_name=ind_name,
                indicator_code=code,
                year=period[0],
                month=period[1],
                value=nums.get("value"),
                unit=unit if "value" in nums else None,
                growth=nums.get("growth"),
                published_rank=nums.get("rank"),
                cells=cells,
            )
        )


def _ref(col0: int, row: int) -> str:
    return f"{get_column_letter(col0 + 1)}{row}"


def write_long(path: str | Path, observations: Iterable[ParsedObservation]) -> Path:
    """Write observations in the long format (xlsx or csv by suffix); used for exports/round trips."""
    path = Path(path)
    rows = [
        [o.region_name, o.indicator_name, f"{o.year:04d}-{o.month:02d}", o.value, o.growth, o.unit, o.published_rank]
        for o in observations
    ]
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(COLUMNS)
            w.writerows(rows)
        return path
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    ws.append(COLUMNS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path
