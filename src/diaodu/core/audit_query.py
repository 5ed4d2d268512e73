"""Reading the audit log (admins only)."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from diaodu.core import policy
from diaodu.core.audit import Actor
from diaodu.core.models import AuditLog


def search(session: Session, actor: Actor, *, entity: str | None = None, username: str | None = None,
           action: str | None = None, entity_id: str | None = None, since: datetime | None = None,
           limit: int = 200) -> list[AuditLog]:
    policy.ensure_admin(actor)
    stmt = select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)
    if entity:
        stmt = stmt.where(AuditLog.entity == entity)
    if username:
        stmt = stmt.where(AuditLog.username == username)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if entity_id:
        stmt = stmt.where(AuditLog.entity_id == entity_id)
    if since:
        stmt = stmt.where(AuditLog.at >= since)
    return list(session.scalars(stmt))


def describe_change(before: dict | None, after: dict | None, note: str | None, limit: int = 400) -> str:
    """One line saying what changed: `field: old → new` for updates, the values for create/delete."""
    skip = {"version", "updated_at", "created_at"}
    if before and after:
        parts = [f"{k}: {before.get(k)} → {v}" for k, v in after.items() if k not in skip and before.get(k) != v]
        text = "；".join(parts)
    elif after:
        text = json.dumps({k: v for k, v in after.items() if k not in skip}, ensure_ascii=False)
    elif before:
        text = "删除：" + json.dumps({k: v for k, v in before.items() if k not in skip}, ensure_ascii=False)
    else:
        text = ""
    return (text + (f"（{note}）" if note else ""))[:limit]
