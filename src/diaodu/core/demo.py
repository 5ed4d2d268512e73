"""The demo city 示范市 (演示数据): regions, departments with aliases, leaders, one user per role.

Deterministic: a fixed seed and fixed lists, so every run builds the same city. Later modules
register their own demo loaders in :data:`DEMO_LOADERS` (called in order after the org tree).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from diaodu.core import org, users
from diaodu.core.audit import Actor, log_event
from diaodu.core.models import Region, Role

SEED = 20260101
CITY = "示范市"
# name, kind, aliases, mountainous
COUNTIES = [
    ("甲县", "county", ["甲"], True),
    ("乙县", "county", ["乙"], True),
    ("丙县", "county", ["丙"], False),
    ("丁区", "district", ["丁"], False),
    ("戊区", "district", ["戊"], False),
    ("己县", "county", ["己"], True),
    ("庚市", "county_city", ["庚"], False),
    ("辛县", "county", ["辛"], True),
]
TOWNS = {"甲县": ["甲城镇", "东山乡", "西河镇"], "乙县": ["乙城街道", "南岭镇"], "丁区": ["丁湖街道"]}
PARKS = [("示范高新技术产业开发区", ["高新区", "示范高新区"]), ("示范经济技术开发区", ["经开区", "示范经开区"])]
# name, aliases
DEPARTMENTS = [
    ("市发展和改革委员会", ["市发改委", "发改委", "发改"]),
    ("市统计局", ["统计局", "统计"]),
    ("市工业和信息化局", ["市工信局", "工信局", "工信"]),
    ("市财政局", ["财政局", "财政"]),
    ("市商务局", ["商务局", "商务"]),
    ("市住房和城乡建设局", ["市住建局", "住建局", "住建"]),
    ("市自然资源和规划局", ["市自然资源局", "自然资源局", "自然资源"]),
    ("市委市政府督查室", ["督查室", "市督查室", "市政府督查室"]),
    ("市人民政府办公室", ["市政府办", "市政府办公室", "政府办"]),
    ("市交通运输局", ["市交通局", "交通局", "交通"]),
    ("市农业农村局", ["市农业局", "农业农村局", "农业农村"]),
    ("市生态环境局", ["生态环境局", "市环保局", "环保"]),
    ("市科学技术局", ["市科技局", "科技局", "科技"]),
    ("市税务局", ["税务局", "税务"]),
    ("市产业链推进办", ["产业链推进办", "市产业链办"]),
]
LEADERS = [
    ("王建国", "市长", "市人民政府办公室"),
    ("李卫东", "常务副市长", "市人民政府办公室"),
    ("张海燕", "副市长", "市人民政府办公室"),
    ("陈志强", "副市长", "市人民政府办公室"),
    ("刘晓明", "副市长", "市人民政府办公室"),
]
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"

DEMO_PASSWORD = "Shifan@2026"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit: str | None


DEMO_USERS = [
    DemoLogin("admin", Role.admin, None),
    DemoLogin("diaodu", Role.dispatcher, "市委市政府督查室"),
    DemoLogin("lingdao", Role.leader, "市人民政府办公室"),
    DemoLogin("jiaxian", Role.reporter, "甲县人民政府"),
    DemoLogin("yixian", Role.reporter, "乙县人民政府"),
    DemoLogin("fagaiwei", Role.reporter, "市发展和改革委员会"),
    DemoLogin("tongjiju", Role.reporter, "市统计局"),
]

# The leader account is the 常务副市长 (so 我联系的项目 shows his projects).
DEMO_USER_PERSON = {"lingdao": "李卫东"}

DemoLoader = Callable[[Session, Actor, random.Random], None]
DEMO_LOADERS: list[tuple[str, DemoLoader]] = []


def register_demo_loader(name: str, loader: DemoLoader) -> None:
    if all(n != name for n, _ in DEMO_LOADERS):
        DEMO_LOADERS.append((name, loader))


def _discover_loaders() -> None:
    """A module adds demo data by shipping ``diaodu/<module>/seed.py`` with ``load_demo(session, actor, rng)``."""
    from diaodu.core.modules import parts

    for name, module in parts("seed"):
        register_demo_loader(name, module.load_demo)


def is_loaded(session: Session) -> bool:
    return session.scalar(select(Region).where(Region.name == CITY)) is not None


def load_demo(session: Session, admin_password: str | None = None) -> list[DemoLogin]:
    """Build the demo city in the session's transaction (the caller commits)."""
    actor = Actor.system("demo")
    session.info["actor"] = actor
    rng = random.Random(SEED)
    city = org.create_region(session, actor, name=CITY, kind="city", code="439900", aliases=["全市", "示范"])
    counties = []
    for i, (name, kind, aliases, _m) in enumerate(COUNTIES, start=1):
        counties.append(org.create_region(session, actor, name=name, kind=kind, parent_id=city.id,
                                          code=f"4399{i:02d}", sort=i, aliases=aliases))
    by_name = {r.name: r for r in counties}
    for county, towns in TOWNS.items():
        for j, town in enumerate(towns, start=1):
            org.create_region(session, actor, name=town, kind="street" if town.endswith("街道") else "town",
                              parent_id=by_name[county].id, sort=j)
    for j, (park, aliases) in enumerate(PARKS, start=20):
        org.create_region(session, actor, name=park, kind="park", parent_id=city.id, sort=j, aliases=aliases)
    org.set_peer_group(session, actor, "全市县市区", [r.id for r in counties])
    org.set_peer_group(session, actor, "山区县", [by_name[n].id for n, _k, _a, m in COUNTIES if m])

    city_gov = org.create_unit(session, actor, name="市人民政府", kind="government", region_id=city.id,
                               aliases=["市政府"], sort=0)
    for i, (name, aliases) in enumerate(DEPARTMENTS, start=1):
        kind = "office" if name.endswith(("办公室", "督查室", "推进办")) else "department"
        org.create_unit(session, actor, name=name, kind=kind, region_id=city.id, aliases=aliases, sort=i,
                        contact=_name(rng), phone=f"0739-55{rng.randint(10000, 99999)}")
    for i, region in enumerate(counties, start=1):
        short = region.name
        gov = org.create_unit(session, actor, name=f"{short}人民政府", kind="government", region_id=region.id,
                              aliases=[f"{short}政府"], sort=100 + i, contact=_name(rng))
        org.create_person(session, actor, name=_name(rng), title=f"{short}{'区长' if short.endswith('区') else '县长' if short.endswith('县') else '市长'}",
                          unit_id=gov.id, region_id=region.id, is_leader=True, sort=100 + i)
    org.create_unit(session, actor, name="示范市融资担保有限公司", kind="company", region_id=city.id,
                    aliases=["市融资担保公司"], sort=200)
    org.create_unit(session, actor, name="市重点项目建设工作专班", kind="team", region_id=city.id,
                    aliases=["重点项目专班", "项目专班"], sort=201)
    units = {u.name: u for u in org.list_units(session)}
    for i, (name, title, unit_name) in enumerate(LEADERS, start=1):
        org.create_person(session, actor, name=name, title=title, unit_id=units[unit_name].id,
                          region_id=city.id, is_leader=True, sort=i)
    for i, (name, _aliases) in enumerate(DEPARTMENTS, start=1):
        org.create_person(session, actor, name=_name(rng), title="主任" if "委" in name or "办" in name or "室" in name else "局长",
                          unit_id=units[name].id, region_id=city.id, is_leader=False, sort=10 + i)
    del city_gov
    leaders = {p.name: p for p in org.list_people(session, actor, leaders_only=True)}
    logins = []
    for login in DEMO_USERS:
        password = admin_password if (login.role == Role.admin and admin_password) else DEMO_PASSWORD
        existing = users.get_by_username(session, login.username)
        if existing is None:
            person = leaders.get(DEMO_USER_PERSON.get(login.username))
            users.create_user(session, actor, username=login.username, password=password, role=login.role,
                              unit_id=units[login.unit].id if login.unit else None,
                              display_name=_display(login), person_id=person.id if person else None)
        logins.append(login)
    _discover_loaders()
    for name, loader in DEMO_LOADERS:
        loader(session, actor, random.Random(f"{SEED}-{name}"))
    log_event(session, "demo", "demo", None, note="载入演示数据：示范市")
    return logins


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _display(login: DemoLogin) -> str:
    labels = {"admin": "系统管理员", "diaodu": "督查室调度员", "lingdao": "李卫东（常务副市长）", "jiaxian": "甲县填报员",
              "yixian": "乙县填报员", "fagaiwei": "发改委填报员", "tongjiju": "统计局填报员"}
    return labels.get(login.username, login.username)
