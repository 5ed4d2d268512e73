from __future__ import annotations

from fastapi import APIRouter, Request, Response

from diaodu.core import auth
from diaodu.web.context import ctx
from diaodu.web.deps import SESSION_COOKIE, CurrentActor, DbSession, client_ip, cookie_secure
from diaodu.web.schemas import LoginIn, MeRead

router = APIRouter(prefix="/auth", tags=["auth"])


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=cookie_secure(request),
                        max_age=int(ctx().settings.session_hours * 3600), path="/")


@router.post("/login", response_model=MeRead)
def login(body: LoginIn, request: Request, response: Response, session: DbSession) -> MeRead:
    token, row = auth.login(session, ctx().settings, body.username, body.password, client_ip(request))
    set_session_cookie(request, response, token)
    actor = auth.actor_for(session, row.user)
    return MeRead(user_id=actor.user_id, username=actor.username, display_name=actor.display_name, role=actor.role,
                  unit_id=actor.unit_id, unit_name=actor.unit_name, csrf_token=row.csrf_token)


@router.get("/me", response_model=MeRead)
def me(actor: CurrentActor, request: Request, session: DbSession) -> MeRead:
    row = auth.session_for_token(session, request.cookies.get(SESSION_COOKIE))
    return MeRead(user_id=actor.user_id, username=actor.username, display_name=actor.display_name, role=actor.role,
                  unit_id=actor.unit_id, unit_name=actor.unit_name, csrf_token=row.csrf_token if row else None)


@router.post("/logout", status_code=204)
def logout(actor: CurrentActor, request: Request, response: Response, session: DbSession) -> Response:
    auth.logout(session, request.cookies.get(SESSION_COOKIE))
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
