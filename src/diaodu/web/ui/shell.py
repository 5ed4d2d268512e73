"""The page shell: top bar (unit, role, logout), navigation, demo marker; phone-friendly.

Pages call :func:`page_actor` first (redirect to /login when not logged in) and build their
content inside :func:`frame`.
"""

from __future__ import annotations

import contextlib
import html
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from diaodu.core import auth
from diaodu.core.audit import Actor
from diaodu.core.demo import is_loaded
from diaodu.core.errors import NotAuthenticated
from diaodu.core.models import ROLE_LABELS, Role
from diaodu.web.context import ctx
from diaodu.web.deps import SESSION_COOKIE, client_ip

NAV = [
    ("/", "驾驶舱", "dashboard"),
    ("/speech", "讲话解析", "record_voice_over"),
    ("/tasks", "任务督办", "assignment_turned_in"),
    ("/projects", "重点项目", "construction"),
    ("/reports", "报告", "description"),
    ("/admin", "管理", "admin_panel_settings"),
]
PRIMARY = "#9b1c1c"


class PageAuth:
    def __init__(self, actor: Actor, csrf: str):
        self.actor, self.csrf = actor, csrf


def page_actor(request: Request) -> PageAuth | RedirectResponse:
    with ctx().db.session() as session:
        try:
            actor, row = auth.actor_for_token(session, request.cookies.get(SESSION_COOKIE), client_ip(request))
        except NotAuthenticated:
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        return PageAuth(actor, row.csrf_token)


def signed_in(page: PageAuth | RedirectResponse) -> bool:
    """True when :func:`page_actor` found a logged-in user (else the page returns its redirect)."""
    return isinstance(page, PageAuth)


def _demo() -> bool:
    with ctx().db.session() as session:
        return is_loaded(session)


@contextlib.contextmanager
def frame(page: PageAuth, title: str, active: str):
    actor = page.actor
    ui.colors(primary=PRIMARY)
    ui.query("body").style("background:#f5f7fa")
    ui.add_head_html('<style>.nav-active{background:#fde8e8;color:#9b1c1c;font-weight:600}'
                     ' .q-drawer .q-item{border-radius:6px;margin:2px 8px}</style>')
    with ui.header(elevated=True).classes("items-center gap-2 px-3 py-2").style(f"background:{PRIMARY}"):
        ui.button(icon="menu", on_click=lambda: drawer.toggle()).props("flat round dense color=white")
        ui.label("调度台").classes("text-lg font-bold tracking-widest")
        if _demo():
            ui.badge("演示数据", color="orange").props("outline").classes("text-white")
        ui.space()
        role = ROLE_LABELS.get(Role(actor.role), actor.role) if actor.role in Role.__members__ else actor.role
        with ui.row().classes("items-center gap-2 no-wrap"):
            ui.label(actor.unit_name or "市级").classes("text-sm gt-xs").props('data-testid="unit"')
            ui.badge(role, color="white").classes("text-red-900").props('data-testid="role"')
            ui.label(actor.display_name).classes("text-sm gt-sm")
            ui.html(f'<form method="post" action="/logout" style="margin:0">'
                    f'<input type="hidden" name="csrf" value="{html.escape(page.csrf)}">'
                    f'<button type="submit" title="退出登录" style="background:transparent;border:1px solid #fff;'
                    f'color:#fff;border-radius:4px;padding:2px 8px;cursor:pointer">退出</button></form>')
    with ui.left_drawer(value=None, bordered=True).classes("bg-white pt-2").props("width=200 breakpoint=800") as drawer:
        for path, label, icon in NAV:
            if path == "/admin" and actor.role not in (Role.admin, Role.dispatcher):
                continue
            classes = "nav-active" if path == active else ""
            with ui.link(target=path).classes("no-underline text-inherit w-full"):
                with ui.item().classes(classes).props("clickable"):
                    with ui.item_section().props("avatar"):
                        ui.icon(icon)
                    ui.item_section(label)
    with ui.column().classes("w-full max-w-screen-xl mx-auto p-3 sm:p-5 gap-3"):
        ui.label(title).classes("text-xl font-bold text-gray-800")
        yield


def section(title: str):
    card = ui.card().classes("w-full")
    with card:
        ui.label(title).classes("text-base font-semibold text-gray-700")
    return card
