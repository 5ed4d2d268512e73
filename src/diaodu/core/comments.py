"""Comments on any record. Modules register which entities can be commented on, and how to
find the owner of a row so that the policy decides who may read and comment."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from diaodu.core import org, policy
from diaodu.core.audit import Actor
from diaodu.core.errors import NotFound, ValidationFailed
from diaodu.core.models import Comment, Person, Unit

OwnerLoader = Callable[[Session, int], policy.Owner | None]
COMMENTABLE: dict[str, OwnerLoader] = {}


def register_commentable(entity: str, loader: OwnerLoader) -> None:
    COMMENTABLE[entity] = loader


def _owner(session: Session, entity: str, entity_id: int) -> policy.Owner:
    loader = COMMENTABLE.get(entity)
    if loader is None:
        raise ValidationFailed(f"不支持对“{entity}”发表评论")
    owner = loader(session, entity_id)
    if owner is None:
        raise NotFound()
    return owner


def add_comment(session: Session, actor: Actor, entity: str, entity_id: int, text: str) -> Comment:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("评论内容不能为空")
    if len(text) > 2000:
        raise ValidationFailed("评论不能超过 2000 字")
    owner = _owner(session, entity, entity_id)
    policy.ensure_comment(actor, owner)
    comment = Comment(entity=entity, entity_id=entity_id, user_id=actor.user_id, text=text,
                      unit_id=next(iter(sorted(owner.unit_ids)), None), region_id=owner.region_id)
    session.add(comment)
    session.flush()
    return comment


def list_comments(session: Session, actor: Actor, entity: str, entity_id: int) -> list[Comment]:
    policy.ensure_read(actor, _owner(session, entity, entity_id))
    stmt = select(Comment).where(Comment.entity == entity, Comment.entity_id == entity_id).order_by(Comment.id)
    return list(session.scalars(stmt))


def _person_owner(session: Session, pid: int):
    person = session.get(Person, pid)
    return org.person_owner(person) if person else None


def _unit_owner(session: Session, uid: int):
    unit = session.get(Unit, uid)
    return org.unit_owner(unit) if unit else None


register_commentable("person", _person_owner)
register_commentable("unit", _unit_owner)
