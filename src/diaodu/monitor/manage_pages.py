"""数据维护 at /monitor/manage: the bureau's workbook imported with a preview, the indicator
catalogue, annual targets and values typed by hand.

Every write goes through the monitor service with the page's actor, so permissions (decision 0003),
validation, one transaction per action and auditing are exactly the API's; the page only shows what
the service says.
"""

from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path

from fastapi import Request
from nicegui import ui

from diaodu.core import org
from diaodu.core.errors import DiaoduError, ValidationFailed
from diaodu.core.models import Role
from diaodu.monitor import service, thresholds
from diaodu.web.context import ctx
from diaodu.web.ui.shell import frame, page_actor, signed_in

KINDS = {"flow": "累计（1–M月）", "stock": "余额/存量", "rate": "比率/平均"}
DIRECTIONS = {1: "越高越好", -1: "越低越好"}
TABS = {"import": "导入月报", "catalogue": "指标目录", "targets": "年度目标", "entry": "手工录入",
        "thresholds": "预警阈值"}


def register() -> None:
    @ui.page("/monitor/manage")
    def manage(request: Request):
        page = page_actor(request)
        if not signed_in(page):
            return page
        actor = page.actor
        editor = actor.role in (Role.admin, Role.dispatcher)
        shown = [k for k in TABS if editor or k in ("catalogue", "targets", "thresholds")
                 or (k == "entry" and actor.role == Role.reporter)]
        with frame(page, "数据维护", "/"):
            with ui.row().classes("w-full items-center gap-2"):
                ui.link("← 驾驶舱", "/").classes("text-sm")
            wanted = request.query_params.get("tab")
            with ui.tabs().classes("w-full").props("align=left dense") as tabs:
                tab = {k: ui.tab(k, label=TABS[k]) for k in shown}
            with ui.tab_panels(tabs, value=wanted if wanted in tab else shown[0]).classes("w-full bg-transparent"):
                for k in shown:
                    with ui.tab_panel(k):
                        {"import": _import_panel, "catalogue": _catalogue_panel, "targets": _targets_panel,
                         "entry": _entry_panel, "thresholds": _thresholds_panel}[k](actor, editor)
        return None


def _fail(box, message: str, title: str = "未写入任何数据") -> None:
    with box, ui.card().classes("w-full bg-red-50").props('flat bordered data-testid="error"'):
        ui.label(title).classes("text-red-700 font-semibold")
        ui.label(message).classes("text-sm whitespace-pre-wrap")


# --- import ------------------------------------------------------------------------------------

def _import_panel(actor, editor: bool) -> None:
    state: dict = {"data": None, "name": None}
    ui.label("上传统计局月报卡（原样上传，无需改表）或长表模板（地区、指标、期间、数值、增速；"
             "可用 diaodu monitor template 生成）。先预览，确认后一次写入；出错时整份文件都不写入。") \
        .classes("text-sm text-gray-600")
    with ui.row().classes("items-center gap-4 wrap"):
        create = ui.checkbox("新建未识别的地区").props('data-testid="create-regions"')
        parent = ui.input("上级地区（新建地区挂在其下，如 邵阳市）").props(
            'dense outlined data-testid="parent"').classes("w-72")

    async def on_upload(e) -> None:
        state["data"], state["name"] = await e.file.read(), e.file.name
        upload.reset()
        run(dry_run=True)

    upload = ui.upload(label="选择文件并预览（.xlsx / .csv）", auto_upload=True, max_files=1,
                       on_upload=on_upload).props('accept=".xlsx,.csv" flat bordered data-testid="upload"') \
        .classes("w-full max-w-md")
    result = ui.column().classes("w-full")
    history = ui.column().classes("w-full")

    def run(dry_run: bool) -> None:
        result.clear()
        if dry_run:  # the confirmation imports exactly what was previewed
            state["create"], state["parent"] = bool(create.value), (parent.value or "").strip() or None
        suffix = Path(state["name"] or "").suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            _fail(result, f"文件“{state['name']}”不是 .xlsx 或 .csv 文件")
            return
        try:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / (Path(state["name"]).name or f"upload{suffix}")  # its name shows in the report
                path.write_bytes(state["data"])
                with ctx().db.session(actor) as s:
                    report = service.import_file(s, actor, path, dry_run=dry_run, create_regions=state["create"],
                                                 parent_name=state["parent"], file_name=state["name"])
        except DiaoduError as exc:
            _fail(result, exc.message, "导入失败，未写入任何数据")
            return
        with result, ui.card().classes("w-full").props('flat bordered data-testid="import-report"'):
            title = "预览：以下内容尚未写入" if dry_run else "已导入"
            ui.label(f"{title} — {report.file}").classes("font-semibold " + (
                "text-amber-700" if dry_run else "text-green-700"))
            with ui.row().classes("gap-2 wrap"):
                for k, label in (("new", "新增"), ("superseded", "更新"), ("unchanged", "未变")):
                    if k in report.counts:
                        ui.badge(f"{label} {report.counts[k]}").classes("text-sm px-2")
            if report.created_regions:
                ui.label(("将新建" if dry_run else "已新建") + f"地区：{'、'.join(report.created_regions)}") \
                    .classes("text-sm text-amber-800")
            for line in report.lines[:40]:
                ui.label(line).classes("text-sm")
            for w in report.warnings[:20]:
                ui.label(w).classes("text-sm text-amber-700")
            if dry_run:
                ui.button("确认导入", icon="task_alt", on_click=lambda: run(False)).props(
                    'color=primary data-testid="confirm-import"')
        if not dry_run:
            ui.notify(f"已导入 {report.file}", type="positive")
            show_history()

    def show_history() -> None:
        history.clear()
        with ctx().db.session(actor) as s:
            rows = service.list_imports(s, actor, limit=20)
        with history:
            ui.label("最近导入").classes("font-semibold text-gray-700 mt-2")
            ui.table(columns=[{"name": "at", "label": "时间", "field": "at", "align": "left"},
                              {"name": "file", "label": "文件", "field": "file", "align": "left"},
                              {"name": "who", "label": "导入人", "field": "who", "align": "left"},
                              {"name": "counts", "label": "新增/更新/未变", "field": "counts"}],
                     rows=[{"id": r["id"], "at": (r["created_at"] or "")[:16].replace("T", " "), "file": r["file_name"],
                            "who": r["username"], "counts": "/".join(str(r["counts"].get(k, 0)) for k in
                                                                     ("new", "superseded", "unchanged"))}
                           for r in rows], row_key="id").props("dense flat bordered").classes("w-full")

    show_history()


# --- catalogue -----------------------------------------------------------------------------------

def _split(text: str) -> list[str]:
    return [a for a in (x.strip() for x in re.split(r"[、,，;；\s]+", text or "")) if a]


def _catalogue_panel(actor, editor: bool) -> None:
    cols = [{"name": "name", "label": "指标", "field": "name", "align": "left", "sortable": True},
            {"name": "aliases", "label": "别名（导入与解析时识别）", "field": "aliases", "align": "left"},
            {"name": "unit", "label": "单位", "field": "unit"},
            {"name": "kind", "label": "类型", "field": "kind"},
            {"name": "direction", "label": "方向", "field": "direction"},
            {"name": "precision", "label": "精度", "field": "precision"},
            {"name": "owner", "label": "主管部门", "field": "owner", "align": "left"},
            {"name": "scope", "label": "口径", "field": "scope", "align": "left"},
            {"name": "active", "label": "状态", "field": "active"}]

    def rows() -> list[dict]:
        with ctx().db.session(actor) as s:
            return [{"id": i.id, "name": i.name, "aliases": "、".join(i.aliases or []), "unit": i.unit,
                     "kind": KINDS.get(i.kind, i.kind), "direction": DIRECTIONS.get(i.direction, ""),
                     "precision": i.precision, "owner": i.owner, "scope": i.scope,
                     "active": "启用" if i.active else "停用"}
                    for i in service.list_indicators(s, actor, include_inactive=True)]

    with ui.row().classes("w-full items-center justify-between"):
        ui.label("点指标名修改；停用的指标不再出现在驾驶舱，历史数据保留。" if editor
                 else "指标目录由调度员维护。").classes("text-sm text-gray-600")
        if editor:
            ui.button("新增指标", icon="add", on_click=lambda: edit(None)).props(
                'outline dense no-caps data-testid="new-indicator"')
    table = ui.table(columns=cols, rows=rows(), row_key="id", pagination=20).props(
        'dense flat bordered wrap-cells data-testid="catalogue"').classes("w-full")
    ui.input("筛选").bind_value_to(table, "filter").props('dense outlined clearable data-testid="ind-filter"') \
        .classes("w-60").move(target_index=1)
    if editor:
        table.on("rowClick", lambda e: edit(e.args[1]["id"]))

    def edit(indicator_id: int | None) -> None:
        with ctx().db.session(actor) as s:
            cur = service.resolve_indicator(s, indicator_id) if indicator_id else None
            v = {k: getattr(cur, k) for k in service.INDICATOR_FIELDS} if cur else \
                {"name": "", "unit": "万元", "kind": "flow", "direction": 1, "owner": "", "scope": "", "precision": 1,
                 "aliases": [], "active": True}
            version = cur.version if cur else None
        with ui.dialog() as dlg, ui.card().classes("w-full").style("max-width:560px"):
            ui.label("修改指标" if cur else "新增指标").classes("text-lg font-semibold")
            name = ui.input("名称", value=v["name"]).props('outlined dense data-testid="ind-name"').classes("w-full")
            aliases = ui.input("别名（用顿号分隔）", value="、".join(v["aliases"] or [])).props(
                'outlined dense data-testid="ind-aliases"').classes("w-full")
            with ui.row().classes("w-full gap-2 no-wrap"):
                unit = ui.input("单位", value=v["unit"]).props("outlined dense").classes("w-28")
                kind = ui.select(KINDS, value=v["kind"], label="类型").props("outlined dense").classes("grow")
                direction = ui.select(DIRECTIONS, value=v["direction"], label="方向").props(
                    'outlined dense data-testid="ind-direction"').classes("w-32")
            with ui.row().classes("w-full gap-2 no-wrap"):
                precision = ui.number("增速公布精度（位小数）", value=v["precision"], min=0, max=4, step=1,
                                      format="%d").props("outlined dense").classes("w-48")
                owner = ui.input("主管部门", value=v["owner"]).props("outlined dense").classes("grow")
            scope = ui.textarea("口径说明", value=v["scope"]).props("outlined dense autogrow").classes("w-full")
            active = ui.switch("启用", value=bool(v["active"])) if cur else None
            box = ui.column().classes("w-full")

            def save() -> None:
                box.clear()
                fields = dict(name=name.value, unit=unit.value or "", kind=kind.value, direction=direction.value,
                              owner=owner.value or "", scope=scope.value or "",
                              precision=int(precision.value if precision.value is not None else 1),
                              aliases=_split(aliases.value))
                try:
                    with ctx().db.session(actor) as s:
                        if cur:
                            service.update_indicator(s, actor, indicator_id, version=version, active=active.value,
                                                     **fields)
                        else:
                            service.create_indicator(s, actor, **fields)
                except DiaoduError as exc:
                    _fail(box, exc.message, "未保存")
                    return
                dlg.close()
                ui.notify(f"已保存指标“{fields['name']}”", type="positive")
                table.rows = rows()
                table.update()

            with ui.row().classes("w-full justify-end"):
                ui.button("取消", on_click=dlg.close).props("flat")
                ui.button("保存", on_click=save).props('color=primary data-testid="ind-save"')
        dlg.open()


# --- targets --------------------------------------------------------------------------------------

def _regions(actor) -> dict[int, str]:
    with ctx().db.session(actor) as s:
        return {r.id: r.name for r in org.list_regions(s)}


def _indicators(actor) -> dict[int, str]:
    with ctx().db.session(actor) as s:
        return {i.id: i.name for i in service.list_indicators(s, actor)}


def _targets_panel(actor, editor: bool) -> None:
    writer = actor.role in (Role.admin, Role.dispatcher, Role.reporter)
    state = {"year": date.today().year}
    with ctx().db.session(actor) as s:
        years = sorted({int(p[:4]) for p in service.available_periods(s)} | {state["year"], state["year"] + 1})
    nowrap = "white-space:nowrap"
    cols = [{"name": "region", "label": "地区", "field": "region", "align": "left", "sortable": True, "style": nowrap},
            {"name": "indicator", "label": "指标", "field": "indicator", "align": "left", "sortable": True},
            {"name": "origin", "label": "来源", "field": "origin", "style": nowrap},
            {"name": "text", "label": "目标", "field": "text", "align": "left"},
            {"name": "note", "label": "备注", "field": "note", "align": "left"}]

    def rows() -> list[dict]:
        with ctx().db.session(actor) as s:
            return [{"id": t["id"], "region": t["region"], "indicator": t["indicator"], "origin": t["origin_label"],
                     "text": _target_text(t), "note": t["note"]} for t in service.list_targets(s, actor, state["year"])]

    with ui.row().classes("w-full items-center justify-between wrap gap-2"):
        with ui.row().classes("items-center gap-2"):
            ui.select(years, value=state["year"], label="年度",
                      on_change=lambda e: (state.update(year=e.value), refresh())).props("dense outlined").classes("w-28")
            ui.label("市下任务由调度员录入；县市区填报员可录入本级目标。写法如：增长8%左右、1200亿元以上、"
                     "增长7%以上，保四争三。").classes("text-sm text-gray-600")
        if writer:
            ui.button("新增目标", icon="add", on_click=lambda: edit(None)).props(
                'outline dense no-caps data-testid="new-target"')
    table = ui.table(columns=cols, rows=rows(), row_key="id", pagination=25).props(
        'dense flat bordered wrap-cells data-testid="targets"').classes("w-full")
    if writer:
        table.on("rowClick", lambda e: edit(e.args[1]["id"]))

    def refresh() -> None:
        table.rows = rows()
        table.update()

    def edit(target_id: int | None) -> None:
        cur = None
        if target_id:
            with ctx().db.session(actor) as s:
                cur = service.target_dict(service.get_target(s, actor, target_id))
        regions, inds = _regions(actor), _indicators(actor)
        with ui.dialog() as dlg, ui.card().classes("w-full").style("max-width:520px"):
            ui.label(f"修改目标：{cur['region']} · {cur['indicator']} · {cur['year']}年" if cur else "新增目标") \
                .classes("text-lg font-semibold")
            if not cur:
                region = ui.select(regions, label="地区", with_input=True).props(
                    'outlined dense data-testid="target-region"').classes("w-full")
                indicator = ui.select(inds, label="指标", with_input=True).props(
                    'outlined dense data-testid="target-indicator"').classes("w-full")
                origin = ui.radio({"assigned": "市下任务", "own": "本级目标"},
                                  value="own" if actor.role == Role.reporter else "assigned").props("inline")
            text = ui.input("目标", value=_target_text(cur) if cur else "",
                            placeholder="增长8%左右；1200亿元以上；增长7%以上，保四争三").props(
                'outlined dense data-testid="target-text"').classes("w-full")
            note = ui.input("备注（如文件依据）", value=cur["note"] if cur else "").props("outlined dense").classes("w-full")
            box = ui.column().classes("w-full")

            def save() -> None:
                box.clear()
                try:
                    with ctx().db.session(actor) as s:
                        if cur:
                            service.update_target(s, actor, cur["id"], version=cur["version"], text=text.value,
                                                  note=note.value or "")
                        else:
                            if not region.value or not indicator.value:
                                raise ValidationFailed("请选择地区和指标")
                            service.create_target(s, actor, region_id=region.value, indicator_id=indicator.value,
                                                  year=state["year"], origin=origin.value, text=text.value,
                                                  note=note.value or "")
                except DiaoduError as exc:
                    _fail(box, exc.message, "未保存")
                    return
                dlg.close()
                ui.notify("目标已保存", type="positive")
                refresh()

            def delete() -> None:
                try:
                    with ctx().db.session(actor) as s:
                        service.delete_target(s, actor, cur["id"])
                except DiaoduError as exc:
                    _fail(box, exc.message, "未删除")
                    return
                dlg.close()
                ui.notify("目标已删除", type="positive")
                refresh()

            with ui.row().classes("w-full justify-between"):
                ui.button("删除", on_click=delete).props("flat color=negative") if cur else ui.label("")
                with ui.row():
                    ui.button("取消", on_click=dlg.close).props("flat")
                    ui.button("保存", on_click=save).props('color=primary data-testid="target-save"')
        dlg.open()


def _target_text(t: dict) -> str:
    q = {"~": "左右", ">=": "以上", "<=": "以内"}.get(t["qualifier"], "")
    parts = []
    if t["kind"] == "growth" and t["value"] is not None:
        parts.append(f"增长{t['value']:g}%{q}")
    elif t["kind"] == "level" and t["value"] is not None:
        parts.append(f"{t['value']:g}{t['unit'] or ''}{q}")
    if t["rank_keep"] or t["rank_strive"]:
        cn = "零一二三四五六七八九十"
        num = lambda n: cn[n] if n is not None and 0 <= n <= 10 else str(n)  # noqa: E731
        parts.append(f"保{num(t['rank_keep'])}争{num(t['rank_strive'])}")
    return "，".join(parts)


# --- manual entry ---------------------------------------------------------------------------------

def _entry_panel(actor, editor: bool) -> None:
    regions, inds = _regions(actor), _indicators(actor)
    if actor.role == Role.reporter:
        regions = {k: v for k, v in regions.items() if k in actor.scope_region_ids}
    ui.label("统计局未发布、需手工补录或更正的数值。录入值替代同一单元格的现行值，原值保留在历史中，"
             "来源记为录入人。").classes("text-sm text-gray-600")
    with ui.card().classes("w-full").style("max-width:640px").props("flat bordered"):
        with ui.row().classes("w-full gap-2 no-wrap"):
            region = ui.select(regions, label="地区", with_input=True).props(
                'outlined dense data-testid="entry-region"').classes("grow")
            indicator = ui.select(inds, label="指标", with_input=True).props(
                'outlined dense data-testid="entry-indicator"').classes("grow")
        with ui.row().classes("w-full gap-2 no-wrap"):
            period = ui.input("期间（1–M月累计）", placeholder="2026-03").props(
                'outlined dense data-testid="entry-period"').classes("w-40")
            value = ui.number("累计值").props('outlined dense data-testid="entry-value"').classes("grow")
            growth = ui.number("同比增速%").props('outlined dense data-testid="entry-growth"').classes("w-36")
        note = ui.input("说明（如依据的文件或电话核实）").props('outlined dense data-testid="entry-note"') \
            .classes("w-full")
        box = ui.column().classes("w-full")

        def save() -> None:
            box.clear()
            try:
                if not region.value or not indicator.value:
                    raise ValidationFailed("请选择地区和指标")
                year, month = service.parse_period_arg((period.value or "").strip())
                with ctx().db.session(actor) as s:
                    o = service.enter_observation(s, actor, region_id=region.value, indicator_id=indicator.value,
                                                  year=year, month=month, value=value.value, growth=growth.value,
                                                  note=(note.value or "").strip() or None)
                    saved = service.get_observation(s, actor, o.id)
            except DiaoduError as exc:
                _fail(box, exc.message, "未保存")
                return
            ui.notify("已录入", type="positive")
            with box, ui.card().classes("w-full bg-green-50").props('flat bordered data-testid="entry-saved"'):
                ui.label(f"已录入：{saved['region']} · {saved['indicator']} · {saved['year']}年1-{saved['month']}月 "
                         f"累计 {saved['value'] if saved['value'] is not None else '—'} {saved['unit'] or ''}，"
                         f"增速 {saved['growth'] if saved['growth'] is not None else '—'}%").classes("text-sm")
                ui.label(f"来源：{saved['provenance']['text']}；历史版本 {len(saved['history'])} 个").classes(
                    "text-sm text-gray-600")

        ui.button("录入", icon="save", on_click=save).props('color=primary data-testid="entry-save"')


# --- warning thresholds ---------------------------------------------------------------------------

def _thresholds_panel(actor, editor: bool) -> None:
    with ctx().db.session(actor) as s:
        cur = thresholds.as_dict(s)
    ui.label("驾驶舱的红黄绿：差距 = 完成率 − 序时进度（总量目标）或 增速 − 目标增速（增速目标），单位为百分点；"
             "位次按同级排名从末位数起。取差距和位次两者中较差的颜色；定了“保四争三”的，位次落后于“保”的位次为黄。") \
        .classes("text-sm text-gray-600")
    with ui.card().classes("w-full").style("max-width:560px").props("flat bordered"):
        inputs = {}
        for key, label in cur["labels"].items():
            integer = key.endswith("bottom")
            inputs[key] = ui.number(label, value=cur[key], step=1 if integer else 0.5,
                                    format="%d" if integer else "%.1f").props(
                f'outlined dense data-testid="th-{key}"' + ("" if editor else " readonly")).classes("w-full")
        box = ui.column().classes("w-full")

        def save() -> None:
            box.clear()
            # whole numbers typed into a number field arrive as floats; anything else is left for
            # the service to refuse
            values = {k: (int(i.value) if k.endswith("bottom") and isinstance(i.value, float)
                          and i.value.is_integer() else i.value) for k, i in inputs.items()}
            try:
                with ctx().db.session(actor) as s:
                    thresholds.save(s, actor, version=cur["version"], **values)
                    cur.update(thresholds.as_dict(s))
            except DiaoduError as exc:
                _fail(box, exc.message, "未保存")
                return
            ui.notify("预警阈值已保存，驾驶舱按新阈值着色", type="positive")

        if editor:
            ui.button("保存", icon="save", on_click=save).props('color=primary data-testid="th-save"')
