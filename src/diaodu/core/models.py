"""Foundation tables: the org tree (regions, peer groups, units, aliases, people), users and
their login sessions, comments, and the audit log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaodu.core.db import Base, Timestamped, Versioned, utcnow


class Role(StrEnum):
    admin = "admin"
    dispatcher = "dispatcher"
    reporter = "reporter"
    leader = "leader"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {Role.admin: "管理员", Role.dispatcher: "调度员", Role.reporter: "填报员", Role.leader: "领导"}

REGION_KINDS = {"city": "市", "county": "县", "district": "区", "county_city": "县级市", "town": "乡镇",
                "street": "街道", "park": "园区", "province": "省"}
UNIT_KINDS = {"department": "部门", "government": "政府", "office": "办公室", "team": "工作专班",
              "company": "企业", "party": "党委机构", "other": "其他"}


peer_group_members = Table(
    "peer_group_member",
    Base.metadata,
    Column("group_id", ForeignKey("peer_group.id", ondelete="CASCADE"), primary_key=True),
    Column("region_id", ForeignKey("region.id", ondelete="CASCADE"), primary_key=True),
)


class Region(Versioned, Timestamped, Base):
    __tablename__ = "region"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="county")
    code: Mapped[str | None] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="RESTRICT"), index=True)
    sort: Mapped[int] = mapped_column(Integer, default=0)

    parent: Mapped[Region | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Region]] = relationship(back_populates="parent", order_by="Region.sort")
    aliases: Mapped[list[RegionAlias]] = relationship(cascade="all, delete-orphan", back_populates="region")
    groups: Mapped[list[PeerGroup]] = relationship(secondary=peer_group_members, back_populates="regions")

    @property
    def kind_label(self) -> str:
        return REGION_KINDS.get(self.kind, self.kind)


class RegionAlias(Base):
    __tablename__ = "region_alias"
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(100), unique=True)
    region: Mapped[Region] = relationship(back_populates="aliases")


class PeerGroup(Timestamped, Base):
    """A set of regions ranked against each other (全市县市区, 山区县 …)."""

    __tablename__ = "peer_group"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    regions: Mapped[list[Region]] = relationship(
        secondary=peer_group_members, back_populates="groups", order_by="Region.sort"
    )


class Unit(Versioned, Timestamped, Base):
    """A body that can be given work: department, county government, office, team, company."""

    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="department")
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="RESTRICT"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    contact: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(50))
    sort: Mapped[int] = mapped_column(Integer, default=0)

    region: Mapped[Region | None] = relationship()
    parent: Mapped[Unit | None] = relationship(remote_side=[id])
    aliases: Mapped[list[UnitAlias]] = relationship(cascade="all, delete-orphan", back_populates="unit")

    @property
    def is_government(self) -> bool:
        return self.kind == "government"


class UnitAlias(Base):
    __tablename__ = "unit_alias"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(100), unique=True)
    unit: Mapped[Unit] = relationship(back_populates="aliases")


class Person(Versioned, Timestamped, Base):
    """A leader or contact who can be 责任领导 (e.g. 张伟, 副市长)."""

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    title: Mapped[str | None] = mapped_column(String(100))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="SET NULL"), index=True)
    phone: Mapped[str | None] = mapped_column(String(50))
    is_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    sort: Mapped[int] = mapped_column(Integer, default=0)

    unit: Mapped[Unit | None] = relationship()
    region: Mapped[Region | None] = relationship()

    @property
    def display(self) -> str:
        return f"{self.name}（{self.title}）" if self.title else self.name


class User(Versioned, Timestamped, Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(50), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    first_failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    unit: Mapped[Unit | None] = relationship()
    person: Mapped[Person | None] = relationship()

    __audit_exclude__ = ("password_hash", "failed_logins", "first_failed_at", "last_login_at")


class LoginSession(Base):
    """Server-side session; the cookie holds only the random token, the table its SHA-256."""

    __tablename__ = "login_session"
    __audited__ = False
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ip: Mapped[str | None] = mapped_column(String(64))
    user: Mapped[User] = relationship()


class Comment(Base):
    """Leaders (and everyone else) comment on any record: entity + id."""

    __tablename__ = "comment"
    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(50), index=True)
    entity_id: Mapped[int] = mapped_column(Integer, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user: Mapped[User | None] = relationship()


class AuditLog(Base):
    __tablename__ = "audit_log"
    __audited__ = False
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK: the log outlives users
    username: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(50), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(64))
