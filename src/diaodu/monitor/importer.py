"""Pick the right parser for a file and summarise a parse for ``--dry-run`` (pure, no DB)."""

from __future__ import annotations

import warnings
from collections import Counter, defaultdict
from pathlib import Path

from openpyxl import load_workbook

from .template import SHEET_NAME, LongParse, _norm_header, parse_long
from .yuebao import WorkbookParse, parse_workbook


def is_long_template(path: str | Path) -> bool:
    """True for csv, and for xlsx whose first/“数据” sheet starts with 地区, 指标, 期间 columns."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return True
    names = _sheet_names(path)
    if names is not None:
        if SHEET_NAME in names:
            return True
        if len(names) > 3:  # a bureau workbook (dozens of sheets): skip a second full open (~0.3 s)
            return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path, read_only=True)
        ws = wb[SHEET_NAME] if SHEET_NAME in wb.sheetnames else wb.worksheets[0]
        first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
        wb.close()
    except Exception:  # noqa: BLE001 - let the real parser report unreadable files
        return False
    header = {_norm_header(v) for v in first}
    return {"地区", "指标", "期间"} <= header


def _sheet_names(path: Path) -> list[str] | None:
    """Sheet names from xl/workbook.xml without loading the workbook (None if unreadable)."""
    import re
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read("xl/workbook.xml").decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - the real parser reports unreadable files
        return None
    from html import unescape

    return [unescape(m) for m in re.findall(r'<(?:\w+:)?sheet\b[^>]*\bname="([^"]*)"', xml)]


def parse_file(path: str | Path) -> WorkbookParse | LongParse:
    """Parse either the long template (xlsx/csv) or a bureau 月报卡 workbook."""
    return parse_long(path) if is_long_template(path) else parse_workbook(path)


def summary_lines(result: WorkbookParse | LongParse) -> list[str]:
    """Chinese lines for a dry run: periods, counts per sheet, skipped sheets/rows, errors."""
    obs = result.observations
    lines = [f"文件“{result.file}”：可导入 {len(obs)} 条数据，错误 {len(result.errors)} 条，提示 {len(result.warnings)} 条"]
    regions = sorted({o.region_name for o in obs})
    if regions:
        lines.append(f"涉及地区 {len(regions)} 个：{'、'.join(regions)}")
    by_sheet: dict[str, list] = defaultdict(list)
    for o in obs:
        by_sheet[o.sheet].append(o)
    for sheet, items in by_sheet.items():
        periods = Counter(f"{o.year}年1-{o.month}月" if o.month > 1 else f"{o.year}年1月" for o in items)
        ranks = sum(1 for o in items if o.published_rank is not None)
        names = sorted({o.indicator_name for o in items})
        label = f"工作表“{sheet}”" if sheet else "数据"
        lines.append(
            f"  {label}：{'、'.join(periods)}，{len(items)} 条，指标 {'、'.join(names[:3])}{'等' if len(names) > 3 else ''}"
            + (f"，含公布排名 {ranks} 个" if ranks else "")
        )
    for sheet, reason in getattr(result, "skipped_sheets", []):
        lines.append(f"  跳过工作表“{sheet}”：{reason}")
    skipped_rows = getattr(result, "skipped_rows", [])
    if skipped_rows:
        lines.append(f"  未导入的行 {len(skipped_rows)} 行（目录外指标、分类构成项、区域板块等）")
    for e in result.errors:
        lines.append(f"错误：{e}")
    for w in result.warnings:
        lines.append(f"提示：{w}")
    return lines
