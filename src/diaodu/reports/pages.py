"""报告 at /reports: what the monthly loop hands out, in one place — the standard data paragraphs
and the 指标监测表 (Excel) of a period, the 督查通报 (Word) and the project ledger (Excel).

Downloads are the modules' own API endpoints (the browser sends the session cookie), so who may
download what is decided there, exactly as for the API.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlencode

from fastapi import Request
from nicegui import ui

from diaodu.core.models import Role
from diaodu.monitor import rules
from diaodu.monitor import service as monitor
from diaodu.web.context import ctx
from diaodu.web.ui.shell import frame, page_actor, signed_in

OVERVIEW = (Role.admin, Role.dispatcher, Role.leader)  # the bulletin names every unit (tasks service)


def register() -> None:
    @ui.page("/reports")
    def reports(request: Request):
        page = page_actor(request)
        if not signed_in(page):
            return page
        with frame(page, "报告", "/reports"):
            _economy_card(page.actor)
            with ui.element("div").classes("w-full grid gap-3").style(
                    "grid-template-columns:repeat(auto-fit,minmax(min(100%,360px),1fr))"):
                if page.actor.role in OVERVIEW:
                    _bulletin_card()
                _projects_card()
        return None


def _economy_card(actor) -> None:
    with ctx().db.session(actor) as s:
        periods = monitor.available_periods(s)
    state = {"period": periods[0] if periods else None, "scope": None}
    with ui.card().classes("w-full"):
        ui.label("经济运行数据").classes("text-base font-semibold text-gray-700")
        if not periods:
            ui.label("还没有指标数据：请先在“驾驶舱 → 数据维护”导入统计月报卡。").classes("text-gray-500")
            return
        body = ui.column().classes("w-full gap-2")

        @ui.refreshable
        def content() -> None:
            year, month = int(state["period"][:4]), int(state["period"][5:])
            with ctx().db.session(actor) as s:
                scopes = {k: v[0] for k, v in sorted(monitor.board_scopes(s, year, month).items(),
                                                     key=lambda kv: -kv[1][1])}
                if state["scope"] not in scopes:
                    state["scope"] = next(iter(scopes), None)
                lines = _paragraphs(s, actor, year, month, state["scope"])
            with ui.row().classes("w-full items-center gap-2 wrap"):
                ui.select(periods, value=state["period"], label="期间",
                          on_change=lambda e: (state.update(period=e.value), content.refresh())).props(
                    'dense outlined data-testid="report-period"').classes("w-36")
                if len(scopes) > 1:
                    ui.select(scopes, value=state["scope"], label="范围",
                              on_change=lambda e: (state.update(scope=e.value), content.refresh())).props(
                        "dense outlined").classes("w-40")
                query = urlencode({"period": state["period"], "region": state["scope"] or ""})
                ui.button("下载指标监测表（Excel）", icon="download",
                          on_click=lambda q=query: ui.download(f"/api/v1/monitor/board.xlsx?{q}")).props(
                    'outline dense no-caps data-testid="board-xlsx"')
                text = "\n".join(lines)
                ui.button("复制数据段落", icon="content_copy",
                          on_click=lambda t=text: (ui.clipboard.write(t), ui.notify("已复制"))).props(
                    "flat dense no-caps")
            ui.label(f"{rules.period_label(month)}主要指标数据段落（由数据自动生成，数字可在驾驶舱追溯到来源单元格）") \
                .classes("text-sm text-gray-500")
            with ui.column().classes("w-full gap-1").props('data-testid="paragraphs"'):
                for line in lines:
                    ui.label(line).classes("text-sm leading-relaxed")
                if not lines:
                    ui.label("本期该范围没有可生成的数据段落。").classes("text-gray-500")

        with body:
            content()


def _paragraphs(session, actor, year: int, month: int, scope: int | None) -> list[str]:
    """The standard sentences for the scope's own row of every indicator, in board order."""
    if scope is None:
        return []
    found = monitor.region_paragraphs(session, actor, year, month, scope)
    return ["，".join(x["text"] for x in sentences) + "。" for _name, sentences in found if sentences]


def _bulletin_card() -> None:
    with ui.card().classes("w-full"):
        ui.label("督查通报（Word）").classes("text-base font-semibold text-gray-700")
        ui.label("按期间汇总任务办理情况：按时办结、临期、逾期、退回，逐单位列出。").classes("text-sm text-gray-500")
        period = ui.input("期间（月 2026-11 或季度 2026-Q4）", value=f"{date.today():%Y-%m}").props(
            'dense outlined data-testid="bulletin-period"').classes("w-64")

        def download() -> None:
            value = (period.value or "").strip()
            if not re.fullmatch(r"\d{4}-(\d{1,2}|Q[1-4])", value):
                ui.notify("期间格式应为 2026-11 或 2026-Q4", type="warning")
                return
            ui.download(f"/api/v1/task-bulletin?{urlencode({'period': value})}")

        ui.button("生成并下载", icon="description", on_click=download).props(
            'outline dense no-caps data-testid="bulletin-download"')


def _projects_card() -> None:
    with ui.card().classes("w-full"):
        ui.label("重点项目台账（Excel）").classes("text-base font-semibold text-gray-700")
        ui.label("当前可见的全部重点项目，格式与导入模板相同，可修改后再导入。").classes("text-sm text-gray-500")
        ui.button("下载", icon="download", on_click=lambda: ui.download("/api/v1/projects/ledger")).props(
            'outline dense no-caps data-testid="ledger-download"')


register()
