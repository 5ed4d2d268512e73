"""管理: users, org tree, audit log. Service calls carry the page's actor, so the policy module
decides, exactly as for the API."""

from __future__ import annotations

from fastapi import Request
from nicegui import ui

from diaodu.core import audit_query, org, users
from diaodu.core.audit_query import describe_change
from diaodu.core.errors import DiaoduError
from diaodu.core.models import REGION_KINDS, ROLE_LABELS, UNIT_KINDS, Role
from diaodu.web.context import ctx
from diaodu.web.ui.shell import frame, page_actor, signed_in


def register() -> None:
    @ui.page("/admin")
    def admin_page(request: Request):
        page = page_actor(request)
        if not signed_in(page):
            return page
        actor = page.actor
        with frame(page, "管理", "/admin"):
            if actor.role not in (Role.admin, Role.dispatcher):
                ui.label("仅管理员和调度员可访问此页面。").classes("text-gray-600")
                return None
            with ui.tabs().classes("w-full") as tabs:
                t_org = ui.tab("组织架构")
                t_users = ui.tab("用户") if actor.role == Role.admin else None
                t_audit = ui.tab("审计日志") if actor.role == Role.admin else None
            with ui.tab_panels(tabs, value=t_org).classes("w-full bg-transparent"):
                with ui.tab_panel(t_org):
                    _org_panel()
                if t_users is not None:
                    with ui.tab_panel(t_users):
                        _users_panel(actor)
                if t_audit is not None:
                    with ui.tab_panel(t_audit):
                        _audit_panel(actor)
        return None


def _org_panel() -> None:
    with ctx().db.session() as session:
        regions = org.list_regions(session)
        units = org.list_units(session)
        groups = org.list_peer_groups(session)
        names = {r.id: r.name for r in regions}
        region_rows = [{"id": r.id, "name": r.name, "kind": REGION_KINDS.get(r.kind, r.kind),
                        "parent": names.get(r.parent_id, ""), "aliases": "、".join(a.alias for a in r.aliases)}
                       for r in regions]
        unit_rows = [{"id": u.id, "name": u.name, "kind": UNIT_KINDS.get(u.kind, u.kind),
                      "region": names.get(u.region_id, ""), "aliases": "、".join(a.alias for a in u.aliases),
                      "contact": u.contact or ""} for u in units]
        group_text = "；".join(f"{g.name}：{'、'.join(r.name for r in g.regions)}" for g in groups)
    ui.label("组织架构可用命令 diaodu org template / import / export 批量维护（xlsx 或 csv）。").classes("text-sm text-gray-500")
    if group_text:
        ui.label(f"排名同级组 — {group_text}").classes("text-sm")
    ui.label("地区").classes("font-semibold mt-2")
    ui.table(columns=[{"name": "name", "label": "名称", "field": "name", "align": "left"},
                      {"name": "kind", "label": "类型", "field": "kind", "align": "left"},
                      {"name": "parent", "label": "上级", "field": "parent", "align": "left"},
                      {"name": "aliases", "label": "别名", "field": "aliases", "align": "left"}],
             rows=region_rows, row_key="id", pagination=15).classes("w-full").props("dense flat bordered")
    ui.label("单位").classes("font-semibold mt-4")
    ui.table(columns=[{"name": "name", "label": "名称", "field": "name", "align": "left"},
                      {"name": "kind", "label": "类型", "field": "kind", "align": "left"},
                      {"name": "region", "label": "地区", "field": "region", "align": "left"},
                      {"name": "aliases", "label": "别名（解析与导入时识别）", "field": "aliases", "align": "left"},
                      {"name": "contact", "label": "联系人", "field": "contact", "align": "left"}],
             rows=unit_rows, row_key="id", pagination=15).classes("w-full").props("dense flat bordered")


def _users_panel(actor) -> None:
    with ctx().db.session() as session:
        unit_opts = {u.id: u.name for u in org.list_units(session)}

    def load_rows():
        with ctx().db.session() as session:
            return [{"id": u.id, "username": u.username, "display_name": u.display_name,
                     "role": ROLE_LABELS.get(Role(u.role), u.role), "unit": unit_opts.get(u.unit_id, ""),
                     "status": "正常" if u.active else "停用"} for u in users.list_users(session, actor)]

    table = ui.table(columns=[{"name": "username", "label": "用户名", "field": "username", "align": "left"},
                              {"name": "display_name", "label": "姓名", "field": "display_name", "align": "left"},
                              {"name": "role", "label": "角色", "field": "role", "align": "left"},
                              {"name": "unit", "label": "单位", "field": "unit", "align": "left"},
                              {"name": "status", "label": "状态", "field": "status", "align": "left"}],
                     rows=load_rows(), row_key="id").classes("w-full").props("dense flat bordered")

    with ui.expansion("新增用户", icon="person_add").classes("w-full bg-white"):
        with ui.row().classes("w-full items-end gap-3"):
            username = ui.input("用户名")
            name = ui.input("姓名")
            role = ui.select({r.value: r.label for r in Role}, label="角色", value="reporter")
            unit = ui.select(unit_opts, label="单位", with_input=True, clearable=True).classes("min-w-[220px]")
            password = ui.input("初始密码", password=True, password_toggle_button=True)

        def create():
            try:
                with ctx().db.session(actor) as session:
                    users.create_user(session, actor, username=username.value or "", password=password.value or "",
                                      role=role.value, unit_id=unit.value, display_name=name.value or "")
            except DiaoduError as exc:
                ui.notify(exc.message, type="negative")
                return
            ui.notify("已创建用户", type="positive")
            table.rows = load_rows()
            table.update()

        ui.button("创建", on_click=create).props("unelevated")
        ui.label("密码至少 10 位，含大写字母、小写字母、数字、符号中的至少三类。").classes("text-xs text-gray-500")


ACTIONS = {"create": "新增", "update": "修改", "delete": "删除", "login": "登录", "login_failed": "登录失败",
           "logout": "退出", "password": "改密码", "demo": "演示数据"}


def _audit_panel(actor) -> None:
    with ui.row().classes("items-end gap-3 w-full"):
        entity = ui.input("记录类型（如 person、unit、app_user）").classes("min-w-[240px]")
        username = ui.input("用户")
        action = ui.select({"": "全部", **ACTIONS}, label="动作", value="")
        button = ui.button("筛选").props("unelevated")
    columns = [{"name": "at", "label": "时间", "field": "at", "align": "left"},
               {"name": "user", "label": "用户", "field": "user", "align": "left"},
               {"name": "action", "label": "动作", "field": "action", "align": "left"},
               {"name": "entity", "label": "记录", "field": "entity", "align": "left"},
               {"name": "change", "label": "变更（前 → 后）", "field": "change", "align": "left",
                "style": "white-space:normal;max-width:520px"}]
    table = ui.table(columns=columns, rows=[], row_key="id", pagination=20).classes("w-full").props(
        'dense flat bordered data-testid="audit-table"')

    def refresh():
        with ctx().db.session() as session:
            rows = audit_query.search(session, actor, entity=entity.value or None, username=username.value or None,
                                      action=action.value or None, limit=500)
            table.rows = [{"id": r.id, "at": f"{r.at:%Y-%m-%d %H:%M:%S}", "user": r.username,
                           "action": ACTIONS.get(r.action, r.action), "entity": f"{r.entity}#{r.entity_id or '-'}",
                           "change": describe_change(r.before, r.after, r.note)} for r in rows]
        table.update()

    button.on_click(refresh)
    refresh()
