"""Demo data for 示范市: two years of monthly cumulative figures and targets (deterministic).

2025-01 … 2026-10 (the last complete month before the demo's "today", November 2026) for the city and
its 8 counties, 12 key indicators, with growth rates; annual targets (市下任务, and some 本级目标) for
2025 and 2026. Two counties lag (乙县 on investment and revenue, 辛县 on industry) so that the board
shows red and yellow items; one value has a correction history (a typed value superseded by the
bureau's workbook) so the provenance dialog has something to show.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from diaodu.core.audit import Actor
from diaodu.core.demo import CITY, COUNTIES
from diaodu.core.models import Region
from diaodu.monitor.models import Indicator, Observation, Target

LAST = (2026, 10)
YEARS = (2025, 2026)
# code: (city annual value in the catalogue unit or None, base growth %, months published, stock?)
SPEC = {
    "gdp": (24_000_000, 5.6, (3, 6, 9, 12), False),
    "ind_va": (None, 7.2, tuple(range(2, 13)), False),
    "fai": (None, 6.5, tuple(range(2, 13)), False),
    "fai_industry": (None, 9.0, tuple(range(2, 13)), False),
    "retail": (11_000_000, 5.8, tuple(range(2, 13)), False),
    "fiscal_revenue": (1_500_000, 4.5, tuple(range(1, 13)), False),
    "tax_revenue": (1_000_000, 3.8, tuple(range(1, 13)), False),
    "trade": (3_000_000, 8.0, tuple(range(2, 13)), False),
    "export": (2_200_000, 9.5, tuple(range(2, 13)), False),
    "power_industry": (60.0, 6.0, tuple(range(2, 13)), False),
    "income_rural": (21_000, 6.5, (3, 6, 9, 12), False),
    "loans": (3_200.0, 9.0, tuple(range(1, 13)), True),
}
# county effects on growth (percentage points): the laggards
EFFECTS = {"乙县": {"fai": -9.0, "fai_industry": -12.0, "fiscal_revenue": -11.0, "tax_revenue": -8.0},
           "辛县": {"ind_va": -5.5, "power_industry": -6.0, "trade": -14.0, "export": -15.0},
           "丁区": {"retail": 2.0, "ind_va": 1.5}, "甲县": {"fai": 3.0, "gdp": 0.6}}
GROWTH_TARGETS = ("gdp", "ind_va", "fai", "retail", "trade")
LEVEL_TARGETS = ("fiscal_revenue", "tax_revenue")


def _periods():
    for year in YEARS:
        for month in range(1, 13):
            if (year, month) <= LAST:
                yield year, month


def load_demo(session: Session, actor: Actor, rng: random.Random) -> None:
    city = session.scalar(select(Region).where(Region.name == CITY))
    if city is None:
        return
    counties = [session.scalar(select(Region).where(Region.name == name)) for name, *_ in COUNTIES]
    inds = {i.code: i for i in session.scalars(select(Indicator).where(Indicator.code.in_(list(SPEC))))}
    weights = [rng.uniform(0.6, 1.6) for _ in counties]
    total_w = sum(weights)
    shares = [w / total_w for w in weights]
    seasonal = [1.0 + 0.15 * rng.uniform(-1, 1) for _ in range(12)]
    cum_share = []
    acc = 0.0
    for m in range(12):
        acc += seasonal[m]
        cum_share.append(acc)
    cum_share = [c / acc for c in cum_share]
    rows: list[dict] = []
    targets: list[dict] = []
    for code, (annual, base_growth, months, stock) in SPEC.items():
        ind = inds.get(code)
        if ind is None:
            continue
        effect = [EFFECTS.get(r.name, {}).get(code, 0.0) + rng.uniform(-2.0, 2.0) for r in counties]
        drift = {y: rng.uniform(-0.8, 0.8) for y in YEARS}
        for year in YEARS:
            level = 1.0 if year == 2025 else 1.0 + (base_growth + drift[2025]) / 100
            county_growth_year = {}
            for k, region in enumerate(counties):
                for month in months:
                    if (year, month) > LAST:
                        continue
                    noise = rng.uniform(-0.7, 0.7) + (1.5 if month <= 3 else 0.0) * rng.uniform(-1, 1)
                    g = round(base_growth + drift[year] + effect[k] + noise, 1)
                    county_growth_year[(k, month)] = g
                    value = None
                    if annual is not None:
                        scale = 1.0 if stock else cum_share[month - 1]
                        value = round(annual * shares[k] * level * scale * (1 + rng.uniform(-0.01, 0.01)), 2)
                    rows.append(_row(region, ind, year, month, value, g, k + 6))
            for month in months:
                if (year, month) > LAST:
                    continue
                gs = [county_growth_year[(k, month)] for k in range(len(counties))]
                g = round(sum(s * x for s, x in zip(shares, gs)), 1)
                value = None
                if annual is not None:
                    scale = 1.0 if stock else cum_share[month - 1]
                    value = round(annual * level * scale, 2)
                rows.append(_row(city, ind, year, month, value, g, 5))
            # targets
            for k, region in enumerate([city, *counties]):
                if code in GROWTH_TARGETS:
                    tg = round(base_growth + (0.5 if k == 0 else rng.choice((0.0, 0.5, 1.0))), 1)
                    targets.append(dict(region_id=region.id, indicator_id=ind.id, year=year, kind="growth",
                                        value=tg, qualifier="~" if k == 0 else ">=", origin="assigned",
                                        rank_keep=4 if region.name in ("甲县", "丙县") else None,
                                        rank_strive=3 if region.name in ("甲县", "丙县") else None, note=""))
                    if region.name == "甲县":
                        targets.append(dict(region_id=region.id, indicator_id=ind.id, year=year, kind="growth",
                                            value=tg + 1.0, qualifier=">=", origin="own", rank_keep=None,
                                            rank_strive=None, note="本级加压目标"))
                elif code in LEVEL_TARGETS and annual is not None:
                    share = 1.0 if k == 0 else shares[k - 1]
                    target_growth = base_growth + 1.5
                    targets.append(dict(region_id=region.id, indicator_id=ind.id, year=year, kind="level",
                                        value=round(annual * share * level * (1 + target_growth / 100), 0),
                                        unit=ind.unit, qualifier=">=", origin="assigned", rank_keep=None,
                                        rank_strive=None, note=""))
    session.execute(insert(Observation), rows)
    session.execute(insert(Target), [dict(t, version=1) for t in targets])
    session.flush()
    _correction_history(session, counties[0], inds.get("ind_va"))


def _row(region: Region, ind: Indicator, year: int, month: int, value, growth, excel_row: int) -> dict:
    file = f"示范市统计月报卡{year}年{month}月（演示）.xlsx"
    sheet = ind.name[:10]
    cells = {"region": f"A{excel_row}", "value": f"B{excel_row}", "growth": f"C{excel_row}"}
    cell = cells["value"] if value is not None else cells["growth"]
    return dict(region_id=region.id, indicator_id=ind.id, year=year, month=month, value=value,
                unit=ind.unit if value is not None else None, growth=growth, published_rank=None,
                source_file=file, source_sheet=sheet, source_cells=cells, source_ref=f"{file}:{sheet}!{cell}",
                extra=None, entered_by_id=None, batch_id=None, superseded_by_id=None)


def _correction_history(session: Session, region: Region, ind: Indicator | None) -> None:
    """甲县 规模工业增加值 at the last period: first typed in by the county (快报), then the bureau's
    figure replaced it."""
    if ind is None:
        return
    current = session.scalar(select(Observation).where(
        Observation.region_id == region.id, Observation.indicator_id == ind.id, Observation.year == LAST[0],
        Observation.month == LAST[1], Observation.superseded_by_id.is_(None)))
    if current is None:
        return
    early = Observation(region_id=region.id, indicator_id=ind.id, year=LAST[0], month=LAST[1], value=None,
                        unit=None, growth=round((current.growth or 0) + 0.4, 1), source_ref="甲县填报员 手工录入：快报数",
                        entered_by_id=None, superseded_by_id=current.id,
                        created_at=current.created_at - timedelta(days=3))
    session.add(early)
    session.flush()
