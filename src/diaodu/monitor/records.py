"""Plain records shared by the importers (no database)."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable


@dataclass
class ParsedObservation:
    """One imported number set: region × indicator × cumulative period 1..month.

    ``value``/``unit`` are as written in the source (no unit conversion);
    ``growth`` is 同比 in %; ``cells`` maps each role (value, growth, rank,
    region, indicator, period, and extra roles such as ``change_ytd``) to the cell
    it came from, e.g. ``{"value": "B7", "growth": "C7", "rank": "D7"}``.
    """

    source_file: str
    sheet: str
    row: int
    region_name: str
    region_norm: str
    indicator_name: str
    indicator_code: str | None
    year: int
    month: int
    value: float | None = None
    unit: str | None = None
    growth: float | None = None
    published_rank: int | None = None
    cells: dict[str, str] = field(default_factory=dict)
    extra: dict[str, float] = field(default_factory=dict)  # e.g. change_ytd (比年初增减)

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def is_total(self) -> bool:
        return self.region_norm == TOTAL_REGION


@dataclass
class SkippedRow:
    sheet: str
    row: int
    label: str
    reason: str


@dataclass
class ImportMessage:
    """An error or warning, in Chinese, naming file, sheet, row and cell."""

    file: str
    sheet: str | None
    row: int | None
    cell: str | None
    message: str

    def __str__(self) -> str:
        parts = [f"文件“{self.file}”"]
        if self.sheet is not None and self.sheet != "":
            parts.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.cell:
            parts.append(f"单元格{self.cell}")
        return "，".join(parts) + "：" + self.message


# ---------------------------------------------------------------------------
# Region names
# ---------------------------------------------------------------------------

TOTAL_REGION = "全市"
_TOTAL_ALIASES = {"全市", "全市合计", "合计", "总计", "全市总计", "市合计"}
_REGION_SUFFIXES = ("自治县", "县", "区", "市")


def normalise_region(name: Any) -> str:
    """Region name as a match key: NFKC, no whitespace; totals become ``全市``.

    The suffix (县/区/市) is kept — ``邵阳县`` must not collide with ``邵阳市``;
    use ``region_keys`` to match ``双清`` with ``双清区``.
    """
    s = unicodedata.normalize("NFKC", str(name or ""))
    s = re.sub(r"\s+", "", s)
    if s in _TOTAL_ALIASES:
        return TOTAL_REGION
    return s


def region_keys(name: Any) -> set[str]:
    """Keys under which a region name may be matched against the region tree:
    the normalised name and, when it has one, the name without its 县/区/市 suffix.
    A service should accept a suffix-less match only when it is unique."""
    n = normalise_region(name)
    keys = {n}
    for suf in _REGION_SUFFIXES:
        if n.endswith(suf) and len(n) - len(suf) >= 2:
            keys.add(n[: -len(suf)])
            break
    return keys


# ---------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------

_PERIOD_RE = re.compile(
    r"(?:(?P<year>\d{4})\s*年\s*)?(?:(?P<m1>\d{1,2})\s*[-—–~至到]\s*)?(?P<m2>\d{1,2})\s*月(?P<tail>末|份|累计)?"
)
_QUARTERS = {"一季度": 3, "第一季度": 3, "上半年": 6, "前三季度": 9, "全年": 12, "1季度": 3, "第1季度": 3}
_QUARTER_RE = re.compile(r"(?:(?P<year>\d{4})\s*年\s*)?(?P<q>前三季度|第一季度|一季度|第1季度|1季度|上半年|全年)")
_ISO_RE = re.compile(r"^\s*(?P<year>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})\s*$")


def parse_period_text(text: Any) -> tuple[int | None, int] | None:
    """``2025年1-3月`` -> (2025, 3); ``1-2月`` -> (None, 2); ``3月末`` -> (None, 3).

    A start month other than 1 (e.g. ``2-3月``) is not a cumulative period: None.
    """
    if text is None:
        return None
    s = unicodedata.normalize("NFKC", str(text))
    q = _QUARTER_RE.search(s)
    if q:
        return (int(q.group("year")) if q.group("year") else None), _QUARTERS[q.group("q")]
    m = _PERIOD_RE.search(s)
    if not m:
        return None
    m2 = int(m.group("m2"))
    if not 1 <= m2 <= 12:
        return None
    if m.group("m1") is not None and int(m.group("m1")) != 1:
        return None
    year = int(m.group("year")) if m.group("year") else None
    return year, m2


def parse_period(text: Any) -> tuple[int, int] | None:
    """A full period for the long template: ``2025-03``, ``2025年1-3月``, ``2025年3月``."""
    if text is None:
        return None
    if hasattr(text, "year") and hasattr(text, "month"):  # a date cell
        return int(text.year), int(text.month)
    s = unicodedata.normalize("NFKC", str(text)).strip()
    m = _ISO_RE.match(s)
    if m:
        mo = int(m.group("m"))
        return (int(m.group("year")), mo) if 1 <= mo <= 12 else None
    p = parse_period_text(s)
    if p is None or p[0] is None:
        return None
    return p  # type: ignore[return-value]


# ---------------------------------------------------------------------------
# Cell values
# ---------------------------------------------------------------------------

_BLANKS = {"", "-", "—", "--", "……", "…", "/", "／", "—-", "－"}


class NotANumber(ValueError):
    pass


def to_number(v: Any) -> float | None:
    """Cell value -> float; blanks and dashes -> None; other text raises NotANumber."""
    if v is None:
        return None
    if isinstance(v, bool):
        raise NotANumber(str(v))
    if isinstance(v, (int, float)):
        f = float(v)
        if math.isnan(f) or math.isinf(f):
            raise NotANumber(str(v))
        return f
    s = unicodedata.normalize("NFKC", str(v)).strip().replace(",", "")
    if s in _BLANKS:
        return None
    if s.endswith("%"):
        s = s[:-1]
    try:
        return float(s)
    except ValueError:
        raise NotANumber(str(v)) from None


def to_rank(v: Any) -> int | None:
    f = to_number(v)
    if f is None:
        return None
    if f != int(f) or f < 1:
        raise NotANumber(str(v))
    return int(f)


# ---------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------

_SCALE = {
    "元": ("元", 1.0), "万元": ("元", 1e4), "亿元": ("元", 1e8),
    "美元": ("美元", 1.0), "万美元": ("美元", 1e4), "亿美元": ("美元", 1e8),
    "千瓦时": ("千瓦时", 1.0), "万千瓦时": ("千瓦时", 1e4), "亿千瓦时": ("千瓦时", 1e8),
    "平方米": ("平方米", 1.0), "万平方米": ("平方米", 1e4),
    "吨": ("吨", 1.0), "万吨": ("吨", 1e4), "人": ("人", 1.0), "万人": ("人", 1e4), "个": ("个", 1.0),
}


def convert(value: float | None, from_unit: str | None, to_unit: str | None) -> float | None:
    """Convert between scaled units of the same base (万元 -> 亿元 ...).

    Returns the value unchanged when the units are equal; raises ValueError when they
    are not convertible (different base or unknown unit), so nothing is silently mixed.
    """
    if value is None or from_unit == to_unit:
        return value
    a, b = _SCALE.get(from_unit or ""), _SCALE.get(to_unit or "")
    if not a or not b or a[0] != b[0]:
        raise ValueError(f"单位“{from_unit}”不能换算为“{to_unit}”")
    return value * a[1] / b[1]


def match_region(name: Any, regions: dict[Any, Iterable[str]]) -> Any | None:
    """Match a workbook region name to a region id.

    ``regions`` maps an id to its names and aliases.  An exact match on the
    normalised name wins; otherwise a match on the suffix-less key (``大祥`` ↔
    ``大祥区``) is accepted only when exactly one region has it.  None otherwise.
    """
    n = normalise_region(name)
    exact = [rid for rid, names in regions.items() if n in {normalise_region(x) for x in names}]
    if len(exact) == 1:
        return exact[0]
    if exact:
        return None
    keys = region_keys(n)
    loose = [rid for rid, names in regions.items() if any(keys & region_keys(x) for x in names)]
    return loose[0] if len(loose) == 1 else None
