"""重点项目 pages: the ledger grid, a project page, the county summary, 招商项目 and
我联系的项目 (phone width). Every read and write goes through :mod:`diaodu.projects.service`
with the page's actor, so the policy decides exactly as for the API."""

from __future__ import annotations

import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from fastapi import Request
from nicegui import ui

from diaodu.core.errors import DiaoduError
from diaodu.core.models import Role
from diaodu.web.context import ctx
from diaodu.web.ui.shell import frame, page_actor, signed_in

from . import forms, pipeline, present, records, rules, service

WRITERS = (Role.admin, Role.dispatcher)
TABS = [("/projects", "项目台账"), ("/projects/summary", "分县汇总"), ("/projects/leads", "招商项目"),
        ("/projects/mine", "我联系的项目")]
BY_LABELS = {"county": "按县市区", "list": "按清单", "leader": "按联系市领导", "industry": "按产业", "chain": "按产业链"}
BY_TITLES = {"county": "分县市区", "list": "分清单", "leader": "分联系市领导", "industry": "分产业", "chain": "分产业链"}
STAGE_COLORS = {"储备": "grey-6", "前期": "blue-grey-6", "新开工": "green-7", "续建": "teal-7", "竣工": "indigo-6",
                "投产": "deep-purple-6"}


def _money(v: Decimal | None) -> str:
    if v is None:
        return "—"
    return f"{Decimal(v).quantize(Decimal('0.1')):,}"


def _yi(v: Decimal) -> str:
    return f"{(Decimal(v) / 10000).quantize(Decimal('0.01')):,}"


def _d(v: date | None) -> str:
    return v.isoformat() if v else "—"


def _today() -> date:
    return date.today()


def _tabs(active: str) -> None:
    with ui.row().classes("gap-1 flex-wrap"):
        for path, label in TABS:
            props = "unelevated color=primary" if path == active else "flat color=primary"
            ui.button(label, on_click=lambda p=path: ui.navigate.to(p)).props(f"{props} dense no-caps").classes("px-3")


def _kpi(label: str, value: str, sub: str = "", color: str = "text-gray-800") -> None:
    with ui.card().classes("p-3 min-w-[140px] flex-1").props("flat bordered"):
        ui.label(label).classes("text-xs text-gray-500")
        ui.label(value).classes(f"text-xl font-bold {color}")
        if sub:
            ui.label(sub).classes("text-xs text-gray-500")




# ---------------------------------------------------------------- ledger

_NOWRAP = "white-space:nowrap"
LEDGER_COLUMNS = [
    {"name": "name", "label": "项目名称 / 编码", "field": "code", "align": "left", "sortable": True},
    {"style": _NOWRAP, "headerStyle": _NOWRAP, "name": "county", "label": "县市区", "field": "county", "align": "left", "sortable": True},
    {"name": "lists", "label": "所属清单", "field": "lists", "align": "left", "style": "min-width:96px;font-size:12px"},
    {"style": _NOWRAP, "headerStyle": _NOWRAP, "name": "stage", "label": "阶段", "field": "stage", "align": "center", "sortable": True},
    {"style": _NOWRAP, "headerStyle": _NOWRAP, "name": "leader", "label": "联系市领导", "field": "leader", "align": "left", "sortable": True},
    {"name": "unit", "label": "责任单位", "field": "unit", "align": "left", "style": "min-width:100px;font-size:12px"},
    {"style": _NOWRAP, "headerStyle": _NOWRAP, "name": "total", "label": "总投资(万元)", "field": "total", "align": "right", "sortable": True},
    {"style": _NOWRAP, "headerStyle": _NOWRAP, "name": "plan", "label": "年度计划", "field": "plan", "align": "right"},
    {"style": _NOWRAP, "headerStyle": _NOWRAP, "name": "ytd", "label": "本年完成", "field": "ytd", "align": "right"},
    {"style": _NOWRAP, "headerStyle": _NOWRAP, "name": "rate", "label": "完成率", "field": "rate", "align": "right"},
    {"style": _NOWRAP, "headerStyle": _NOWRAP, "name": "gap", "label": "进度差", "field": "gap", "align": "right"},
    {"style": _NOWRAP, "headerStyle": _NOWRAP, "name": "reg", "label": "入库率", "field": "reg", "align": "right"},
    {"name": "flags", "label": "预警", "field": "flags", "align": "left"},
]


def _ledger_rows(projects, period: str, today: date) -> tuple[list[dict], list[rules.ProjectStatus], list]:
    rows, statuses, recs = [], [], []
    for p in projects:
        rec = service.to_record(p)
        st = rules.project_status(rec, period, today)
        flags = []
        if st.due_to_start and not st.started:
            flags.append("应开未开")
        if st.gap_flag:
            flags.append("入库缺口")
        if st.schedule_gap_pp is not None and st.schedule_gap_pp <= -10:
            flags.append("进度滞后")
        if st.overdue_nodes:
            flags.append(f"节点逾期{st.overdue_nodes}")
        if st.stalled:
            flags.append("停滞")
        rows.append({"id": p.id, "code": p.code, "name": p.name, "county": p.region.name,
                     "lists": "、".join(rec.lists), "stage": p.stage, "leader": rec.leader, "unit": rec.unit,
                     "total": _money(rec.total_investment), "plan": _money(rec.annual_plan),
                     "ytd": _money(st.ytd_completed), "rate": rules.fmt_pct(st.completion_rate),
                     "gap": "—" if st.schedule_gap_pp is None else f"{st.schedule_gap_pp:+.1f}",
                     "behind": bool(st.schedule_gap_pp is not None and st.schedule_gap_pp < 0),
                     "reg": rules.fmt_pct(st.registration_rate), "flags": flags})
        statuses.append(st)
        recs.append(rec)
    return rows, statuses, recs


def _period(request: Request, today) -> str:
    """The ?period=YYYY-MM asked for, else the default reporting month."""
    period = request.query_params.get("period")
    return period if period and records.is_month(period) else service.default_period(today)


def register() -> None:  # noqa: C901 - one function per page, registered in order
    @ui.page("/projects")
    def ledger_page(request: Request):
        page = page_actor(request)
        if not signed_in(page):
            return page
        actor = page.actor
        today = _today()
        period = _period(request, today)
        with ctx().db.session() as session:
            regions = service.Regions(session)
            county_opts = {c.id: c.name for c in regions.counties()}
            leader_opts = {p.id: p.name for p in service.leaders(session)}
            from sqlalchemy import select

            from .models import ProjectList
            list_opts = [n for n in session.scalars(select(ProjectList.name).order_by(ProjectList.sort,
                                                                                     ProjectList.name))]
        state = {"region_id": None, "list_name": None, "stage": None, "leader": None, "gap": False, "q": ""}
        with frame(page, "重点项目", "/projects"):
            ui.add_css(".ledger td, .ledger th{padding:4px 6px !important}")
            _tabs("/projects")
            kpis = ui.row().classes("w-full gap-3")
            with ui.card().classes("w-full p-3").props("flat bordered"):
                with ui.row().classes("w-full items-end gap-3 flex-wrap"):
                    ui.select(county_opts, label="县市区", clearable=True,
                              on_change=lambda e: _set("region_id", e.value)).classes("w-32").props(
                        'dense data-testid="f-county"')
                    ui.select(list_opts, label="所属清单", clearable=True,
                              on_change=lambda e: _set("list_name", e.value)).classes("w-40").props("dense")
                    ui.select(list(records.STAGES), label="建设阶段", clearable=True,
                              on_change=lambda e: _set("stage", e.value)).classes("w-28").props("dense")
                    ui.select(leader_opts, label="联系市领导", clearable=True,
                              on_change=lambda e: _set("leader", e.value)).classes("w-32").props("dense")
                    ui.checkbox("只看入库缺口", on_change=lambda e: _set("gap", e.value)).props(
                        'dense data-testid="f-gap"')
                    ui.input("搜索名称或编码", on_change=lambda e: _set("q", e.value)).classes("w-44").props(
                        "dense clearable debounce=300")
                    ui.space()
                    ui.label(f"统计期：{int(period[:4])}年1-{int(period[5:])}月（序时进度"
                             f"{rules.fmt_pct(rules.schedule_progress(period))}）").classes("text-sm text-gray-600")
            table = ui.table(columns=LEDGER_COLUMNS, rows=[], row_key="id",
                             pagination={"rowsPerPage": 15, "sortBy": "name"}).classes("w-full ledger").props(
                'dense flat bordered wrap-cells data-testid="ledger"')
            table.add_slot("body-cell-name", r'''
                <q-td :props="props" style="min-width:190px">
                  <a :href="'/projects/' + props.row.id" class="text-primary" style="text-decoration:none">{{ props.row.name }}</a>
                  <div class="text-grey-6" style="font-size:11px">{{ props.row.code }}</div>
                </q-td>''')
            table.add_slot("body-cell-stage", r'''
                <q-td :props="props"><q-badge outline color="primary" :label="props.value"/></q-td>''')
            table.add_slot("body-cell-gap", r'''
                <q-td :props="props" :class="props.row.behind ? 'text-red-8' : 'text-green-8'">{{ props.value }}</q-td>''')
            table.add_slot("body-cell-flags", r'''
                <q-td :props="props">
                  <q-badge v-for="f in props.value" :key="f" class="q-mr-xs q-mb-xs"
                    :color="f === '入库缺口' ? 'orange-8' : (f === '停滞' || f === '应开未开' ? 'red-8' : 'deep-orange-5')"
                    :label="f"/>
                </q-td>''')
            with ui.row().classes("gap-2 items-center"):
                ui.button("导出台账", icon="download", on_click=lambda: _export()).props("outline dense no-caps")
                if actor.role in WRITERS:
                    ui.button("新建项目", icon="add", on_click=lambda: forms.project_dialog(
                        actor, None, lambda pid: ui.navigate.to(f"/projects/{pid}"))).props(
                        'outline dense no-caps data-testid="new-project"')
                    ui.button("下载导入模板", icon="description", on_click=lambda: _template()).props(
                        "flat dense no-caps")
                    with ui.dialog() as upload_dlg, ui.card().classes("w-[28rem]"):
                        ui.label("导入项目台账").classes("font-bold")
                        ui.label("按模板填写的 .xlsx；整体一个事务，任何一处错误都不写入，并逐行逐列列出。"
                                 "已有编码的项目会被更新。").classes("text-sm text-gray-600")
                        ui.upload(auto_upload=True, on_upload=lambda e: _import(e, upload_dlg)).props(
                            'accept=".xlsx" flat bordered').classes("w-full")
                    ui.button("导入台账", icon="upload", on_click=upload_dlg.open).props("outline dense no-caps")

        def _set(key, value):
            state[key] = value
            _reload()

        def _reload():
            flt = service.ProjectFilter(region_id=state["region_id"], list_name=state["list_name"],
                                        stage=state["stage"], leader_person_id=state["leader"],
                                        gap_only=state["gap"], q=state["q"] or None, month=period)
            with ctx().db.session() as session:
                projects = service.list_projects(session, actor, flt, today)
                rows, statuses, recs = _ledger_rows(projects, period, today)
            table.rows = rows
            table.update()
            total = rules.total_row(recs, period, today)
            kpis.clear()
            with kpis:
                _kpi("项目数", f"{total.projects}个", f"总投资{_yi(total.total_investment)}亿元")
                _kpi("本年完成投资", f"{_yi(total.ytd_completed)}亿元", f"年度计划{_yi(total.annual_plan)}亿元")
                behind = total.schedule_gap_pp is not None and total.schedule_gap_pp < 0
                _kpi("年度完成率", rules.fmt_pct(total.completion_rate),
                     f"序时进度{rules.fmt_pct(total.schedule_progress)}",
                     "text-red-700" if behind else "text-green-700")
                _kpi("开工率", rules.fmt_pct(total.start_rate), f"应开工{total.due_to_start}个、已开工{total.started}个")
                _kpi("入库率", rules.fmt_pct(total.registration_rate),
                     f"入库缺口{_yi(total.registration_gap)}亿元",
                     "text-orange-700" if total.gap_flag else "text-gray-800")
                _kpi("入库缺口项目", f"{total.gap_projects}个", f"逾期节点{total.overdue_nodes}个、停滞{total.stalled}个",
                     "text-orange-700")

        def _export():
            with tempfile.TemporaryDirectory() as tmp, ctx().db.session() as session:
                path = service.export_ledger(session, actor, Path(tmp) / "ledger.xlsx")
                data = path.read_bytes()
            ui.download.content(data, f"重点项目台账_{today:%Y%m%d}.xlsx")

        def _template():
            from . import ledger_xlsx

            with tempfile.TemporaryDirectory() as tmp:
                data = ledger_xlsx.write_template(Path(tmp) / "t.xlsx").read_bytes()
            ui.download.content(data, "重点项目台账模板.xlsx")

        async def _import(e, dlg):
            dlg.close()
            data = await e.file.read()
            try:
                with tempfile.TemporaryDirectory() as tmp:
                    path = Path(tmp) / "upload.xlsx"
                    path.write_bytes(data)
                    with ctx().db.session(actor) as session:
                        result = service.import_ledger(session, actor, path, display_name=e.file.name)
            except DiaoduError as exc:
                with ui.dialog() as dlg, ui.card().classes("max-w-3xl"):
                    ui.label("导入失败，未写入任何数据").classes("text-red-700 font-bold")
                    ui.label(exc.message).classes("text-sm whitespace-pre-wrap")
                    ui.button("关闭", on_click=dlg.close).props("flat")
                dlg.open()
                return
            ui.notify(result.message(), type="positive")
            for w in result.warnings[:5]:
                ui.notify(w, type="warning")
            _reload()

        _reload()
        return None

    @ui.page("/projects/summary")
    def summary_page(request: Request):
        page = page_actor(request)
        if not signed_in(page):
            return page
        actor = page.actor
        today = _today()
        period = _period(request, today)
        with frame(page, "重点项目 · 分县汇总", "/projects"):
            _tabs("/projects/summary")
            by = request.query_params.get("by") or "county"
            if by not in BY_LABELS:
                by = "county"
            with ui.row().classes("items-end gap-3"):
                month = ui.input("统计月份", value=period).props("dense mask='####-##'").classes("w-32")
                group = ui.select(BY_LABELS, value=by, label="汇总方式").props("dense").classes("w-36")
                ui.button("查看", on_click=lambda: ui.navigate.to(
                    f"/projects/summary?period={month.value}&by={group.value}")).props("unelevated dense no-caps")
            try:
                with ctx().db.session() as session:
                    result = service.summary(session, actor, period, min(today, rules.month_end(period)), by=by)
                    if by != "county":
                        total = service.summary(session, actor, period, min(today, rules.month_end(period))).total
                    else:
                        total = result.total
                    lead_rows, lead_total = service.lead_rates(session, actor, rules.month_end(period))
            except DiaoduError as exc:
                ui.label(exc.message).classes("text-red-700")
                return None
            with ui.card().classes("w-full").props("flat bordered"):
                ui.label("数据段落").classes("text-sm text-gray-500")
                ui.label(present.data_sentence(total, period)).classes("text-base leading-7").props(
                    'data-testid="sentence"')
            _table_card(f"{BY_TITLES[by]}重点项目推进情况",
                        present.summary_table(result.rows + [total], key_header=BY_LABELS[by][1:]),
                        highlight="缺口预警")
            _table_card(f"招商项目履约情况（截至{rules.month_end(period).isoformat()}签约的项目）",
                        present.lead_table(lead_rows + [lead_total]))
            ui.label("口径：完成率=本年完成投资/年度计划投资；序时进度=月份/12；开工率=应开工项目中已开工的比例；"
                     "入库率=本年入库金额/本年完成投资；入库率低于80%且缺口不少于500万元时预警。"
                     ).classes("text-xs text-gray-500")
        return None

    @ui.page("/projects/leads")
    def leads_page(request: Request):
        page = page_actor(request)
        if not signed_in(page):
            return page
        actor = page.actor
        today = _today()
        with frame(page, "重点项目 · 招商项目", "/projects"):
            _tabs("/projects/leads")
            container = ui.column().classes("w-full gap-3")

            def render():
                container.clear()
                with ctx().db.session() as session:
                    leads = service.list_leads(session, actor)
                    recs = [service.to_lead(ld) for ld in leads]
                    rows = [{"id": ld.id, "version": ld.version, "code": ld.code, "name": ld.name,
                             "county": ld.region.name, "investor": ld.investor, "stage": ld.stage,
                             "contract": _money(service.dec(ld.contract_amount)),
                             "funds": _money(service.dec(ld.funds_in_place)),
                             "signed": _d(ld.signed_date), "started": _d(ld.started_date),
                             "project": ld.project.code if ld.project else "",
                             "project_id": ld.project_id,
                             "convertible": pipeline.can_become_key_project(rec)}
                            for ld, rec in zip(leads, recs, strict=True)]
                counts = pipeline.stage_counts(recs)
                with container:
                    with ui.row().classes("w-full gap-3"):
                        for stage in pipeline.LEAD_STAGES:
                            _kpi(stage, f"{counts[stage]}个")
                    if actor.role in WRITERS:
                        ui.button("登记招商项目", icon="add", on_click=lambda: forms.lead_dialog(actor, render)).props(
                            'outline dense no-caps data-testid="new-lead"')
                    cols = [{"name": k, "label": label, "field": k, "align": "left"} for k, label in (
                        ("code", "编号"), ("name", "项目名称"), ("county", "县市区"), ("investor", "投资方"),
                        ("stage", "阶段"), ("contract", "合同金额(万元)"), ("funds", "到位资金(万元)"),
                        ("signed", "签约日期"), ("started", "开工日期"), ("project", "重点项目"))]
                    if actor.role != Role.leader:
                        cols.append({"name": "act", "label": "操作", "field": "id", "align": "left"})
                    table = ui.table(columns=cols, rows=rows, row_key="id", pagination=15).classes("w-full").props(
                        "dense flat bordered wrap-cells")
                    table.add_slot("body-cell-project", r'''
                        <q-td :props="props"><a v-if="props.row.project_id" :href="'/projects/' + props.row.project_id"
                          class="text-primary">{{ props.value }}</a></q-td>''')
                    if actor.role != Role.leader:
                        table.add_slot("body-cell-act", r'''
                            <q-td :props="props">
                              <q-btn v-if="props.row.stage !== '投产'" dense flat color="primary" label="推进"
                                @click="$parent.$emit('advance', props.row)"/>
                              <q-btn v-if="props.row.convertible" dense flat color="green-8" label="转重点项目"
                                @click="$parent.$emit('convert', props.row)"/>
                            </q-td>''')
                        table.on("advance", lambda e: advance_dialog(e.args))
                        table.on("convert", lambda e: convert_dialog(e.args))

            def advance_dialog(row):
                nxt = pipeline.LEAD_STAGES[pipeline.stage_index(row["stage"]) + 1]
                with ui.dialog() as dlg, ui.card():
                    ui.label(f"推进“{row['name']}”：{row['stage']} → {nxt}").classes("font-bold")
                    day = ui.input(f"{nxt}日期", value=today.isoformat()).props("type=date")

                    def go():
                        try:
                            with ctx().db.session(actor) as session:
                                service.advance_lead(session, actor, row["id"], nxt, date.fromisoformat(day.value),
                                                     version=row["version"])
                        except (DiaoduError, ValueError) as exc:
                            ui.notify(getattr(exc, "message", str(exc)), type="negative")
                            return
                        ui.notify(f"已推进到“{nxt}”，已记入审计日志", type="positive")
                        dlg.close()
                        render()
                    ui.button("确定", on_click=go).props("unelevated")
                dlg.open()

            def convert_dialog(row):
                with ui.dialog() as dlg, ui.card():
                    ui.label(f"“{row['name']}”转为重点项目").classes("font-bold")
                    code = ui.input("项目编码", value=f"XM{today.year}{row['code'][-3:]}Z")

                    def go():
                        try:
                            with ctx().db.session(actor) as session:
                                p = service.convert_lead(session, actor, row["id"], code=code.value or "")
                                pid = p.id
                        except DiaoduError as exc:
                            ui.notify(exc.message, type="negative")
                            return
                        dlg.close()
                        ui.navigate.to(f"/projects/{pid}")
                    ui.button("确定", on_click=go).props("unelevated")
                dlg.open()

            render()
        return None

    @ui.page("/projects/mine")
    def mine_page(request: Request):
        page = page_actor(request)
        if not signed_in(page):
            return page
        actor = page.actor
        today = _today()
        period = service.default_period(today)
        with ctx().db.session() as session:
            me = service.leader_of(session, actor)
            leader_opts = {p.id: p.display for p in service.leaders(session)}
        chosen = request.query_params.get("leader")
        leader_id = me.id if me else (int(chosen) if chosen and chosen.isdigit() else next(iter(leader_opts), None))
        with frame(page, "我联系的项目", "/projects"):
            ui.add_head_html("<style>.mine-card{border-left:4px solid #9b1c1c}</style>")
            if me is None:
                ui.select(leader_opts, value=leader_id, label="联系市领导",
                          on_change=lambda e: ui.navigate.to(f"/projects/mine?leader={e.value}")).classes(
                    "w-full").props("dense outlined")
            with ctx().db.session() as session:
                projects = service.list_projects(session, actor, service.ProjectFilter(leader_person_id=leader_id))
                items = []
                for p in projects:
                    rec = service.to_record(p)
                    items.append((p.id, rec, rules.project_status(rec, period, today),
                                  rules.project_alerts(rec, period, today)))
            recs = [rec for _i, rec, _s, _a in items]
            total = rules.total_row(recs, period, today)
            ui.label(f"{int(period[5:])}月止：联系项目{total.projects}个，本年完成投资{_yi(total.ytd_completed)}亿元，"
                     f"完成率{rules.fmt_pct(total.completion_rate)}（序时{rules.fmt_pct(total.schedule_progress)}），"
                     f"入库率{rules.fmt_pct(total.registration_rate)}。").classes("text-sm text-gray-700")
            items.sort(key=lambda x: (-len(x[3]), x[1].code))
            for pid, rec, st, alerts in items:
                with ui.link(target=f"/projects/{pid}").classes("w-full no-underline text-inherit"):
                    with ui.card().classes("w-full p-3 gap-1 mine-card").props("flat bordered"):
                        with ui.row().classes("w-full items-center no-wrap gap-2"):
                            ui.label(rec.name).classes("font-semibold text-gray-800 leading-5")
                            ui.space()
                            ui.badge(rec.stage, color=STAGE_COLORS.get(rec.stage, "grey")).classes("shrink-0")
                        ui.label(f"{rec.county} · {rec.unit or '—'}").classes("text-xs text-gray-500")
                        rate = float(st.completion_rate or 0)
                        with ui.row().classes("w-full items-center no-wrap gap-2"):
                            ui.linear_progress(value=min(rate, 1.0), show_value=False, size="8px",
                                               color="green-7" if (st.schedule_gap_pp or 0) >= 0 else "red-7"
                                               ).classes("flex-1")
                            ui.label(f"{rules.fmt_pct(st.completion_rate)}").classes("text-sm w-14 text-right")
                        ui.label(f"本年完成{_money(st.ytd_completed)}万元 / 计划{_money(rec.annual_plan)}万元"
                                 ).classes("text-xs text-gray-600")
                        for a in alerts[:3]:
                            ui.label(f"⚠ {a}").classes("text-xs text-red-700")
            if not items:
                ui.label("暂无联系的重点项目。").classes("text-gray-500")
        return None

    @ui.page("/projects/{project_id}")
    def project_page(request: Request, project_id: int):
        page = page_actor(request)
        if not signed_in(page):
            return page
        actor = page.actor
        today = _today()
        period = _period(request, today)
        with frame(page, "重点项目", "/projects"):
            body = ui.column().classes("w-full gap-3")

            def render():
                body.clear()
                try:
                    with ctx().db.session() as session:
                        view = service.project_view(session, actor, project_id, period, today)
                        p = view["project"]
                        can_write = actor.role in WRITERS or (actor.role == Role.reporter)
                        info = _project_info(p, view)
                        nodes = [(n.id, n.name, n.planned_date, n.done_date) for n in p.nodes]
                        problems = [(q.id, q.version, q.text, q.unit.name if q.unit else "", q.deadline, q.status,
                                     q.task_id) for q in p.problems]
                        reports = [(r.month, service.dec(r.amount), service.dec(r.registered), r.progress,
                                    r.reported_by, len(r.photos), r.id) for r in p.reports]
                        info["photos"] = [(ph.id, r.month, ph.filename) for r in p.reports for ph in r.photos]
                        info["report_ids"] = {r.month: r.id for r in p.reports}
                except DiaoduError as exc:
                    with body:
                        ui.label(exc.message).classes("text-red-700")
                    return
                with body:
                    _project_body(info, view, nodes, problems, reports, can_write, actor, today, render)

            render()
        return None


def _table_card(title: str, table: list[list[str]], highlight: str | None = None) -> None:
    head, *rows = table
    cols = [{"name": f"c{i}", "label": h, "field": f"c{i}", "align": "left" if i == 0 else "right",
             "style": _NOWRAP} for i, h in enumerate(head)]
    data = [{f"c{i}": v for i, v in enumerate(r)} | {"id": n} for n, r in enumerate(rows)]
    with ui.card().classes("w-full").props("flat bordered"):
        ui.label(title).classes("font-semibold text-gray-700")
        t = ui.table(columns=cols, rows=data, row_key="id").classes("w-full").props(
            "dense flat wrap-cells hide-bottom")
        if highlight and highlight in head:
            i = head.index(highlight)
            t.add_slot(f"body-cell-c{i}", r'''
                <q-td :props="props"><q-badge v-if="props.value" color="orange-8" label="预警"/></q-td>''')
        t.add_slot("body-cell-c0", r'''
            <q-td :props="props" :class="props.value === '合计' ? 'text-weight-bold' : ''">{{ props.value }}</q-td>''')


def _project_info(p, view) -> dict:
    rec = view["record"]
    return {"id": p.id, "version": p.version, "code": p.code, "name": p.name, "rec": rec, "county": p.region.name,
            "leader": p.leader.display if p.leader else "—"}


def _project_body(info, view, nodes, problems, reports, can_write, actor, today, rerender) -> None:  # noqa: C901
    rec: records.Project = info["rec"]
    st: rules.ProjectStatus = view["status"]
    period = view["period"]
    ui.add_css(".q-timeline__title{font-size:14px;font-weight:600;margin-bottom:0;line-height:1.4}"
               ".q-timeline__content{padding-bottom:10px}.q-timeline__subtitle{font-size:12px}"
               ".q-timeline--dense--right .q-timeline__entry{padding-left:28px}"
               ".q-timeline__content div{font-size:12px;color:#4b5563}")
    with ui.row().classes("w-full items-center gap-2"):
        ui.link("← 项目台账", "/projects").classes("text-sm")
    with ui.card().classes("w-full").props("flat bordered"):
        with ui.row().classes("w-full items-center gap-2"):
            ui.label(rec.name).classes("text-lg font-bold text-gray-800").props('data-testid="project-name"')
            ui.badge(rec.stage, color=STAGE_COLORS.get(rec.stage, "grey"))
            for name in rec.lists:
                ui.badge(name, color="red-1").classes("text-red-900")
            ui.space()
            ui.label(f"项目编码 {rec.code}").classes("text-xs text-gray-500")
            if can_write:
                ui.button("修改" if actor.role in WRITERS else "填报进展", icon="edit",
                          on_click=lambda: forms.project_dialog(actor, info["id"], lambda _pid: rerender())).props(
                    'outline dense no-caps data-testid="edit-project"')
        with ui.grid().classes("w-full gap-x-6 gap-y-1 grid-cols-2 md:grid-cols-4 text-sm mt-2"):
            for label, value in (
                ("县市区", info["county"]), ("业主单位", rec.owner or "—"), ("责任单位", rec.unit or "—"),
                ("联系市领导", info["leader"]), ("所属产业", f"{rec.industry or '—'} / {rec.chain or '—'}"),
                ("总投资", f"{_money(rec.total_investment)}万元"), ("年度计划投资", f"{_money(rec.annual_plan)}万元"),
                ("累计完成投资", f"{_money(st.cumulative_completed)}万元"),
                ("计划开工", _d(rec.planned_start)), ("实际开工", _d(rec.actual_start)),
                ("计划竣工", _d(rec.planned_completion)), ("实际竣工", _d(rec.actual_completion)),
            ):
                with ui.column().classes("gap-0"):
                    ui.label(label).classes("text-xs text-gray-500")
                    ui.label(value).classes("text-gray-800")
        with ui.row().classes("w-full gap-1 mt-1"):
            ui.label("形象进度：").classes("text-sm text-gray-500")
            ui.label(rec.progress or "—").classes("text-sm")
    with ui.row().classes("w-full gap-3"):
        behind = st.schedule_gap_pp is not None and st.schedule_gap_pp < 0
        _kpi(f"本年完成投资（1-{int(period[5:])}月）", f"{_money(st.ytd_completed)}万元")
        _kpi("年度完成率", rules.fmt_pct(st.completion_rate),
             f"序时进度{rules.fmt_pct(rules.schedule_progress(period))}，差{st.schedule_gap_pp or 0:+}个百分点",
             "text-red-700" if behind else "text-green-700")
        _kpi("本年入库", f"{_money(st.ytd_registered)}万元", f"入库率{rules.fmt_pct(st.registration_rate)}",
             "text-orange-700" if st.gap_flag else "text-gray-800")
        _kpi("统计入库", rec.reg_status, f"入库日期{_d(rec.reg_date)}，累计{_money(rec.reg_amount)}万元")
    if view["alerts"]:
        with ui.card().classes("w-full bg-red-50").props("flat bordered"):
            ui.label("预警").classes("font-semibold text-red-800")
            for a in view["alerts"]:
                ui.label(f"• {a}").classes("text-sm text-red-800")

    with ui.row().classes("w-full gap-3 items-stretch flex-wrap lg:flex-nowrap"):
        with ui.card().classes("flex-[2] min-w-[320px]").props("flat bordered"):
            ui.label(f"{period[:4]}年月度投资与年度计划（万元）").classes("font-semibold text-gray-700")
            chart = view["chart"]
            ui.echart({
                "tooltip": {"trigger": "axis"},
                "legend": {"data": ["本月完成投资", "本月入库", "累计完成", "序时计划"], "bottom": 0},
                "grid": {"left": 60, "right": 20, "top": 20, "bottom": 50},
                "xAxis": {"type": "category", "data": [f"{int(c['month'][5:])}月" for c in chart]},
                "yAxis": {"type": "value"},
                "series": [
                    {"name": "本月完成投资", "type": "bar", "data": [float(c["amount"]) for c in chart],
                     "itemStyle": {"color": "#2563eb"}},
                    {"name": "本月入库", "type": "bar", "data": [float(c["registered"]) for c in chart],
                     "itemStyle": {"color": "#f59e0b"}},
                    {"name": "累计完成", "type": "line", "data": [float(c["cumulative"]) for c in chart],
                     "itemStyle": {"color": "#16a34a"}, "smooth": True},
                    {"name": "序时计划", "type": "line", "data": [float(c["plan"]) for c in chart],
                     "lineStyle": {"type": "dashed"}, "itemStyle": {"color": "#9b1c1c"}},
                ],
            }).classes("w-full h-72")
        with ui.card().classes("flex-1 min-w-[280px]").props("flat bordered"):
            ui.label("节点").classes("font-semibold text-gray-700")
            if not nodes:
                ui.label("暂无节点").classes("text-sm text-gray-500")
            with ui.timeline(side="right", layout="dense").classes("w-full"):
                for node_id, name, planned, done in nodes:
                    node = records.Node(name, planned, done)
                    if done and done <= today:
                        color, icon, sub = "green-7", "check", f"计划{_d(planned)}，{_d(done)}完成"
                    elif rules.is_overdue(node, today):
                        color, icon = "red-7", "priority_high"
                        sub = f"计划{_d(planned)}，逾期{(today - planned).days}天"
                    else:
                        color, icon, sub = "grey-6", "schedule", f"计划{_d(planned)}"
                    ui.timeline_entry(sub, title=name, icon=icon, color=color)

    with ui.card().classes("w-full").props("flat bordered"):
        ui.label("问题清单").classes("font-semibold text-gray-700")
        if not problems:
            ui.label("暂无问题").classes("text-sm text-gray-500")
        for qid, version, text, unit, deadline, status, task_id in problems:
            late = status != "已解决" and deadline is not None and deadline < today
            with ui.row().classes("w-full items-center gap-2 py-1 no-wrap").style(
                    "border-bottom:1px solid #eee"):
                ui.badge(status, color={"已解决": "green-7", "解决中": "blue-7"}.get(status, "orange-8"))
                with ui.column().classes("gap-0 flex-1"):
                    ui.label(text).classes("text-sm")
                    ui.label(f"责任单位：{unit or '—'}　时限：{_d(deadline)}" + ("（已超时限）" if late else "")
                             ).classes("text-xs " + ("text-red-700" if late else "text-gray-500"))
                if task_id:
                    ui.badge(f"督办任务 {task_id}", color="primary").props("outline")
                elif actor.role in WRITERS and status != "已解决":
                    def to_task(qid=qid):
                        try:
                            with ctx().db.session(actor) as session:
                                service.problem_to_task(session, actor, qid)
                        except DiaoduError as exc:
                            ui.notify(exc.message, type="warning")
                            return
                        ui.notify("已转为督办任务", type="positive")
                        rerender()
                    ui.button("转督办任务", on_click=to_task).props("flat dense no-caps color=primary")

    with ui.card().classes("w-full").props("flat bordered"):
        ui.label("月度填报（累计由系统汇总，不需填写）").classes("font-semibold text-gray-700")
        cum = Decimal(0)
        rows = []
        for month, amount, registered, progress, by, photos, _rid in reports:
            cum += amount
            rows.append({"month": month, "amount": _money(amount), "cum": _money(cum), "registered": _money(registered),
                         "progress": progress or "", "by": by or "", "photos": photos or ""})
        ui.table(columns=[{"name": k, "label": label, "field": k, "align": "left" if k in ("progress", "by") else "right"}
                          for k, label in (("month", "月份"), ("amount", "本月完成投资"), ("cum", "累计完成"),
                                           ("registered", "本月入库"), ("progress", "形象进度"), ("by", "填报单位"),
                                           ("photos", "照片"))],
                 rows=list(reversed(rows)), row_key="month", pagination=6).classes("w-full").props(
            'dense flat wrap-cells no-data-label="暂无月度填报"')
        if can_write:
            with ui.expansion("填报本月数据", icon="edit_note").classes("w-full"):
                with ui.row().classes("items-end gap-3 flex-wrap"):
                    m = ui.input("月份", value=service.default_period(today)).props("dense mask='####-##'").classes("w-28")
                    a = ui.number("本月完成投资(万元)", min=0, format="%.1f").props("dense").classes("w-40")
                    r = ui.number("本月入库金额(万元)", min=0, value=0, format="%.1f").props("dense").classes("w-40")
                    pr = ui.input("形象进度").props("dense").classes("w-64")

                    def submit():
                        try:
                            with ctx().db.session(actor) as session:
                                filed = service.file_monthly(session, actor, info["id"], month=m.value or "",
                                                             amount=Decimal(str(a.value or 0)),
                                                             registered=Decimal(str(r.value or 0)),
                                                             progress=pr.value or "", today=today)
                        except DiaoduError as exc:
                            ui.notify(exc.message, type="negative")
                            return
                        ui.notify("已保存", type="positive")
                        for w in filed.warnings:
                            ui.notify(w, type="warning", timeout=8000)
                        rerender()
                    ui.button("保存", on_click=submit).props("unelevated")

                async def upload_photo(e):
                    data = await e.file.read()
                    report_id = info["report_ids"].get(m.value or "")
                    if report_id is None:
                        ui.notify(f"请先保存{m.value}的月度数据，再上传照片", type="warning")
                        return
                    try:
                        with ctx().db.session(actor) as session:
                            service.add_photo(session, actor, report_id, filename=e.file.name, data=data,
                                              upload_dir=ctx().settings.upload_dir)
                    except DiaoduError as exc:
                        ui.notify(exc.message, type="negative")
                        return
                    ui.notify(f"已上传照片：{e.file.name}", type="positive")
                    rerender()
                ui.upload(label="上传上方月份的形象进度照片（JPG/PNG/WEBP，5MB以内）", multiple=True, auto_upload=True,
                          on_upload=upload_photo, max_file_size=rules.PHOTO_MAX_BYTES).props(
                    'accept=".jpg,.jpeg,.png,.webp" flat bordered').classes("w-full max-w-xl mt-2")
    if info.get("photos"):
        with ui.card().classes("w-full").props("flat bordered"):
            ui.label("形象进度照片").classes("font-semibold text-gray-700")
            with ui.row().classes("gap-3 flex-wrap"):
                for photo_id, month, filename in reversed(info["photos"][-12:]):
                    with ui.column().classes("gap-0 items-center"):
                        ui.image(f"/api/v1/projects/photos/{photo_id}").classes("w-40 h-28 rounded").props(
                            "fit=cover")
                        ui.label(f"{month} {filename}").classes("text-xs text-gray-500")


register()
