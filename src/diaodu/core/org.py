"""Org tree services: regions, peer groups, units with aliases, people.

Every function takes the session and the acting user; permission checks go through
:mod:`diaodu.core.policy`, row changes are audited by the flush listener.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from diaodu.core import policy
from diaodu.core.audit import Actor
from diaodu.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from diaodu.core.models import (
    REGION_KINDS,
    UNIT_KINDS,
    PeerGroup,
    Person,
    Region,
    RegionAlias,
    Unit,
    UnitAlias,
)
from diaodu.core.names import normalize_name


def check_version(obj, expected: int | None) -> None:
    """Refuse a write based on a stale read (optimistic locking)."""
    if expected is not None and obj.version != expected:
        raise Conflict(f"数据已被他人修改（当前版本 {obj.version}，您提交的版本 {expected}），请刷新后重试")


# --- regions -----------------------------------------------------------------------------------

def region_subtree_ids(session: Session, region_id: int) -> frozenset[int]:
    rows = session.execute(select(Region.id, Region.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for rid, parent in rows:
        children.setdefault(parent, []).append(rid)
    out, stack = set(), [region_id]
    while stack:
        rid = stack.pop()
        if rid in out:
            continue
        out.add(rid)
        stack.extend(children.get(rid, []))
    return frozenset(out)


def list_regions(session: Session) -> list[Region]:
    return list(session.scalars(select(Region).options(selectinload(Region.aliases)).order_by(Region.sort, Region.id)))


def get_region(session: Session, region_id: int) -> Region:
    region = session.get(Region, region_id)
    if region is None:
        raise NotFound("地区不存在")
    return region


def resolve_region(session: Session, name: str) -> Region | None:
    key = normalize_name(name)
    if not key:
        return None
    region = session.scalar(select(Region).where(Region.name == key))
    if region is None:
        alias = session.scalar(select(RegionAlias).where(RegionAlias.alias == key))
        region = alias.region if alias else None
    return region


def _set_aliases(session: Session, obj, alias_cls, owner_field: str, aliases: list[str] | None) -> None:
    if aliases is None:
        return
    wanted = []
    for a in aliases:
        key = normalize_name(a)
        if key and key != obj.name and key not in wanted:
            wanted.append(key)
    for existing in list(obj.aliases):
        if existing.alias not in wanted:
            obj.aliases.remove(existing)
    have = {a.alias for a in obj.aliases}
    for key in wanted:
        if key in have:
            continue
        clash = session.scalar(select(alias_cls).where(alias_cls.alias == key))
        if clash is not None and getattr(clash, owner_field) != obj.id:
            raise ValidationFailed(f"别名“{key}”已被其他记录使用")
        obj.aliases.append(alias_cls(alias=key))


def create_region(session: Session, actor: Actor, *, name: str, kind: str = "county", parent_id: int | None = None,
                  code: str | None = None, sort: int = 0, aliases: list[str] | None = None) -> Region:
    policy.ensure_business_writer(actor)
    name = normalize_name(name)
    if not name:
        raise ValidationFailed("地区名称不能为空")
    if kind not in REGION_KINDS:
        raise ValidationFailed(f"地区类型“{kind}”无效，可选：{'、'.join(REGION_KINDS)}")
    if session.scalar(select(Region).where(Region.name == name)) is not None:
        raise ValidationFailed(f"地区“{name}”已存在")
    if parent_id is not None:
        get_region(session, parent_id)
    region = Region(name=name, kind=kind, parent_id=parent_id, code=code, sort=sort)
    session.add(region)
    session.flush()
    _set_aliases(session, region, RegionAlias, "region_id", aliases)
    session.flush()
    return region


def update_region(session: Session, actor: Actor, region_id: int, *, version: int | None = None, **changes) -> Region:
    policy.ensure_business_writer(actor)
    region = get_region(session, region_id)
    check_version(region, version)
    aliases = changes.pop("aliases", None)
    if "kind" in changes and changes["kind"] not in REGION_KINDS:
        raise ValidationFailed(f"地区类型“{changes['kind']}”无效")
    if changes.get("parent_id") is not None:
        if changes["parent_id"] in region_subtree_ids(session, region.id):
            raise ValidationFailed("上级地区不能是本地区或其下级")
    for key in ("name", "kind", "parent_id", "code", "sort"):
        if key in changes:
            setattr(region, key, normalize_name(changes[key]) if key == "name" else changes[key])
    _set_aliases(session, region, RegionAlias, "region_id", aliases)
    session.flush()
    return region


def delete_region(session: Session, actor: Actor, region_id: int) -> None:
    policy.ensure_business_writer(actor)
    region = get_region(session, region_id)
    if region.children:
        raise ValidationFailed("该地区还有下级地区，不能删除")
    session.delete(region)
    session.flush()


def list_peer_groups(session: Session) -> list[PeerGroup]:
    return list(session.scalars(select(PeerGroup).options(selectinload(PeerGroup.regions)).order_by(PeerGroup.id)))


def set_peer_group(session: Session, actor: Actor, name: str, region_ids: list[int]) -> PeerGroup:
    policy.ensure_business_writer(actor)
    group = session.scalar(select(PeerGroup).where(PeerGroup.name == name))
    if group is None:
        group = PeerGroup(name=name)
        session.add(group)
    group.regions = [get_region(session, rid) for rid in region_ids]
    session.flush()
    return group


# --- units -------------------------------------------------------------------------------------

def list_units(session: Session) -> list[Unit]:
    return list(session.scalars(select(Unit).options(selectinload(Unit.aliases)).order_by(Unit.sort, Unit.id)))


def get_unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("单位不存在")
    return unit


def unit_owner(unit: Unit) -> policy.Owner:
    return policy.Owner.of([unit.id], unit.region_id if unit.is_government else None)


def resolve_unit(session: Session, name: str) -> Unit | None:
    """Find a unit by its name or any alias (市发改委 = 发改委 = 市发展和改革委员会)."""
    key = normalize_name(name)
    if not key:
        return None
    unit = session.scalar(select(Unit).where(Unit.name == key))
    if unit is None:
        alias = session.scalar(select(UnitAlias).where(UnitAlias.alias == key))
        unit = alias.unit if alias else None
    return unit


def unit_resolver(session: Session) -> Callable[[str], int | None]:
    """A fast name → unit id lookup over names and aliases (for the parser and importers)."""
    table: dict[str, int] = {}
    for uid, name in session.execute(select(Unit.id, Unit.name)):
        table[normalize_name(name)] = uid
    for uid, alias in session.execute(select(UnitAlias.unit_id, UnitAlias.alias)):
        table.setdefault(normalize_name(alias), uid)
    return lambda name: table.get(normalize_name(name))


def create_unit(session: Session, actor: Actor, *, name: str, kind: str = "department", region_id: int | None = None,
                parent_id: int | None = None, aliases: list[str] | None = None, contact: str | None = None,
                phone: str | None = None, sort: int = 0) -> Unit:
    policy.ensure_business_writer(actor)
    name = normalize_name(name)
    if not name:
        raise ValidationFailed("单位名称不能为空")
    if kind not in UNIT_KINDS:
        raise ValidationFailed(f"单位类型“{kind}”无效，可选：{'、'.join(UNIT_KINDS)}")
    if resolve_unit(session, name) is not None:
        raise ValidationFailed(f"单位“{name}”已存在（名称或别名重复）")
    if region_id is not None:
        get_region(session, region_id)
    unit = Unit(name=name, kind=kind, region_id=region_id, parent_id=parent_id, contact=contact, phone=phone,
                sort=sort)
    session.add(unit)
    session.flush()
    _set_aliases(session, unit, UnitAlias, "unit_id", aliases)
    session.flush()
    return unit


UNIT_SELF_FIELDS = ("contact", "phone")


def update_unit(session: Session, actor: Actor, unit_id: int, *, version: int | None = None, **changes) -> Unit:
    unit = get_unit(session, unit_id)
    if actor.role == "reporter":
        # A reporter keeps their own unit's contact details current, nothing else.
        if actor.unit_id != unit.id:
            raise Forbidden("只能修改本单位的信息")
        if set(changes) - {"aliases"} - set(UNIT_SELF_FIELDS) or changes.get("aliases") is not None:
            raise Forbidden("填报员只能修改本单位的联系人和电话")
    else:
        policy.ensure_business_writer(actor)
    check_version(unit, version)
    aliases = changes.pop("aliases", None)
    if "kind" in changes and changes["kind"] not in UNIT_KINDS:
        raise ValidationFailed(f"单位类型“{changes['kind']}”无效")
    for key in ("name", "kind", "region_id", "parent_id", "contact", "phone", "sort"):
        if key in changes:
            setattr(unit, key, normalize_name(changes[key]) if key == "name" else changes[key])
    _set_aliases(session, unit, UnitAlias, "unit_id", aliases)
    session.flush()
    return unit


def delete_unit(session: Session, actor: Actor, unit_id: int) -> None:
    policy.ensure_business_writer(actor)
    session.delete(get_unit(session, unit_id))
    session.flush()


# --- people ------------------------------------------------------------------------------------

def person_owner(person: Person) -> policy.Owner:
    return policy.Owner.of([person.unit_id], person.region_id)


def list_people(session: Session, actor: Actor, *, leaders_only: bool = False) -> list[Person]:
    stmt = select(Person).order_by(Person.sort, Person.id)
    cond = policy.row_filter(actor, [Person.unit_id], Person.region_id)
    if cond is not None:
        stmt = stmt.where(cond)
    if leaders_only:
        stmt = stmt.where(Person.is_leader.is_(True))
    return list(session.scalars(stmt))


def get_person(session: Session, actor: Actor, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound()
    policy.ensure_read(actor, person_owner(person))
    return person


def _check_person_target(session: Session, actor: Actor, unit_id: int | None, region_id: int | None) -> None:
    if unit_id is not None:
        get_unit(session, unit_id)
    if region_id is not None:
        get_region(session, region_id)
    owner = policy.Owner.of([unit_id], region_id)
    if not policy.can_write(actor, owner):
        raise Forbidden("只能为本单位登记人员")


def create_person(session: Session, actor: Actor, *, name: str, title: str | None = None, unit_id: int | None = None,
                  region_id: int | None = None, phone: str | None = None, is_leader: bool = False,
                  sort: int = 0) -> Person:
    name = normalize_name(name)
    if not name:
        raise ValidationFailed("姓名不能为空")
    _check_person_target(session, actor, unit_id, region_id)
    person = Person(name=name, title=title, unit_id=unit_id, region_id=region_id, phone=phone,
                    is_leader=is_leader, sort=sort)
    session.add(person)
    session.flush()
    return person


def update_person(session: Session, actor: Actor, person_id: int, *, version: int | None = None, **changes) -> Person:
    person = get_person(session, actor, person_id)
    policy.ensure_write(actor, person_owner(person))
    check_version(person, version)
    if "unit_id" in changes or "region_id" in changes:
        _check_person_target(session, actor, changes.get("unit_id", person.unit_id),
                             changes.get("region_id", person.region_id))
    for key in ("name", "title", "unit_id", "region_id", "phone", "is_leader", "sort"):
        if key in changes:
            setattr(person, key, changes[key])
    session.flush()
    return person


def delete_person(session: Session, actor: Actor, person_id: int) -> None:
    person = get_person(session, actor, person_id)
    policy.ensure_write(actor, person_owner(person))
    session.delete(person)
    session.flush()
