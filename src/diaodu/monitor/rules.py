"""Pure monitoring rules: time progress, completion, peer ranks, warnings, sentences.

No I/O, no database, no clock.  Every function takes plain numbers and returns
plain values so that the service layer and the tests can call them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Hashable, Literal, Mapping

Number = float | int | Decimal

# ---------------------------------------------------------------------------
# Rounding
# ---------------------------------------------------------------------------


def to_decimal(x: Number) -> Decimal:
    """Convert to Decimal through the shortest repr, so 4.95 stays 4.95.

    ``Decimal(4.95)`` would give 4.9500000000000001776..., ``Decimal(repr(4.95))``
    gives exactly 4.95, which is what a person reading the cell sees.
    """
    if isinstance(x, Decimal):
        return x
    if isinstance(x, bool):
        raise TypeError("bool is not a number here")
    if isinstance(x, int):
        return Decimal(x)
    return Decimal(repr(float(x)))


def round_half_up(x: Number, digits: int = 1) -> Decimal:
    """Round half-up (away from zero at .5), as statistics bureaus publish.

    Values stored with float artefacts such as 6.17000000000001 or
    5.49999999999999 are first cleaned to 12 significant decimals, the
    precision spreadsheets display, so they round as the printed number does.
    """
    if type(x) is float:  # growth rates repeat (published with 1-2 decimals): memoised, exact
        return _round_float(x, digits)
    return _round(x, digits)


@lru_cache(maxsize=1 << 16)
def _round_float(x: float, digits: int) -> Decimal:
    return _round(x, digits)


def _round(x: Number, digits: int) -> Decimal:
    d = to_decimal(x)
    with localcontext() as ctx:
        ctx.prec = 80  # never lose integer digits of large values
        # remove float noise beyond 10 decimals (Excel shows 15 significant digits)
        if d.as_tuple().exponent < -10:
            d = d.quantize(Decimal(1).scaleb(-10), rounding=ROUND_HALF_UP)
        return d.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------
# Time progress and targets
# ---------------------------------------------------------------------------


def time_progress(month: int) -> float:
    """序时进度: share of the year elapsed after cumulative month ``month`` (1..12)."""
    if not 1 <= int(month) <= 12:
        raise ValueError("month must be 1..12")
    return int(month) / 12


def completion(cumulative: Number, annual_target: Number) -> float | None:
    """Completion of an annual level target: cumulative value / target (a ratio)."""
    if cumulative is None or annual_target is None or float(annual_target) == 0:
        return None
    return float(cumulative) / float(annual_target)


def schedule_gap(cumulative: Number, annual_target: Number, month: int) -> float | None:
    """Gap to time progress in percentage points: (completion − 序时进度) × 100.

    Negative = behind schedule (欠时间进度), positive = ahead (超时间进度).
    """
    c = completion(cumulative, annual_target)
    if c is None:
        return None
    return (c - time_progress(month)) * 100


def growth_gap(growth: Number, target_growth: Number) -> float | None:
    """Gap of a growth target in percentage points: cumulative growth − target growth."""
    if growth is None or target_growth is None:
        return None
    return float(growth) - float(target_growth)


def double_half(cumulative: Number, annual_target: Number, month: int = 6) -> bool | None:
    """双过半: at June, time progress ≥ 50% and completion ≥ 50%.

    Returns None before June (not yet assessable) or when there is no target.
    """
    c = completion(cumulative, annual_target)
    if c is None or month < 6:
        return None
    return time_progress(month) >= 0.5 and c >= 0.5


# ---------------------------------------------------------------------------
# Peer ranking
# ---------------------------------------------------------------------------


def competition_rank(
    values: Mapping[Hashable, Number | None],
    *,
    direction: int = 1,
    precision: int = 1,
) -> dict[Hashable, int | None]:
    """Rank peers the way statistics bureaus publish it.

    * the value is first rounded half-up to ``precision`` decimals (the published figure);
    * competition ranking ("1224"): ties share the best rank, the next rank skips;
    * highest first when ``direction`` is +1, lowest first when −1;
    * None values are unranked (None) and do not count.
    """
    if direction not in (1, -1):
        raise ValueError("direction must be +1 or -1")
    rounded = {k: round_half_up(v, precision) for k, v in values.items() if v is not None}
    result: dict[Hashable, int | None] = {k: None for k in values}
    for k, v in rounded.items():
        if direction == 1:
            better = sum(1 for o in rounded.values() if o > v)
        else:
            better = sum(1 for o in rounded.values() if o < v)
        result[k] = better + 1
    return result


_POW10 = (1.0, 10.0, 100.0, 1000.0, 10000.0)


def rank_key(x: Number, precision: int = 1) -> int:
    """``round_half_up(x, precision)`` as an integer count of ``10**-precision`` units (4.95 → 50).

    Exact, and about twenty times faster than the Decimal path for the usual case, which the
    board needs for thousands of peer groups per call.  Why the float shortcut is exact: the
    Decimal path rounds D (the shortest repr of x, within |x|·1.2e-16 of x, then cleaned to 10
    decimals: within 5e-11) at the half point.  For |x·10^p| < 1e8 and p ≤ 4, D·10^p and the
    float y = x·10^p differ by less than 6e-7, so when y's fraction is more than 1e-6 away from
    .5 both round to the same integer.  Anything near a tie (or large, or not a float) takes
    the Decimal path.  tests/monitor/test_monitor_rules.py checks the equality with hypothesis.
    """
    if type(x) is float and 0 <= precision <= 4:
        y = x * _POW10[precision]
        a = -y if y < 0 else y
        if a < 1e8:
            n = int(a)
            f = a - n  # exact for a < 2**52
            if f < 0.499999 or f > 0.500001:
                if f > 0.5:
                    n += 1
                return -n if y < 0 else n
    return int(round_half_up(x, precision).scaleb(precision))


def group_ranks(values: list[Number], *, direction: int = 1, precision: int = 1) -> list[int]:
    """``competition_rank`` for a list of non-None values, by sorting instead of comparing all pairs
    (the board ranks thousands of peer groups per call): same rounding (``rank_key``), same "1224"
    ties."""
    if direction not in (1, -1):
        raise ValueError("direction must be +1 or -1")
    keys = [rank_key(v, precision) for v in values]
    order = sorted(range(len(keys)), key=keys.__getitem__, reverse=direction == 1)
    ranks = [0] * len(keys)
    prev = None
    rank = 0
    for pos, i in enumerate(order):
        v = keys[i]
        if pos == 0 or v != prev:
            rank, prev = pos + 1, v
        ranks[i] = rank
    return ranks


def rank_from_bottom(rank: int | None, n: int) -> int | None:
    """Position counted from the bottom for a top-down rank: ``n - rank + 1`` (1 = last).

    With ties this is the position of the best of the tied peers; two peers tied
    for last (rank 11 of 12) give 2.  Use ``bottom_ranks`` for 并列倒数第一.
    """
    if rank is None:
        return None
    return n - rank + 1


def bottom_ranks(values: Mapping[Hashable, Number | None], *, direction: int = 1, precision: int = 1) -> dict:
    """Rank from the bottom with the same tie rule (last place(s) = 1)."""
    return competition_rank(values, direction=-direction, precision=precision)


def rank_change(previous: int | None, current: int | None) -> int | None:
    """Positions moved up since the previous period (positive = better, 前移)."""
    if previous is None or current is None:
        return None
    return previous - current


# ---------------------------------------------------------------------------
# Warnings
# ---------------------------------------------------------------------------

Colour = Literal["red", "yellow", "green"]
COLOUR_CN = {"red": "红", "yellow": "黄", "green": "绿"}


@dataclass(frozen=True)
class WarningThresholds:
    """Thresholds for the warning colour.

    Schedule gap (percentage points, completion − time progress, or growth − target):
      red if gap < ``red_gap`` (default −5), yellow if gap < ``yellow_gap`` (default 0).
    Rank among ``n`` peers (1 = best):
      red if in the bottom ``red_bottom`` (default 2), yellow if in the bottom
      ``yellow_bottom`` (default 4) or worse than ``rank_target`` when a rank target
      (e.g. 保四争三 -> 4) is given.
    The colour is the worst of the gap colour and the rank colour; no data -> green
    is *not* assumed: ``warning_colour`` returns None when both inputs are missing.
    """

    red_gap: float = -5.0
    yellow_gap: float = 0.0
    red_bottom: int = 2
    yellow_bottom: int = 4


_ORDER = {"green": 0, "yellow": 1, "red": 2}


def gap_colour(gap: float | None, t: WarningThresholds = WarningThresholds()) -> Colour | None:
    if gap is None:
        return None
    if gap < t.red_gap:
        return "red"
    if gap < t.yellow_gap:
        return "yellow"
    return "green"


def rank_colour(
    rank: int | None, n: int | None, t: WarningThresholds = WarningThresholds(), rank_target: int | None = None
) -> Colour | None:
    if rank is None or not n:
        return None
    from_bottom = n - rank + 1
    if from_bottom <= t.red_bottom:
        return "red"
    if from_bottom <= t.yellow_bottom or (rank_target is not None and rank > rank_target):
        return "yellow"
    return "green"


def warning_colour(
    gap: float | None = None,
    rank: int | None = None,
    n: int | None = None,
    thresholds: WarningThresholds = WarningThresholds(),
    rank_target: int | None = None,
) -> Colour | None:
    colours = [c for c in (gap_colour(gap, thresholds), rank_colour(rank, n, thresholds, rank_target)) if c]
    if not colours:
        return None
    return max(colours, key=_ORDER.__getitem__)


# ---------------------------------------------------------------------------
# Share, contribution, difference
# ---------------------------------------------------------------------------


def share(part: Number, whole: Number) -> float | None:
    """Share of the part in the whole, in % (e.g. a county's share of the city)."""
    if part is None or whole is None or float(whole) == 0:
        return None
    return float(part) / float(whole) * 100


def increment(value: Number, growth: Number) -> float | None:
    """Absolute increment over the same period last year from a value and its growth (%)."""
    if value is None or growth is None or float(growth) == -100:
        return None
    v = float(value)
    return v - v / (1 + float(growth) / 100)


def contribution(region_increment: Number, total_increment: Number) -> float | None:
    """Contribution rate to growth in %: region increment / total increment × 100."""
    if region_increment is None or total_increment is None or float(total_increment) == 0:
        return None
    return float(region_increment) / float(total_increment) * 100


def pulling(region_increment: Number, total_last_year: Number) -> float | None:
    """拉动 (percentage points): region increment / total last-year value × 100."""
    if region_increment is None or total_last_year is None or float(total_last_year) == 0:
        return None
    return float(region_increment) / float(total_last_year) * 100


def diff_points(growth: Number, base_growth: Number, precision: int = 1) -> Decimal | None:
    """Difference to a base region's growth in 个百分点, on the published (rounded) figures."""
    if growth is None or base_growth is None:
        return None
    return round_half_up(growth, precision) - round_half_up(base_growth, precision)


# ---------------------------------------------------------------------------
# Data paragraphs
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    ref: str  # reference key for the UI, e.g. "growth", "base_diff", "rank"
    text: str


@dataclass(frozen=True)
class Sentence:
    text: str
    spans: list[Span] = field(default_factory=list)


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[Span] = []
        self.pos = 0

    def add(self, s: str) -> "_Builder":
        self.parts.append(s)
        self.pos += len(s)
        return self

    def num(self, s: str, ref: str) -> "_Builder":
        self.spans.append(Span(self.pos, self.pos + len(s), ref, s))
        return self.add(s)

    def build(self) -> Sentence:
        return Sentence("".join(self.parts), self.spans)


def fmt(x: Number, digits: int = 1) -> str:
    """Format a number half-up with ``digits`` decimals, no sign, no trailing noise."""
    return f"{abs(round_half_up(x, digits)):.{digits}f}"


def period_label(month: int) -> str:
    """``1-3月``; a single month for January (``1月``)."""
    return "1月" if month == 1 else f"1-{month}月"


_CN_NUM = "零一二三四五六七八九十"


def cn_ordinal(n: int) -> str:
    """Rank as the speeches write it: 第1位 is written with Arabic digits in the workbooks."""
    return str(n)


def growth_sentence(
    *,
    month: int,
    region: str,
    indicator: str,
    growth: Number,
    base_region: str | None = None,
    base_growth: Number | None = None,
    rank: int | None = None,
    rank_scope: str | None = None,
    precision: int = 1,
    refs: Mapping[str, str] | None = None,
    bottom_rank: int | None = None,
    bottom_threshold: int = 3,
) -> Sentence:
    """``1-3月，全市规模工业增加值同比增长8.8%，高于全省1.2个百分点，居全省第3位``.

    With ``bottom_rank`` (1 = last) ≤ ``bottom_threshold`` the speeches' form
    ``居全市倒数第2位`` is used instead.

    ``refs`` maps the role of each number (``growth``, ``base_diff``, ``rank``) to a
    reference key (e.g. an observation id); default keys are the role names.
    """
    refs = dict(refs or {})
    b = _Builder().add(f"{period_label(month)}，{region}{indicator}同比")
    g = round_half_up(growth, precision)
    if g > 0:
        b.add("增长")
    elif g < 0:
        b.add("下降")
    else:
        b.add("持平")
    if g != 0:
        b.num(fmt(g, precision), refs.get("growth", "growth")).add("%")
    if base_region and base_growth is not None:
        d = diff_points(growth, base_growth, precision)
        if d > 0:
            b.add(f"，高于{base_region}").num(fmt(d, precision), refs.get("base_diff", "base_diff")).add("个百分点")
        elif d < 0:
            b.add(f"，低于{base_region}").num(fmt(d, precision), refs.get("base_diff", "base_diff")).add("个百分点")
        else:
            b.add(f"，与{base_region}持平")
    if rank is not None:
        scope = rank_scope or base_region or ""
        if bottom_rank is not None and bottom_rank <= bottom_threshold:
            b.add(f"，居{scope}倒数第").num(str(bottom_rank), refs.get("rank", "rank")).add("位")
        else:
            b.add(f"，居{scope}第").num(str(rank), refs.get("rank", "rank")).add("位")
    return b.build()


def schedule_sentence(
    *,
    cumulative: Number,
    annual_target: Number,
    month: int,
    prefix: str = "",
    digits: int = 1,
    refs: Mapping[str, str] | None = None,
) -> Sentence:
    """``完成年度目标的35.8%，欠时间进度14.2个百分点`` (超 when ahead, 与时间进度持平 when equal)."""
    refs = dict(refs or {})
    c = completion(cumulative, annual_target)
    if c is None:
        raise ValueError("annual target missing or zero")
    comp_pct = round_half_up(c * 100, digits)
    tp_pct = round_half_up(time_progress(month) * 100, digits)
    gap = comp_pct - tp_pct  # on published figures, so the sentence adds up
    b = _Builder().add(prefix).add("完成年度目标的").num(fmt(comp_pct, digits), refs.get("completion", "completion"))
    b.add("%")
    if gap < 0:
        b.add("，欠时间进度").num(fmt(gap, digits), refs.get("schedule_gap", "schedule_gap")).add("个百分点")
    elif gap > 0:
        b.add("，超时间进度").num(fmt(gap, digits), refs.get("schedule_gap", "schedule_gap")).add("个百分点")
    else:
        b.add("，与时间进度持平")
    return b.build()
