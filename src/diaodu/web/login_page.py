"""The login form and logout: plain HTML (no JavaScript needed), so the HTTP-only session cookie
is set by an ordinary form post. The form carries a double-submit CSRF token."""

from __future__ import annotations

import html
import secrets

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from diaodu.core import auth
from diaodu.core.errors import DiaoduError
from diaodu.web.api.auth import set_session_cookie
from diaodu.web.context import ctx
from diaodu.web.deps import SESSION_COOKIE, client_ip, cookie_secure

router = APIRouter(include_in_schema=False)
LOGIN_CSRF_COOKIE = "diaodu_login_csrf"

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录 · 调度台</title>
<style>
body{{margin:0;font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;background:#eef2f7;color:#1f2937}}
.wrap{{min-height:100vh;display:flex;align-items:center;justify-content:center;padding:16px;box-sizing:border-box}}
.card{{background:#fff;border-radius:10px;box-shadow:0 6px 24px rgba(15,40,80,.12);padding:32px 28px;width:100%;max-width:380px}}
h1{{margin:0 0 4px;font-size:24px;color:#9b1c1c;letter-spacing:2px}}
p.sub{{margin:0 0 24px;color:#6b7280;font-size:14px}}
label{{display:block;font-size:14px;margin:14px 0 6px}}
input{{width:100%;box-sizing:border-box;padding:10px 12px;border:1px solid #cbd5e1;border-radius:6px;font-size:16px}}
button{{margin-top:22px;width:100%;padding:11px;border:0;border-radius:6px;background:#9b1c1c;color:#fff;font-size:16px;cursor:pointer}}
.err{{background:#fef2f2;color:#b91c1c;border:1px solid #fecaca;padding:8px 10px;border-radius:6px;font-size:14px}}
.demo{{margin-top:18px;font-size:12px;color:#6b7280;line-height:1.7}}
</style></head>
<body><div class="wrap"><form class="card" method="post" action="/login">
<h1>调度台</h1><p class="sub">城市经济工作调度 · 督办 · 监测</p>
{error}
<input type="hidden" name="csrf" value="{csrf}">
<input type="hidden" name="next" value="{next}">
<label for="username">用户名</label><input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">密码</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">登 录</button>
{demo}
</form></div></body></html>"""


def _render(request: Request, error: str = "", next_url: str = "/", status: int = 200) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    demo = ""
    if _demo_loaded():
        demo = ('<div class="demo">演示数据：账户 admin / diaodu / lingdao / jiaxian / yixian / fagaiwei / tongjiju，'
                '演示密码见启动时输出。</div>')
    body = PAGE.format(error=f'<div class="err">{html.escape(error)}</div>' if error else "", csrf=token,
                       next=html.escape(_safe_next(next_url)), demo=demo)
    response = HTMLResponse(body, status_code=status)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=cookie_secure(request),
                        path="/login")
    return response


def _demo_loaded() -> bool:
    from diaodu.core.demo import is_loaded

    with ctx().db.session() as session:
        return is_loaded(session)


def _safe_next(url: str | None) -> str:
    return url if url and url.startswith("/") and not url.startswith("//") else "/"


@router.get("/login")
def login_form(request: Request, next: str = "/"):
    return _render(request, next_url=next)


@router.post("/login")
def login_submit(request: Request, username: str = Form(""), password: str = Form(""), csrf: str = Form(""),
                 next: str = Form("/")):
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf):
        return _render(request, "页面已过期，请重新登录", next, status=403)
    try:
        with ctx().db.session() as session:
            token, _row = auth.login(session, ctx().settings, username, password, client_ip(request))
    except DiaoduError as exc:
        return _render(request, exc.message, next, status=exc.status_code)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(request, response, token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout_submit(request: Request, csrf: str = Form("")):
    token = request.cookies.get(SESSION_COOKIE)
    with ctx().db.session() as session:
        row = auth.session_for_token(session, token)
        if row is not None and secrets.compare_digest(row.csrf_token, csrf):
            auth.logout(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
