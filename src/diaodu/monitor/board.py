"""Pure board computation: observations + targets -> one row per region × indicator.

The service loads the observations (latest version of each cell) and targets
from the database and calls ``build_board``; no database here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Callable, Iterable, Literal, Sequence

from . import rules
from .catalogue import Indicator, SEED_INDICATORS
from .records import ParsedObservation, convert

TargetKind = Literal["growth", "level"]
Qualifier = Literal["~", ">=", "<="]


@dataclass(frozen=True)
class Target:
    """An annual target for region × indicator × year.

    ``kind`` growth: ``value`` is the growth in %; level: ``value`` is the annual
    amount in ``unit`` (default: the indicator's catalogue unit).  ``qualifier``:
    ``~`` 左右, ``>=`` 以上, ``<=`` 以内.  ``rank_keep``/``rank_strive``: 保四争三 =
    (4, 3).  ``origin``: ``assigned`` (市下任务) or ``own`` (本级目标).
    """

    region_norm: str
    indicator_code: str
    year: int
    kind: TargetKind
    value: float
    qualifier: Qualifier = ">="
    unit: str | None = None
    rank_keep: int | None = None
    rank_strive: int | None = None
    origin: Literal["assigned", "own"] = "assigned"


@dataclass
class BoardRow:
    region: str
    region_norm: str
    indicator: str
    indicator_code: str
    period: str
    value: float | None
    unit: str | None
    growth: float | None
    rank: int | None
    peers: int | None
    published_rank: int | None
    rank_change: int | None
    target: str | None
    completion: float | None  # %
    schedule_gap: float | None  # percentage points
    colour: str | None
    source: str

    def as_dict(self) -> dict:
        return asdict(self)


def _target_text(t: Target, unit: str | None) -> str:
    q = {"~": "左右", ">=": "以上", "<=": "以内"}[t.qualifier]
    body = f"增长{t.value:g}%{q}" if t.kind == "growth" else f"{t.value:g}{t.unit or unit or ''}{q}"
    if t.rank_keep or t.rank_strive:
        body += f"，保{t.rank_keep or '-'}争{t.rank_strive or '-'}"
    return body


def source_of(o: ParsedObservation) -> str:
    cell = o.cells.get("value") or o.cells.get("growth") or ""
    where = f"{o.sheet}!{cell}" if o.sheet else cell
    return f"{o.source_file}:{where}" if o.source_file else where


AGGREGATE_REGIONS = {"全市", "市辖区", "城区", "全省"}


def default_is_peer(o: ParsedObservation) -> bool:
    """Peers for ranking: every region except aggregates (全市, 市辖区 …).
    The service should pass its own test based on the region tree level."""
    return not o.is_total and o.region_norm not in AGGREGATE_REGIONS


def build_board(
    observations: Iterable[ParsedObservation],
    *,
    year: int,
    month: int,
    targets: Iterable[Target] = (),
    previous_ranks: dict[tuple[str, str], int] | None = None,
    catalogue: Sequence[Indicator] = SEED_INDICATORS,
    thresholds: rules.WarningThresholds = rules.WarningThresholds(),
    is_peer: Callable[[ParsedObservation], bool] | None = None,
    prefer_own_target: bool = False,
) -> list[BoardRow]:
    """Rows for period ``year``-``month``.

    For each region × indicator the latest observation of ``year`` with month ≤
    ``month`` is used (a bureau sheet may lag one month); its own period is shown.
    Ranks are computed among peers (``is_peer``, default: every region but 全市/市辖区)
    having the same indicator and period.  ``previous_ranks`` maps
    (region_norm, indicator_code) to the rank in the previous period.
    """
    if is_peer is None:
        is_peer = default_is_peer
    cat = {i.code: i for i in catalogue}
    latest: dict[tuple[str, str], ParsedObservation] = {}
    for o in observations:
        if o.indicator_code is None or o.year != year or o.month > month:
            continue
        k = (o.region_norm, o.indicator_code)
        if k not in latest or o.month > latest[k].month:
            latest[k] = o
    # peer ranks per (indicator, period)
    groups: dict[tuple[str, int], list[ParsedObservation]] = defaultdict(list)
    for o in latest.values():
        if is_peer(o) and o.growth is not None:
            groups[(o.indicator_code, o.month)].append(o)
    ranks: dict[tuple[str, str], tuple[int | None, int]] = {}
    for (code, _), obs in groups.items():
        ind = cat.get(code)
        if len(obs) < 2:
            continue
        r = rules.competition_rank({o.region_norm: o.growth for o in obs},
                                   direction=ind.direction if ind else 1, precision=ind.precision if ind else 1)
        for o in obs:
            ranks[(o.region_norm, code)] = (r[o.region_norm], len(obs))
    tmap: dict[tuple[str, str], Target] = {}
    for t in targets:
        if t.year != year:
            continue
        k = (t.region_norm, t.indicator_code)
        if k not in tmap or (t.origin == "own") == prefer_own_target:
            tmap[k] = t
    rows: list[BoardRow] = []
    for (region, code), o in sorted(latest.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        ind = cat.get(code)
        rank, n = ranks.get((region, code), (None, None))
        prev = (previous_ranks or {}).get((region, code))
        t = tmap.get((region, code))
        comp = gap = None
        if t is not None:
            if t.kind == "level" and o.value is not None and (ind is None or ind.kind == "flow"):
                try:
                    v = convert(o.value, o.unit, t.unit or (ind.unit if ind else o.unit))
                except ValueError:
                    v = None
                if v is not None:
                    c = rules.completion(v, t.value)
                    comp = None if c is None else c * 100
                    gap = rules.schedule_gap(v, t.value, o.month)
            elif t.kind == "growth" and o.growth is not None:
                gap = rules.growth_gap(o.growth, t.value)
                if ind is not None and ind.direction == -1 and gap is not None:
                    gap = -gap
        colour = rules.warning_colour(gap, rank, n, thresholds, t.rank_keep if t else None)
        rows.append(
            BoardRow(
                region=o.region_name, region_norm=region, indicator=ind.name if ind else o.indicator_name,
                indicator_code=code, period=o.period, value=o.value, unit=o.unit, growth=o.growth,
                rank=rank, peers=n, published_rank=o.published_rank, rank_change=rules.rank_change(prev, rank),
                target=_target_text(t, ind.unit if ind else None) if t else None, completion=comp,
                schedule_gap=gap, colour=colour, source=source_of(o),
            )
        )
    return rows
