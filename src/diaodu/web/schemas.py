"""Pydantic shapes of the foundation API (``Read`` for responses, ``Create``/``Update`` for input)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class ORM(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class LoginIn(BaseModel):
    username: str = Field(max_length=80)
    password: str = Field(max_length=200)


class MeRead(BaseModel):
    user_id: int | None
    username: str
    display_name: str
    role: str
    unit_id: int | None
    unit_name: str | None
    csrf_token: str | None = None


class RegionRead(ORM):
    id: int
    name: str
    kind: str
    code: str | None
    parent_id: int | None
    sort: int
    version: int
    aliases: list[str] = []


class RegionCreate(BaseModel):
    name: str
    kind: str = "county"
    parent_id: int | None = None
    code: str | None = None
    sort: int = 0
    aliases: list[str] | None = None


class RegionUpdate(BaseModel):
    version: int | None = None
    name: str | None = None
    kind: str | None = None
    parent_id: int | None = None
    code: str | None = None
    sort: int | None = None
    aliases: list[str] | None = None


class PeerGroupRead(BaseModel):
    id: int
    name: str
    region_ids: list[int]


class UnitRead(ORM):
    id: int
    name: str
    kind: str
    region_id: int | None
    parent_id: int | None
    contact: str | None
    phone: str | None
    sort: int
    version: int
    aliases: list[str] = []


class UnitCreate(BaseModel):
    name: str
    kind: str = "department"
    region_id: int | None = None
    parent_id: int | None = None
    aliases: list[str] | None = None
    contact: str | None = None
    phone: str | None = None
    sort: int = 0


class UnitUpdate(BaseModel):
    version: int | None = None
    name: str | None = None
    kind: str | None = None
    region_id: int | None = None
    parent_id: int | None = None
    aliases: list[str] | None = None
    contact: str | None = None
    phone: str | None = None
    sort: int | None = None


class PersonRead(ORM):
    id: int
    name: str
    title: str | None
    unit_id: int | None
    region_id: int | None
    phone: str | None
    is_leader: bool
    version: int


class PersonCreate(BaseModel):
    name: str
    title: str | None = None
    unit_id: int | None = None
    region_id: int | None = None
    phone: str | None = None
    is_leader: bool = False


class PersonUpdate(BaseModel):
    version: int | None = None
    name: str | None = None
    title: str | None = None
    unit_id: int | None = None
    region_id: int | None = None
    phone: str | None = None
    is_leader: bool | None = None


class UserRead(ORM):
    id: int
    username: str
    display_name: str
    role: str
    unit_id: int | None
    active: bool
    version: int


class UserCreate(BaseModel):
    username: str
    password: str
    role: str
    unit_id: int | None = None
    display_name: str = ""


class UserUpdate(BaseModel):
    version: int | None = None
    role: str | None = None
    unit_id: int | None = None
    display_name: str | None = None
    active: bool | None = None


class PasswordIn(BaseModel):
    new_password: str
    old_password: str | None = None


class AuditRead(ORM):
    id: int
    at: datetime
    user_id: int | None
    username: str
    action: str
    entity: str
    entity_id: str | None
    before: dict | None
    after: dict | None
    note: str | None


class CommentCreate(BaseModel):
    entity: str
    entity_id: int
    text: str


class CommentRead(ORM):
    id: int
    entity: str
    entity_id: int
    user_id: int | None
    text: str
    created_at: datetime


def region_read(r) -> RegionRead:
    return RegionRead(id=r.id, name=r.name, kind=r.kind, code=r.code, parent_id=r.parent_id, sort=r.sort,
                      version=r.version, aliases=[a.alias for a in r.aliases])


def unit_read(u) -> UnitRead:
    return UnitRead(id=u.id, name=u.name, kind=u.kind, region_id=u.region_id, parent_id=u.parent_id,
                    contact=u.contact, phone=u.phone, sort=u.sort, version=u.version,
                    aliases=[a.alias for a in u.aliases])
