"""Parser for the statistics bureau's monthly workbook (统计月报卡), as it comes.

Two sheet layouts are recognised (see docs/monitor.md):

* **county table** (分县市区表): column A header ``地区``; one indicator per sheet
  (the title in A1), one region per row, columns such as ``绝对额(万元)``,
  ``增速(%)``, ``排名``, ``比年初增减数``;
* **indicator table** (全市指标表): column A header ``指标``/``项目``; region 全市,
  one indicator per row.  Only rows whose label resolves in the catalogue are
  imported; the others are reported in ``skipped_rows``.

Every sheet gets its own period from its header (``2025年1-3月``, ``1-2月``,
``3月末``); the workbook period (from the file name or the majority of sheets)
is the fallback.  Anything that cannot be mapped is reported, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .catalogue import clean_label, get_indicator, normalise_name, resolve_indicator
from .records import (
    ImportMessage,
    NotANumber,
    ParsedObservation,
    SkippedRow,
    normalise_region,
    parse_period_text,
    to_number,
    to_rank,
)


@dataclass
class Duplicate:
    """The same region × indicator × period found twice in one workbook."""

    kept: ParsedObservation
    dropped: ParsedObservation
    consistent: bool


@dataclass
class WorkbookParse:
    file: str
    year: int | None
    month: int | None
    observations: list[ParsedObservation] = field(default_factory=list)
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)
    skipped_rows: list[SkippedRow] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    errors: list[ImportMessage] = field(default_factory=list)
    warnings: list[ImportMessage] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (sheet, note text)
    sheet_periods: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


COUNTY_HEADERS = {"地区", "县市区", "县市区名称", "地区名称", "单位", "区县"}
INDICATOR_HEADERS = {"指标", "项目", "指标名称"}
BREAKDOWN_HEADERS = {"行业"}
# Province-level zone aggregates sometimes pasted under a county table (chart helpers).
ZONE_SUFFIXES = ("地区", "城市群", "经济区", "板块")

_UNIT_IN_BRACKETS = re.compile(r"[（(]\s*([^()（）]*?)\s*[)）]")
_UNIT_WORDS = ("元", "吨", "人", "个", "米", "千瓦", "小时", "美元", "%", "件", "辆", "户", "家")
_SHEET_UNIT = re.compile(r"单位\s*[:：]\s*(\S+)")


def _text(v: Any) -> str:
    if v is None:
        return ""
    return unicodedata.normalize("NFKC", str(v)).strip()


def _compact(v: Any) -> str:
    return re.sub(r"\s+", "", _text(v))


def _unit_from_label(label: str) -> str | None:
    for m in _UNIT_IN_BRACKETS.finditer(unicodedata.normalize("NFKC", label)):
        u = m.group(1).strip()
        if u and any(w in u for w in _UNIT_WORDS) and len(u) <= 8:
            return "亿千瓦时" if u == "亿千瓦小时" else u
    return None


def _dimension(unit: str | None) -> str | None:
    if not unit:
        return None
    if "美元" in unit:
        return "usd"
    if unit.endswith("元"):
        return "money"
    if "平方米" in unit:
        return "area"
    if "千瓦" in unit:
        return "energy"
    if "%" in unit:
        return "pct"
    if unit.endswith("吨") or "吨公里" in unit:
        return "weight"
    if unit.endswith("人") or "人公里" in unit:
        return "people"
    return unit


def _column_role(text: str) -> str | None:
    """Role of a data column from its (joined) header text."""
    t = _compact(text)
    if not t:
        return None
    if "排名" in t or "位次" in t:
        return "rank"
    if t.startswith("上年同期"):
        return "ignore"
    if "比年初" in t:
        return "change_ytd"
    if "百分点" in t:
        return "pp_change"
    if "增速" in t or "增长" in t or "增减" in t or "%" in t or "同比" in t:
        return "growth"
    if "本月" in t and "余额" not in t:
        return "month_value"
    if any(k in t for k in ("绝对", "总额", "余额", "月末", "累计", "总量", "数值", "金额")) or _unit_from_label(t):
        return "value"
    return None


@dataclass
class _Column:
    col: int
    role: str
    unit: str | None


class _Ctx:
    def __init__(self, file: str, ws: Worksheet, result: WorkbookParse):
        self.file = file
        self.ws = ws
        self.result = result
        self.formulas: Worksheet | None = None  # same sheet loaded with formulas, when the file has any
        self.merged_cont: set[tuple[int, int]] = set()  # continuation cells of merged ranges
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if (r, c) != (rng.min_row, rng.min_col):
                        self.merged_cont.add((r, c))

    def error(self, row: int | None, col: int | None, msg: str) -> None:
        cell = f"{get_column_letter(col)}{row}" if (row and col) else None
        self.result.errors.append(ImportMessage(self.file, self.ws.title, row, cell, msg))

    def warn(self, row: int | None, col: int | None, msg: str) -> None:
        cell = f"{get_column_letter(col)}{row}" if (row and col) else None
        self.result.warnings.append(ImportMessage(self.file, self.ws.title, row, cell, msg))

    def skip(self, reason: str) -> None:
        self.result.skipped_sheets.append((self.ws.title, reason))


def _default_period(path: Path, wb) -> tuple[int | None, int | None]:
    """Workbook period: file name ``…-2025-01-03`` (months 1-3), else the majority of sheets."""
    year = month = None
    m = re.search(r"(20\d{2})[-_年.]?(\d{1,2})(?:[-_至~](\d{1,2}))?", path.stem)
    if m:
        year = int(m.group(1))
        mo = int(m.group(3) or m.group(2))
        if 1 <= mo <= 12:
            month = mo
    years: Counter = Counter()
    months: Counter = Counter()
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 6)):
            for c in row:
                if isinstance(c.value, str) and "月" in c.value:
                    p = parse_period_text(c.value)
                    if p:
                        if p[0]:
                            years[p[0]] += 1
                        months[p[1]] += 1
    if year is None and years:
        year = years.most_common(1)[0][0]
    if month is None and months:
        month = months.most_common(1)[0][0]
    return year, month


def parse_workbook(path: str | Path, *, year: int | None = None) -> WorkbookParse:
    """Parse a 月报卡 workbook.  Never raises for content problems: see ``.errors``."""
    path = Path(path)
    result = WorkbookParse(file=path.name, year=None, month=None)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # charts with external data, etc.
            wb = load_workbook(path, data_only=True)
    except Exception as exc:  # noqa: BLE001 - report any unreadable file in Chinese
        result.errors.append(ImportMessage(path.name, None, None, None, f"无法打开工作簿（{exc}）"))
        return result
    formulas = None
    if _has_formulas(path):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            formulas = load_workbook(path, data_only=False)
    dy, dm = _default_period(path, wb)
    result.year = year or dy
    result.month = dm
    if result.year is None:
        result.errors.append(ImportMessage(path.name, None, None, None, "无法确定年份：文件名和表头中都没有年份"))
        return result
    for ws in wb.worksheets:
        ctx = _Ctx(path.name, ws, result)
        ctx.formulas = formulas[ws.title] if formulas is not None else None
        _parse_sheet(ctx, result.year, result.month)
    _dedupe(result)
    return result


def _has_formulas(path: Path) -> bool:
    """Cheap scan of the sheet XML for formula elements (``<f>``)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    data = z.read(name)
                    if b"<f>" in data or b"<f " in data:
                        return True
    except (OSError, zipfile.BadZipFile):
        return False
    return False


_ROLE_CN = {"value": "绝对额", "growth": "增速", "rank": "排名"}


def _used_columns(ws: Worksheet) -> int:
    """Last column holding any value (ws.max_column counts formatted empty cells too)."""
    last = 1
    for row in ws.iter_rows(values_only=True):
        for i in range(len(row) - 1, last - 1, -1):
            if row[i] is not None and str(row[i]).strip() != "":
                last = i + 1
                break
    return last


def _find_header(ws: Worksheet) -> tuple[int, str] | None:
    for r in range(1, min(ws.max_row, 8) + 1):
        a = _compact(ws.cell(r, 1).value)
        if a in COUNTY_HEADERS:
            return r, "county"
        if a in INDICATOR_HEADERS:
            return r, "indicator"
        if a in BREAKDOWN_HEADERS:
            return r, "breakdown"
    return None


def _parse_sheet(ctx: _Ctx, default_year: int, default_month: int | None) -> None:
    ws = ctx.ws
    hidden = ws.sheet_state != "visible"
    hidden_note = "（隐藏工作表）" if hidden else ""
    title = _text(ws.cell(1, 1).value)
    if _compact(title) == "目录":
        ctx.skip("目录页，无数据" + hidden_note)
        return
    found = _find_header(ws)
    if found is None:
        ctx.skip("无法识别表头：A列前8行中没有“地区”或“指标/项目”，不是分地区表也不是指标表" + hidden_note)
        return
    hrow, layout = found
    if layout == "breakdown":
        ctx.skip(f"分行业构成表（“{title}”），不是分地区指标，未导入" + hidden_note)
        return
    # header block: header row, plus a sub-header row when A of the next row is empty
    sub = hrow + 1 if not _text(ws.cell(hrow + 1, 1).value) else None
    first_data = (sub or hrow) + 1
    # period: any cell of the header block (and the title row) that reads as a period
    period = None
    sheet_unit = None
    maxc = _used_columns(ws)
    for r in range(1, first_data):
        for c in range(1, maxc + 1):
            v = ws.cell(r, c).value
            if isinstance(v, str):
                if period is None and "月" in v:
                    period = parse_period_text(v)
                m = _SHEET_UNIT.search(unicodedata.normalize("NFKC", v))
                if m:
                    sheet_unit = m.group(1)
    if period is None:
        if default_month is None:
            ctx.error(hrow, None, "表头中没有期间（如“1-3月”），也无法从文件名推断")
            ctx.skip("无法确定期间")
            return
        year, month = default_year, default_month
        ctx.warn(hrow, None, f"表头中没有期间，按工作簿期间{default_year}年1-{default_month}月处理")
    else:
        year, month = period[0] or default_year, period[1]
    # columns
    cols: list[_Column] = []
    unroled: set[int] = set()
    for c in range(2, maxc + 1):
        texts = []
        for r in ([hrow, sub] if sub else [hrow]):
            if (r, c) not in ctx.merged_cont:
                texts.append(_text(ws.cell(r, c).value))
        joined = " ".join(t for t in texts if t)
        role = _column_role(joined)
        if role:
            unit = _unit_from_label(joined) if role in ("value", "change_ytd", "month_value") else None
            cols.append(_Column(c, role, unit or (sheet_unit if role in ("value", "change_ytd") else None)))
        else:
            unroled.add(c)
    roles = [c.role for c in cols]
    for role in ("value", "growth", "rank"):
        if roles.count(role) > 1:
            ctx.skip(f"表头有多个“{_ROLE_CN[role]}”列（可能是多个期间或多个指标并排），无法确定取哪一列，未导入")
            return
    if not any(r in roles for r in ("value", "growth")):
        ctx.skip("表头中没有“绝对额/增速”等可识别的数据列" + hidden_note)
        return
    ctx.result.sheet_periods[ws.title] = (year, month)
    n_before = len(ctx.result.observations)
    if layout == "county":
        _parse_county_rows(ctx, title, first_data, cols, unroled, year, month)
    else:
        _parse_indicator_rows(ctx, title, first_data, cols, unroled, year, month)
    if len(ctx.result.observations) == n_before:
        ctx.result.sheet_periods.pop(ws.title, None)
        if not any(s == ws.title for s, _ in ctx.result.skipped_sheets):
            ctx.skip("表中没有数值（只有表头和地区名）" + hidden_note)


def _read_numbers(ctx: _Ctx, r: int, cols: list[_Column]) -> tuple[dict[str, Any], dict[str, str], bool]:
    """Read role cells of row r: values, cell refs, and whether any cell was bad."""
    ws = ctx.ws
    vals: dict[str, Any] = {}
    cells: dict[str, str] = {}
    bad = False
    names = {"value": "绝对额", "growth": "增速", "rank": "排名", "change_ytd": "比年初增减", "month_value": "本月数"}
    for col in cols:
        if col.role in ("ignore", "pp_change"):
            continue
        raw = ws.cell(r, col.col).value
        if raw is None and ctx.formulas is not None:
            f = ctx.formulas.cell(r, col.col).value
            if isinstance(f, str) and f.startswith("="):
                ctx.error(r, col.col, f"单元格是公式（{f}）但文件中没有计算结果，请用Excel或WPS打开并保存后再导入")
                bad = True
                continue
        try:
            v = to_rank(raw) if col.role == "rank" else to_number(raw)
        except NotANumber:
            kind = "不是正整数" if col.role == "rank" else "不是数字"
            ctx.error(r, col.col, f"{names.get(col.role, col.role)}{kind}（“{raw}”）")
            bad = True
            continue
        if v is not None:
            vals[col.role] = v
            cells[col.role] = f"{get_column_letter(col.col)}{r}"
    return vals, cells, bad


def _stray_numbers(ctx: _Ctx, r: int, unroled: set[int]) -> list[str]:
    out = []
    for c in sorted(unroled):
        v = ctx.ws.cell(r, c).value
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out.append(f"{get_column_letter(c)}{r}")
    return out


def _parse_county_rows(ctx, title, first_data, cols, unroled, year, month) -> None:
    ws = ctx.ws
    ind_name = re.sub(r"\s+", "", title)
    code = resolve_indicator(ind_name)
    if code is None:
        ctx.warn(1, 1, f"指标“{ind_name}”不在指标目录中，按原名导入，指标代码为空")
    value_col = next((c for c in cols if c.role == "value"), None)
    unit = value_col.unit if value_col else None
    if value_col and unit is None:
        ind = get_indicator(code) if code else None
        ctx.warn(first_data - 1, value_col.col, "绝对额列没有注明单位" + (f"，按目录单位“{ind.unit}”" if ind else ""))
        unit = ind.unit if ind else None
    stray_reported = False
    for r in range(first_data, ws.max_row + 1):
        label = _text(ws.cell(r, 1).value)
        vals, cells, bad = _read_numbers(ctx, r, cols)
        stray = _stray_numbers(ctx, r, unroled)
        if not label:
            if vals:
                ctx.result.skipped_rows.append(SkippedRow(ws.title, r, "", "有数值但没有地区名称，未导入"))
                ctx.warn(r, None, f"有数值但A列没有地区名称（{', '.join(cells.values())}），未导入")
            continue
        if label.startswith("注") or label.startswith("说明") or label.startswith("资料来源"):
            ctx.result.notes.append((ws.title, label))
            continue
        region_norm = normalise_region(label)
        if region_norm.endswith(ZONE_SUFFIXES):
            ctx.result.skipped_rows.append(
                SkippedRow(ws.title, r, label, "省内区域板块汇总（非本市县市区），口径和单位可能与表头不同，未导入")
            )
            continue
        if stray and not stray_reported:
            ctx.warn(r, None, f"表头未标注的列中有数值（{', '.join(stray)}等），已忽略")
            stray_reported = True
        if not vals:
            continue
        cells = {"region": f"A{r}", "indicator": "A1", **cells}
        ctx.result.observations.append(
            ParsedObservation(
                source_file=ctx.file,
                sheet=ws.title,
                row=r,
                region_name=label,
                region_norm=region_norm,
                indicator_name=ind_name,
                indicator_code=code,
                year=year,
                month=month,
                value=vals.get("value"),
                unit=unit if "value" in vals else None,
                growth=vals.get("growth"),
                published_rank=vals.get("rank"),
                cells=cells,
                extra={k: v for k, v in vals.items() if k in ("change_ytd", "month_value")},
            )
        )


_REGION_TITLE = re.compile(r"^(?P<r>[\u4e00-\u9fa5]{1,10}?(?:自治县|县|区|市))(?:主要|经济|统计|指标|月报|基本|国民)")


def region_from_title(title: str, sheet_name: str = "") -> str:
    """Region of an indicator-as-rows sheet: ``邵阳县主要经济指标`` -> 邵阳县; otherwise 全市."""
    for text in (_compact(title), _compact(sheet_name)):
        m = _REGION_TITLE.match(text)
        if m and normalise_region(m.group("r")) != "全市":
            return m.group("r")
    return "全市"


def _parse_indicator_rows(ctx, title, first_data, cols, unroled, year, month) -> None:
    ws = ctx.ws
    title_code = resolve_indicator(title)
    region = region_from_title(title, ws.title)
    region_norm = normalise_region(region)
    value_col = next((c for c in cols if c.role == "value"), None)
    col_unit = value_col.unit if value_col else None
    section = ""
    section_unit: str | None = None
    breakdown = False
    row_month = month
    last_unit: str | None = None
    for r in range(first_data, ws.max_row + 1):
        label = _text(ws.cell(r, 1).value)
        vals, cells, bad = _read_numbers(ctx, r, cols)
        if not label:
            continue
        key = normalise_name(label)
        if not vals and not bad:
            # a section heading
            section = key
            section_unit = _unit_from_label(label)
            breakdown = bool(re.match(r"^按.+分", key))
            row_month = month - 1 if "上月" in label and month > 1 else month
            last_unit = None
            continue
        if label.startswith("注"):
            ctx.result.notes.append((ws.title, label))
            continue
        own_unit = _unit_from_label(label)
        code = resolve_indicator(label)
        if breakdown and code is not None:
            ind = get_indicator(code)
            # A category row is an indicator of its own only when it is named exactly,
            # or is a sub-indicator of the sheet's indicator (fai -> fai_infra), or a
            # sector of GDP (按产业分 第一产业 -> va_primary).  Otherwise 投资11's
            # "第一产业" (investment in the primary sector) would become 第一产业增加值.
            exact = ind is not None and key == normalise_name(ind.name)
            sub = title_code is not None and code.startswith(title_code + "_")
            gdp_sector = title_code == "gdp" and section.startswith("按产业分") and code.startswith("va_")
            if not (exact or sub or gdp_sector):
                code = None
        if code is None:
            reason = "分类构成项，不是独立指标" if breakdown else "指标未在目录中"
            ctx.result.skipped_rows.append(SkippedRow(ws.title, r, label, reason))
            if own_unit:
                last_unit = own_unit
            continue
        ind = get_indicator(code)
        unit = own_unit
        if unit is None and "value" in vals:
            for cand in (last_unit, section_unit, col_unit):
                if cand and _dimension(cand) == _dimension(ind.unit if ind else cand):
                    unit = cand
                    break
            if unit is None:
                ctx.warn(r, value_col.col if value_col else None,
                         f"“{label.strip()}”的绝对额没有可确定的单位，单位留空")
        if own_unit:
            last_unit = own_unit
        if not vals:
            continue
        ctx.result.observations.append(
            ParsedObservation(
                source_file=ctx.file,
                sheet=ws.title,
                row=r,
                region_name=region,
                region_norm=region_norm,
                indicator_name=clean_label(label),
                indicator_code=code,
                year=year,
                month=row_month,
                value=vals.get("value"),
                unit=unit if "value" in vals else None,
                growth=vals.get("growth"),
                published_rank=vals.get("rank"),
                cells={"indicator": f"A{r}", **cells},
                extra={k: v for k, v in vals.items() if k in ("change_ytd", "month_value")},
            )
        )


_TO_YUAN = {"元": 1.0, "万元": 1e4, "亿元": 1e8}


def _same_number(a: ParsedObservation, b: ParsedObservation) -> bool:
    if a.growth is not None and b.growth is not None and round(a.growth, 1) != round(b.growth, 1):
        return False
    if a.value is not None and b.value is not None:
        fa, fb = _TO_YUAN.get(a.unit or ""), _TO_YUAN.get(b.unit or "")
        if fa and fb:
            # the 全市 sheets print fewer decimals in a bigger unit (27 亿元 vs 270160.9 万元):
            # accept a difference within rounding to one decimal of the bigger unit.
            x, y = a.value * fa, b.value * fb
            return abs(x - y) <= max(0.051 * max(fa, fb), 1e-4 * max(abs(x), abs(y)))
        if a.unit == b.unit:
            return abs(a.value - b.value) <= 1e-4 * max(abs(a.value), abs(b.value), 1)
    return True


def _dedupe(result: WorkbookParse) -> None:
    """Keep one observation per region × indicator × period; county tables win."""
    seen: dict[tuple, ParsedObservation] = {}
    kept: list[ParsedObservation] = []
    for obs in sorted(result.observations, key=lambda o: "region" not in o.cells):
        if obs.indicator_code is None:
            kept.append(obs)
            continue
        k = (obs.region_norm, obs.indicator_code, obs.year, obs.month)
        if k in seen:
            first = seen[k]
            ok = _same_number(first, obs)
            result.duplicates.append(Duplicate(first, obs, ok))
            if not ok:
                result.warnings.append(
                    ImportMessage(
                        result.file, obs.sheet, obs.row, obs.cells.get("value") or obs.cells.get("growth"),
                        f"与工作表“{first.sheet}”第{first.row}行的{obs.region_name}{obs.indicator_name}数值不一致，"
                        f"以“{first.sheet}”为准",
                    )
                )
            continue
        seen[k] = obs
        kept.append(obs)
    order = {o.sheet: i for i, o in enumerate(result.observations)}
    kept.sort(key=lambda o: (order.get(o.sheet, 0), o.row))
    result.observations = kept
