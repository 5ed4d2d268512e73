"""驾驶舱 at "/": exception list, heat table, ranking chart, trend with target trajectory; every
number opens its provenance and history. Phone-friendly (the heat table scrolls sideways)."""

from __future__ import annotations

import re

from fastapi import Request
from nicegui import ui

from diaodu.core.errors import DiaoduError
from diaodu.monitor import manage_pages, rules, service
from diaodu.monitor.models import Target
from diaodu.web.context import ctx
from diaodu.web.ui.shell import frame, page_actor, signed_in

BG = {"red": "#fecaca", "yellow": "#fef08a", "green": "#bbf7d0", None: "#f3f4f6"}
FG = {"red": "#b91c1c", "yellow": "#a16207", "green": "#15803d", None: "#6b7280"}
BAR = {"red": "#dc2626", "yellow": "#eab308", "green": "#16a34a", None: "#94a3b8"}
CN = {"red": "红", "yellow": "黄", "green": "绿", None: "—"}
STYLE = """<style>
.heat{border-collapse:separate;border-spacing:2px;font-size:13px}
.heat th{font-weight:600;color:#374151;padding:4px 6px;white-space:nowrap;background:#fff}
.heat th.ind{writing-mode:horizontal-tb;max-width:84px;white-space:normal;line-height:1.2;vertical-align:bottom}
.heat td{padding:4px 6px;text-align:right;border-radius:4px;cursor:pointer;white-space:nowrap;min-width:56px}
.heat td.rg{position:sticky;left:0;background:#fff;text-align:left;font-weight:600;cursor:default;z-index:1}
.heat td:hover:not(.rg){outline:2px solid #9b1c1c}
.heat .rk{display:block;font-size:11px;color:#4b5563}
.exc-item{cursor:pointer;border-radius:6px;padding:6px 8px}
.exc-item:hover{background:#f9fafb}
</style>"""


def _fmt(x, digits=1) -> str:
    if x is None:
        return "—"
    return f"{x:,.{digits}f}"


def _growth(x) -> str:
    return "—" if x is None else f"{x:.1f}%"


def _readable(text: str) -> str:
    """``210898万元以上`` -> ``21.09亿元以上`` for display."""
    return re.sub(r"(\d{5,}(?:\.\d+)?)万元", lambda m: f"{float(m.group(1)) / 1e4:.2f}亿元", text)


def register() -> None:
    @ui.page("/")
    def dashboard(request: Request):
        page = page_actor(request)
        if not signed_in(page):
            return page
        with frame(page, "驾驶舱", "/"):
            Dashboard(page.actor, request.query_params.get("period"), request.query_params.get("scope")).build()
        return None


class Dashboard:
    def __init__(self, actor, period: str | None = None, scope: str | None = None):
        self.actor = actor
        with ctx().db.session() as s:
            self.periods = service.available_periods(s)
        self.period = period if period in self.periods else (self.periods[0] if self.periods else None)
        self.scope_name = scope
        self.scope: int | None = None
        self.rows: list[dict] = []
        self.scopes: dict[int, str] = {}
        self.chart_ind: int | None = None
        self.trend_region: int | None = None
        self.trend_ind: int | None = None

    # --- data -----------------------------------------------------------------------------------
    def load(self) -> None:
        if not self.period:
            self.rows = []
            return
        year, month = int(self.period[:4]), int(self.period[5:])
        with ctx().db.session() as s:
            scopes = service.board_scopes(s, year, month)
            self.scopes = {k: v[0] for k, v in sorted(scopes.items(), key=lambda kv: -kv[1][1])}
            if self.scope_name:
                self.scope = next((k for k, v in self.scopes.items() if v == self.scope_name), self.scope)
                self.scope_name = None
            if self.scope not in self.scopes:
                self.scope = next(iter(self.scopes), None)
            rows = service.board(s, self.actor, year, month, self.scope)["rows"] if self.scope else []
        self.rows = [d for d in rows if d["scope_id"] == self.scope]
        inds = self.indicators()
        if self.chart_ind not in inds:
            ranked = [i for i in inds if any(d["rank"] for d in self.rows if d["indicator_id"] == i)]
            self.chart_ind = ranked[0] if ranked else (next(iter(inds)) if inds else None)
        regions = self.regions()
        if self.trend_region not in regions:
            self.trend_region = next(iter(regions), None)
        if self.trend_ind not in inds:
            self.trend_ind = self.chart_ind

    def indicators(self) -> dict[int, str]:
        out: dict[int, str] = {}
        for d in self.rows:
            out.setdefault(d["indicator_id"], d["indicator"])
        return out

    def regions(self) -> dict[int, str]:
        out: dict[int, str] = {}
        for d in sorted(self.rows, key=lambda d: not d["is_total"]):
            out.setdefault(d["region_id"], d["region"])
        return out

    # --- layout ---------------------------------------------------------------------------------
    def build(self) -> None:
        ui.add_head_html(STYLE)
        self.load()
        self.content()

    @ui.refreshable_method
    def content(self) -> None:
        if not self.period:
            with ui.card().classes("w-full"):
                ui.label("还没有指标数据。管理员或调度员可在“数据维护”上传统计月报卡，或用命令导入：") \
                    .classes("text-gray-600")
                ui.code("diaodu monitor import 月报卡.xlsx --dry-run").classes("w-full")
                ui.link("去数据维护 →", "/monitor/manage?tab=import")
            return
        with ui.row().classes("w-full items-center gap-3 wrap"):
            ui.select(self.periods, value=self.period, label="期间",
                      on_change=lambda e: self._set("period", e.value)).props(
                'dense outlined data-testid="period"').classes("w-36")
            if len(self.scopes) > 1:
                ui.select(self.scopes, value=self.scope, label="范围",
                          on_change=lambda e: self._set("scope", e.value)).props("dense outlined").classes("w-40")
            counts = {c: sum(1 for d in self.rows if d["colour"] == c) for c in ("red", "yellow", "green")}
            for c in ("red", "yellow", "green"):
                ui.badge(f"{CN[c]} {counts[c]}", color={"red": "red-7", "yellow": "amber-7", "green": "green-7"}[c]) \
                    .classes("text-sm px-2 py-1")
            ui.label(f"序时进度 {rules.time_progress(int(self.period[5:])) * 100:.1f}%").classes("text-sm text-gray-600")
            ui.space()
            ui.button("数据维护", icon="edit_note", on_click=lambda: ui.navigate.to("/monitor/manage")).props(
                "flat dense no-caps").classes("text-sm")
        with ui.element("div").classes("w-full grid gap-3").style(
                "grid-template-columns:repeat(auto-fit,minmax(min(100%,420px),1fr))"):
            self.exceptions()
            self.ranking()
        self.heat()
        self.trend()

    def _set(self, attr: str, value) -> None:
        setattr(self, attr, value)
        self.load()
        self.content.refresh()

    def exceptions(self) -> None:
        order = {"red": 0, "yellow": 1}
        items = sorted((d for d in self.rows if d["colour"] in order),
                       key=lambda d: (order[d["colour"]], d["schedule_gap"] if d["schedule_gap"] is not None else 0,
                                      -(d["rank"] or 0)))
        with ui.card().classes("w-full").props('data-testid="exceptions"'):
            ui.label(f"预警清单（红 {sum(1 for d in items if d['colour'] == 'red')} 项在前）") \
                .classes("text-base font-semibold text-gray-700")
            if not items:
                ui.label("本期没有预警。").classes("text-gray-500")
            with ui.scroll_area().classes("w-full").style("height:300px"):
                for d in items[:60]:
                    with ui.row().classes("exc-item w-full items-start no-wrap gap-2").on(
                            "click", lambda _e, d=d: self.provenance(d["observation_id"])):
                        ui.element("span").style(
                            f"width:10px;height:10px;border-radius:5px;margin-top:6px;flex:none;"
                            f"background:{BAR[d['colour']]}")
                        with ui.column().classes("gap-0"):
                            ui.label(f"{d['region']} · {d['indicator']}").classes("font-medium")
                            ui.label(self._reason(d)).classes("text-xs text-gray-600")

    @staticmethod
    def _reason(d: dict) -> str:
        parts = [f"{rules.period_label(int(d['period'][5:]))}增长{_growth(d['growth'])}" if d["growth"] is not None
                 else f"{rules.period_label(int(d['period'][5:]))}累计{_fmt(d['value'])}{d['unit'] or ''}"]
        if d["rank"] and d["peers"]:
            bottom = d["peers"] - d["rank"] + 1
            parts.append(f"居第{d['rank']}位" if bottom > 3 else f"居倒数第{bottom}位")
        if d["target"]:
            parts.append(f"目标{_readable(d['target'])}")
        if d["completion"] is not None:
            parts.append(f"完成{d['completion']:.1f}%")
        if d["schedule_gap"] is not None and d["schedule_gap"] < 0:
            parts.append(f"{'欠时间进度' if d['completion'] is not None else '低于目标'}{-d['schedule_gap']:.1f}个百分点")
        return "，".join(parts)

    def heat(self) -> None:
        inds = self.indicators()
        regions = self.regions()
        cells = {(d["region_id"], d["indicator_id"]): d for d in self.rows}
        with ui.card().classes("w-full"):
            ui.label("指标热力表（增速%、位次；颜色为预警，点数字看来源）").classes("text-base font-semibold text-gray-700")
            with ui.element("div").classes("w-full").style("overflow-x:auto").props('data-testid="heat"'):
                with ui.element("table").classes("heat"):
                    with ui.element("tr"):
                        with ui.element("th"):
                            ui.label("地区")
                        for iid, name in inds.items():
                            with ui.element("th").classes("ind"):
                                ui.label(name)
                    for rid, rname in regions.items():
                        with ui.element("tr"):
                            with ui.element("td").classes("rg"):
                                ui.label(rname)
                            for iid in inds:
                                d = cells.get((rid, iid))
                                if d is None:
                                    with ui.element("td").style("background:#fafafa;cursor:default"):
                                        ui.label("")
                                    continue
                                td = ui.element("td").style(f"background:{BG[d['colour']]}").on(
                                    "click", lambda _e, d=d: self.provenance(d["observation_id"]))
                                with td:
                                    main = _growth(d["growth"]) if d["growth"] is not None else _fmt(d["value"])
                                    ui.label(main)
                                    if d["rank"]:
                                        ui.html(f'<span class="rk">第{d["rank"]}位</span>')
                                    elif d["period"] != self.period:
                                        ui.html(f'<span class="rk">{int(d["period"][5:])}月</span>')

    def ranking(self) -> None:
        inds = {i: n for i, n in self.indicators().items()
                if any(d["rank"] for d in self.rows if d["indicator_id"] == i)}
        with ui.card().classes("w-full"):
            with ui.row().classes("w-full items-center justify-between wrap gap-2"):
                ui.label("位次").classes("text-base font-semibold text-gray-700")
                if inds:
                    ui.select(inds, value=self.chart_ind if self.chart_ind in inds else None,
                              on_change=lambda e: self._set("chart_ind", e.value)).props(
                        "dense outlined").classes("w-52")
            rows = sorted((d for d in self.rows if d["indicator_id"] == self.chart_ind and d["rank"]),
                          key=lambda d: -d["rank"])
            if not rows:
                ui.label("本期该指标没有可排名的数据。").classes("text-gray-500")
                return
            total = next((d for d in self.rows if d["indicator_id"] == self.chart_ind and d["is_total"]), None)
            data = [{"value": d["growth"], "itemStyle": {"color": BAR[d["colour"]]},
                     "label": {"show": True, "position": "right", "formatter": _growth(d["growth"])}}
                    for d in rows]
            series = {"type": "bar", "data": data}
            if total and total["growth"] is not None:
                series["markLine"] = {"symbol": "none", "data": [{"xAxis": total["growth"],
                                                                  "name": total["region"]}],
                                      "label": {"formatter": f"{total['region']} {total['growth']:.1f}%"},
                                      "lineStyle": {"color": "#9b1c1c", "type": "dashed"}}
            height = max(220, 26 * len(rows) + 60)
            chart = ui.echart({
                "grid": {"left": 8, "right": 48, "top": 24, "bottom": 8, "containLabel": True},
                "xAxis": {"type": "value", "axisLabel": {"formatter": "{value}%"}},
                "yAxis": {"type": "category", "data": [f"{d['region']}（{d['rank']}）" for d in rows]},
                "tooltip": {"trigger": "axis"},
                "series": [series]}).classes("w-full").style(f"height:{height}px")
            chart.on_point_click(lambda e, rows=rows: self.provenance(rows[e.data_index]["observation_id"]))

    def trend(self) -> None:
        inds, regions = self.indicators(), self.regions()
        with ui.card().classes("w-full"):
            with ui.row().classes("w-full items-center justify-between wrap gap-2"):
                ui.label("走势与目标轨迹").classes("text-base font-semibold text-gray-700")
                with ui.row().classes("gap-2 wrap"):
                    ui.select(regions, value=self.trend_region,
                              on_change=lambda e: self._set("trend_region", e.value)).props(
                        "dense outlined").classes("w-36")
                    ui.select(inds, value=self.trend_ind,
                              on_change=lambda e: self._set("trend_ind", e.value)).props(
                        "dense outlined").classes("w-52")
            if self.trend_region is None or self.trend_ind is None:
                return
            year = int(self.period[:4])
            with ctx().db.session() as s:
                cur = service.series(s, self.actor, self.trend_region, self.trend_ind, year)
                prev = service.series(s, self.actor, self.trend_region, self.trend_ind, year - 1)
                targets = [t for t in s.query(Target).filter_by(region_id=self.trend_region,
                                                                 indicator_id=self.trend_ind, year=year)]
                ind = s.get(service.Indicator, self.trend_ind)
                unit = ind.unit if ind else ""
                sentences = []
                try:
                    sentences = service.paragraph(s, self.actor, year, int(self.period[5:]),
                                                  self.regions()[self.trend_region], ind.name)
                except DiaoduError:
                    pass
            months = list(range(1, 13))
            has_value = any(p["value"] is not None for p in cur + prev)
            series = []
            if has_value:
                series.append({"name": f"{year}年累计", "type": "line", "yAxisIndex": 0, "connectNulls": True,
                               "data": [next((p["value"] for p in cur if p["month"] == m), None) for m in months]})
                series.append({"name": f"{year - 1}年累计", "type": "line", "yAxisIndex": 0, "connectNulls": True,
                               "lineStyle": {"type": "dotted"}, "itemStyle": {"color": "#94a3b8"},
                               "data": [next((p["value"] for p in prev if p["month"] == m), None) for m in months]})
            series.append({"name": "同比增速%", "type": "line", "yAxisIndex": 1 if has_value else 0,
                           "connectNulls": True, "itemStyle": {"color": "#9b1c1c"},
                           "data": [next((p["growth"] for p in cur if p["month"] == m), None) for m in months]})
            for t in targets:
                label = "本级目标" if t.origin == "own" else "市下任务"
                if t.kind == "level" and has_value and t.value:
                    series.append({"name": f"{label}序时轨迹", "type": "line", "yAxisIndex": 0, "symbol": "none",
                                   "lineStyle": {"type": "dashed"},
                                   "data": [round(t.value * m / 12, 2) for m in months]})
                elif t.kind == "growth" and t.value is not None:
                    series.append({"name": f"{label}增速{t.value:g}%", "type": "line",
                                   "yAxisIndex": 1 if has_value else 0, "symbol": "none",
                                   "lineStyle": {"type": "dashed"}, "data": [t.value] * 12})
            y_axes = [{"type": "value", "name": unit if has_value else "%"}]
            if has_value:
                y_axes.append({"type": "value", "name": "%", "splitLine": {"show": False}})
            chart = ui.echart({
                "grid": {"left": 8, "right": 8, "top": 56, "bottom": 8, "containLabel": True},
                "legend": {"top": 0, "type": "scroll"}, "tooltip": {"trigger": "axis"},
                "xAxis": {"type": "category", "data": [f"{m}月" for m in months]},
                "yAxis": y_axes, "series": series}).classes("w-full").style("height:320px")

            def click(e, cur=cur):
                month = e.data_index + 1
                p = next((p for p in cur if p["month"] == month), None)
                if p is not None and not e.series_name.endswith(("轨迹",)) and "目标" not in e.series_name \
                        and "任务" not in e.series_name and str(year - 1) not in e.series_name:
                    self.provenance(p["id"])
            chart.on_point_click(click)
            for sdict in sentences:
                ui.label(sdict["text"] + "。").classes("text-sm text-gray-700").props('data-testid="paragraph"')

    # --- provenance dialog ----------------------------------------------------------------------
    def provenance(self, obs_id: int) -> None:
        with ctx().db.session() as s:
            try:
                d = service.get_observation(s, self.actor, obs_id)
            except DiaoduError as exc:
                ui.notify(exc.message, type="negative")
                return
        with ui.dialog() as dialog, ui.card().classes("w-full").style("max-width:760px"):
            ui.label(f"{d['region']} · {d['indicator']} · {d['year']}年{rules.period_label(d['month'])}") \
                .classes("text-lg font-semibold")
            with ui.grid(columns=2).classes("gap-x-4 gap-y-1 text-sm"):
                b = next((r for r in self.rows if r["observation_id"] == obs_id), None) or {}
                items = [("累计值", f"{_fmt(d['value'], 2)} {d['unit'] or ''}"), ("同比增速", _growth(d["growth"])),
                         ("计算排名", f"第{b['rank']}位（共{b['peers']}个）" if b.get("rank") else "—"),
                         ("公布排名", d["published_rank"] or "—"), ("年度目标", _readable(b.get("target") or "—")),
                         ("完成年度目标", f"{b['completion']:.1f}%" if b.get("completion") is not None else "—"),
                         ("差距（百分点）", f"{b['schedule_gap']:+.1f}" if b.get("schedule_gap") is not None else "—"),
                         ("预警", CN[b.get("colour")])]
                for k, v in items:
                    ui.label(k).classes("text-gray-500")
                    ui.label(str(v))
            p = d["provenance"]
            with ui.card().classes("w-full bg-gray-50").props("flat bordered"):
                ui.label("数据来源").classes("font-semibold text-sm")
                if p["kind"] == "file":
                    cells = "，".join(f"{_ROLE.get(k, k)} {v}" for k, v in (p.get("cells") or {}).items())
                    ui.label(f"文件：{p['file']}").classes("text-sm break-all")
                    ui.label(f"工作表：{p['sheet'] or '—'}").classes("text-sm")
                    ui.label(f"单元格：{cells or '—'}").classes("text-sm")
                else:
                    ui.label(f"手工录入：{p.get('user') or ''} {p.get('text') or ''}").classes("text-sm")
            ui.label(f"历史版本（{len(d['history'])}）").classes("font-semibold text-sm mt-2")
            ui.table(columns=[{"name": "at", "label": "时间", "field": "at", "align": "left"},
                              {"name": "value", "label": "数值", "field": "value"},
                              {"name": "growth", "label": "增速", "field": "growth"},
                              {"name": "src", "label": "来源", "field": "src", "align": "left"},
                              {"name": "cur", "label": "状态", "field": "cur"}],
                     rows=[{"id": h["id"], "at": (h["created_at"] or "")[:16].replace("T", " "),
                            "value": _fmt(h["value"], 2), "growth": _growth(h["growth"]),
                            "src": h["provenance"]["text"], "cur": "现行" if h["current"] else "已被替代"}
                           for h in d["history"]], row_key="id").props("dense flat wrap-cells").classes("w-full")
            ui.button("关闭", on_click=dialog.close).props("flat")
        dialog.open()


_ROLE = {"value": "数值", "growth": "增速", "rank": "排名", "region": "地区", "indicator": "指标", "period": "期间",
         "change_ytd": "比年初增减", "unit": "单位"}

register()
manage_pages.register()
