"""Who may read and write what — the one place where permissions are decided.

Services call these functions; routers and pages never decide permissions themselves.

Rules (see docs/decisions/0002-permissions.md):
- ``admin``: everything, including users and settings.
- ``dispatcher``: reads and writes all business data and the org tree.
- ``reporter``: reads and writes only rows owned by their own unit; a reporter of a county
  government unit also reaches rows of that county's region subtree.
- ``leader``: reads everything, writes nothing except comments.
Reference data (region tree, unit names and aliases, indicator catalogue) is readable by every
logged-in user. A row the actor may not read is reported as *not found* (404), so ids cannot be
probed; a row they may read but not change gives 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import false, or_

from diaodu.core.audit import Actor
from diaodu.core.errors import Forbidden, NotFound
from diaodu.core.models import Role

ALL_READERS = (Role.admin, Role.dispatcher, Role.leader)
ALL_WRITERS = (Role.admin, Role.dispatcher)


@dataclass(frozen=True)
class Owner:
    """The units and region a business row belongs to."""

    unit_ids: frozenset[int]
    region_id: int | None = None

    @classmethod
    def of(cls, unit_ids: Iterable[int | None] = (), region_id: int | None = None) -> Owner:
        return cls(frozenset(u for u in unit_ids if u is not None), region_id)


def _reporter_reaches(actor: Actor, owner: Owner) -> bool:
    if actor.unit_id is not None and actor.unit_id in owner.unit_ids:
        return True
    return owner.region_id is not None and owner.region_id in actor.scope_region_ids


def can_read(actor: Actor, owner: Owner) -> bool:
    if actor.role in ALL_READERS:
        return True
    return actor.role == Role.reporter and _reporter_reaches(actor, owner)


def can_write(actor: Actor, owner: Owner) -> bool:
    if actor.role in ALL_WRITERS:
        return True
    return actor.role == Role.reporter and _reporter_reaches(actor, owner)


def ensure_read(actor: Actor, owner: Owner) -> None:
    if not can_read(actor, owner):
        raise NotFound()


def ensure_write(actor: Actor, owner: Owner) -> None:
    ensure_read(actor, owner)
    if not can_write(actor, owner):
        raise Forbidden()


def ensure_comment(actor: Actor, owner: Owner) -> None:
    """Everyone who may read a row may comment on it (leaders' only write)."""
    ensure_read(actor, owner)


def ensure_role(actor: Actor, *roles: Role, message: str | None = None) -> None:
    if actor.role not in roles:
        raise Forbidden(message or "无权执行此操作")


def ensure_business_writer(actor: Actor) -> None:
    """Creating rows for any unit, editing the org tree: dispatchers and admins."""
    ensure_role(actor, *ALL_WRITERS, message="仅调度员或管理员可执行此操作")


def ensure_admin(actor: Actor) -> None:
    ensure_role(actor, Role.admin, message="仅管理员可执行此操作")


def row_filter(actor: Actor, unit_cols: Iterable = (), region_col=None):
    """SQL condition limiting a list query to the rows the actor may read (None: no limit).

    ``unit_cols`` are columns (or boolean expressions) that name an owning unit; for a
    many-to-many owner pass an ``exists`` expression built by the module.
    """
    if actor.role in ALL_READERS:
        return None
    if actor.role != Role.reporter:
        return false()
    conds = []
    for col in unit_cols:
        if hasattr(col, "type") and not _is_boolean(col):
            conds.append(col == actor.unit_id)
        else:
            conds.append(col)
    if region_col is not None and actor.scope_region_ids:
        conds.append(region_col.in_(sorted(actor.scope_region_ids)))
    return or_(*conds) if conds else false()


def _is_boolean(expr) -> bool:
    from sqlalchemy import Boolean

    return isinstance(getattr(expr, "type", None), Boolean)
