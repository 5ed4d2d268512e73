"""Reading the audit log (admins only)."""

from __future__ import annotations

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
