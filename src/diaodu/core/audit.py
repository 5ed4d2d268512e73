"""The audit log: every write records who, when, entity, id, action, before and after.

Row changes are captured automatically by a flush listener on every session, so no service can
forget them: the acting user is taken from ``session.info["actor"]`` (the CLI and the demo loader
set a system actor). Events that are not row changes (login, logout, backup, a transition with a
reason) are written with :func:`log_event`.
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from diaodu.core.db import Base, utcnow
from diaodu.core.models import AuditLog


@dataclass(frozen=True)
class Actor:
    """Who acts: a logged-in user, or a named system process (CLI, demo loader, scheduler)."""

    user_id: int | None
    username: str
    role: str
    unit_id: int | None = None
    region_id: int | None = None  # region of the user's unit
    # Regions whose rows a reporter reaches: the subtree of a county government's region.
    scope_region_ids: frozenset[int] = frozenset()
    unit_name: str | None = None
    display_name: str = ""
    ip: str | None = None

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(user_id=None, username=name, role="admin")


def jsonable(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def _columns(obj) -> list:
    exclude = set(getattr(obj, "__audit_exclude__", ()))
    return [a for a in inspect(obj).mapper.column_attrs if a.key not in exclude]


def snapshot(obj) -> dict:
    state = inspect(obj)
    out = {}
    for attr in _columns(obj):
        if attr.key in state.unloaded:
            continue
        out[attr.key] = jsonable(getattr(obj, attr.key))
    return out


def _before(obj) -> tuple[dict, bool]:
    state = inspect(obj)
    before, changed = {}, False
    for attr in _columns(obj):
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            if attr.key != "version" and attr.key != "updated_at":
                changed = True
            before[attr.key] = jsonable(hist.deleted[0]) if hist.deleted else None
        elif attr.key not in state.unloaded:
            before[attr.key] = jsonable(getattr(obj, attr.key))
    return before, changed


def _entity_id(obj) -> str | None:
    ident = inspect(obj).mapper.primary_key_from_instance(obj)
    if not ident or any(i is None for i in ident):
        return None
    return ",".join(str(i) for i in ident)


def _actor(session: Session) -> Actor:
    return session.info.get("actor") or Actor.system()


def _audited(obj) -> bool:
    return isinstance(obj, Base) and getattr(obj, "__audited__", True)


@event.listens_for(Session, "before_flush")
def _capture_before(session: Session, _ctx, _instances) -> None:
    # "before" values of dirty objects must be read before the flush resets their history.
    pending = session.info.setdefault("_audit_dirty", {})
    for obj in session.dirty:
        if _audited(obj) and session.is_modified(obj, include_collections=False):
            before, changed = _before(obj)
            if changed:
                pending[id(obj)] = (obj, before)


@event.listens_for(Session, "after_flush")
def _write_audit(session: Session, _ctx) -> None:
    actor = _actor(session)
    now = utcnow()
    rows = []

    def row(action, obj, before, after):
        rows.append(dict(at=now, user_id=actor.user_id, username=actor.username, action=action,
                         entity=obj.__tablename__, entity_id=_entity_id(obj), before=before,
                         after=after, ip=actor.ip, note=session.info.get("audit_note")))

    for obj in session.new:
        if _audited(obj):
            row("create", obj, None, snapshot(obj))
    for _key, (obj, before) in session.info.pop("_audit_dirty", {}).items():
        if obj in session.deleted or obj in session.new:
            continue
        after = snapshot(obj)
        row("update", obj, before, after)
    for obj in session.deleted:
        if _audited(obj):
            row("delete", obj, snapshot(obj), None)
    if rows:
        session.connection().execute(AuditLog.__table__.insert(), rows)


def log_event(session: Session, action: str, entity: str, entity_id=None, *, note: str | None = None,
              before: dict | None = None, after: dict | None = None, actor: Actor | None = None) -> None:
    """Record an event that is not a plain row change (login, backup, a transition with reason)."""
    actor = actor or _actor(session)
    session.connection().execute(
        AuditLog.__table__.insert(),
        [dict(at=utcnow(), user_id=actor.user_id, username=actor.username, action=action, entity=entity,
              entity_id=None if entity_id is None else str(entity_id), before=jsonable(before),
              after=jsonable(after), note=note, ip=actor.ip)],
    )
