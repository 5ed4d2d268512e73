"""FastAPI dependencies: the unit of work per request, the acting user, CSRF."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from diaodu.core import auth
from diaodu.core.audit import Actor
from diaodu.core.errors import Forbidden, NotAuthenticated
from diaodu.web.context import ctx

SESSION_COOKIE = "diaodu_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed on success, rolled back on any error."""
    with ctx().db.session() as session:
        yield session


DbSession = Annotated[Session, Depends(get_session)]


def get_actor(request: Request, session: DbSession) -> Actor:
    token = request.cookies.get(SESSION_COOKIE)
    actor, login_row = auth.actor_for_token(session, token, client_ip(request))
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not secrets.compare_digest(sent, login_row.csrf_token):
            raise Forbidden("CSRF 校验失败：请刷新页面后重试")
    session.info["actor"] = actor
    request.state.actor = actor
    return actor


CurrentActor = Annotated[Actor, Depends(get_actor)]


def optional_actor(request: Request) -> Actor | None:
    """For pages: the logged-in actor or None (no CSRF check: pages only read)."""
    with ctx().db.session() as session:
        try:
            actor, _row = auth.actor_for_token(session, request.cookies.get(SESSION_COOKIE), client_ip(request))
        except NotAuthenticated:
            return None
        return actor


def cookie_secure(request: Request) -> bool:
    setting = ctx().settings.cookie_secure
    if setting is not None:
        return setting
    proto = request.headers.get("x-forwarded-proto", request.url.scheme)
    return proto == "https"
