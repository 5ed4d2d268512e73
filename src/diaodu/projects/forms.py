"""Create/edit dialogs for key projects and create dialogs for 招商 leads.

They call the projects service with the page's user, so what may be changed is decided there: a
dispatcher edits every field; a reporter of the responsible unit sees and saves only what the unit
keeps current itself (形象进度, actual dates, 入库) — ``service.REPORTER_FIELDS``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Callable

from nicegui import ui
from sqlalchemy import select

from diaodu.core.errors import DiaoduError, ValidationFailed
from diaodu.core.models import Role, Unit
from diaodu.projects import records, service
from diaodu.projects.models import ProjectList
from diaodu.web.context import ctx

LABELS = {"code": "项目编码", "name": "项目名称", "stage": "建设阶段", "region_id": "县市区", "industry": "所属产业",
          "chain": "产业链", "owner": "业主单位", "unit_id": "责任单位", "leader_person_id": "联系市领导",
          "total_investment": "总投资（万元）", "annual_plan": "年度计划投资（万元）", "planned_start": "计划开工",
          "planned_completion": "计划竣工", "actual_start": "实际开工", "actual_completion": "实际竣工",
          "progress": "形象进度", "reg_status": "入库状态", "reg_date": "入库日期", "reg_amount": "累计入库（万元）",
          "lists": "所属清单", "investor": "投资方", "contract_amount": "签约金额（万元）",
          "funds_in_place": "到位资金（万元）", "talk_date": "洽谈日期"}
DATES = {"planned_start", "planned_completion", "actual_start", "actual_completion", "reg_date", "talk_date"}
MONEY = {"total_investment", "annual_plan", "reg_amount", "contract_amount", "funds_in_place"}
LENGTHS = {"code": 40, "name": 200, "industry": 50, "chain": 50, "owner": 200, "investor": 200}


def _options(session) -> dict[str, dict]:
    regions = service.Regions(session)
    return {"region_id": {r.id: r.name for r in regions.counties()},
            "unit_id": {u.id: u.name for u in session.scalars(select(Unit).order_by(Unit.sort, Unit.id))},
            "leader_person_id": {p.id: p.name for p in service.leaders(session)},
            "stage": {s: s for s in records.STAGES}, "reg_status": {s: s for s in records.REG_STATUSES},
            "lists": {n: n for n in session.scalars(select(ProjectList.name).order_by(ProjectList.id))}}


def _value(key: str, raw):
    """A form value as the service takes it; a clear Chinese error otherwise."""
    if raw in (None, "") or raw == []:
        return None
    if key in DATES:
        try:
            return date.fromisoformat(str(raw))
        except ValueError:
            raise ValidationFailed(f"{LABELS[key]}应为日期，如 2026-03-31") from None
    if key in MONEY:
        try:
            return Decimal(str(raw)).quantize(Decimal("0.0001"))
        except InvalidOperation:
            raise ValidationFailed(f"{LABELS[key]}应为数字") from None
    if isinstance(raw, str):
        text = raw.strip()
        if key in LENGTHS and len(text) > LENGTHS[key]:
            raise ValidationFailed(f"{LABELS[key]}不能超过 {LENGTHS[key]} 个字")
        return text
    return raw


def _field(key: str, value, options: dict[str, dict]):
    label = LABELS[key]
    testid = f'data-testid="f-{key}"'
    if key == "lists":
        return ui.select(options["lists"], value=value or [], label=label, multiple=True).props(
            f"outlined dense use-chips {testid}").classes("w-full")
    if key in options:
        return ui.select(options[key], value=value, label=label, with_input=True, clearable=True).props(
            f"outlined dense {testid}").classes("w-full")
    if key in DATES:
        return ui.input(label, value=value.isoformat() if value else "").props(
            f"outlined dense type=date stack-label {testid}").classes("w-full")
    if key == "progress":
        return ui.textarea(label, value=value or "").props(f"outlined dense autogrow {testid}").classes("w-full")
    if key in MONEY:
        return ui.input(label, value="" if value is None else f"{service.dec(value)}").props(
            f"outlined dense inputmode=decimal {testid}").classes("w-full")
    return ui.input(label, value=value or "").props(
        f"outlined dense maxlength={LENGTHS.get(key, 200)} {testid}").classes("w-full")


def _dialog(title: str, keys: list[str], current: dict, options: dict[str, dict],
            save: Callable[[dict], None]) -> None:
    with ui.dialog() as dlg, ui.card().classes("w-full").style("max-width:720px"):
        ui.label(title).classes("text-lg font-semibold")
        inputs = {}
        with ui.element("div").classes("w-full grid gap-2").style(
                "grid-template-columns:repeat(auto-fit,minmax(min(100%,200px),1fr))"):
            for key in keys:
                if key not in ("progress", "lists"):
                    inputs[key] = _field(key, current.get(key), options)
        for key in keys:
            if key in ("progress", "lists"):
                inputs[key] = _field(key, current.get(key), options)
        box = ui.column().classes("w-full")

        def submit() -> None:
            box.clear()
            try:
                values = {k: _value(k, i.value) for k, i in inputs.items()}
                save(values)
            except DiaoduError as exc:
                with box, ui.card().classes("w-full bg-red-50").props('flat bordered data-testid="form-error"'):
                    ui.label("未保存").classes("text-red-700 font-semibold")
                    ui.label(exc.message).classes("text-sm whitespace-pre-wrap")
                return
            dlg.close()

        with ui.row().classes("w-full justify-end"):
            ui.button("取消", on_click=dlg.close).props("flat")
            ui.button("保存", on_click=submit).props('color=primary data-testid="form-save"')
    dlg.open()


PROJECT_KEYS = ["code", "name", "stage", "region_id", "industry", "chain", "owner", "unit_id", "leader_person_id",
                "total_investment", "annual_plan", "planned_start", "planned_completion", "actual_start",
                "actual_completion", "reg_status", "reg_date", "reg_amount", "progress", "lists"]


def project_dialog(actor, project_id: int | None, on_saved: Callable[[int], None]) -> None:
    """New project (dispatchers) or edit one (dispatchers: every field; the responsible unit's
    reporter: ``service.REPORTER_FIELDS``)."""
    with ctx().db.session(actor) as s:
        options = _options(s)
        current: dict = {}
        version = None
        if project_id is not None:
            p = service.get_project(s, actor, project_id)
            current = {k: getattr(p, k) for k in service.PROJECT_FIELDS} | {"lists": [pl.name for pl in p.lists]}
            version = p.version
    keys = [k for k in PROJECT_KEYS if actor.role != Role.reporter or k in service.REPORTER_FIELDS]

    def save(values: dict) -> None:
        with ctx().db.session(actor) as s:
            if project_id is None:
                lists = values.pop("lists") or []
                p = service.create_project(s, actor, lists=lists, **values)
            else:
                changes = {k: v for k, v in values.items() if v != current.get(k) and not (
                    v is None and current.get(k) in ("", None, []))}
                if "lists" in changes:
                    changes["lists"] = changes["lists"] or []
                p = service.update_project(s, actor, project_id, version=version, **changes)
            pid = p.id
        ui.notify("项目已保存", type="positive")
        on_saved(pid)

    _dialog("新建重点项目" if project_id is None else f"修改项目：{current.get('name', '')}", keys, current,
            options, save)


LEAD_KEYS = ["code", "name", "region_id", "investor", "industry", "chain", "unit_id", "leader_person_id",
             "contract_amount", "funds_in_place", "talk_date"]


def lead_dialog(actor, on_saved: Callable[[], None]) -> None:
    """A new 招商 lead (在谈); it then moves on with 推进 on the leads page."""
    with ctx().db.session(actor) as s:
        options = _options(s)

    def save(values: dict) -> None:
        with ctx().db.session(actor) as s:
            service.create_lead(s, actor, **values)
        ui.notify("招商项目已登记", type="positive")
        on_saved()

    _dialog("登记招商项目", LEAD_KEYS, {}, options, save)

