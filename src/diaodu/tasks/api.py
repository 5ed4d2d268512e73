"""REST routes of task supervision (under /api/v1). Thin: parse, call the service, shape."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import tempfile
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from diaodu.core.errors import ValidationFailed
from diaodu.tasks import lifecycle as lc
from diaodu.tasks import service as svc
from diaodu.tasks.models import Task
from diaodu.web.deps import CurrentActor, DbSession

router = APIRouter(tags=["tasks"])


class TaskCreate(BaseModel):
    content: str
    lead_unit_id: int
    assist_unit_ids: list[int] = Field(default_factory=list)
    deadline: dt.date | None = None
    leader_person_id: int | None = None
    category: str | None = None
    tags: list[str] = Field(default_factory=list)
    source_kind: str = "manual"
    source_speech_id: int | None = None
    source_title: str | None = None
    source_date: dt.date | None = None
    source_start: int | None = None
    source_end: int | None = None
    source_quote: str | None = None
    source_section: str | None = None
    milestones: list[dict] = Field(default_factory=list)


class TaskUpdate(BaseModel):
    version: int | None = None
    content: str | None = None
    lead_unit_id: int | None = None
    assist_unit_ids: list[int] | None = None
    deadline: dt.date | None = None
    leader_person_id: int | None = None
    category: str | None = None
    tags: list[str] | None = None
    source_title: str | None = None
    source_section: str | None = None
    code: str | None = None


class ChildCreate(BaseModel):
    content: str
    lead_unit_id: int
    assist_unit_ids: list[int] = Field(default_factory=list)
    deadline: dt.date | None = None
    leader_person_id: int | None = None


class ActionBody(BaseModel):
    version: int | None = None
    note: str | None = None
    reason: str | None = None
    summary: str | None = None
    text: str | None = None
    new_deadline: dt.date | None = None
    progress: str | None = None
    next_steps: str | None = None
    problems: str | None = None
    report_date: dt.date | None = None
    today: dt.date | None = None  # testing/backdating by admins only


class ReportCreate(BaseModel):
    progress: str
    next_steps: str | None = None
    problems: str | None = None
    report_date: dt.date | None = None


class ChannelBody(BaseModel):
    version: int | None = None
    emails: list[str] = Field(default_factory=list)
    wecom_webhook: str | None = None
    dingtalk_webhook: str | None = None
    dingtalk_secret: str | None = None
    enabled: bool = True


def _today(actor, today: dt.date | None) -> dt.date:
    # A caller-supplied "today" only changes computed flags (临期/逾期); transitions use the real
    # date except for admins (backfilling), so nobody else can backdate a 签收 or 销号.
    return today or svc.real_today()


def task_json(task: Task, actor, today: dt.date, *, detail: bool = False) -> dict:
    flags = svc.flags_of(task, today)
    out = {
        "id": task.id, "code": task.code, "version": task.version, "content": task.content,
        "category": task.category, "tags": task.tags or [],
        "status": task.status, "status_label": lc.Status(task.status).label,
        "lead_unit_id": task.lead_unit_id, "lead_unit": task.lead_unit.name,
        "assist_unit_ids": [u.id for u in task.assist_units], "assist_units": [u.name for u in task.assist_units],
        "leader_person_id": task.leader_person_id, "leader": task.leader.display if task.leader else None,
        "deadline": task.deadline, "original_deadline": task.original_deadline,
        "signed_on": task.signed_on, "closed_on": task.closed_on, "parent_id": task.parent_id,
        "source_kind": task.source_kind, "source_speech_id": task.source_speech_id,
        "source_title": task.source_title, "source_date": task.source_date,
        "source_start": task.source_start, "source_end": task.source_end, "source_section": task.source_section,
        "overdue": flags.overdue, "due_soon": flags.due_soon, "days_overdue": flags.days_overdue,
        "workdays_left": flags.workdays_left, "flag": flags.label,
        "allowed_actions": [a.value for a in svc.allowed_actions(actor, task)],
    }
    if detail:
        out.update({
            "source_quote": task.source_quote, "last_return_reason": task.last_return_reason,
            "requested_deadline": task.requested_deadline, "extension_reason": task.extension_reason,
            "extensions": task.extensions or [],
            "children": [c.id for c in task.children],
            "milestones": [{"id": m.id, "title": m.title, "due": m.due, "done_on": m.done_on} for m in task.milestones],
            "events": [event_json(e) for e in task.events],
            "reports": [report_json(r) for r in task.reports],
            "attachments": [attachment_json(a) for a in task.attachments],
        })
    return out


def event_json(e) -> dict:
    return {"id": e.id, "action": e.action, "action_label": lc.Action(e.action).label,
            "from_status": e.from_status, "to_status": e.to_status, "on": e.on, "at": e.at,
            "actor": e.actor_name, "actor_role": e.actor_role, "unit": e.unit.name if e.unit else None,
            "reason": e.reason, "data": e.data}


def report_json(r) -> dict:
    return {"id": r.id, "task_id": r.task_id, "unit_id": r.unit_id, "unit": r.unit.name if r.unit else None,
            "report_date": r.report_date, "progress": r.progress, "next_steps": r.next_steps,
            "problems": r.problems, "is_assist": r.is_assist, "attachments": [attachment_json(a) for a in r.attachments]}


def attachment_json(a) -> dict:
    return {"id": a.id, "task_id": a.task_id, "report_id": a.report_id, "filename": a.filename,
            "content_type": a.content_type, "size": a.size, "sha256": a.sha256}


@router.get("/tasks")
def list_tasks(actor: CurrentActor, session: DbSession, unit_id: int | None = None, leader_person_id: int | None = None,
               status: str | None = None, flag: str | None = None, speech_id: int | None = None,
               source_title: str | None = None, q: str | None = None, today: dt.date | None = None):
    today = _today(actor, today)
    filters = svc.TaskFilter(unit_id=unit_id, leader_person_id=leader_person_id, status=status, flag=flag,
                             speech_id=speech_id, source_title=source_title, query=q)
    return [task_json(t, actor, today) for t in svc.list_tasks(session, actor, filters, today=today)]


@router.post("/tasks", status_code=201)
def create_task(body: TaskCreate, actor: CurrentActor, session: DbSession):
    task = svc.create_task(session, actor, **body.model_dump())
    return task_json(task, actor, svc.real_today(), detail=True)


@router.get("/tasks/{task_id}")
def get_task(task_id: int, actor: CurrentActor, session: DbSession, today: dt.date | None = None):
    return task_json(svc.get_task(session, actor, task_id), actor, _today(actor, today), detail=True)


@router.patch("/tasks/{task_id}")
def update_task(task_id: int, body: TaskUpdate, actor: CurrentActor, session: DbSession):
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version", None)
    task = svc.update_task(session, actor, task_id, version=version, **changes)
    return task_json(task, actor, svc.real_today(), detail=True)


@router.post("/tasks/{task_id}/children", status_code=201)
def decompose(task_id: int, body: ChildCreate, actor: CurrentActor, session: DbSession):
    task = svc.decompose_task(session, actor, task_id, **body.model_dump())
    return task_json(task, actor, svc.real_today(), detail=True)


@router.post("/tasks/{task_id}/actions/{action}")
def act(task_id: int, action: str, actor: CurrentActor, session: DbSession, body: ActionBody | None = None):
    body = body or ActionBody()
    payload = body.model_dump(exclude_none=True)
    version = payload.pop("version", None)
    today = payload.pop("today", None) if actor.role == "admin" else None
    payload.pop("today", None)
    event = svc.transition(session, actor, task_id, action, payload, today=today, version=version)
    task = svc.get_task(session, actor, task_id)
    return {"event": event_json(event), "task": task_json(task, actor, svc.real_today(), detail=True)}


@router.get("/tasks/{task_id}/reports")
def list_reports(task_id: int, actor: CurrentActor, session: DbSession):
    return [report_json(r) for r in svc.list_reports(session, actor, task_id)]


@router.post("/tasks/{task_id}/reports", status_code=201)
def add_report(task_id: int, body: ReportCreate, actor: CurrentActor, session: DbSession):
    return report_json(svc.report_progress(session, actor, task_id, **body.model_dump()))


@router.post("/tasks/{task_id}/attachments", status_code=201)
async def upload(task_id: int, request: Request, actor: CurrentActor, session: DbSession):
    """multipart/form-data (``file``, optional ``report_id``) or JSON
    ``{"filename", "content_base64", "report_id"?}``."""
    from diaodu.tasks.attachments import AttachmentPolicy

    limit = AttachmentPolicy().max_bytes + 1
    if request.headers.get("content-type", "").startswith("multipart/"):
        form = await request.form(max_part_size=limit)
        file = form.get("file")
        if file is None or isinstance(file, str):
            raise ValidationFailed("请选择要上传的附件（字段 file）")
        data, filename = await file.read(limit), file.filename or ""
        report_id = form.get("report_id") or None
    else:
        try:
            body = await request.json()
            data = base64.b64decode(body.get("content_base64") or "", validate=True)
            filename, report_id = str(body.get("filename") or ""), body.get("report_id")
        except (ValueError, AttributeError, binascii.Error):
            raise ValidationFailed("请求格式应为 multipart/form-data 或含 filename、content_base64 的 JSON") from None
    report_id = int(report_id) if report_id not in (None, "") else None
    return attachment_json(svc.add_attachment(session, actor, task_id, filename, data, report_id=report_id))


@router.get("/tasks/{task_id}/attachments/{attachment_id}")
def download(task_id: int, attachment_id: int, actor: CurrentActor, session: DbSession):
    att, path = svc.attachment_file(session, actor, task_id, attachment_id)
    return FileResponse(path, media_type=att.content_type,
                        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(att.filename)}"})


@router.post("/task-reminders/run")
def run_reminders(actor: CurrentActor, session: DbSession, today: dt.date | None = None, dry_run: bool = False):
    digests, results = svc.remind(session, actor, today=today, dry_run=dry_run)
    return {"units": len(digests), "deliveries": [
        {"unit": r.unit, "channel": r.channel, "target": r.target, "ok": r.ok, "error": r.error,
         "attempts": r.attempts, "dry_run": r.dry_run} for r in results]}


@router.get("/task-reminders/deliveries")
def deliveries(actor: CurrentActor, session: DbSession, day: dt.date | None = None):
    return [{"id": d.id, "day": d.day, "unit": d.unit_name, "channel": d.channel, "target": d.target, "ok": d.ok,
             "error": d.error, "attempts": d.attempts, "dry_run": d.dry_run, "items": d.items}
            for d in svc.list_deliveries(session, actor, day)]


@router.get("/task-bulletin")
def bulletin(actor: CurrentActor, session: DbSession, period: str = Query(..., pattern=r"^\d{4}-(\d{1,2}|Q[1-4])$"),
             today: dt.date | None = None):
    with tempfile.TemporaryDirectory() as tmp:
        path = svc.bulletin(session, actor, period, Path(tmp) / "bulletin.docx", today=today)
        data = path.read_bytes()
    name = quote(f"督查通报-{period}.docx")
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})


def channel_json(c) -> dict:
    return {"id": c.id, "unit_id": c.unit_id, "version": c.version, "emails": c.emails or [],
            "wecom_webhook": c.wecom_webhook, "dingtalk_webhook": c.dingtalk_webhook,
            "dingtalk_secret_set": bool(c.dingtalk_secret), "enabled": c.enabled}


@router.get("/unit-channels")
def list_channels(actor: CurrentActor, session: DbSession):
    return [channel_json(c) for c in svc.list_channels(session, actor)]


@router.put("/unit-channels/{unit_id}")
def set_channel(unit_id: int, body: ChannelBody, actor: CurrentActor, session: DbSession):
    return channel_json(svc.set_channel(session, actor, unit_id, **body.model_dump()))
