"""讲话解析 pages: the list with paste/upload at ``/speech``, and the review page ``/speech/{id}``
(highlighted text beside editable tables). Every read and write goes through
:mod:`diaodu.speech.service` with the page's actor, so the policy decides exactly as for the API."""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import quote

from fastapi import Request
from nicegui import run, ui

from diaodu.core import org
from diaodu.core.errors import DiaoduError
from diaodu.core.models import Role
from diaodu.web.context import ctx
from diaodu.web.ui.shell import frame, page_actor, signed_in

from . import service as svc

WRITERS = (Role.admin, Role.dispatcher)
STATUS_COLORS = {"draft": "orange-8", "reviewed": "blue-7", "confirmed": "green-7"}
# list name, legend label, CSS class; later classes win where spans overlap.
LEGEND = [("tasks", "任务", "sp-task"), ("units", "责任单位", "sp-unit"), ("deadline", "时限", "sp-dl"),
          ("headings", "标题", "sp-head"), ("targets", "目标", "sp-target"), ("figures", "数据", "sp-fig")]
CSS = """
<style>
.speech-text{white-space:pre-wrap;line-height:1.95;font-size:15px;color:#1f2937;font-family:"Noto Serif CJK SC",
 "Source Han Serif SC","Songti SC",serif;max-height:72vh;overflow-y:auto;padding:4px 10px 4px 4px}
.speech-text ::selection{background:#93c5fd}
.sp-task{background:#fef3c7}
.sp-unit{background:#bbf7d0;font-weight:600;color:#14532d}
.sp-dl{background:#fecaca;color:#7f1d1d;font-weight:600}
.sp-head{color:#1e3a8a;font-weight:700}
.sp-target{border-bottom:2px solid #7c3aed;color:#5b21b6}
.sp-fig{border-bottom:2px dashed #0284c7;color:#075985}
.sp-flash{outline:2px solid #9b1c1c;border-radius:2px}
.legend-chip{display:inline-block;padding:0 6px;border-radius:3px;font-size:12px;line-height:20px}
@media (max-width: 1023px){.speech-text{max-height:60vh}}
.speech-grid .ag-cell{line-height:1.5;padding-top:4px;padding-bottom:4px}
</style>
"""
# Unit names not found in the org tree are shown in red, with a tooltip naming them.
UNMATCHED_STYLE = ("p => (p.value && p.data.unmatched && p.value.split('、').some(n => "
                   "p.data.unmatched.split('、').includes(n))) ? {color: '#b91c1c', fontWeight: 600} : null")
UNMATCHED_TIP = ("p => p.data.unmatched ? ('未匹配到系统单位：' + p.data.unmatched + '（生成任务前请改为规范名称或别名）')"
                 " : null")
MEASURES = {"growth": "增速", "level": "总量", "ratio": "比率", "rank": "位次", "diff": "差值"}
QUALIFIERS = [">=", "<=", "~", "="]
SPLIT = re.compile(r"[、，,；;\s]+")




def _names(value) -> list[str]:
    out = []
    for v in SPLIT.split(value or ""):
        v = v.strip()
        if v and v not in out:
            out.append(v)
    return out


def _error(exc: DiaoduError) -> None:
    ui.notify(exc.message, type="negative", multi_line=True, close_button="关闭", timeout=8000)


# ---------------------------------------------------------------- highlighting

def highlight_html(text: str, ex: dict) -> str:
    """The speech as HTML: flat spans (``data-o`` = code-point offset of their first character)
    carrying one class per kind of record covering them; text always escaped."""
    n = len(text)
    layers: dict[str, list[tuple[int, int]]] = {cls: [] for _k, _l, cls in LEGEND}
    anchors: dict[int, list[str]] = {}

    def add(cls: str, s, e):
        if isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= n:
            layers[cls].append((s, e))

    for name, cls in (("headings", "sp-head"), ("targets", "sp-target"), ("figures", "sp-fig")):
        for i, rec in enumerate(ex.get(name) or []):
            add(cls, rec.get("start"), rec.get("end"))
            if isinstance(rec.get("start"), int):
                anchors.setdefault(rec["start"], []).append(f"{name}-{i}")
    for i, rec in enumerate(ex.get("tasks") or []):
        s, e = rec.get("start"), rec.get("end")
        add("sp-task", s, e)
        if not (isinstance(s, int) and isinstance(e, int)):
            continue
        anchors.setdefault(s, []).append(f"tasks-{i}")
        names = list(dict.fromkeys([*(rec.get("units") or []), *(rec.get("lead") or []), *(rec.get("assist") or [])]))
        for name in names:
            pos = text.find(name, s, e)
            while name and pos >= 0:
                add("sp-unit", pos, pos + len(name))
                pos = text.find(name, pos + len(name), e)
        dl = rec.get("deadline") or {}
        add("sp-dl", dl.get("start"), dl.get("end"))
    # Boundaries where the set of classes changes.
    cuts = {0, n, *anchors}
    for spans in layers.values():
        for s, e in spans:
            cuts.add(s)
            cuts.add(e)
    points = sorted(cuts)
    # Coverage per class via difference arrays over the cut points.
    index = {p: k for k, p in enumerate(points)}
    cover = {cls: [0] * (len(points) + 1) for cls in layers}
    for cls, spans in layers.items():
        arr = cover[cls]
        for s, e in spans:
            arr[index[s]] += 1
            arr[index[e]] -= 1
    running = {cls: 0 for cls in layers}
    out = []
    order = [cls for _k, _l, cls in LEGEND]
    for k in range(len(points) - 1):
        p, q = points[k], points[k + 1]
        for cls in order:
            running[cls] += cover[cls][k]
        for a in anchors.get(p, ()):
            out.append(f'<a id="rec-{a}"></a>')
        if p == q:
            continue
        classes = " ".join(cls for cls in order if running[cls] > 0)
        out.append(f'<span data-o="{p}"' + (f' class="{classes}"' if classes else "") + f">{html.escape(text[p:q])}</span>")
    return "".join(out)


SELECTION_JS = """
(() => {
  const box = document.querySelector('.speech-text');
  const sel = window.getSelection();
  if (!box || !sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const r = sel.getRangeAt(0);
  function off(node, o) {
    if (node.nodeType !== 3) {
      const child = node.childNodes[o];
      if (child && child.nodeType === 1 && child.dataset && child.dataset.o !== undefined) return parseInt(child.dataset.o);
      return null;
    }
    const el = node.parentElement;
    if (!el || !box.contains(el) || el.dataset.o === undefined) return null;
    return parseInt(el.dataset.o) + [...node.textContent.slice(0, o)].length;
  }
  const s = off(r.startContainer, r.startOffset), e = off(r.endContainer, r.endOffset);
  if (s === null || e === null || e <= s) return null;
  return [s, e];
})()
"""


# ---------------------------------------------------------------- table rows

def _task_row(key: int, rec: dict, resolve) -> dict:
    lead = list(rec.get("lead") or [])
    assist = list(rec.get("assist") or [])
    units = list(rec.get("units") or [])
    if not lead and not assist:
        lead, assist = units[:1], units[1:]
    elif not lead:
        lead = [u for u in units if u not in assist][:1]
    dl = rec.get("deadline") or {}
    unmatched = [u for u in [*lead, *assist] if resolve(u) is None]
    return {"_key": key, "quote": rec.get("quote", ""), "content": rec.get("content") or rec.get("quote", ""),
            "lead": "、".join(lead), "assist": "、".join(assist), "deadline_date": dl.get("date") or "",
            "deadline_quote": dl.get("quote") or "", "section": rec.get("section") or "",
            "unmatched": "、".join(unmatched)}


def _quantity_row(key: int, rec: dict) -> dict:
    row = {"_key": key, "quote": rec.get("quote", ""), "indicator": rec.get("indicator") or "",
           "measure": rec.get("measure") or "", "value": rec.get("value"), "unit": rec.get("unit") or "",
           "qualifier": rec.get("qualifier") or "="}
    for k in ("period", "region", "base"):
        row[k] = rec.get(k) or ""
    return row


def _heading_row(key: int, rec: dict) -> dict:
    return {"_key": key, "quote": rec.get("quote", ""), "depth": rec.get("depth", 1)}


def _value(v):
    if v in (None, ""):
        return None
    if isinstance(v, (int, float)):
        return v
    return str(v).strip()


def _record(name: str, row: dict, base: dict) -> dict:
    """The reviewed record for one table row, starting from the parser's record."""
    rec = dict(base)
    rec["quote"] = row.get("quote", "")
    if "start" in row:
        rec["start"], rec["end"] = row["start"], row["end"]
    if name == "headings":
        try:
            rec["depth"] = int(row.get("depth") or 1)
        except (TypeError, ValueError):
            rec["depth"] = row.get("depth")
    elif name == "tasks":
        lead, assist = _names(row.get("lead")), _names(row.get("assist"))
        assist = [a for a in assist if a not in lead]
        rec["units"] = [*lead, *assist]
        rec["lead"], rec["assist"] = lead, assist
        content = (row.get("content") or "").strip()
        if content and content != rec["quote"]:
            rec["content"] = content
        else:
            rec.pop("content", None)
        date = (row.get("deadline_date") or "").strip()
        old = base.get("deadline")
        if old:
            if date:
                rec["deadline"] = {**old, "date": date}
            elif old.get("date") is None:
                rec["deadline"] = dict(old)
            else:
                rec["deadline"] = None  # the clerk cleared the date: no deadline
        else:
            rec["deadline"] = {"quote": "", "date": date} if date else None
    else:
        for k in ("indicator", "measure", "unit", "qualifier"):
            rec[k] = (row.get(k) or "").strip() if isinstance(row.get(k), str) else row.get(k)
        rec["value"] = _value(row.get("value"))
        if name == "figures":
            for k in ("period", "region"):
                rec[k] = (row.get(k) or "").strip() or None
            base_v = (row.get("base") or "").strip()
            if base_v:
                rec["base"] = base_v
            else:
                rec.pop("base", None)
    return rec


def _columns(name: str, editable: bool) -> list[dict]:
    quote = {"headerName": "原文", "field": "quote", "wrapText": True, "autoHeight": True, "flex": 3,
             "minWidth": 200}
    first = {"headerName": "#", "valueGetter": "node.rowIndex + 1", "width": 52, "maxWidth": 60,
             "cellStyle": {"paddingLeft": "8px", "paddingRight": "2px"}}
    ed = {"editable": editable}
    if name == "tasks":
        return [first,
                {"headerName": "任务内容", "field": "content", "wrapText": True, "autoHeight": True, "flex": 3,
                 "minWidth": 180, "cellEditor": "agLargeTextCellEditor", "cellEditorPopup": True,
                 "cellEditorParams": {"maxLength": 2000, "rows": 8, "cols": 60}, **ed},
                {"headerName": "牵头单位", "field": "lead", "wrapText": True, "autoHeight": True, "flex": 1,
                 "minWidth": 104, ":cellStyle": UNMATCHED_STYLE, ":tooltipValueGetter": UNMATCHED_TIP, **ed},
                {"headerName": "配合单位", "field": "assist", "wrapText": True, "autoHeight": True, "flex": 1,
                 "minWidth": 100, ":cellStyle": UNMATCHED_STYLE, ":tooltipValueGetter": UNMATCHED_TIP, **ed},
                {"headerName": "完成时限", "field": "deadline_date", "width": 108, "tooltipField": "deadline_quote",
                 **ed}]
    if name == "headings":
        return [first, {**quote, "flex": 5},
                {"headerName": "层级", "field": "depth", "width": 80, "cellDataType": "number", **ed}]
    cols = [first, {**quote, "flex": 3, "minWidth": 150},
            {"headerName": "指标", "field": "indicator", "flex": 2, "minWidth": 100, "wrapText": True,
             "autoHeight": True, **ed},
            {"headerName": "类型", "field": "measure", "width": 76, "cellEditor": "agSelectCellEditor",
             "cellEditorParams": {"values": list(MEASURES)}, ":valueFormatter":
             "p => ({growth:'增速',level:'总量',ratio:'比率',rank:'位次',diff:'差值'})[p.value] || p.value", **ed},
            {"headerName": "数值", "field": "value", "width": 76, **ed},
            {"headerName": "单位", "field": "unit", "width": 76, **ed}]
    if name == "targets":
        cols.append({"headerName": "限定", "field": "qualifier", "width": 78, "cellEditor": "agSelectCellEditor",
                     "cellEditorParams": {"values": QUALIFIERS}, **ed})
    else:
        cols += [{"headerName": "时期", "field": "period", "width": 84, **ed},
                 {"headerName": "地区", "field": "region", "width": 76, **ed},
                 {"headerName": "比较基准", "field": "base", "width": 88, **ed}]
    return cols


TABS = [("tasks", "任务"), ("targets", "目标"), ("figures", "数据"), ("headings", "标题")]


def register() -> None:  # noqa: C901 - page functions with their handlers
    @ui.page("/speech")
    def list_page(request: Request):
        page = page_actor(request)
        if not signed_in(page):
            return page
        actor = page.actor
        writer = actor.role in WRITERS
        with ctx().db.session() as session:
            speeches = svc.list_speeches(session, actor)
            rows = [{"id": s.id, "title": s.title, "date": s.meeting_date.isoformat() if s.meeting_date else "—",
                     "status": s.status_label, "status_key": s.status, **svc.counts(s.current),
                     "by": (s.uploaded_by.display_name or s.uploaded_by.username) if s.uploaded_by else "—"}
                    for s in speeches]
        with frame(page, "讲话解析", "/speech"):
            if writer:
                with ui.card().classes("w-full").props("flat bordered"):
                    ui.label("解析新讲话").classes("text-base font-semibold text-gray-700")
                    ui.label("粘贴讲话全文或上传文件（.txt：UTF-8/GB18030 编码；.docx），系统识别标题层级、任务、"
                             "责任单位、时限、目标和数据，逐项标注原文位置，供核对后确认。").classes(
                        "text-sm text-gray-500")
                    with ui.row().classes("w-full gap-3 items-end flex-wrap"):
                        title = ui.input("标题（可选）").props("dense outlined").classes("min-w-[260px] flex-1")
                        date = ui.input("会议日期").props('dense outlined type=date stack-label').classes("w-44")
                    text = ui.textarea(placeholder="在此粘贴讲话全文……").props(
                        'outlined input-style="min-height:160px" data-testid="speech-paste"').classes("w-full")

                    def meeting_date():
                        v = (date.value or "").strip()
                        return dt.date.fromisoformat(v) if v else None

                    def create(kw: dict, when, name) -> int:
                        with ctx().db.session(actor) as session:
                            speech = svc.create_speech(session, actor, meeting_date=when, title=name, **kw)
                            return speech.id

                    async def store(**kw):
                        try:
                            when = meeting_date()
                        except ValueError:
                            ui.notify("会议日期格式不正确，应为 YYYY-MM-DD", type="negative")
                            return
                        spinner.set_visibility(True)
                        try:
                            # Parsing a long speech takes a moment: keep the event loop free.
                            sid = await run.io_bound(create, kw, when, title.value or None)
                        except DiaoduError as exc:
                            _error(exc)
                            return
                        finally:
                            spinner.set_visibility(False)
                        ui.navigate.to(f"/speech/{sid}")

                    async def on_upload(e):
                        data = await e.file.read()
                        await store(data=data, filename=e.file.name)

                    with ui.row().classes("w-full items-center gap-3 flex-wrap"):
                        ui.button("解析粘贴的讲话", icon="auto_awesome",
                                  on_click=lambda: store(text=text.value or "")).props(
                            'unelevated no-caps data-testid="speech-parse"')
                        spinner = ui.spinner(size="md")
                        spinner.set_visibility(False)
                        ui.label("或").classes("text-gray-500")
                        ui.upload(label="上传讲话文件并解析（.txt / .docx）", auto_upload=True, max_files=1,
                                  max_file_size=svc.MAX_BYTES, on_upload=on_upload,
                                  on_rejected=lambda: ui.notify(
                                      "不支持的文件：仅支持 5 MB 以内的 .txt（UTF-8/GB18030 编码）和 .docx 文件",
                                      type="negative")).props('accept=".txt,.docx" flat bordered dense').classes(
                            "max-w-sm")
            with ui.card().classes("w-full").props("flat bordered"):
                ui.label(f"已解析的讲话（{len(rows)}）").classes("text-base font-semibold text-gray-700")
                if not rows:
                    ui.label("还没有讲话。").classes("text-gray-500")
                cols = [{"name": "title", "label": "标题", "field": "title", "align": "left"},
                        {"name": "date", "label": "会议日期", "field": "date", "align": "left", "sortable": True},
                        {"name": "status", "label": "状态", "field": "status", "align": "center"},
                        {"name": "tasks", "label": "任务", "field": "tasks", "align": "right"},
                        {"name": "targets", "label": "目标", "field": "targets", "align": "right", "classes": "gt-xs",
                         "headerClasses": "gt-xs"},
                        {"name": "figures", "label": "数据", "field": "figures", "align": "right", "classes": "gt-xs",
                         "headerClasses": "gt-xs"},
                        {"name": "by", "label": "上传人", "field": "by", "align": "left", "classes": "gt-sm",
                         "headerClasses": "gt-sm"}]
                if rows:
                    table = ui.table(columns=cols, rows=rows, row_key="id").classes("w-full").props(
                        "flat dense wrap-cells")
                    table.add_slot("body-cell-title", r'''
                        <q-td :props="props"><a :href="'/speech/' + props.row.id"
                          class="text-primary font-medium" style="text-decoration:none">{{ props.value }}</a></q-td>''')
                    table.add_slot("body-cell-status", r'''
                        <q-td :props="props"><q-badge :color="{draft:'orange-8',reviewed:'blue-7',confirmed:'green-7'}[props.row.status_key]"
                          :label="props.value"/></q-td>''')

    @ui.page("/speech/{speech_id}")
    def review_page(request: Request, speech_id: int):  # noqa: C901
        page = page_actor(request)
        if not signed_in(page):
            return page
        actor = page.actor
        writer = actor.role in WRITERS
        try:
            with ctx().db.session() as session:
                speech = svc.get_speech(session, actor, speech_id)
                resolve = org.unit_resolver(session)
                text = speech.text
                parsed = speech.extraction or {}
                state = {"version": speech.version, "status": speech.status, "title": speech.title,
                         "meeting_date": speech.meeting_date, "current": speech.current,
                         "confirm_result": speech.confirm_result, "dirty": False}
        except DiaoduError as exc:
            with frame(page, "讲话解析", "/speech"):
                ui.label(exc.message).classes("text-red-700")
                ui.link("返回讲话列表", "/speech")
            return None
        tasks_ok = svc.tasks_available()
        # Rows per list, keyed; "base" keeps each row's record (parser fields not shown in the table).
        base: dict[str, dict[int, dict]] = {}
        rows: dict[str, list[dict]] = {}
        counter = [0]

        def load_rows(ex: dict) -> None:
            for name, _label in TABS:
                base[name], rows[name] = {}, []
                for rec in ex.get(name) or []:
                    counter[0] += 1
                    k = counter[0]
                    base[name][k] = rec
                    row = (_task_row(k, rec, resolve) if name == "tasks" else _heading_row(k, rec)
                           if name == "headings" else _quantity_row(k, rec))
                    row["start"], row["end"] = rec.get("start"), rec.get("end")
                    rows[name].append(row)

        def reviewed() -> dict:
            return {"doc": (state["current"] or {}).get("doc", ""),
                    **{name: [_record(name, r, base[name].get(r["_key"], {})) for r in rows[name]]
                       for name, _l in TABS}}

        load_rows(state["current"])
        ui.add_head_html(CSS)
        with frame(page, state["title"], "/speech"):
            with ui.row().classes("w-full items-center gap-2 flex-wrap"):
                ui.link("← 讲话列表", "/speech").classes("text-sm text-primary no-underline")
                ui.label(f"会议日期：{state['meeting_date'] or '未填写'}").classes("text-sm text-gray-600")
                status_badge = ui.badge(svc.SpeechStatus(state["status"]).label,
                                        color=STATUS_COLORS[state["status"]]).props('data-testid="speech-status"')
                counts_label = ui.label("").classes("text-sm text-gray-600")
                ui.space()
                if writer:
                    save_btn = ui.button("保存核对结果", icon="save", on_click=lambda: save()).props(
                        'unelevated no-caps data-testid="speech-save"')
                    reset_btn = ui.button("恢复解析结果", icon="restart_alt", on_click=lambda: reset()).props(
                        "flat no-caps")
                with ui.element("div").props('data-testid="confirm-wrap"'):
                    confirm_btn = ui.button("确认生成任务", icon="playlist_add_check",
                                            on_click=lambda: ask_confirm()).props(
                        'unelevated no-caps color=green-8 data-testid="speech-confirm"')
                    confirm_tip = ui.tooltip("")

            def refresh_header() -> None:
                st = state["status"]
                status_badge.text = svc.SpeechStatus(st).label
                status_badge.props(f"color={STATUS_COLORS[st]}")
                c = {name: len(rows[name]) for name, _l in TABS}
                counts_label.text = f"任务 {c['tasks']} · 目标 {c['targets']} · 数据 {c['figures']} · 标题 {c['headings']}"
                reason = None
                if not tasks_ok:
                    reason = svc.TASKS_MISSING
                elif not writer:
                    reason = "仅调度员或管理员可确认生成任务"
                elif st == "confirmed":
                    n = len((state["confirm_result"] or {}).get("created") or [])
                    reason = f"已生成 {n} 项任务"
                if reason:
                    confirm_btn.disable()
                    confirm_tip.text = reason
                else:
                    confirm_btn.enable()
                    confirm_tip.text = "把核对后的任务生成到任务督办台账（先自动保存核对结果）"
                if writer:
                    for b in (save_btn, reset_btn):
                        b.set_enabled(st != "confirmed")

            if state["status"] == "confirmed" and tasks_ok:
                res = state["confirm_result"] or {}
                with ui.row().classes("items-center gap-2"):
                    ui.icon("check_circle", color="green-8")
                    ui.label(f"已生成 {len(res.get('created') or [])} 项督办任务").classes("text-sm")
                    ui.link("在任务督办中查看", f"/tasks?meeting={quote(state['title'])}").classes("text-sm text-primary")

            with ui.element("div").classes("w-full grid grid-cols-1 lg:grid-cols-[5fr_7fr] gap-3 items-start"):
                with ui.card().classes("w-full min-w-0").props("flat bordered"):
                    with ui.row().classes("w-full items-center gap-2 flex-wrap"):
                        ui.label("原文").classes("text-base font-semibold text-gray-700")
                        ui.space()
                        legend = "".join(f'<span class="legend-chip {cls}">{label}</span> '
                                         for _k, label, cls in LEGEND)
                        ui.html(f'<div data-testid="legend" style="display:flex;gap:4px;flex-wrap:wrap">{legend}</div>',
                                sanitize=False)
                    text_box = ui.html("", sanitize=False).classes("w-full speech-text").props('data-testid="speech-text"')
                    if writer:
                        ui.label("点表格中的一行可定位原文；在原文中选中文字后，可点表格上方的“用选中文字新增”。").classes(
                            "text-xs text-gray-500")

                with ui.card().classes("w-full min-w-0").props("flat bordered"):
                    with ui.tabs().classes("w-full text-gray-700").props("dense align=left no-caps") as tabs:
                        tab_objs = {name: ui.tab(name, label=label) for name, label in TABS}
                    grids: dict[str, ui.aggrid] = {}
                    with ui.tab_panels(tabs, value=tab_objs["tasks"]).classes("w-full").props("keep-alive"):
                        for name, label in TABS:
                            with ui.tab_panel(tab_objs[name]).classes("p-0 pt-2"):
                                if writer:
                                    with ui.row().classes("gap-2 items-center flex-wrap mb-2"):
                                        ui.button("用选中文字新增", icon="add",
                                                  on_click=lambda n=name: add_from_selection(n)).props(
                                            f'outline dense no-caps data-testid="add-{name}"')
                                        ui.button("输入原文新增", icon="edit_note",
                                                  on_click=lambda n=name: add_typed(n)).props("flat dense no-caps")
                                        ui.button("删除选中行", icon="delete",
                                                  on_click=lambda n=name: delete_selected(n)).props(
                                            f'flat dense no-caps color=negative data-testid="delete-{name}"')
                                opts = {"columnDefs": _columns(name, writer), "rowData": rows[name],
                                        "defaultColDef": {"resizable": True, "sortable": False,
                                                          "suppressMovable": True},
                                        ":getRowId": "p => String(p.data._key)",
                                        "stopEditingWhenCellsLoseFocus": True, "singleClickEdit": False,
                                        "localeText": {"noRowsToShow": f"没有{label}"}}
                                if writer:
                                    opts["rowSelection"] = {"mode": "multiRow", "enableClickSelection": False}
                                    opts["selectionColumnDef"] = {"width": 44, "maxWidth": 44, "resizable": False}
                                grid = ui.aggrid(opts, auto_size_columns=False).classes(
                                    "w-full speech-grid").style("height:64vh").props(f'data-testid="grid-{name}"')
                                grid.on("cellValueChanged", lambda e, n=name: edited(n, e.args))
                                grid.on("cellClicked", lambda e, n=name: show_record(n, e.args))
                                grids[name] = grid

            def render_text() -> None:
                text_box.content = highlight_html(text, reviewed())

            def refresh_grid(name: str) -> None:
                grids[name].options["rowData"] = rows[name]
                grids[name].update()

            def edited(name: str, args: dict) -> None:
                data = args.get("data") or {}
                for i, r in enumerate(rows[name]):
                    if r["_key"] == data.get("_key"):
                        rows[name][i] = {**r, **{k: v for k, v in data.items() if k in r}}
                        break
                state["dirty"] = True
                if name == "tasks" and args.get("colId") in ("lead", "assist"):
                    render_text()

            def show_record(name: str, args: dict) -> None:
                data = args.get("data") or {}
                k = next((i for i, r in enumerate(rows[name]) if r["_key"] == data.get("_key")), None)
                if k is None:
                    return
                ui.run_javascript(f"""(() => {{ const a = document.getElementById('rec-{name}-{k}');
                    if (!a) return; const s = a.nextElementSibling; (s || a).scrollIntoView({{block:'center'}});
                    if (s) {{ s.classList.add('sp-flash'); setTimeout(() => s.classList.remove('sp-flash'), 1500); }} }})()""")

            def new_row(name: str, quote: str, start, end) -> dict:
                counter[0] += 1
                k = counter[0]
                if name == "tasks":
                    rec = {"quote": quote, "units": [], "deadline": None}
                    row = _task_row(k, rec, resolve)
                elif name == "headings":
                    rec = {"quote": quote, "depth": 1}
                    row = _heading_row(k, rec)
                else:
                    rec = {"quote": quote, "indicator": "", "measure": "level", "value": None, "unit": ""}
                    if name == "targets":
                        rec["qualifier"] = "="
                    row = _quantity_row(k, rec)
                base[name][k] = {}
                row["start"], row["end"] = start, end
                return row

            def insert(name: str, row: dict) -> None:
                # Keep text order.
                pos = len(rows[name])
                if isinstance(row.get("start"), int):
                    pos = next((i for i, r in enumerate(rows[name])
                                if isinstance(r.get("start"), int) and r["start"] > row["start"]), pos)
                rows[name].insert(pos, row)
                state["dirty"] = True
                refresh_grid(name)
                render_text()
                refresh_header()
                ui.notify(f"已新增一行（{dict(TABS)[name]}第 {pos + 1} 行），请补全后保存", type="positive")

            async def add_from_selection(name: str) -> None:
                span = await ui.run_javascript(SELECTION_JS, timeout=3)
                if not span:
                    ui.notify("请先在左侧原文中用鼠标选中一段文字", type="warning")
                    return
                s, e = int(span[0]), int(span[1])
                insert(name, new_row(name, text[s:e].strip() or text[s:e], s, e) if text[s:e].strip() == text[s:e]
                       else new_row(name, text[s:e].strip(), s + (len(text[s:e]) - len(text[s:e].lstrip())),
                                    s + (len(text[s:e]) - len(text[s:e].lstrip())) + len(text[s:e].strip())))

            def add_typed(name: str) -> None:
                with ui.dialog() as dlg, ui.card().classes("w-[560px] max-w-full"):
                    ui.label(f"新增{dict(TABS)[name]}：输入讲话中的原文").classes("font-semibold")
                    box = ui.textarea("原文（须与讲话中的文字完全一致）").props("outlined autogrow").classes("w-full")

                    def ok():
                        q = (box.value or "").strip()
                        pos = text.find(q) if q else -1
                        if pos < 0:
                            ui.notify("讲话中找不到这段原文，请从讲话中复制", type="negative")
                            return
                        dlg.close()
                        insert(name, new_row(name, q, pos, pos + len(q)))

                    with ui.row().classes("w-full justify-end"):
                        ui.button("取消", on_click=dlg.close).props("flat")
                        ui.button("新增", on_click=ok).props("unelevated")
                dlg.open()

            async def delete_selected(name: str) -> None:
                selected = await grids[name].get_selected_rows()
                keys = {r.get("_key") for r in selected}
                if not keys:
                    ui.notify("请先勾选要删除的行", type="warning")
                    return
                rows[name] = [r for r in rows[name] if r["_key"] not in keys]
                state["dirty"] = True
                refresh_grid(name)
                render_text()
                refresh_header()
                ui.notify(f"已删除 {len(keys)} 行（保存后生效）")

            def _save_in(session) -> None:
                sp = svc.save_review(session, actor, speech_id, reviewed(), state["version"])
                state["version"], state["status"], state["current"] = sp.version, sp.status, sp.reviewed

            def after_save() -> None:
                load_rows(state["current"])
                for name, _l in TABS:
                    refresh_grid(name)
                state["dirty"] = False
                render_text()
                refresh_header()

            def save() -> None:
                try:
                    with ctx().db.session(actor) as session:
                        _save_in(session)
                except DiaoduError as exc:
                    _error(exc)
                    return
                after_save()
                unmatched = sum(1 for r in rows["tasks"] if r["unmatched"])
                msg = "核对结果已保存"
                if unmatched:
                    msg += f"；{unmatched} 项任务有未匹配到系统单位的名称（表中红字）"
                ui.notify(msg, type="positive", multi_line=True, timeout=3000)

            def reset() -> None:
                load_rows(parsed)
                for name, _l in TABS:
                    refresh_grid(name)
                state["dirty"] = True
                render_text()
                refresh_header()
                ui.notify("已恢复为系统解析结果（保存后生效）")

            def ask_confirm() -> None:
                n = len(rows["tasks"])
                with ui.dialog() as dlg, ui.card().classes("max-w-lg"):
                    ui.label("确认生成任务").classes("text-lg font-semibold")
                    ui.label(f"将保存当前核对结果，并把 {n} 项任务生成到任务督办台账（每项任务关联讲话原文位置）。"
                             "没有牵头单位或单位未匹配的任务会被跳过并列出。").classes("text-sm")

                    def go():
                        dlg.close()
                        do_confirm()

                    with ui.row().classes("w-full justify-end"):
                        ui.button("取消", on_click=dlg.close).props("flat")
                        ui.button("确认生成", on_click=go).props('unelevated color=green-8 data-testid="confirm-go"')
                dlg.open()

            def do_confirm() -> None:
                try:
                    with ctx().db.session(actor) as session:
                        _save_in(session)
                        result = svc.confirm_tasks(session, actor, speech_id, state["version"])
                        sp = svc.get_speech(session, actor, speech_id)
                        state["version"], state["status"] = sp.version, sp.status
                        state["confirm_result"] = result
                except DiaoduError as exc:
                    _error(exc)
                    return
                after_save()
                with ui.dialog() as dlg, ui.card().classes("max-w-2xl"):
                    ui.label(f"已生成 {len(result.get('created') or [])} 项督办任务").classes(
                        "text-lg font-semibold text-green-800")
                    for item in (result.get("skipped") or [])[:20]:
                        ui.label(f"跳过：{item.get('quote', '')[:40]}……（{item.get('reason', '')}）").classes(
                            "text-sm text-gray-700")
                    for item in (result.get("unmatched") or [])[:20]:
                        ui.label(f"未匹配单位：{item.get('unit')}（{item.get('role')}）").classes("text-sm text-orange-800")
                    with ui.row().classes("w-full justify-end"):
                        ui.button("关闭", on_click=dlg.close).props("flat")
                        ui.button("查看任务", on_click=lambda: ui.navigate.to(f"/tasks?meeting={quote(state['title'])}")).props(
                            "unelevated")
                dlg.open()

            render_text()
            refresh_header()


register()
