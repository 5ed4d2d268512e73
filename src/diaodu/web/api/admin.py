from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query

from diaodu.core import audit_query, comments, users
from diaodu.web.deps import CurrentActor, DbSession
from diaodu.web.schemas import (
    AuditRead,
    CommentCreate,
    CommentRead,
    PasswordIn,
    UserCreate,
    UserRead,
    UserUpdate,
)

router = APIRouter(tags=["admin"])


@router.get("/users", response_model=list[UserRead])
def list_users(actor: CurrentActor, session: DbSession):
    return users.list_users(session, actor)


@router.get("/users/{user_id}", response_model=UserRead)
def get_user(user_id: int, actor: CurrentActor, session: DbSession):
    return users.get_user(session, actor, user_id)


@router.post("/users", response_model=UserRead, status_code=201)
def create_user(body: UserCreate, actor: CurrentActor, session: DbSession):
    return users.create_user(session, actor, **body.model_dump())


@router.patch("/users/{user_id}", response_model=UserRead)
def update_user(user_id: int, body: UserUpdate, actor: CurrentActor, session: DbSession):
    return users.update_user(session, actor, user_id, **body.model_dump(exclude_unset=True))


@router.post("/users/{user_id}/password", status_code=204)
def set_password(user_id: int, body: PasswordIn, actor: CurrentActor, session: DbSession):
    users.set_password(session, actor, user_id, body.new_password, body.old_password)


@router.get("/audit", response_model=list[AuditRead])
def list_audit(actor: CurrentActor, session: DbSession, entity: str | None = None, username: str | None = None,
               action: str | None = None, entity_id: str | None = None, since: datetime | None = None,
               limit: int = Query(200, le=2000)):
    return audit_query.search(session, actor, entity=entity, username=username, action=action,
                              entity_id=entity_id, since=since, limit=limit)


@router.get("/comments", response_model=list[CommentRead])
def list_comments(entity: str, entity_id: int, actor: CurrentActor, session: DbSession):
    return comments.list_comments(session, actor, entity, entity_id)


@router.post("/comments", response_model=CommentRead, status_code=201)
def add_comment(body: CommentCreate, actor: CurrentActor, session: DbSession):
    return comments.add_comment(session, actor, body.entity, body.entity_id, body.text)
