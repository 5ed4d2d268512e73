"""任务督办 pages: the ledger grid (/tasks), one task (/tasks/{id}) and 我的任务 (/tasks/mine, phone
width). Every read and write goes through :mod:`diaodu.tasks.service` with the page's actor, so
the permission rules are exactly those of the API."""

from __future__ import annotations

import datetime as dt
import html
from urllib.parse import urlencode

from fastapi import Request
from nicegui import ui
from sqlalchemy import select

from diaodu.core.errors import DiaoduError
from diaodu.core.models import Person, Role, Unit
from diaodu.tasks import lifecycle as lc
from diaodu.tasks import service as svc
from diaodu.tasks.models import SOURCE_KINDS
from diaodu.web.context import ctx
from diaodu.web.ui.shell import frame, page_actor, section, signed_in

STATUS_COLORS = {"pending": "orange", "in_progress": "primary", "extension_requested": "purple",
                 "close_requested": "teal", "closed": "grey"}
FLAG_COLORS = {"逾期": "red", "临期": "amber-9"}
# Which payload fields each action asks for: (key, label, kind, required)
ACTION_FIELDS: dict[str, list[tuple[str, str, str, bool]]] = {
    "sign": [("note", "签收意见（可选）", "text", False)],
    "report_progress": [("progress", "进展情况", "area", True), ("next_steps", "下步计划", "area", False),
                        ("problems", "存在问题", "area", False)],
    "request_close": [("summary", "办结情况说明", "area", True)],
    "close": [("note", "销号意见（可选）", "text", False)],
    "return_task": [("reason", "退回原因", "area", True)],
    "request_extension": [("new_deadline", "延期后的完成时限", "date", True), ("reason", "延期理由", "area", True)],
    "approve_extension": [("note", "审批意见（可选）", "text", False)],
    "reject_extension": [("reason", "驳回理由", "area", True)],
    "comment": [("text", "批示内容", "area", True)],
}
PRIMARY_ACTIONS = {"sign", "close", "approve_extension"}


def _today(request: Request) -> dt.date:
    raw = request.query_params.get("today")
    if raw:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    return svc.real_today()


def _flag_chip(flags) -> None:
    if flags.overdue:
        ui.badge(f"逾期{flags.days_overdue}天", color="red").props('data-testid="flag"')
    elif flags.due_soon:
        left = "今日到期" if flags.workdays_left == 0 else f"临期·剩{flags.workdays_left}个工作日"
        ui.badge(left, color="amber-9").props('data-testid="flag"')


def _status_chip(status: str) -> None:
    ui.badge(lc.Status(status).label, color=STATUS_COLORS.get(status, "grey")).props('outline data-testid="status"')


def _run_action(actor, task_id: int, action: str, values: dict, dialog=None) -> None:
    payload = {k: v for k, v in values.items() if v not in (None, "")}
    try:
        with ctx().db.session(actor) as session:
            svc.transition(session, actor, task_id, action, payload)
    except DiaoduError as exc:
        ui.notify(exc.message, type="negative", multi_line=True)
        return
    if dialog is not None:
        dialog.close()
    ui.notify(f"已{lc.Action(action).label}", type="positive")
    ui.navigate.reload()


def _action_button(actor, task_id: int, action: lc.Action, *, dense: bool = False) -> None:
    fields = ACTION_FIELDS.get(action.value, [])
    color = "primary" if action.value in PRIMARY_ACTIONS else None
    props = f'data-testid="action-{action.value}"' + ("" if color else " outline") + (" dense" if dense else "")
    with ui.dialog() as dialog, ui.card().classes("w-full").style("max-width:520px"):
        ui.label(action.label).classes("text-lg font-semibold")
        inputs = {}
        for key, label, kind, required in fields:
            if kind == "area":
                inputs[key] = ui.textarea(label).props("outlined autogrow").classes("w-full")
            elif kind == "date":
                inputs[key] = ui.input(label, placeholder="YYYY-MM-DD").props('outlined type=date stack-label').classes("w-full")
            else:
                inputs[key] = ui.input(label).props("outlined").classes("w-full")
            inputs[key].props(f'data-testid="field-{key}"')
        with ui.row().classes("w-full justify-end gap-2"):
            ui.button("取消", on_click=dialog.close).props("flat")
            ui.button(f"确认{action.label}", on_click=lambda: _run_action(
                actor, task_id, action.value, {k: w.value for k, w in inputs.items()}, dialog)
            ).props('data-testid="confirm"')
    btn = ui.button(action.label, on_click=dialog.open)
    btn.props(props + ("" if not color else f" color={color}"))


def _task_form_button(actor, label: str, units: dict, leaders: dict, *, parent_id: int | None = None,
                      icon: str = "add") -> None:
    """新建任务 / 分解任务: a dialog that calls create_task or decompose_task (dispatchers)."""
    with ui.dialog() as dialog, ui.card().classes("w-full").style("max-width:620px"):
        ui.label(label).classes("text-lg font-semibold")
        content = ui.textarea("任务内容").props('outlined autogrow data-testid="new-content"').classes("w-full")
        lead = ui.select(units, label="牵头单位", with_input=True).props("outlined").classes("w-full")
        assist = ui.select(units, label="配合单位", multiple=True, with_input=True).props(
            "outlined use-chips").classes("w-full")
        with ui.row().classes("w-full gap-2 no-wrap"):
            leader = ui.select({None: "（无）", **leaders}, value=None, label="责任领导").props("outlined").classes("flex-1")
            deadline = ui.input("完成时限").props("outlined type=date stack-label").classes("flex-1")

        def save() -> None:
            try:
                with ctx().db.session(actor) as session:
                    if parent_id is None:
                        task = svc.create_task(session, actor, content=content.value or "", lead_unit_id=lead.value,
                                               assist_unit_ids=assist.value or [], deadline=deadline.value or None,
                                               leader_person_id=leader.value)
                    else:
                        task = svc.decompose_task(session, actor, parent_id, content=content.value or "",
                                                  lead_unit_id=lead.value, assist_unit_ids=assist.value or [],
                                                  deadline=deadline.value or None, leader_person_id=leader.value)
                    new_id = task.id
            except DiaoduError as exc:
                ui.notify(exc.message, type="negative", multi_line=True)
                return
            dialog.close()
            ui.navigate.to(f"/tasks/{new_id}")

        with ui.row().classes("w-full justify-end gap-2"):
            ui.button("取消", on_click=dialog.close).props("flat")
            ui.button("保存", on_click=save).props('data-testid="new-save"')
    ui.button(label, icon=icon, on_click=dialog.open).props("outline")


def _choices(session, actor):
    units = {u.id: u.name for u in session.scalars(select(Unit).order_by(Unit.sort, Unit.id))}
    leaders = {p.id: p.display for p in session.scalars(select(Person).where(Person.is_leader.is_(True))
                                                        .order_by(Person.sort, Person.id))}
    meetings = [title for _sid, title in svc.source_meetings(session, actor)]
    return units, leaders, meetings


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def register() -> None:
    @ui.page("/tasks/mine")
    def tasks_mine(request: Request):
        page = page_actor(request)
        if not signed_in(page):
            return page
        _mine(page, _today(request))
        return None

    @ui.page("/tasks/reminders")
    def tasks_reminders(request: Request):
        page = page_actor(request)
        if not signed_in(page):
            return page
        _reminders(page, _today(request))
        return None

    @ui.page("/tasks")
    def tasks_ledger(request: Request):
        page = page_actor(request)
        if not signed_in(page):
            return page
        _ledger(page, request)
        return None

    @ui.page("/tasks/{task_id}")
    def task_page(request: Request, task_id: int):
        page = page_actor(request)
        if not signed_in(page):
            return page
        _task(page, task_id, _today(request))
        return None


# --- ledger ---------------------------------------------------------------------------------------


def _ledger(page, request: Request) -> None:
    actor = page.actor
    q = request.query_params
    today = _today(request)
    filters = svc.TaskFilter(unit_id=_int(q.get("unit")), leader_person_id=_int(q.get("leader")),
                             status=q.get("status") or None, flag=q.get("flag") or None,
                             source_title=q.get("meeting") or None, query=q.get("q") or None)
    with ctx().db.session(actor) as session:
        units, leaders, meetings = _choices(session, actor)
        try:
            tasks = svc.list_tasks(session, actor, filters, today=today)
        except DiaoduError as exc:
            tasks, error = [], exc.message
        else:
            error = None
        totals = svc.counts(session, actor, today)
        rows = []
        for t in tasks:
            fl = svc.flags_of(t, today)
            rows.append({
                "id": t.id, "code": t.code or str(t.id), "content": t.content, "lead": t.lead_unit.name,
                "assist": "、".join(u.name for u in t.assist_units), "leader": t.leader.name if t.leader else "",
                "deadline": t.deadline.isoformat() if t.deadline else "长期",
                "status": lc.Status(t.status).label,
                "flag": (f"逾期{fl.days_overdue}天" if fl.overdue else ("临期" if fl.due_soon else "")),
                "meeting": t.source_title or "",
            })
    with frame(page, "任务督办", "/tasks"):
        with ui.row().classes("w-full items-center gap-2"):
            for label, value, color in (("任务总数", totals["total"], "blue-grey"), ("逾期", totals["overdue"], "red"),
                                        ("临期", totals["due_soon"], "amber-9"), ("待签收", totals["pending"], "orange"),
                                        ("已办结", totals["closed"], "grey")):
                with ui.card().classes("px-4 py-2").props("flat bordered"):
                    ui.label(label).classes("text-xs text-gray-500")
                    ui.label(str(value)).classes(f"text-2xl font-bold text-{color}").props(f'data-testid="count-{label}"')
            ui.space()
            if actor.role == Role.reporter:
                ui.link("我的任务 →", "/tasks/mine").classes("text-primary")
            if actor.role in (Role.admin, Role.dispatcher):
                _task_form_button(actor, "新建任务", units, leaders)
                ui.button("催办提醒", icon="notifications_active",
                          on_click=lambda: ui.navigate.to("/tasks/reminders")).props("outline")
            if actor.role in (Role.admin, Role.dispatcher, Role.leader):
                period = f"{today.year}-{today.month:02d}"
                ui.button("下载本月督查通报", icon="download", on_click=lambda: ui.navigate.to(
                    f"/api/v1/task-bulletin?period={period}&today={today.isoformat()}")).props("outline")
        state = {k: q.get(k) or None for k in ("unit", "leader", "status", "flag", "meeting", "q")}

        def apply():
            params = {k: v for k, v in state.items() if v not in (None, "")}
            if q.get("today"):
                params["today"] = q.get("today")
            ui.navigate.to("/tasks" + (f"?{urlencode(params)}" if params else ""))

        def setter(key):
            def set_(e):
                state[key] = str(e.value) if e.value not in (None, "") else None
                apply()
            return set_

        with ui.row().classes("w-full items-end gap-2"):
            ui.select({None: "全部单位", **{str(k): v for k, v in units.items()}}, value=state["unit"], label="单位",
                      with_input=True, on_change=setter("unit")).classes("w-48").props("dense outlined")
            ui.select({None: "全部领导", **{str(k): v for k, v in leaders.items()}}, value=state["leader"],
                      label="责任领导", on_change=setter("leader")).classes("w-44").props("dense outlined")
            ui.select({None: "全部状态", "open": "未办结", **{s.value: s.label for s in lc.Status}},
                      value=state["status"], label="状态", on_change=setter("status")).classes("w-36").props("dense outlined")
            ui.select({None: "不限", "overdue": "逾期", "due_soon": "临期", "attention": "临期或逾期"},
                      value=state["flag"], label="临期/逾期", on_change=setter("flag")).classes("w-36").props(
                'dense outlined data-testid="filter-flag"')
            ui.select({None: "全部来源会议", **{m: m for m in meetings}}, value=state["meeting"], label="来源会议",
                      on_change=setter("meeting")).classes("w-56").props("dense outlined")
            search = ui.input("搜索任务内容", value=state["q"] or "").props("dense outlined clearable").classes("w-48")
            search.on("keydown.enter", lambda: (state.__setitem__("q", search.value or None), apply()))
        if error:
            ui.label(error).classes("text-negative")
        columns = [
            {"name": "code", "style": "white-space:nowrap", "label": "编号", "field": "code", "sortable": True, "align": "left"},
            {"name": "content", "label": "任务内容", "field": "content", "align": "left",
             "style": "white-space:normal;min-width:280px;max-width:420px"},
            {"name": "lead", "label": "牵头单位", "field": "lead", "sortable": True, "align": "left"},
            {"name": "assist", "label": "配合单位", "field": "assist", "align": "left",
             "style": "white-space:normal;max-width:180px"},
            {"name": "leader", "label": "责任领导", "field": "leader", "align": "left"},
            {"name": "deadline", "style": "white-space:nowrap", "label": "完成时限", "field": "deadline", "sortable": True},
            {"name": "status", "style": "white-space:nowrap", "label": "状态", "field": "status", "sortable": True},
            {"name": "flag", "style": "white-space:nowrap", "label": "临期/逾期", "field": "flag", "sortable": True},
            {"name": "meeting", "label": "来源", "field": "meeting", "align": "left"},
        ]
        table = ui.table(columns=columns, rows=rows, row_key="id", pagination=25).classes("w-full").props(
            'flat bordered dense wrap-cells data-testid="ledger"')
        table.add_slot("body-cell-flag", r'''
            <q-td :props="props">
              <q-badge v-if="props.value" :color="props.value.startsWith('逾期') ? 'red' : 'amber-9'">{{ props.value }}</q-badge>
            </q-td>''')
        table.add_slot("body-cell-content", r'''
            <q-td :props="props"><a :href="'/tasks/' + props.row.id" class="text-primary" style="text-decoration:none">
              {{ props.value }}</a></q-td>''')
        ui.label(f"共 {len(rows)} 项（统计日 {today.isoformat()}）").classes("text-sm text-gray-500")


# --- one task ---------------------------------------------------------------------------------------


def _task(page, task_id: int, today: dt.date) -> None:
    actor = page.actor
    try:
        with ctx().db.session(actor) as session:
            task = svc.get_task(session, actor, task_id)
            fl = svc.flags_of(task, today)
            actions = [a for a in svc.allowed_actions(actor, task)]
            info = {
                "content": task.content, "status": task.status, "code": task.code or str(task.id),
                "lead": task.lead_unit.name, "assist": "、".join(u.name for u in task.assist_units) or "—",
                "leader": task.leader.display if task.leader else "—",
                "deadline": task.deadline, "original": task.original_deadline, "category": task.category,
                "source_kind": SOURCE_KINDS.get(task.source_kind, task.source_kind), "title": task.source_title,
                "source_date": task.source_date, "section": task.source_section, "quote": task.source_quote,
                "speech_id": task.source_speech_id, "span": (task.source_start, task.source_end),
                "parent": (task.parent.id, task.parent.content) if task.parent else None,
                "children": [(c.id, c.content, lc.Status(c.status).label) for c in task.children],
                "return_reason": task.last_return_reason, "requested": task.requested_deadline,
                "ext_reason": task.extension_reason,
                "milestones": [(m.title, m.due, m.done_on) for m in task.milestones],
            }
            reports = {r.id: r for r in task.reports}
            timeline = []
            for e in task.events:
                rep = reports.get((e.data or {}).get("report_id"))
                timeline.append({
                    "at": e.at, "on": e.on, "label": lc.Action(e.action).label, "who": e.actor_name or e.username,
                    "unit": e.unit.name if e.unit else "", "reason": e.reason,
                    "change": (f"{lc.Status(e.from_status).label} → {lc.Status(e.to_status).label}"
                               if e.from_status != e.to_status else ""),
                    "data": e.data or {},
                    "report": None if rep is None else {
                        "progress": rep.progress, "next": rep.next_steps, "problems": rep.problems,
                        "assist": rep.is_assist,
                        "files": [(a.id, a.filename, a.size) for a in rep.attachments]},
                })
            files = [(a.id, a.filename, a.size, a.report_id) for a in task.attachments]
            is_dispatcher = actor.role in (Role.admin, Role.dispatcher)
            units, leaders, _meetings = _choices(session, actor) if is_dispatcher else ({}, {}, [])
            can_upload = actor.role in (Role.admin, Role.dispatcher) or (
                actor.role == Role.reporter and actor.unit_id in {task.lead_unit_id, *[u.id for u in task.assist_units]})
    except DiaoduError as exc:
        with frame(page, "任务详情", "/tasks"):
            ui.label(exc.message).classes("text-negative")
        return
    with frame(page, f"任务 {info['code']}", "/tasks"):
        with ui.card().classes("w-full"):
            with ui.row().classes("items-center gap-2"):
                _status_chip(info["status"])
                _flag_chip(fl)
                if info["category"]:
                    ui.badge(info["category"], color="blue-grey").props("outline")
            ui.label(info["content"]).classes("text-lg font-medium").props('data-testid="task-content"')
            with ui.grid(columns="auto 1fr").classes("gap-x-4 gap-y-1 text-sm"):
                for k, v in (("牵头单位", info["lead"]), ("配合单位", info["assist"]), ("责任领导", info["leader"]),
                             ("完成时限", info["deadline"].isoformat() if info["deadline"] else "长期")):
                    ui.label(k).classes("text-gray-500")
                    ui.label(v)
                if info["original"] and info["original"] != info["deadline"]:
                    ui.label("原定时限").classes("text-gray-500")
                    ui.label(f"{info['original'].isoformat()}（已批准延期）")
                if info["requested"]:
                    ui.label("申请延期至").classes("text-gray-500")
                    ui.label(f"{info['requested'].isoformat()}：{info['ext_reason'] or ''}")
                if info["return_reason"] and info["status"] == "in_progress":
                    ui.label("最近退回").classes("text-gray-500")
                    ui.label(info["return_reason"]).classes("text-negative")
                if info["parent"]:
                    ui.label("上级任务").classes("text-gray-500")
                    ui.link(info["parent"][1][:40], f"/tasks/{info['parent'][0]}")
            if actions or is_dispatcher:
                with ui.row().classes("gap-2 pt-2").props('data-testid="actions"'):
                    for a in actions:
                        _action_button(actor, task_id, a)
                    if is_dispatcher and info["status"] != "closed":
                        _task_form_button(actor, "分解任务", units, leaders, parent_id=task_id, icon="account_tree")
        with section("来源"):
            ui.label(f"{info['source_kind']}：{info['title'] or '—'}"
                     + (f"（{info['source_date'].isoformat()}）" if info["source_date"] else "")).classes("text-sm")
            if info["section"]:
                ui.label(f"所属章节：{info['section']}").classes("text-sm text-gray-600")
            if info["quote"]:
                start, end = info["span"]
                where = f"讲话 #{info['speech_id']} 第{start}–{end}字" if info["speech_id"] and start is not None else ""
                ui.html(f'<blockquote data-testid="source-quote" style="margin:4px 0;padding:8px 12px;'
                        f'border-left:4px solid #9b1c1c;background:#fdf6f6;font-family:serif">'
                        f'{html.escape(info["quote"])}</blockquote>')
                if where:
                    ui.link(where, f"/speech/{info['speech_id']}").classes("text-xs")
        if info["milestones"] or info["children"]:
            with section("节点与分解任务"):
                for title, due, done in info["milestones"]:
                    ui.label(f"{'✔' if done else '○'} {title}  {due.isoformat() if due else ''}").classes("text-sm")
                for cid, content, status in info["children"]:
                    ui.link(f"[{status}] {content[:50]}", f"/tasks/{cid}").classes("text-sm")
        with section("办理过程"):
            if not timeline:
                ui.label("尚无办理记录（待签收）").classes("text-sm text-gray-500")
            with ui.timeline(side="right").classes("w-full").props('data-testid="timeline"'):
                for item in reversed(timeline):
                    subtitle = f"{item['on'].isoformat()} · {item['who']}" + (f"（{item['unit']}）" if item["unit"] else "")
                    with ui.timeline_entry(title=item["label"], subtitle=subtitle):
                        if item["change"]:
                            ui.label(item["change"]).classes("text-xs text-gray-500")
                        if item["reason"]:
                            ui.label(item["reason"]).classes("text-sm")
                        d = item["data"]
                        if d.get("summary"):
                            ui.label(f"办结情况：{d['summary']}").classes("text-sm")
                        if d.get("new_deadline"):
                            ui.label(f"新时限：{d['new_deadline']}（原 {d.get('old_deadline') or '—'}）").classes("text-sm")
                        rep = item["report"]
                        if rep:
                            if rep["assist"]:
                                ui.badge("配合单位报送", color="blue-grey").props("outline")
                            ui.label(f"进展情况：{rep['progress']}").classes("text-sm")
                            if rep["next"]:
                                ui.label(f"下步计划：{rep['next']}").classes("text-sm text-gray-700")
                            if rep["problems"]:
                                ui.label(f"存在问题：{rep['problems']}").classes("text-sm text-orange-9")
                            for aid, name, size in rep["files"]:
                                ui.link(f"📎 {name}（{size // 1024 + 1}KB）",
                                        f"/api/v1/tasks/{task_id}/attachments/{aid}").classes("text-xs")
        with section("附件"):
            loose = [f for f in files if f[3] is None]
            if not loose:
                ui.label("（进展报告的附件见办理过程）" if files else "暂无附件").classes("text-sm text-gray-500")
            for aid, name, size, _rid in loose:
                ui.link(f"📎 {name}（{size // 1024 + 1}KB）", f"/api/v1/tasks/{task_id}/attachments/{aid}").classes("text-sm")
            if can_upload:
                async def on_upload(e):
                    data = await e.file.read()
                    try:
                        with ctx().db.session(actor) as session:
                            svc.add_attachment(session, actor, task_id, e.file.name, data)
                    except DiaoduError as exc:
                        ui.notify(exc.message, type="negative")
                        return
                    ui.notify("附件已上传", type="positive")
                    ui.navigate.reload()

                ui.upload(label="上传附件（PDF、Word、Excel、图片，≤20MB）", on_upload=on_upload, auto_upload=True,
                          max_file_size=20 * 1024 * 1024).props("flat bordered accept=.pdf,.doc,.docx,.xls,.xlsx,.wps,.ofd,.jpg,.jpeg,.png").classes("w-full")
        if actor.role in (Role.admin, Role.dispatcher, Role.leader):
            ui.link("← 返回任务台账", "/tasks").classes("text-sm")
        else:
            ui.link("← 返回我的任务", "/tasks/mine").classes("text-sm")


# --- reminders: run, channels, delivery log (dispatchers) -------------------------------------------


def _reminders(page, today: dt.date) -> None:
    actor = page.actor
    with frame(page, "催办提醒", "/tasks"):
        if actor.role not in (Role.admin, Role.dispatcher):
            ui.label("仅调度员和管理员可访问此页面。").classes("text-gray-600")
            return
        with ctx().db.session(actor) as session:
            units = {u.id: u.name for u in session.scalars(select(Unit).order_by(Unit.sort, Unit.id))}
            channels = {c.unit_id: {"emails": "、".join(c.emails or []), "wecom": c.wecom_webhook or "",
                                    "dingtalk": c.dingtalk_webhook or "", "secret": bool(c.dingtalk_secret),
                                    "enabled": c.enabled, "version": c.version}
                        for c in svc.list_channels(session, actor)}
            log = [{"day": d.day.isoformat(), "unit": d.unit_name, "channel": d.channel, "target": d.target,
                    "result": "演练" if d.dry_run else ("成功" if d.ok else "失败"), "error": d.error or "",
                    "attempts": d.attempts} for d in svc.list_deliveries(session, actor, limit=100)]
        settings = svc.task_settings()
        with section("发送提醒"):
            ui.label(f"按单位汇总逾期、临期（{settings.due_soon_days}个工作日内到期）和待签收任务，"
                     f"通过邮件、企业微信、钉钉群机器人发送。服务器每个工作日{settings.remind_hour}点自动发送一次。"
                     ).classes("text-sm text-gray-600")
            with ui.row().classes("items-end gap-2"):
                day = ui.input("统计日期", value=today.isoformat()).props("dense outlined type=date stack-label")

                def run(dry: bool) -> None:
                    try:
                        when = dt.date.fromisoformat(day.value)
                        with ctx().db.session(actor) as session:
                            digests, results = svc.remind(session, actor, today=when, dry_run=dry)
                    except (DiaoduError, ValueError) as exc:
                        ui.notify(getattr(exc, "message", str(exc)), type="negative")
                        return
                    result.clear()
                    with result:
                        ui.label(f"{len(digests)}个单位，{len(results)}次投递，失败{sum(not r.ok for r in results)}次")
                        for r in results:
                            mark = "演练" if r.dry_run else ("✔" if r.ok else "✘")
                            ui.label(f"{mark} {r.unit} · {r.channel} · {r.target}"
                                     + (f"：{r.error}" if r.error else "")).classes("text-sm")

                ui.button("演练（不发送）", on_click=lambda: run(True)).props("outline")
                ui.button("立即发送", icon="send", on_click=lambda: run(False))
            result = ui.column().classes("w-full gap-0")
        with section("单位提醒渠道"):
            rows = [{"unit_id": uid, "unit": units.get(uid, str(uid)), **c, "secret": "已设置" if c["secret"] else ""}
                    for uid, c in channels.items()]
            ui.table(columns=[
                {"name": "unit", "label": "单位", "field": "unit", "align": "left"},
                {"name": "emails", "label": "邮箱", "field": "emails", "align": "left"},
                {"name": "wecom", "label": "企业微信机器人", "field": "wecom", "align": "left"},
                {"name": "dingtalk", "label": "钉钉机器人", "field": "dingtalk", "align": "left"},
                {"name": "secret", "label": "加签", "field": "secret"},
            ], rows=rows, row_key="unit_id").classes("w-full").props("flat bordered dense wrap-cells")
            with ui.row().classes("w-full items-end gap-2"):
                unit = ui.select({k: v for k, v in units.items()}, label="单位", with_input=True).props(
                    "dense outlined").classes("w-56")
                emails = ui.input("邮箱（多个用顿号或逗号分隔）").props("dense outlined").classes("w-64")
                wecom = ui.input("企业微信机器人地址").props("dense outlined").classes("w-64")
                ding = ui.input("钉钉机器人地址").props("dense outlined").classes("w-64")
                secret = ui.input("钉钉加签密钥", password=True).props("dense outlined").classes("w-48")

                def fill(e) -> None:
                    c = channels.get(e.value) or {}
                    emails.value, wecom.value, ding.value = c.get("emails", ""), c.get("wecom", ""), c.get("dingtalk", "")

                unit.on_value_change(fill)

                def save() -> None:
                    if unit.value is None:
                        ui.notify("请选择单位", type="warning")
                        return
                    parts = [p.strip() for p in (emails.value or "").replace("，", ",").replace("、", ",").split(",")]
                    try:
                        with ctx().db.session(actor) as session:
                            svc.set_channel(session, actor, unit.value, emails=[p for p in parts if p],
                                            wecom_webhook=wecom.value or None, dingtalk_webhook=ding.value or None,
                                            dingtalk_secret=secret.value or None)
                    except DiaoduError as exc:
                        ui.notify(exc.message, type="negative")
                        return
                    ui.notify("已保存", type="positive")
                    ui.navigate.reload()

                ui.button("保存", on_click=save)
        with section("投递记录（最近100条）"):
            ui.table(columns=[
                {"name": "day", "label": "日期", "field": "day"},
                {"name": "unit", "label": "单位", "field": "unit", "align": "left"},
                {"name": "channel", "label": "渠道", "field": "channel"},
                {"name": "target", "label": "目标", "field": "target", "align": "left"},
                {"name": "result", "label": "结果", "field": "result"},
                {"name": "attempts", "label": "尝试次数", "field": "attempts"},
                {"name": "error", "label": "错误", "field": "error", "align": "left"},
            ], rows=log, pagination=20).classes("w-full").props("flat bordered dense wrap-cells")
        ui.link("← 返回任务台账", "/tasks").classes("text-sm")


# --- 我的任务 (phone) -------------------------------------------------------------------------------


def _mine(page, today: dt.date) -> None:
    actor = page.actor
    with ctx().db.session(actor) as session:
        if actor.role == Role.reporter:
            tasks = svc.list_tasks(session, actor, svc.TaskFilter(status="open"), today=today)
        else:
            tasks = svc.list_tasks(session, actor, svc.TaskFilter(status="open", flag="attention"), today=today)
        cards = []
        for t in tasks:
            fl = svc.flags_of(t, today)
            is_lead = actor.unit_id == t.lead_unit_id
            group = ("待签收" if t.status == "pending" else "逾期" if fl.overdue else "临期" if fl.due_soon
                     else "办理中")
            cards.append({"id": t.id, "content": t.content, "deadline": t.deadline, "status": t.status, "flags": fl,
                          "lead": t.lead_unit.name, "role": "牵头" if is_lead else "配合", "group": group,
                          "actions": [a for a in svc.allowed_actions(actor, t)
                                      if a.value in ("sign", "report_progress", "request_close", "request_extension")]})
    order = ["待签收", "逾期", "临期", "办理中"]
    cards.sort(key=lambda c: (order.index(c["group"]), c["deadline"] or dt.date.max, c["id"]))
    with frame(page, "我的任务", "/tasks"):
        ui.add_head_html("<style>.task-card .q-btn{min-height:40px}</style>")
        counts = {g: sum(c["group"] == g for c in cards) for g in order}
        with ui.row().classes("w-full gap-2 no-wrap"):
            for g, color in (("待签收", "orange"), ("逾期", "red"), ("临期", "amber-9"), ("办理中", "primary")):
                with ui.card().classes("flex-1 items-center px-1 py-2").props("flat bordered"):
                    ui.label(str(counts[g])).classes(f"text-xl font-bold text-{color}").props(f'data-testid="mine-{g}"')
                    ui.label(g).classes("text-xs text-gray-500")
        if not cards:
            ui.label("暂无需要办理的任务。").classes("text-gray-500")
        current = None
        for c in cards:
            if c["group"] != current:
                current = c["group"]
                ui.label(current).classes("text-sm font-semibold text-gray-600 pt-2")
            with ui.card().classes("w-full task-card gap-1").props(f'flat bordered data-testid="task-{c["id"]}"'):
                with ui.row().classes("items-center gap-1"):
                    _status_chip(c["status"])
                    _flag_chip(c["flags"])
                    ui.badge(c["role"], color="blue-grey").props("outline")
                ui.link(c["content"], f"/tasks/{c['id']}").classes("text-base text-gray-900 no-underline")
                ui.label(f"完成时限：{c['deadline'].isoformat() if c['deadline'] else '长期'}"
                         + ("" if c["role"] == "牵头" else f"　牵头：{c['lead']}")).classes("text-xs text-gray-500")
                if c["actions"]:
                    with ui.row().classes("gap-2 pt-1"):
                        for a in c["actions"]:
                            _action_button(actor, c["id"], a, dense=False)


register()
