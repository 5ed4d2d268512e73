"""Indicator monitoring services: import, board, provenance, manual entry, targets, catalogue.

Functions take ``(session, actor, ...)``, check permissions with :mod:`diaodu.core.policy` and never
commit (the caller's unit of work does). See docs/monitor.md and
docs/decisions/0003-monitor-visibility.md.

Permissions (decision 0003): every logged-in user reads all statistics (catalogue, board,
observations, targets, import log) — the bureau publishes the rankings to all units. Imports and
catalogue changes: admin and dispatcher. Manual values and targets: admin and dispatcher for any
region; a reporter of a county government for their own region (subtree) only, and only 本级目标
(own targets), never the 市下任务 assigned to them.

Peers (who is ranked against whom): the county-level children (县、区、县级市) of the same parent
region, except aggregates such as 市辖区. Parks (经开区), towns and the city itself get no rank. A
workbook imported with ``--create-regions --parent 邵阳市`` therefore ranks its counties among
themselves, and the demo city's counties among themselves, even in one database.
"""

from __future__ import annotations

import gc
import hashlib
import json
import math
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from diaodu.core import org, policy
from diaodu.core.audit import Actor
from diaodu.core.errors import Forbidden, NotFound, ValidationFailed
from diaodu.core.models import Region, RegionAlias, Role
from diaodu.monitor import catalogue as cat
from diaodu.monitor import boardcache, rules, thresholds
from diaodu.monitor.board import AGGREGATE_REGIONS, _target_text, build_board
from diaodu.monitor.board import Target as PureTarget
from diaodu.monitor.importer import parse_file, summary_lines
from diaodu.monitor.models import ImportBatch, Indicator, Observation, Target
from diaodu.monitor.records import (
    TOTAL_REGION,
    ParsedObservation,
    convert,
    normalise_region,
    parse_period,
    region_keys,
)
from diaodu.monitor.targets import parse_target

PEER_KINDS = {"county", "district", "county_city"}
# A board shows, for each region × indicator, the latest value of the year no older than this many
# months before the board month (a bureau sheet may lag a month; quarterly data up to two).
BOARD_LAG = 2
QUALIFIERS = {"~", ">=", "<="}
ORIGINS = {"assigned": "市下任务", "own": "本级目标"}
MAX_ERRORS_SHOWN = 30


# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------

def seed_rows() -> list[dict]:
    """Rows for ``monitor_indicator`` from the seed catalogue (used by the migration and sync)."""
    return [dict(code=i.code, name=i.name, unit=i.unit, kind=i.kind, direction=i.direction, owner=i.owner,
                 scope=i.scope, precision=i.precision, aliases=list(i.aliases), sort=n, active=True)
            for n, i in enumerate(cat.SEED_INDICATORS, start=1)]


def ensure_catalogue(session: Session) -> int:
    """Add seed indicators missing from the table (by code); returns how many were added."""
    have = set(session.scalars(select(Indicator.code)))
    added = 0
    for row in seed_rows():
        if row["code"] not in have:
            session.add(Indicator(**row))
            added += 1
    if added:
        session.flush()
    return added


def list_indicators(session: Session, actor: Actor, include_inactive: bool = False) -> list[Indicator]:
    stmt = select(Indicator).order_by(Indicator.sort, Indicator.id)
    if not include_inactive:
        stmt = stmt.where(Indicator.active.is_(True))
    return list(session.scalars(stmt))


def pure_indicator(row: Indicator) -> cat.Indicator:
    return cat.Indicator(row.code, row.name, row.unit or "", row.kind, row.direction, row.owner or "",
                         tuple(row.aliases or ()), row.scope or "", row.precision)


def resolve_indicator(session: Session, name_or_code: str | int) -> Indicator | None:
    if isinstance(name_or_code, int) or (isinstance(name_or_code, str) and name_or_code.isdigit()):
        return session.get(Indicator, int(name_or_code))
    rows = list(session.scalars(select(Indicator)))
    code = cat.resolve_indicator(str(name_or_code), [pure_indicator(r) for r in rows])
    return next((r for r in rows if r.code == code), None)


def create_indicator(session: Session, actor: Actor, *, name: str, unit: str = "", kind: str = "flow",
                     direction: int = 1, owner: str = "", scope: str = "", precision: int = 1,
                     aliases: list[str] | None = None, code: str | None = None) -> Indicator:
    policy.ensure_business_writer(actor)
    name = (name or "").strip()
    aliases = [a.strip() for a in aliases or [] if a and a.strip()]
    _check_indicator_fields(session, dict(name=name, unit=unit, kind=kind, direction=direction, owner=owner,
                                          precision=precision, aliases=aliases))
    if not code:
        n = (session.scalar(select(Indicator.id).order_by(Indicator.id.desc()).limit(1)) or 0) + 1
        code = f"custom_{n}"
    sort = (session.scalar(select(Indicator.sort).order_by(Indicator.sort.desc()).limit(1)) or 0) + 1
    row = Indicator(code=code, name=name, unit=unit or "", kind=kind, direction=direction, owner=owner or "",
                    scope=scope or "", precision=precision, aliases=list(aliases or []), sort=sort, active=True)
    session.add(row)
    session.flush()
    return row


INDICATOR_FIELDS = ("name", "unit", "kind", "direction", "owner", "scope", "precision", "aliases", "active")


def _check_indicator_fields(session: Session, fields: dict, own_id: int | None = None) -> None:
    if "name" in fields and not (fields["name"] or "").strip():  # create passes every field
        raise ValidationFailed("指标名称不能为空")
    if fields.get("kind", "flow") not in ("flow", "stock", "rate"):
        raise ValidationFailed("指标类型应为 flow（累计）、stock（余额/存量）或 rate（比率/平均）")
    if fields.get("direction", 1) not in (1, -1):
        raise ValidationFailed("方向应为 1（越高越好）或 -1（越低越好）")
    precision = fields.get("precision", 1)
    if not isinstance(precision, int) or isinstance(precision, bool) or not 0 <= precision <= 4:
        raise ValidationFailed("公布精度应为 0–4 的整数（位小数）")
    for key, label, limit in (("name", "指标名称", 100), ("unit", "单位", 30), ("owner", "主管部门", 100)):
        if len(fields.get(key) or "") > limit:
            raise ValidationFailed(f"{label}不能超过 {limit} 个字")
    if any(len(a) > 100 for a in fields.get("aliases") or []):
        raise ValidationFailed("别名不能超过 100 个字")
    labels = ([fields["name"]] if "name" in fields else []) + list(fields.get("aliases") or [])
    for label in labels:
        clash = resolve_indicator(session, label)
        if clash is not None and clash.id != own_id:
            raise ValidationFailed(f"指标名称或别名“{label}”与已有指标“{clash.name}”重复")


def update_indicator(session: Session, actor: Actor, indicator_id: int, *, version: int | None = None,
                     **changes) -> Indicator:
    """Edit a catalogue entry (name, aliases, unit, kind, direction, owner, 口径, precision, active).
    The code stays: imports and targets refer to it. A changed direction or precision re-ranks
    every period at the next board read (the board cache's token is renewed by the change)."""
    policy.ensure_business_writer(actor)
    row = _get_indicator(session, indicator_id)
    org.check_version(row, version)
    fields = {k: v for k, v in changes.items() if k in INDICATOR_FIELDS and v is not None}
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    if "aliases" in fields:
        fields["aliases"] = [a.strip() for a in fields["aliases"] if a and a.strip()]
    _check_indicator_fields(session, fields, own_id=row.id)
    for k, v in fields.items():
        setattr(row, k, v)
    session.flush()
    return row


# ---------------------------------------------------------------------------------------------
# Regions
# ---------------------------------------------------------------------------------------------

class RegionMatcher:
    """Workbook region names -> region ids: exact name/alias first; then a suffix-less match
    (``双清`` ↔ ``双清区``, ``邵东市`` ↔ ``邵东``) only when unique and only when one side has no
    suffix, so ``邵阳县`` never matches ``邵阳市``."""

    def __init__(self, session: Session):
        self.exact: dict[str, set[int]] = defaultdict(set)  # normalised name/alias -> ids
        self.loose: dict[str, set[int]] = defaultdict(set)  # name and suffix-less key -> ids
        for rid, name in session.execute(select(Region.id, Region.name)):
            self.add(rid, name)
        for rid, alias in session.execute(select(RegionAlias.region_id, RegionAlias.alias)):
            self.add(rid, alias)
        self._cache: dict[str, int | None] = {}

    def add(self, rid: int, name: str) -> None:
        n = normalise_region(name)
        self.exact[n].add(rid)
        for k in region_keys(n):
            self.loose[k].add(rid)
        self._cache = {}

    def match(self, name: str) -> int | None:
        n = normalise_region(name)
        if n in self._cache:
            return self._cache[n]
        exact = self.exact.get(n, set())
        if exact:
            found = next(iter(exact)) if len(exact) == 1 else None
        else:
            # region name without suffix == n (双清区 ~ 双清), or n without suffix == a region name
            loose = set(self.loose.get(n, set()))
            for k in region_keys(n) - {n}:
                loose |= self.exact.get(k, set())
            found = next(iter(loose)) if len(loose) == 1 else None
        self._cache[n] = found
        return found


def _region_kind(name: str) -> str:
    if name.endswith(("开发区", "经开区", "高新区", "园区", "新区")):
        return "park"
    if name.endswith("区"):
        return "district"
    if name.endswith("市"):
        return "county_city"
    return "county"


def _root_city(session: Session) -> Region | None:
    roots = list(session.scalars(select(Region).where(Region.parent_id.is_(None), Region.kind == "city")))
    return roots[0] if len(roots) == 1 else None


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------

@dataclass
class ImportReport:
    file: str
    dry_run: bool
    lines: list[str] = field(default_factory=list)
    created_regions: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    batch_id: int | None = None
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"file": self.file, "dry_run": self.dry_run, "lines": self.lines,
                "created_regions": self.created_regions, "counts": self.counts, "batch_id": self.batch_id,
                "warnings": self.warnings}


def _where(o: ParsedObservation, role: str = "region") -> str:
    cell = o.cells.get(role) or o.cells.get("value") or o.cells.get("growth") or ""
    sheet = f"工作表“{o.sheet}”" if o.sheet else ""
    return f"{sheet}第{o.row}行{('单元格' + cell) if cell else ''}"


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def import_file(session: Session, actor: Actor, path: str | Path, *, dry_run: bool = False,
                create_regions: bool = False, parent_name: str | None = None,
                file_name: str | None = None) -> ImportReport:
    """Import a bureau 月报卡 or a long template (xlsx/csv) in the caller's transaction.

    Everything is validated before anything is written; any error raises ``ValidationFailed``
    naming file, sheet, row and cell. ``dry_run`` reports what would be stored and writes nothing.
    """
    policy.ensure_business_writer(actor)
    path = Path(path)
    display = file_name or path.name
    parsed = parse_file(path)
    if parsed.errors:
        shown = [str(e) for e in parsed.errors[:MAX_ERRORS_SHOWN]]
        more = len(parsed.errors) - len(shown)
        raise ValidationFailed("导入失败，未写入任何数据：\n" + "\n".join(shown)
                               + (f"\n……另有 {more} 条错误" if more > 0 else ""))
    report = ImportReport(file=display, dry_run=dry_run)

    # --- the parent / city root ---
    matcher = RegionMatcher(session)
    parent: Region | None = None
    create_parent = False
    if parent_name:
        parent = org.resolve_region(session, parent_name)
        if parent is None:
            rid = matcher.match(parent_name)
            parent = session.get(Region, rid) if rid else None
        if parent is None:
            if not create_regions:
                raise ValidationFailed(f"上级地区“{parent_name}”不存在；加 --create-regions 可新建为市级地区")
            create_parent = True
    elif create_regions:
        raise ValidationFailed("自动新建地区需要用 --parent 指定上级地区（如 --parent 邵阳市）")
    total_region: Region | None = parent
    if parent is None and not create_parent:
        rid = matcher.match(TOTAL_REGION)
        total_region = session.get(Region, rid) if rid else _root_city(session)

    # --- regions of every observation ---
    unknown: dict[str, list[ParsedObservation]] = defaultdict(list)
    region_of: dict[int, Any] = {}  # index in parsed.observations -> region id or ("new", key)
    for i, o in enumerate(parsed.observations):
        if o.is_total:
            if total_region is not None:
                region_of[i] = total_region.id
            elif create_parent:
                region_of[i] = ("parent", None)
            else:
                unknown[TOTAL_REGION].append(o)
            continue
        rid = matcher.match(o.region_name)
        if rid is None:
            unknown[o.region_norm].append(o)
        else:
            region_of[i] = rid
    new_regions: dict[str, str] = {}  # group key -> display name
    if unknown:
        if not create_regions:
            items = [f"“{name}”（{_where(obs[0])}{f' 等 {len(obs)} 处' if len(obs) > 1 else ''}）"
                     for name, obs in unknown.items()]
            raise ValidationFailed(
                f"文件“{display}”中有 {len(unknown)} 个地区在地区库中找不到，未写入任何数据：" + "、".join(items)
                + "。请在地区管理中添加名称或别名，或加 --create-regions --parent 上级地区 自动新建。")
        if TOTAL_REGION in unknown:
            raise ValidationFailed(f"文件“{display}”中的“全市”行无法对应到地区，请用 --parent 指定所属市")
        # one new region per suffix-less key: 邵东 and 邵东市 are the same county; keep the full name
        for name in unknown:
            key = min(region_keys(name), key=len)
            cur = new_regions.get(key)
            if cur is None or len(name) > len(cur):
                new_regions[key] = name
        for i, o in enumerate(parsed.observations):
            if i not in region_of:
                region_of[i] = ("new", min(region_keys(o.region_norm), key=len))
    planned = ([parent_name] if create_parent else []) + list(new_regions.values())
    report.created_regions = [n for n in planned if n]

    # --- indicators and units ---
    ind_rows = list(session.scalars(select(Indicator)))
    by_code = {r.code: r for r in ind_rows}
    pure = [pure_indicator(r) for r in ind_rows]
    prepared: list[tuple[int, ParsedObservation, Indicator, float | None, str | None]] = []
    skipped: list[str] = []
    for i, o in enumerate(parsed.observations):
        ind = by_code.get(o.indicator_code) if o.indicator_code else None
        if ind is None:
            code = cat.resolve_indicator(o.indicator_name, pure)
            ind = by_code.get(code) if code else None
        if ind is None:
            skipped.append(f"{_where(o, 'indicator')}：指标“{o.indicator_name}”不在指标目录中，未导入")
            continue
        value, unit = o.value, o.unit
        if value is not None and unit and ind.unit and unit != ind.unit:
            try:
                value, unit = convert(value, unit, ind.unit), ind.unit
            except ValueError:
                report.warnings.append(f"{_where(o, 'value')}：单位“{unit}”不能换算为目录单位“{ind.unit}”，按原单位保存")
        elif value is not None and not unit:
            unit = None
        prepared.append((i, o, ind, value, unit))

    # --- compare with current rows ---
    existing: dict[tuple, Observation] = {}
    known_ids = {r for r in region_of.values() if isinstance(r, int)}
    years = {o.year for _i, o, *_ in prepared}
    if known_ids and years:
        for row in session.scalars(select(Observation).where(
                Observation.superseded_by_id.is_(None), Observation.region_id.in_(sorted(known_ids)),
                Observation.year.in_(sorted(years)))):
            existing[(row.region_id, row.indicator_id, row.year, row.month)] = row
    seen: set[tuple] = set()
    plan: list[tuple[Any, ParsedObservation, Indicator, float | None, str | None, Observation | None]] = []
    unchanged = 0
    for i, o, ind, value, unit in prepared:
        rkey = region_of[i]
        key = (rkey, ind.id, o.year, o.month)
        if key in seen:
            report.warnings.append(f"{_where(o, 'value')}：{o.region_name}{ind.name}{o.period}重复出现，以先出现的为准")
            continue
        seen.add(key)
        old = existing.get(key) if isinstance(rkey, int) else None
        if old is not None and _same(old.value, value) and _same(old.growth, o.growth) \
                and old.published_rank == o.published_rank:
            unchanged += 1
            continue
        plan.append((rkey, o, ind, value, unit, old))
    superseding = sum(1 for p in plan if p[5] is not None)
    report.counts = {"observations": len(prepared), "new": len(plan) - superseding, "superseded": superseding,
                     "unchanged": unchanged, "skipped": len(skipped), "regions_created": len(report.created_regions)}

    lines = []
    if report.created_regions:
        under = f"“{parent_name}”下" if parent_name and not create_parent else ""
        lines.append(f"将新建地区 {len(report.created_regions)} 个{('（' + under + '）') if under else ''}："
                     + "、".join(report.created_regions)
                     + (f"（其中“{parent_name}”为市级地区）" if create_parent else ""))
    lines.extend(summary_lines(parsed))
    lines.append(f"{'将' if dry_run else '已'}新增 {report.counts['new']} 条，"
                 f"更新 {superseding} 条（旧值保留为历史），未变化 {unchanged} 条，目录外 {len(skipped)} 条")
    lines.extend(f"提示：{w}" for w in report.warnings)
    lines.extend(f"未导入：{s}" for s in skipped[:20])
    report.lines = lines
    if dry_run:
        return report

    # --- write ---
    if create_parent:
        parent = org.create_region(session, actor, name=parent_name, kind="city")
        matcher.add(parent.id, parent.name)
    created_ids: dict[str, int] = {}
    for n, (key, name) in enumerate(new_regions.items(), start=1):
        region = org.create_region(session, actor, name=name, kind=_region_kind(name),
                                   parent_id=parent.id if parent else None, sort=n)
        created_ids[key] = region.id
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    batch = ImportBatch(file_name=display, sha256=sha, user_id=actor.user_id, username=actor.username,
                        counts=report.counts, summary="\n".join(lines[:200]))
    session.add(batch)
    session.flush()
    report.batch_id = batch.id
    pairs: list[tuple[Observation, Observation | None]] = []
    for rkey, o, ind, value, unit, old in plan:
        if isinstance(rkey, int):
            rid = rkey
        elif rkey[0] == "parent":
            rid = parent.id
        else:
            rid = created_ids[rkey[1]]
        cells = dict(o.cells)
        where = f"{o.sheet}!{cells.get('value') or cells.get('growth') or ''}" if o.sheet else \
            (cells.get("value") or cells.get("growth") or "")
        new = Observation(region_id=rid, indicator_id=ind.id, year=o.year, month=o.month, value=value, unit=unit,
                          growth=o.growth, published_rank=o.published_rank, source_file=display,
                          source_sheet=o.sheet or None, source_cells=cells, source_ref=f"{display}:{where}",
                          extra=dict(o.extra) or None, entered_by_id=None, batch_id=batch.id)
        pairs.append((new, old))
    session.add_all([p[0] for p in pairs])
    session.flush()
    for new, old in pairs:
        if old is not None:
            old.superseded_by_id = new.id
    session.flush()
    return report


# ---------------------------------------------------------------------------------------------
# Manual entry
# ---------------------------------------------------------------------------------------------

def _region_owner(region_id: int) -> policy.Owner:
    return policy.Owner.of([], region_id)


def _get_indicator(session: Session, indicator_id: int) -> Indicator:
    ind = session.get(Indicator, indicator_id)
    if ind is None:
        raise ValidationFailed("指标不存在")
    return ind


def _check_period(year: int, month: int) -> None:
    if not 1990 <= int(year) <= 2100:
        raise ValidationFailed(f"年份“{year}”无效")
    if not 1 <= int(month) <= 12:
        raise ValidationFailed(f"月份“{month}”无效，应为 1-12")


def current_observation(session: Session, region_id: int, indicator_id: int, year: int,
                        month: int) -> Observation | None:
    return session.scalar(select(Observation).where(
        Observation.region_id == region_id, Observation.indicator_id == indicator_id, Observation.year == year,
        Observation.month == month, Observation.superseded_by_id.is_(None)))


def enter_observation(session: Session, actor: Actor, *, region_id: int, indicator_id: int, year: int, month: int,
                      value: float | None = None, growth: float | None = None, unit: str | None = None,
                      published_rank: int | None = None, note: str | None = None) -> Observation:
    """A value typed by a user; supersedes the current value of the same cell (history kept)."""
    if session.get(Region, region_id) is None:
        raise NotFound("地区不存在")
    policy.ensure_write(actor, _region_owner(region_id))
    ind = _get_indicator(session, indicator_id)
    _check_period(year, month)
    if value is None and growth is None:
        raise ValidationFailed("数值和增速至少填写一项")
    if note and len(note) > 200:
        raise ValidationFailed("说明不能超过 200 个字")
    for label, x in (("数值", value), ("增速", growth)):
        if x is not None and (not isinstance(x, (int, float)) or math.isnan(x) or math.isinf(x)):
            raise ValidationFailed(f"{label}“{x}”不是有效数字")
    unit = unit or ind.unit or None
    if value is not None and unit and ind.unit and unit != ind.unit:
        try:
            value, unit = convert(value, unit, ind.unit), ind.unit
        except ValueError as exc:
            raise ValidationFailed(str(exc)) from None
    old = current_observation(session, region_id, indicator_id, year, month)
    who = actor.display_name or actor.username
    new = Observation(region_id=region_id, indicator_id=indicator_id, year=year, month=month, value=value,
                      unit=unit, growth=growth, published_rank=published_rank, source_file=None, source_sheet=None,
                      source_cells=None, source_ref=f"{who} 手工录入" + (f"：{note}" if note else ""),
                      entered_by_id=actor.user_id)
    session.add(new)
    session.flush()
    if old is not None:
        old.superseded_by_id = new.id
        session.flush()
    return new


# ---------------------------------------------------------------------------------------------
# Provenance and history
# ---------------------------------------------------------------------------------------------

def _obs_dict(o: Observation) -> dict:
    if o.entered_by_id is not None or (o.source_file is None and o.batch_id is None):
        user = o.entered_by
        prov = {"kind": "user", "user": (user.display_name or user.username) if user else None,
                "user_id": o.entered_by_id, "text": o.source_ref}
    else:
        prov = {"kind": "file", "file": o.source_file, "sheet": o.source_sheet, "cells": o.source_cells or {},
                "batch_id": o.batch_id, "text": o.source_ref}
    return {"id": o.id, "region_id": o.region_id, "region": o.region.name, "indicator_id": o.indicator_id,
            "indicator": o.indicator.name, "period": o.period, "year": o.year, "month": o.month, "value": o.value,
            "unit": o.unit, "growth": o.growth, "published_rank": o.published_rank,
            "current": o.superseded_by_id is None, "superseded_by": o.superseded_by_id,
            "created_at": o.created_at.isoformat() if o.created_at else None, "provenance": prov,
            "extra": o.extra or {}}


def get_observation(session: Session, actor: Actor, obs_id: int) -> dict:
    """One observation with its provenance and the whole history of its cell (newest first)."""
    o = session.get(Observation, obs_id)
    if o is None:
        raise NotFound("数据不存在")
    policy.ensure_role(actor, Role.admin, Role.dispatcher, Role.leader, Role.reporter)
    out = _obs_dict(o)
    history = session.scalars(select(Observation).where(
        Observation.region_id == o.region_id, Observation.indicator_id == o.indicator_id,
        Observation.year == o.year, Observation.month == o.month).order_by(Observation.id.desc()))
    # the current row first, then older versions, newest first
    out["history"] = [_obs_dict(h) for h in sorted(history, key=lambda h: (h.superseded_by_id is not None,
                                                                          -h.created_at.timestamp(), -h.id))]
    return out


def series(session: Session, actor: Actor, region_id: int, indicator_id: int, year: int) -> list[dict]:
    """Current observations of one region × indicator for a year, by month (for trend charts)."""
    rows = session.execute(select(Observation.id, Observation.month, Observation.value, Observation.unit,
                                  Observation.growth).where(
        Observation.region_id == region_id, Observation.indicator_id == indicator_id, Observation.year == year,
        Observation.superseded_by_id.is_(None)).order_by(Observation.month))
    return [{"id": i, "month": m, "value": v, "unit": u, "growth": g} for i, m, v, u, g in rows]


# ---------------------------------------------------------------------------------------------
# Board
# ---------------------------------------------------------------------------------------------

@dataclass
class _RegionInfo:
    id: int
    name: str
    kind: str
    parent_id: int | None
    sort: int


def _regions(session: Session) -> dict[int, _RegionInfo]:
    return {rid: _RegionInfo(rid, name, kind, parent, sort) for rid, name, kind, parent, sort in
            session.execute(select(Region.id, Region.name, Region.kind, Region.parent_id, Region.sort))}


def peer_map(regions: dict[int, _RegionInfo]) -> dict[int, int]:
    """region id -> scope (parent) id for every region that is ranked among its siblings."""
    return {r.id: r.parent_id for r in regions.values()
            if r.parent_id is not None and r.kind in PEER_KINDS and r.name not in AGGREGATE_REGIONS}


def _scope_of(rid: int, regions: dict[int, _RegionInfo], peers: dict[int, int], roots: set[int]) -> int:
    if rid in peers:
        return peers[rid]
    if rid in roots:
        return rid
    parent = regions[rid].parent_id
    return parent if parent is not None else rid


def _load_current(session: Session, year: int, month_from: int, month_to: int,
                  region_ids: set[int] | None = None) -> list[tuple]:
    stmt = select(
        Observation.id, Observation.region_id, Observation.indicator_id, Observation.month, Observation.value,
        Observation.unit, Observation.growth, Observation.published_rank, Observation.source_ref).where(
        Observation.year == year, Observation.month >= month_from, Observation.month <= month_to,
        Observation.superseded_by_id.is_(None))
    if region_ids is not None:
        stmt = stmt.where(Observation.region_id.in_(sorted(region_ids)))
    # Core execution on the session's connection: plain tuples, no ORM row loading (board speed)
    return list(session.connection().execute(stmt).all())


def _latest(rows: list[tuple], month: int) -> dict[tuple[int, int], tuple]:
    out: dict[tuple[int, int], tuple] = {}
    for r in rows:
        if r[3] > month or r[3] < month - BOARD_LAG:
            continue
        k = (r[1], r[2])
        if k not in out or r[3] > out[k][3]:
            out[k] = r
    return out


def _pure_targets(session: Session, year: int, codes: dict[int, str]) -> list[PureTarget]:
    out = []
    for t in session.scalars(select(Target).where(Target.year == year)):
        if t.kind not in ("growth", "level") or t.value is None or t.indicator_id not in codes:
            continue
        out.append(PureTarget(str(t.region_id), codes[t.indicator_id], t.year, t.kind, t.value,
                              t.qualifier if t.qualifier in QUALIFIERS else ">=", t.unit, t.rank_keep,
                              t.rank_strive, "own" if t.origin == "own" else "assigned"))
    return out


def parse_period_arg(text: str) -> tuple[int, int]:
    p = parse_period(text)
    if p is None:
        raise ValidationFailed(f"期间“{text}”无效，应为 YYYY-MM（如 2025-03）")
    return p


def _focus_region(session: Session, region: str | int) -> Region:
    r = session.get(Region, int(region)) if isinstance(region, int) or str(region).isdigit() else \
        org.resolve_region(session, str(region))
    if r is None:
        rid = RegionMatcher(session).match(str(region))
        r = session.get(Region, rid) if rid else None
    if r is None:
        raise NotFound(f"地区“{region}”不存在")
    return r


def _focus(session: Session, regions: dict[int, _RegionInfo], region: str | int | None) -> set[int] | None:
    if region in (None, ""):
        return None
    r = _focus_region(session, region)
    return {r.id} | {x.id for x in regions.values() if x.parent_id == r.id}


_BOARD_COLS = (Observation.id, Observation.region_id, Observation.indicator_id, Observation.month,
               Observation.value, Observation.unit, Observation.growth, Observation.published_rank,
               Observation.source_ref)


def _latest_rows(session: Session, cols: tuple, year: int, month: int,
                 region_ids: set[int] | None) -> list[tuple]:
    """The latest current observation of each region × indicator with month in
    [month − BOARD_LAG, month]; ``cols`` must start with id, region_id, indicator_id, month."""
    stmt = select(*cols).where(Observation.year == year, Observation.month >= max(1, month - BOARD_LAG),
                               Observation.month <= month, Observation.superseded_by_id.is_(None))
    if region_ids is not None:
        stmt = stmt.where(Observation.region_id.in_(sorted(region_ids)))
    out: dict[tuple[int, int], tuple] = {}
    for r in session.connection().execute(stmt):
        k = (r[1], r[2])
        o = out.get(k)
        if o is None or r[3] > o[3]:
            out[k] = r
    return list(out.values())


_PG_FULL = "id, region_id, indicator_id, month, value, unit, growth, published_rank, source_ref"


def _board_rows_pg(session: Session, year: int, month: int,
                   region_ids: set[int] | None) -> tuple[list[tuple], list[tuple]]:
    """PostgreSQL: (current rows, previous-period rows) as ``_latest_rows`` would give them
    (previous rows: id, region_id, indicator_id, month, growth), on the DB-API cursor (plain tuples).

    Each query is one contiguous range of ix_monitor_observation_month: the month itself (full
    columns), the month before (narrow), and from the two months before that only the cells
    missing in the month before (an anti-join per month, merged on the index order; usually
    nothing). Cells lagging this month are then fetched by id (usually none)."""
    conn = session.connection().connection.driver_connection
    where = "o.year = %(y)s AND o.superseded_by_id IS NULL"
    params: dict[str, Any] = {"y": year, "m": month, "p": month - 1}
    if region_ids is not None:
        where += " AND o.region_id = ANY(%(r)s)"
        params["r"] = sorted(region_ids)
    narrow = "SELECT o.id, o.region_id, o.indicator_id, o.month, o.growth FROM monitor_observation o"
    older = range(month - 2, max(1, month - BOARD_LAG - 1) - 1, -1)  # previous window minus its last month
    cur = conn.cursor(binary=True)  # binary: ~⅓ faster to decode
    c_old = conn.cursor(binary=True)
    c_prev = conn.cursor(binary=True)
    try:
        # one pipeline: the server runs the next query while this side decodes the previous result
        with conn.pipeline():
            cur.execute(f"SELECT {_PG_FULL} FROM monitor_observation o WHERE {where} AND o.month = %(m)s", params)
            if month > 1:
                if older:
                    parts = []
                    for m in older:
                        params[f"o{m}"] = m
                        parts.append(f"{narrow} WHERE {where} AND o.month = %(o{m})s AND NOT EXISTS ("
                                     "SELECT 1 FROM monitor_observation x WHERE x.year = %(y)s AND x.month = %(p)s "
                                     "AND x.region_id = o.region_id AND x.indicator_id = o.indicator_id "
                                     "AND x.superseded_by_id IS NULL)")
                    c_old.execute(" UNION ALL ".join(parts), params)
                c_prev.execute(f"{narrow} WHERE {where} AND o.month = %(p)s", params)
            now = cur.fetchall()
            if month == 1:
                return now, []
            rows: list[tuple] = sorted(c_old.fetchall(), key=lambda r: (r[3], r[0])) if older else []
            rows.extend(c_prev.fetchall())
        have = {(r[1], r[2]) for r in now}
        prev: dict[tuple[int, int], tuple] = {}
        lag: dict[tuple[int, int], int] = {}
        lag_from = month - BOARD_LAG
        for r in rows:  # ascending month: the last one kept is the latest
            k = (r[1], r[2])
            prev[k] = r
            if r[3] >= lag_from and k not in have:
                lag[k] = r[0]
        if lag:
            cur.execute(f"SELECT {_PG_FULL} FROM monitor_observation o WHERE o.id = ANY(%(ids)s)",
                        {"ids": sorted(lag.values())})
            now.extend(cur.fetchall())
        return now, list(prev.values())
    finally:
        cur.close()
        c_old.close()
        c_prev.close()


def board(session: Session, actor: Actor, year: int, month: int, region: str | int | None = None) -> dict:
    """Board rows for the period: one per region × indicator (see docs/monitor.md).

    The same result as ``board_reference`` (``build_board`` per scope) computed on plain rows:
    only the latest observation per cell for this month and the previous one is fetched, ranks
    are computed per peer group by sorting, targets and their texts are looked up once. Boards
    are cached per process until the data changes (``boardcache``)."""
    tok, regions, focus, key = _board_key(session, year, month, region)
    hit = boardcache.get(session, tok, key)
    if hit is not None:
        return hit
    result = _compute_board(session, year, month, regions, focus)
    boardcache.put(session, tok, key, result)
    return result


def board_json(session: Session, actor: Actor, year: int, month: int,
               region: str | int | None = None) -> bytes:
    """``board`` encoded as UTF-8 JSON (what ``GET /api/v1/monitor/board`` sends), cached like it."""
    tok, regions, focus, key = _board_key(session, year, month, region)
    data = boardcache.get_json(session, tok, key)
    if data is None:
        result = boardcache.get(session, tok, key, copy=False) or _compute_board(session, year, month, regions,
                                                                                 focus)
        with gc_paused():
            data = json.dumps(result, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
        boardcache.put_json(session, tok, key, data, len(result["rows"]))
    return data


def board_xlsx(session: Session, actor: Actor, year: int, month: int,
               region: str | int | None = None) -> tuple[bytes, str]:
    """The board as an Excel workbook (``board_xlsx.write``) and its file name."""
    from diaodu.monitor import board_xlsx as writer

    result = board(session, actor, year, month, region)
    where = "全部地区" if region in (None, "") else _focus_region(session, region).name
    label = f"{year}年{rules.period_label(month)}"
    return writer.write(result, f"{where}主要经济指标监测表（{label}）"), f"指标监测表_{where}_{year}-{month:02d}.xlsx"


def _board_key(session: Session, year: int, month: int, region: str | int | None) -> tuple:
    """(data token, regions, focus ids, cache key) of a board request; the token is read before
    any data (see boardcache)."""
    _check_period(year, month)
    tok = boardcache.token(session)
    regions = _regions(session)
    focus = _focus(session, regions, region)
    return tok, regions, focus, (year, month, None if focus is None else frozenset(focus))


def _compute_board(session: Session, year: int, month: int, regions: dict[int, _RegionInfo],
                   focus: set[int] | None) -> dict:
    # tens of thousands of short-lived tuples and dicts, none in a reference cycle: the cyclic
    # collector would only rescan them (and every cached board) — about 10% of the time, more at p95
    with gc_paused():
        return _compute_board_rows(session, year, month, regions, focus)


@contextmanager
def gc_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _compute_board_rows(session: Session, year: int, month: int, regions: dict[int, _RegionInfo],
                        focus: set[int] | None) -> dict:
    inds = {r[0]: r for r in session.execute(select(  # deactivated indicators leave the board
        Indicator.id, Indicator.code, Indicator.name, Indicator.unit, Indicator.kind, Indicator.direction,
        Indicator.precision, Indicator.sort).where(Indicator.active.is_(True)))}
    peers = peer_map(regions)
    roots = set(peers.values())
    scope_of = {rid: _scope_of(rid, regions, peers, roots) for rid in regions}
    wanted: set[int] | None = None
    if focus is not None:
        scopes = {scope_of[f] for f in focus}
        wanted = {rid for rid, sc in scope_of.items() if sc in scopes}
    if session.connection().dialect.name == "postgresql":
        current, previous = _board_rows_pg(session, year, month, wanted)
    else:
        current = _latest_rows(session, _BOARD_COLS, year, month, wanted)
        previous = _latest_rows(session, (Observation.id, Observation.region_id, Observation.indicator_id,
                                          Observation.month, Observation.growth), year, month - 1, wanted) \
            if month > 1 else []
    current = [r for r in current if r[1] in regions and r[2] in inds]
    # ranks: peers (county-level children) of one scope, same indicator and same (own) period
    groups: dict[tuple[int, int, int], list[tuple]] = defaultdict(list)
    for r in current:
        if r[6] is not None and r[1] in peers:
            groups[(peers[r[1]], r[2], r[3])].append(r)
    ranks: dict[int, tuple[int, int]] = {}  # observation id -> (rank, peers)
    for (_scope, iid, _m), obs in groups.items():
        if len(obs) < 2:
            continue
        ind = inds[iid]
        n = len(obs)
        for r, rk in zip(obs, rules.group_ranks([r[6] for r in obs], direction=ind[5], precision=ind[6])):
            ranks[r[0]] = (rk, n)
    prev_ranks: dict[tuple[int, int], int] = {}
    if month > 1 and ranks:
        pgroups: dict[tuple[int, int, int], list[tuple]] = defaultdict(list)
        for r in previous:
            if r[4] is not None and r[1] in peers and r[2] in inds and r[1] in regions:
                pgroups[(peers[r[1]], r[2], r[3])].append(r)
        for (_scope, iid, _m), obs in pgroups.items():
            if len(obs) < 2:
                continue
            ind = inds[iid]
            for r, rk in zip(obs, rules.group_ranks([r[4] for r in obs], direction=ind[5], precision=ind[6])):
                prev_ranks[(r[1], iid)] = rk
    # targets of the year: the assigned one when both exist (build_board(prefer_own_target=False))
    tmap: dict[tuple[int, int], tuple] = {}
    for t in session.execute(select(
            Target.region_id, Target.indicator_id, Target.kind, Target.value, Target.qualifier, Target.unit,
            Target.rank_keep, Target.rank_strive, Target.origin).where(Target.year == year)):
        if t[2] not in ("growth", "level") or t[3] is None or t[1] not in inds:
            continue
        k = (t[0], t[1])
        own = t[8] == "own"
        if k not in tmap or not own:
            ind = inds[t[1]]
            pt = PureTarget(str(t[0]), ind[1], year, t[2], t[3], t[4] if t[4] in QUALIFIERS else ">=", t[5],
                            t[6], t[7], "own" if own else "assigned")
            tmap[k] = (pt, _target_text(pt, ind[3] or ""))
    th = thresholds.current(session)
    red_gap, yellow_gap, red_bottom, yellow_bottom = th.red_gap, th.yellow_gap, th.red_bottom, th.yellow_bottom
    periods = {m: f"{year:04d}-{m:02d}" for m in range(1, 13)}
    # row order: indicator (sort, id), scope, the scope's own row first, region (sort, id) — as one int
    ind_pos = {iid: i for i, iid in enumerate(sorted(inds, key=lambda i: (inds[i][7], i)))}
    reg_pos = {rid: i for i, rid in enumerate(sorted(
        regions, key=lambda rid: (scope_of[rid], rid != scope_of[rid], regions[rid].sort, rid)))}
    nreg = len(reg_pos)
    reg = {rid: (x.name, scope_of[rid], rid == scope_of[rid]) for rid, x in regions.items()}
    if focus is not None:
        current = [r for r in current if r[1] in focus]
    current.sort(key=lambda r: ind_pos[r[2]] * nreg + reg_pos[r[1]])
    no_rank = (None, None)
    out: list[dict] = []
    append = out.append
    for r in current:
        oid, rid, iid, m, value, unit, growth = r[0], r[1], r[2], r[3], r[4], r[5], r[6]
        ind = inds[iid]
        name, scope, is_total = reg[rid]
        rank, n = ranks.get(oid, no_rank)
        comp = gap = colour = rank_keep = target_text = None
        tt = tmap.get((rid, iid)) if tmap else None
        if tt is not None:
            t, target_text = tt
            rank_keep = t.rank_keep
            if t.kind == "level" and value is not None and ind[4] == "flow":
                try:
                    v = convert(value, unit, t.unit or (ind[3] or ""))
                except ValueError:
                    v = None
                if v is not None:
                    c = rules.completion(v, t.value)
                    comp = None if c is None else round(c * 100, 2)
                    gap = rules.schedule_gap(v, t.value, m)
            elif t.kind == "growth" and growth is not None:
                gap = rules.growth_gap(growth, t.value)
                if ind[5] == -1 and gap is not None:
                    gap = -gap
            if gap is not None:  # rules.gap_colour
                colour = "red" if gap < red_gap else "yellow" if gap < yellow_gap else "green"
                gap = round(gap, 2)
        rank_change = None
        if rank is not None:
            if n and colour != "red":  # rules.rank_colour; the worse colour wins (rules.warning_colour)
                fb = n - rank + 1
                rc = "red" if fb <= red_bottom else "yellow" if fb <= yellow_bottom or (
                    rank_keep is not None and rank > rank_keep) else "green"
                if colour is None or _COLOUR_ORDER[rc] > _COLOUR_ORDER[colour]:
                    colour = rc
            prev = prev_ranks.get((rid, iid))
            if prev is not None:
                rank_change = prev - rank
        append({"region": name, "indicator": ind[2], "period": periods[m], "value": value,
                "unit": unit, "growth": growth, "rank": rank, "published_rank": r[7],
                "rank_change": rank_change, "target": target_text, "completion": comp,
                "schedule_gap": gap, "colour": colour, "source": r[8],
                "region_id": rid, "indicator_code": ind[1], "indicator_id": iid, "observation_id": oid,
                "peers": n, "scope_id": scope, "is_total": is_total})
    return {"period": f"{year:04d}-{month:02d}", "rows": out}


_COLOUR_ORDER = {"green": 0, "yellow": 1, "red": 2}


def board_reference(session: Session, actor: Actor, year: int, month: int,
                    region: str | int | None = None) -> dict:
    """The board through the pure ``build_board`` (one ParsedObservation per row): slow, kept as the
    reference that ``board`` must match exactly (tests/monitor/test_monitor_board_fast.py)."""
    _check_period(year, month)
    regions = _regions(session)
    focus = _focus(session, regions, region)
    ind_rows = list(session.scalars(select(Indicator).where(Indicator.active.is_(True))))
    inds = {r.id: r for r in ind_rows}
    codes = {r.id: r.code for r in ind_rows}
    catalogue = [pure_indicator(r) for r in ind_rows]
    peers = peer_map(regions)
    roots = set(peers.values())
    scope_of = {rid: _scope_of(rid, regions, peers, roots) for rid in regions}
    wanted: set[int] | None = None
    if focus is not None:
        scopes = {scope_of[f] for f in focus}
        wanted = {rid for rid, sc in scope_of.items() if sc in scopes}
    rows = _load_current(session, year, max(1, month - BOARD_LAG - 1), month, wanted)
    current = _latest(rows, month)
    previous = _latest(rows, month - 1) if month > 1 else {}
    targets = _pure_targets(session, year, codes)
    th = thresholds.current(session)
    by_scope: dict[int, list[ParsedObservation]] = defaultdict(list)
    ids: dict[tuple[str, str], tuple] = {}
    for (rid, iid), r in current.items():
        if rid not in regions or iid not in inds:
            continue
        po = ParsedObservation(source_file="", sheet="", row=0, region_name=regions[rid].name,
                               region_norm=str(rid), indicator_name=inds[iid].name, indicator_code=codes[iid],
                               year=year, month=r[3], value=r[4], unit=r[5], growth=r[6], published_rank=r[7])
        by_scope[scope_of[rid]].append(po)
        ids[(str(rid), codes[iid])] = r
    prev_ranks = _previous_ranks(previous, peers, inds)
    out: list[dict] = []
    for scope, obs in by_scope.items():
        scope_peers = {str(rid) for rid, p in peers.items() if p == scope}
        built = build_board(obs, year=year, month=month, targets=targets, previous_ranks=prev_ranks,
                            catalogue=catalogue, thresholds=th,
                            is_peer=lambda o, sp=scope_peers: o.region_norm in sp)
        for b in built:
            src = ids[(b.region_norm, b.indicator_code)]
            rid = int(b.region_norm)
            d = {"region": b.region, "indicator": b.indicator, "period": b.period, "value": b.value, "unit": b.unit,
                 "growth": b.growth, "rank": b.rank, "published_rank": b.published_rank,
                 "rank_change": b.rank_change, "target": b.target, "completion": _r(b.completion),
                 "schedule_gap": _r(b.schedule_gap), "colour": b.colour, "source": src[8],
                 "region_id": rid, "indicator_code": b.indicator_code, "indicator_id": src[2],
                 "observation_id": src[0], "peers": b.peers, "scope_id": scope,
                 "is_total": rid == scope}
            out.append(d)
    if focus is not None:
        out = [d for d in out if d["region_id"] in focus]
    sort_ind = {r.id: (r.sort, r.id) for r in ind_rows}
    out.sort(key=lambda d: (sort_ind[d["indicator_id"]], d["scope_id"], not d["is_total"],
                            regions[d["region_id"]].sort, d["region_id"]))
    return {"period": f"{year:04d}-{month:02d}", "rows": out}


def _r(x: float | None, digits: int = 2) -> float | None:
    return None if x is None else round(x, digits)


def _previous_ranks(previous: dict[tuple[int, int], tuple], peers: dict[int, int],
                    inds: dict[int, Indicator]) -> dict[tuple[str, str], int]:
    groups: dict[tuple[int, int, int], dict[int, float]] = defaultdict(dict)
    for (rid, iid), r in previous.items():
        if rid in peers and r[6] is not None and iid in inds:
            groups[(peers[rid], iid, r[3])][rid] = r[6]
    out: dict[tuple[str, str], int] = {}
    for (_scope, iid, _m), values in groups.items():
        if len(values) < 2:
            continue
        ind = inds[iid]
        for rid, rank in rules.competition_rank(values, direction=ind.direction, precision=ind.precision).items():
            out[(str(rid), ind.code)] = rank
    return out


def board_scopes(session: Session, year: int, month: int) -> dict[int, tuple[str, int]]:
    """The cities (ranking scopes) with data in the period: {scope id: (name, observation count)}."""
    regions = _regions(session)
    peers = peer_map(regions)
    roots = set(peers.values())
    counts = session.execute(select(Observation.region_id, func.count()).where(
        Observation.year == year, Observation.month >= max(1, month - BOARD_LAG), Observation.month <= month,
        Observation.superseded_by_id.is_(None)).group_by(Observation.region_id))
    out: dict[int, list] = {}
    for rid, n in counts:
        if rid not in regions:
            continue
        scope = _scope_of(rid, regions, peers, roots)
        out.setdefault(scope, [regions[scope].name, 0])[1] += n
    return {k: (v[0], v[1]) for k, v in out.items()}


def available_periods(session: Session) -> list[str]:
    rows = session.execute(select(Observation.year, Observation.month).where(
        Observation.superseded_by_id.is_(None)).group_by(Observation.year, Observation.month))
    return sorted((f"{y:04d}-{m:02d}" for y, m in rows), reverse=True)


# ---------------------------------------------------------------------------------------------
# Data paragraphs
# ---------------------------------------------------------------------------------------------

def paragraph(session: Session, actor: Actor, year: int, month: int, region: str, indicator: str) -> list[dict]:
    """The speeches' standard sentences for one region × indicator, each number linked to its
    observation id (``spans[].ref``)."""
    ind = resolve_indicator(session, indicator)
    if ind is None:
        raise NotFound(f"指标“{indicator}”不存在")
    r = _focus_region(session, region)
    full = board(session, actor, year, month, r.parent_id or r.id)["rows"]
    mine = next((d for d in full if d["region_id"] == r.id and d["indicator_id"] == ind.id), None)
    if mine is None:
        raise NotFound(f"{r.name}{ind.name}在{year}年{rules.period_label(month)}没有数据")
    return _paragraph(session, r, ind, mine, full, year)


def region_paragraphs(session: Session, actor: Actor, year: int, month: int,
                      region: str | int) -> list[tuple[str, list[dict]]]:
    """``paragraph`` for every indicator the region has on the board, in board order, reading the
    board once: [(indicator name, sentences)]."""
    r = _focus_region(session, region)
    full = board(session, actor, year, month, r.parent_id or r.id)["rows"]
    inds = {i.id: i for i in session.scalars(select(Indicator))}
    return [(d["indicator"], _paragraph(session, r, inds[d["indicator_id"]], d, full, year))
            for d in full if d["region_id"] == r.id]


def _paragraph(session: Session, r: Region, ind: Indicator, mine: dict, full: list[dict],
               year: int) -> list[dict]:
    label = "全市" if r.kind == "city" else r.name
    base = next((d for d in full if d["indicator_id"] == ind.id and d["region_id"] == r.parent_id), None)
    if base is None and r.parent_id is not None:
        # the parent's value for the same period, whether or not it is on this board
        o = current_observation(session, r.parent_id, ind.id, year, int(mine["period"][5:]))
        base = {"growth": o.growth, "observation_id": o.id} if o else None
    parent = session.get(Region, r.parent_id) if r.parent_id else None
    base_label = None
    if base is not None and parent is not None:
        base_label = "全市" if parent.kind == "city" else ("全省" if parent.kind == "province" else parent.name)
    out = []
    m = int(mine["period"][5:])
    if mine["growth"] is not None:
        bottom = rules.rank_from_bottom(mine["rank"], mine["peers"]) if mine["rank"] and mine["peers"] else None
        ref = str(mine["observation_id"])
        s = rules.growth_sentence(month=m, region=label, indicator=ind.name, growth=mine["growth"],
                                  base_region=base_label if base and base.get("growth") is not None else None,
                                  base_growth=base.get("growth") if base else None, rank=mine["rank"],
                                  rank_scope=base_label or "全市", precision=ind.precision, bottom_rank=bottom,
                                  refs={"growth": ref, "rank": ref,
                                        "base_diff": f"{ref},{base['observation_id']}" if base else ref})
        out.append(_sentence_dict(s))
    tgt = session.scalar(select(Target).where(Target.region_id == r.id, Target.indicator_id == ind.id,
                                              Target.year == year, Target.kind == "level")
                         .order_by(Target.origin))
    if tgt is not None and mine["value"] is not None and tgt.value:
        try:
            v = convert(mine["value"], mine["unit"], tgt.unit or ind.unit)
        except ValueError:
            v = None
        if v is not None:
            ref = str(mine["observation_id"])
            s = rules.schedule_sentence(cumulative=v, annual_target=tgt.value, month=m,
                                        refs={"completion": ref, "schedule_gap": ref})
            out.append(_sentence_dict(s))
    return out


def _sentence_dict(s: rules.Sentence) -> dict:
    return {"text": s.text, "spans": [{"start": x.start, "end": x.end, "text": x.text, "ref": x.ref}
                                      for x in s.spans]}


# ---------------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------------

def _target_dict(t: Target) -> dict:
    return {"id": t.id, "region_id": t.region_id, "region": t.region.name, "indicator_id": t.indicator_id,
            "indicator": t.indicator.name, "year": t.year, "kind": t.kind, "value": t.value, "unit": t.unit,
            "qualifier": t.qualifier, "rank_keep": t.rank_keep, "rank_strive": t.rank_strive, "origin": t.origin,
            "origin_label": ORIGINS.get(t.origin, t.origin), "note": t.note, "version": t.version}


def target_dict(t: Target) -> dict:
    return _target_dict(t)


def list_targets(session: Session, actor: Actor, year: int | None = None, region_id: int | None = None) -> list[dict]:
    stmt = select(Target).order_by(Target.year, Target.region_id, Target.indicator_id, Target.origin)
    if year is not None:
        stmt = stmt.where(Target.year == year)
    if region_id is not None:
        stmt = stmt.where(Target.region_id == region_id)
    return [_target_dict(t) for t in session.scalars(stmt)]


def _check_target_write(actor: Actor, region_id: int, origin: str) -> None:
    policy.ensure_write(actor, _region_owner(region_id))
    if actor.role == Role.reporter and origin != "own":
        raise Forbidden("填报员只能设定本级目标，市下任务由调度员录入")


def _validate_target(fields: dict) -> dict:
    text = fields.pop("text", None)
    if text:
        spec = parse_target(text)
        if spec is None:
            raise ValidationFailed(f"无法识别目标“{text}”，示例：增长6.5%左右、1200亿元以上、保四争三")
        for k in ("kind", "value", "qualifier", "unit", "rank_keep", "rank_strive"):
            if fields.get(k) is None:
                fields[k] = getattr(spec, k)
    if fields.get("kind") not in (None, "growth", "level"):
        raise ValidationFailed("目标类型应为 growth（增速）或 level（总量）")
    if fields.get("kind") is not None and fields.get("value") is None:
        raise ValidationFailed("请填写目标值")
    if fields.get("kind") is None and not (fields.get("rank_keep") or fields.get("rank_strive")):
        raise ValidationFailed("请填写目标值或位次目标")
    if fields.get("qualifier") is None:
        fields["qualifier"] = ">="
    if fields["qualifier"] not in QUALIFIERS:
        raise ValidationFailed("限定应为 ~（左右）、>=（以上）或 <=（以内）")
    if fields.get("origin", "assigned") not in ORIGINS:
        raise ValidationFailed("来源应为 assigned（市下任务）或 own（本级目标）")
    return fields


def create_target(session: Session, actor: Actor, *, region_id: int, indicator_id: int, year: int,
                  kind: str | None = None, value: float | None = None, unit: str | None = None,
                  qualifier: str | None = None, rank_keep: int | None = None, rank_strive: int | None = None,
                  origin: str = "assigned", note: str = "", text: str | None = None) -> Target:
    if session.get(Region, region_id) is None:
        raise NotFound("地区不存在")
    _check_target_write(actor, region_id, origin)
    _get_indicator(session, indicator_id)
    _check_period(year, 1)
    f = _validate_target(dict(kind=kind, value=value, unit=unit, qualifier=qualifier, rank_keep=rank_keep,
                              rank_strive=rank_strive, origin=origin, text=text))
    clash = session.scalar(select(Target).where(Target.region_id == region_id, Target.indicator_id == indicator_id,
                                                Target.year == year, Target.origin == origin))
    if clash is not None:
        raise ValidationFailed(f"该地区该指标 {year} 年的{ORIGINS[origin]}已存在，请修改原目标")
    t = Target(region_id=region_id, indicator_id=indicator_id, year=year, note=note or "", **f)
    session.add(t)
    session.flush()
    return t


def get_target(session: Session, actor: Actor, target_id: int) -> Target:
    t = session.get(Target, target_id)
    if t is None:
        raise NotFound("目标不存在")
    return t


def update_target(session: Session, actor: Actor, target_id: int, *, version: int | None = None, **changes) -> Target:
    t = get_target(session, actor, target_id)
    _check_target_write(actor, t.region_id, t.origin)
    if "origin" in changes and changes["origin"] is not None:
        _check_target_write(actor, t.region_id, changes["origin"])
    org.check_version(t, version)
    merged = {k: getattr(t, k) for k in ("kind", "value", "unit", "qualifier", "rank_keep", "rank_strive", "origin")}
    text = changes.pop("text", None)
    if text:
        merged.update({k: None for k in ("kind", "value", "unit", "rank_keep", "rank_strive")})
    merged.update({k: v for k, v in changes.items() if k in merged})
    merged["text"] = text
    f = _validate_target(merged)
    for k, v in f.items():
        setattr(t, k, v)
    if "note" in changes and changes["note"] is not None:
        t.note = changes["note"]
    session.flush()
    return t


def delete_target(session: Session, actor: Actor, target_id: int) -> None:
    t = get_target(session, actor, target_id)
    _check_target_write(actor, t.region_id, t.origin)
    session.delete(t)
    session.flush()


# ---------------------------------------------------------------------------------------------
# Import log
# ---------------------------------------------------------------------------------------------

def list_imports(session: Session, actor: Actor, limit: int = 50) -> list[dict]:
    return [{"id": b.id, "file_name": b.file_name, "sha256": b.sha256, "username": b.username,
             "created_at": b.created_at.isoformat() if b.created_at else None, "counts": b.counts}
            for b in session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit))]
