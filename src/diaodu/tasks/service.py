"""Task supervision services: ``f(session, actor, ...)``, permission checks via
:mod:`diaodu.core.policy`, no commit (the caller's unit of work commits).

Lifecycle rules live in :mod:`diaodu.tasks.lifecycle`; this module loads a row into a
:class:`~diaodu.tasks.lifecycle.TaskState`, calls ``apply`` and stores the new state, one
:class:`~diaodu.tasks.models.TaskEvent` and one audit-log event per transition.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from diaodu.core import org, policy
from diaodu.core.audit import Actor, log_event
from diaodu.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from diaodu.core.models import Person, Role, Unit
from diaodu.tasks import lifecycle as lc
from diaodu.tasks.attachments import AttachmentPolicy, AttachmentRejected, check_attachment
from diaodu.tasks.models import (
    ProgressReport,
    ReminderDelivery,
    Task,
    TaskAttachment,
    TaskEvent,
    TaskMilestone,
    UnitChannel,
    task_assist_unit,
)
from diaodu.tasks.records import TaskRecord
from diaodu.tasks.workdays import add_workdays

# --- settings (environment variables; documented in docs/tasks.md) ---------------------------


@dataclass(frozen=True)
class TaskSettings:
    due_soon_days: int = lc.DEFAULT_DUE_SOON_WORKDAYS
    remind_hour: int = 9
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "duban@localhost"
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    retries: int = 2
    retry_backoff: float = 2.0
    issuer: str = "市人民政府督查室"

    @classmethod
    def from_env(cls, env: dict | None = None) -> TaskSettings:
        env = os.environ if env is None else env

        def flag(name: str) -> bool:
            return str(env.get(name, "")).strip().lower() in ("1", "true", "yes", "on")

        return cls(
            due_soon_days=int(env.get("DIAODU_TASKS_DUE_SOON_DAYS", lc.DEFAULT_DUE_SOON_WORKDAYS)),
            remind_hour=int(env.get("DIAODU_TASKS_REMIND_HOUR", 9)),
            smtp_host=env.get("DIAODU_SMTP_HOST") or None,
            smtp_port=int(env.get("DIAODU_SMTP_PORT", 25)),
            smtp_user=env.get("DIAODU_SMTP_USER") or None,
            smtp_password=env.get("DIAODU_SMTP_PASSWORD") or None,
            smtp_from=env.get("DIAODU_SMTP_FROM") or "duban@localhost",
            smtp_starttls=flag("DIAODU_SMTP_STARTTLS"),
            smtp_ssl=flag("DIAODU_SMTP_SSL"),
            retries=int(env.get("DIAODU_TASKS_REMIND_RETRIES", 2)),
            retry_backoff=float(env.get("DIAODU_TASKS_REMIND_BACKOFF", 2.0)),
            issuer=env.get("DIAODU_TASKS_ISSUER") or "市人民政府督查室",
        )


def task_settings() -> TaskSettings:
    return TaskSettings.from_env()


def real_today() -> dt.date:
    """Today in China (UTC+8); services take ``today`` explicitly, this is only the default."""
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).date()


# --- loading and permissions -------------------------------------------------------------------


def _assist_ids(task: Task) -> list[int]:
    return [u.id for u in task.assist_units]


def task_owner(task: Task) -> policy.Owner:
    return policy.Owner.of([task.lead_unit_id, *_assist_ids(task)])


def _owner_by_id(session: Session, task_id: int) -> policy.Owner | None:
    task = session.get(Task, task_id)
    return task_owner(task) if task else None


def _load(session: Session, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound("任务不存在或无权查看")
    return task


def get_task(session: Session, actor: Actor, task_id: int) -> Task:
    task = _load(session, task_id)
    policy.ensure_read(actor, task_owner(task))
    return task


def reader_filter(actor: Actor):
    """Reporters: tasks where their unit leads or assists."""
    assists = exists().where(task_assist_unit.c.task_id == Task.id, task_assist_unit.c.unit_id == actor.unit_id)
    return policy.row_filter(actor, [Task.lead_unit_id, assists])


def _role(actor: Actor) -> lc.Role:
    try:
        return lc.Role(actor.role)
    except ValueError:
        return lc.Role.LEADER


def _membership(actor: Actor, task: Task) -> tuple[bool, bool]:
    if actor.role == Role.admin:
        return True, False
    is_lead = actor.unit_id is not None and actor.unit_id == task.lead_unit_id
    is_assist = actor.unit_id is not None and actor.unit_id in _assist_ids(task)
    return is_lead, is_assist


def state_of(task: Task) -> lc.TaskState:
    exts = tuple(
        lc.ExtensionRecord(
            requested_on=dt.date.fromisoformat(e["requested_on"]), decided_on=dt.date.fromisoformat(e["decided_on"]),
            old_deadline=dt.date.fromisoformat(e["old_deadline"]) if e.get("old_deadline") else None,
            new_deadline=dt.date.fromisoformat(e["new_deadline"]), reason=e.get("reason") or "")
        for e in (task.extensions or [])
    )
    return lc.TaskState(
        status=lc.Status(task.status), deadline=task.deadline, original_deadline=task.original_deadline,
        signed_on=task.signed_on, close_requested_on=task.close_requested_on, closed_on=task.closed_on,
        requested_deadline=task.requested_deadline, extension_reason=task.extension_reason,
        extension_requested_on=task.extension_requested_on, last_return_reason=task.last_return_reason,
        last_progress_on=task.last_progress_on, extensions=exts,
    )


def _store_state(task: Task, state: lc.TaskState) -> None:
    task.status = state.status.value
    for name in ("deadline", "original_deadline", "signed_on", "close_requested_on", "closed_on",
                 "requested_deadline", "extension_reason", "extension_requested_on", "last_return_reason",
                 "last_progress_on"):
        setattr(task, name, getattr(state, name))
    task.extensions = [
        {"requested_on": e.requested_on.isoformat(), "decided_on": e.decided_on.isoformat(),
         "old_deadline": e.old_deadline.isoformat() if e.old_deadline else None,
         "new_deadline": e.new_deadline.isoformat(), "reason": e.reason}
        for e in state.extensions
    ]


def flags_of(task: Task, today: dt.date, due_soon_days: int | None = None) -> lc.DeadlineFlags:
    days = task_settings().due_soon_days if due_soon_days is None else due_soon_days
    return lc.deadline_flags(task.status, task.deadline, today, closed_on=task.closed_on, due_soon_days=days)


def allowed_actions(actor: Actor, task: Task) -> list[lc.Action]:
    is_lead, is_assist = _membership(actor, task)
    return lc.allowed_actions(state_of(task), _role(actor), is_lead_unit=is_lead, is_assist_unit=is_assist)


def record_of(task: Task) -> TaskRecord:
    return TaskRecord(
        id=task.code or task.id, content=task.content, lead_unit=task.lead_unit.name,
        assist_units=tuple(u.name for u in task.assist_units), deadline=task.deadline,
        original_deadline=task.original_deadline, status=lc.Status(task.status), closed_on=task.closed_on,
        leader=task.leader.name if task.leader else None, section=task.source_section,
        source_ref=task.source_title, category=task.category,
    )


# --- create / update / decompose ------------------------------------------------------------


def _parse_date(value, label: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationFailed(f"{label}「{value}」不是有效日期（格式应为 YYYY-MM-DD）") from None


def _unit(session: Session, unit_id: int | None, label: str) -> Unit:
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    if unit is None:
        raise ValidationFailed(f"{label}不存在（单位编号 {unit_id}）")
    return unit


def _person(session: Session, person_id: int | None) -> Person | None:
    if person_id is None:
        return None
    person = session.get(Person, person_id)
    if person is None:
        raise ValidationFailed(f"责任领导不存在（人员编号 {person_id}）")
    return person


def _audit(session: Session, actor: Actor, action: str, task: Task, note: str | None = None,
           after: dict | None = None, before: dict | None = None) -> None:
    log_event(session, action, "task", task.id, note=note, before=before, after=after, actor=actor)


def create_task(session: Session, actor: Actor, *, content: str, lead_unit_id: int,
                assist_unit_ids: Iterable[int] = (), deadline=None, leader_person_id: int | None = None,
                category: str | None = None, tags: Iterable[str] = (), source_kind: str = "manual",
                source_speech_id: int | None = None, source_title: str | None = None, source_date=None,
                source_start: int | None = None, source_end: int | None = None, source_quote: str | None = None,
                source_section: str | None = None, parent_id: int | None = None, code: str | None = None,
                milestones: Iterable[dict] = ()) -> Task:
    """Dispatchers and admins create tasks for any unit."""
    policy.ensure_business_writer(actor)
    content = (content or "").strip()
    if not content:
        raise ValidationFailed("任务内容不能为空")
    if source_kind not in ("speech", "document", "manual", "ledger"):
        raise ValidationFailed(f"任务来源「{source_kind}」无效")
    lead = _unit(session, lead_unit_id, "牵头单位")
    assist = [_unit(session, uid, "配合单位") for uid in dict.fromkeys(assist_unit_ids) if uid != lead.id]
    _person(session, leader_person_id)
    if parent_id is not None:
        _load(session, parent_id)
    deadline = _parse_date(deadline, "完成时限")
    task = Task(content=content, lead_unit_id=lead.id, deadline=deadline, original_deadline=deadline,
                leader_person_id=leader_person_id, category=category, tags=list(tags), source_kind=source_kind,
                source_speech_id=source_speech_id, source_title=source_title,
                source_date=_parse_date(source_date, "会议日期"), source_start=source_start, source_end=source_end,
                source_quote=source_quote, source_section=source_section, parent_id=parent_id,
                status=lc.Status.PENDING.value, code=code, created_by_id=actor.user_id, extensions=[])
    task.assist_units = assist
    session.add(task)
    session.flush()
    for m in milestones:
        session.add(TaskMilestone(task_id=task.id, title=str(m.get("title") or "节点"),
                                  due=_parse_date(m.get("due"), "节点时限")))
    session.flush()
    _audit(session, actor, "task.create", task, after={"content": content, "lead_unit": lead.name,
                                                        "deadline": deadline, "source": source_kind})
    return task


UPDATABLE = ("content", "category", "tags", "leader_person_id", "lead_unit_id", "assist_unit_ids", "deadline",
             "source_title", "source_section", "code")


def update_task(session: Session, actor: Actor, task_id: int, *, version: int | None = None, **changes) -> Task:
    """Dispatchers edit a task's content, units, leader and deadline (the deadline of an open
    task only; a later deadline after signing goes through 延期)."""
    task = get_task(session, actor, task_id)
    policy.ensure_business_writer(actor)
    org.check_version(task, version)
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValidationFailed(f"不能修改字段：{'、'.join(sorted(unknown))}")
    if "content" in changes:
        text = (changes["content"] or "").strip()
        if not text:
            raise ValidationFailed("任务内容不能为空")
        task.content = text
    if "lead_unit_id" in changes:
        task.lead_unit_id = _unit(session, changes["lead_unit_id"], "牵头单位").id
    if "assist_unit_ids" in changes:
        task.assist_units = [_unit(session, uid, "配合单位") for uid in dict.fromkeys(changes["assist_unit_ids"] or [])
                             if uid != task.lead_unit_id]
    if "leader_person_id" in changes:
        _person(session, changes["leader_person_id"])
        task.leader_person_id = changes["leader_person_id"]
    if "deadline" in changes:
        if task.status == lc.Status.CLOSED.value:
            raise Conflict("已办结的任务不能修改完成时限")
        new = _parse_date(changes["deadline"], "完成时限")
        if task.status == lc.Status.PENDING.value:
            task.original_deadline = new
        task.deadline = new
    for key in ("category", "source_title", "source_section", "code"):
        if key in changes:
            setattr(task, key, changes[key])
    if "tags" in changes:
        task.tags = list(changes["tags"] or [])
    session.flush()
    _audit(session, actor, "task.update", task, after={k: v for k, v in changes.items()})
    return task


def decompose_task(session: Session, actor: Actor, task_id: int, *, content: str, lead_unit_id: int,
                   assist_unit_ids: Iterable[int] = (), deadline=None, leader_person_id: int | None = None) -> Task:
    """A child task (分解任务) inheriting source, category and leader; its deadline defaults to
    the parent's and may not be later."""
    parent = get_task(session, actor, task_id)
    policy.ensure_business_writer(actor)
    deadline = _parse_date(deadline, "完成时限") or parent.deadline
    if parent.deadline and deadline and deadline > parent.deadline:
        raise ValidationFailed(f"分解任务的完成时限不能晚于上级任务（{parent.deadline.isoformat()}）")
    return create_task(
        session, actor, content=content, lead_unit_id=lead_unit_id, assist_unit_ids=assist_unit_ids,
        deadline=deadline, leader_person_id=leader_person_id or parent.leader_person_id,
        category=parent.category, tags=parent.tags or [], source_kind=parent.source_kind,
        source_speech_id=parent.source_speech_id, source_title=parent.source_title, source_date=parent.source_date,
        source_start=parent.source_start, source_end=parent.source_end, source_quote=parent.source_quote,
        source_section=parent.source_section, parent_id=parent.id)


# --- transitions --------------------------------------------------------------------------------


def transition(session: Session, actor: Actor, task_id: int, action: str, payload: dict | None = None, *,
               today: dt.date | None = None, version: int | None = None) -> TaskEvent:
    """Apply one lifecycle action; stored as a TaskEvent and an audit-log event."""
    task = get_task(session, actor, task_id)
    org.check_version(task, version)
    today = today or real_today()
    payload = dict(payload or {})
    is_lead, is_assist = _membership(actor, task)
    try:
        result = lc.apply(state_of(task), action, _role(actor), is_lead, payload, today,
                          actor_is_assist_unit=is_assist, actor=actor.display_name or actor.username)
    except lc.IllegalTransition as exc:
        raise Conflict(exc.message) from None
    except lc.PermissionDenied as exc:
        raise Forbidden(exc.message) from None
    except lc.InvalidPayload as exc:
        raise ValidationFailed(exc.message) from None
    ev = result.event
    _store_state(task, result.state)
    data = ev.as_dict()["data"]
    event = TaskEvent(task_id=task.id, action=ev.action.value, from_status=ev.from_status.value,
                      to_status=ev.to_status.value, on=today, user_id=actor.user_id, username=actor.username,
                      actor_name=actor.display_name or actor.username, actor_role=ev.actor_role.value,
                      unit_id=actor.unit_id, reason=ev.reason, data=data)
    session.add(event)
    if ev.action is lc.Action.REPORT_PROGRESS:
        report = ProgressReport(task_id=task.id, unit_id=actor.unit_id if actor.unit_id else task.lead_unit_id,
                                user_id=actor.user_id, report_date=dt.date.fromisoformat(data["report_date"]),
                                progress=data["progress"], next_steps=data.get("next_steps"),
                                problems=data.get("problems"), is_assist=is_assist and not is_lead)
        session.add(report)
        session.flush()
        event.data = {**data, "report_id": report.id}
    session.flush()
    _audit(session, actor, f"task.{ev.action.value}", task, note=ev.reason or ev.summary,
           before={"status": ev.from_status.value}, after={"status": ev.to_status.value, **data})
    return event


def report_progress(session: Session, actor: Actor, task_id: int, *, progress: str, next_steps: str | None = None,
                    problems: str | None = None, report_date=None, today: dt.date | None = None) -> ProgressReport:
    event = transition(session, actor, task_id, lc.Action.REPORT_PROGRESS.value,
                       {"progress": progress, "next_steps": next_steps, "problems": problems,
                        "report_date": report_date}, today=today)
    return session.get(ProgressReport, event.data["report_id"])


def list_reports(session: Session, actor: Actor, task_id: int) -> list[ProgressReport]:
    task = get_task(session, actor, task_id)
    return list(task.reports)


# --- attachments --------------------------------------------------------------------------------


def _upload_root() -> Path:
    """``<upload_dir>/tasks`` of the running web app, else of the process settings (CLI)."""
    try:
        from diaodu.web.context import ctx

        return Path(ctx().settings.upload_dir) / "tasks"
    except RuntimeError:
        from diaodu.core.config import get_settings

        return Path(get_settings().upload_dir) / "tasks"


def add_attachment(session: Session, actor: Actor, task_id: int, filename: str, data: bytes, *,
                   report_id: int | None = None, upload_root: Path | None = None,
                   attachment_policy: AttachmentPolicy | None = None) -> TaskAttachment:
    """Lead or assisting units (and dispatchers) attach files; stored by sha256 (deduplicated)."""
    task = get_task(session, actor, task_id)
    policy.ensure_write(actor, task_owner(task))
    if report_id is not None:
        report = session.get(ProgressReport, report_id)
        if report is None or report.task_id != task.id:
            raise ValidationFailed("进展报告不存在或不属于该任务")
    try:
        meta = check_attachment(filename, data, attachment_policy or AttachmentPolicy())
    except AttachmentRejected as exc:
        raise ValidationFailed(str(exc)) from None
    root = upload_root or _upload_root()
    path = root / meta.sha256[:2] / meta.sha256
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)
    att = TaskAttachment(task_id=task.id, report_id=report_id, filename=meta.filename, content_type=meta.content_type,
                         size=meta.size, sha256=meta.sha256, unit_id=actor.unit_id, user_id=actor.user_id)
    session.add(att)
    session.flush()
    return att


def attachment_file(session: Session, actor: Actor, task_id: int, attachment_id: int,
                    upload_root: Path | None = None) -> tuple[TaskAttachment, Path]:
    task = get_task(session, actor, task_id)
    att = session.get(TaskAttachment, attachment_id)
    if att is None or att.task_id != task.id:
        raise NotFound("附件不存在")
    path = (upload_root or _upload_root()) / att.sha256[:2] / att.sha256
    if not path.is_file():
        raise NotFound("附件文件已丢失，请联系管理员")
    return att, path


# --- listing ------------------------------------------------------------------------------------


@dataclass
class TaskFilter:
    unit_id: int | None = None  # leads or assists
    lead_only: bool = False
    leader_person_id: int | None = None
    status: str | None = None  # a Status value or label; "open" = not closed
    flag: str | None = None  # "overdue" | "due_soon" | "attention" (either)
    speech_id: int | None = None
    source_title: str | None = None
    query: str | None = None
    parent_id: int | None = None


def list_tasks(session: Session, actor: Actor, filters: TaskFilter | None = None, *, today: dt.date | None = None,
               due_soon_days: int | None = None, limit: int | None = None) -> list[Task]:
    f = filters or TaskFilter()
    today = today or real_today()
    days = task_settings().due_soon_days if due_soon_days is None else due_soon_days
    stmt = select(Task).options(selectinload(Task.assist_units), selectinload(Task.lead_unit),
                                selectinload(Task.leader))
    cond = reader_filter(actor)
    if cond is not None:
        stmt = stmt.where(cond)
    if f.unit_id is not None:
        assists = exists().where(task_assist_unit.c.task_id == Task.id, task_assist_unit.c.unit_id == f.unit_id)
        stmt = stmt.where(Task.lead_unit_id == f.unit_id if f.lead_only else or_(Task.lead_unit_id == f.unit_id, assists))
    if f.leader_person_id is not None:
        stmt = stmt.where(Task.leader_person_id == f.leader_person_id)
    if f.status:
        if f.status == "open":
            stmt = stmt.where(Task.status != lc.Status.CLOSED.value)
        else:
            try:
                stmt = stmt.where(Task.status == lc.Status.parse(f.status).value)
            except ValueError as exc:
                raise ValidationFailed(str(exc)) from None
    open_ = Task.status != lc.Status.CLOSED.value
    overdue = and_(open_, Task.deadline.is_not(None), Task.deadline < today)
    # 临期: workdays in (today, deadline] <= N  <=>  deadline < the (N+1)-th working day after today.
    due_soon = and_(open_, Task.deadline.is_not(None), Task.deadline >= today,
                    Task.deadline < add_workdays(today, days + 1))
    if f.flag == "overdue":
        stmt = stmt.where(overdue)
    elif f.flag == "due_soon":
        stmt = stmt.where(due_soon)
    elif f.flag == "attention":
        stmt = stmt.where(or_(overdue, due_soon))
    elif f.flag:
        raise ValidationFailed(f"筛选条件「{f.flag}」无效，可选：overdue（逾期）、due_soon（临期）、attention")
    if f.speech_id is not None:
        stmt = stmt.where(Task.source_speech_id == f.speech_id)
    if f.source_title:
        stmt = stmt.where(Task.source_title == f.source_title)
    if f.query:
        stmt = stmt.where(Task.content.contains(f.query.strip()))
    if f.parent_id is not None:
        stmt = stmt.where(Task.parent_id == f.parent_id)
    stmt = stmt.order_by(Task.deadline.is_(None), Task.deadline, Task.id)
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def source_meetings(session: Session, actor: Actor) -> list[tuple[int | None, str]]:
    """Distinct (speech id, title) pairs of the tasks the actor can read, for the filter."""
    stmt = select(Task.source_speech_id, Task.source_title).where(Task.source_title.is_not(None)).distinct()
    cond = reader_filter(actor)
    if cond is not None:
        stmt = stmt.where(cond)
    return sorted({(sid, title) for sid, title in session.execute(stmt)}, key=lambda r: r[1])


def counts(session: Session, actor: Actor, today: dt.date) -> dict[str, int]:
    tasks = list_tasks(session, actor, today=today)
    out = {"total": len(tasks), "overdue": 0, "due_soon": 0, "pending": 0, "closed": 0}
    for t in tasks:
        fl = flags_of(t, today)
        out["overdue"] += fl.overdue
        out["due_soon"] += fl.due_soon
        out["pending"] += t.status == lc.Status.PENDING.value
        out["closed"] += t.status == lc.Status.CLOSED.value
    return out


# --- from the speech parser ---------------------------------------------------------------------


@dataclass
class ExtractionResult:
    created: list[Task] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)  # {"index", "quote", "unit", "role"}
    skipped: list[dict] = field(default_factory=list)  # {"index", "quote", "reason"}

    def as_dict(self) -> dict:
        return {"created": [t.id for t in self.created], "unmatched": self.unmatched, "skipped": self.skipped}


def create_tasks_from_extraction(session: Session, actor: Actor, speech_id: int | None, extraction: dict,
                                 meeting_date: dt.date | None, text: str, *, title: str | None = None,
                                 leader_person_id: int | None = None) -> ExtractionResult:
    """"确认生成任务": one task per extracted task, linked to its span in the speech.

    ``extraction`` is ``diaodu.speech.parse(...).to_dict()``, possibly edited on the review page:
    each task may carry ``include`` (False: skip), ``content`` (edited wording), ``lead_unit_id`` /
    ``assist_unit_ids`` (chosen by the reviewer), ``deadline_date`` and ``leader_person_id``.
    Unit names are matched by name or alias; names that match nothing are reported in
    ``unmatched`` and never guessed. A task whose lead unit cannot be determined is skipped and
    reported. Everything happens in the caller's transaction.
    """
    policy.ensure_business_writer(actor)
    resolve = org.unit_resolver(session)
    result = ExtractionResult()
    title = title or (extraction.get("doc") or None) or (f"讲话 {speech_id}" if speech_id is not None else "会议讲话")
    for index, item in enumerate(extraction.get("tasks") or []):
        if item.get("include") is False:
            continue
        quote = item.get("quote") or ""
        start, end = item.get("start"), item.get("end")
        if not quote and text and start is not None and end is not None:
            quote = text[start:end]
        lead_names = list(item.get("lead") or [])
        assist_names = list(item.get("assist") or [])
        if not lead_names and not assist_names:
            units = list(item.get("units") or [])
            lead_names, assist_names = units[:1], units[1:]
        elif not lead_names:
            lead_names = [n for n in item.get("units") or [] if n not in assist_names][:1]

        def match(names: list[str], role: str, index: int = index, quote: str = quote) -> list[int]:
            ids = []
            for name in names:
                uid = resolve(name)
                if uid is None:
                    result.unmatched.append({"index": index, "quote": quote[:80], "unit": name, "role": role})
                elif uid not in ids:
                    ids.append(uid)
            return ids

        lead_ids = [item["lead_unit_id"]] if item.get("lead_unit_id") else match(lead_names, "牵头")
        extra_leads = lead_ids[1:]
        assist_ids = (list(item["assist_unit_ids"]) if item.get("assist_unit_ids") is not None
                      else match(assist_names, "配合"))
        if not lead_ids:
            reason = "未识别出牵头单位" if not lead_names else f"牵头单位「{'、'.join(lead_names)}」未匹配到系统中的单位"
            result.skipped.append({"index": index, "quote": quote[:80], "reason": reason})
            continue
        deadline = item.get("deadline_date") or ((item.get("deadline") or {}).get("date"))
        task = create_task(
            session, actor, content=(item.get("content") or quote).strip(), lead_unit_id=lead_ids[0],
            assist_unit_ids=[*extra_leads, *assist_ids], deadline=deadline,
            leader_person_id=item.get("leader_person_id") or leader_person_id, source_kind="speech",
            source_speech_id=speech_id, source_title=title, source_date=meeting_date, source_start=start,
            source_end=end, source_quote=quote, source_section=item.get("section") or None)
        result.created.append(task)
    return result


# --- ledger import ------------------------------------------------------------------------------


def import_ledger(session: Session, actor: Actor, path: str | Path, *, default_year: int | None = None,
                  source_title: str | None = None) -> list[Task]:
    """Read a 任务分解表 and create every task in the caller's transaction, or none: any unknown
    unit or leader is reported with its row and cell."""
    from diaodu.tasks.ledger import LedgerParseError, parse_ledger_xlsx

    policy.ensure_business_writer(actor)
    path = Path(path)
    try:
        rows = parse_ledger_xlsx(path, default_year=default_year)
    except LedgerParseError as exc:
        raise ValidationFailed(str(exc)) from None
    resolve = org.unit_resolver(session)
    leaders = {p.name: p.id for p in session.scalars(select(Person).where(Person.is_leader.is_(True)))}
    problems: list[str] = []
    plans = []
    for row in rows:
        where = f"文件「{path.name}」第{row.row_number}行"
        lead = resolve(row.lead_unit)
        if lead is None:
            problems.append(f"{where}：牵头单位「{row.lead_unit}」在系统中不存在（请核对名称或在组织架构中添加别名）")
        assist = []
        for name in row.assist_units:
            uid = resolve(name)
            if uid is None:
                problems.append(f"{where}：配合单位「{name}」在系统中不存在")
            else:
                assist.append(uid)
        leader_id = None
        if row.leader:
            leader_id = leaders.get(row.leader.strip())
            if leader_id is None:
                problems.append(f"{where}：责任领导「{row.leader}」不是系统中登记的领导")
        plans.append((row, lead, assist, leader_id))
    if problems:
        shown = "\n".join(problems[:50])
        raise ValidationFailed(f"任务分解表有{len(problems)}处错误，未导入任何任务：\n{shown}")
    if not plans:
        raise ValidationFailed(f"文件「{path.name}」中没有任务")
    created = []
    for row, lead, assist, leader_id in plans:
        created.append(create_task(
            session, actor, content=row.content, lead_unit_id=lead, assist_unit_ids=assist, deadline=row.deadline,
            leader_person_id=leader_id, source_kind="ledger", source_title=source_title or path.stem,
            source_section=row.section, source_quote=None))
    return created


def export_ledger(session: Session, actor: Actor, path: str | Path, tasks: list[Task] | None = None) -> Path:
    from diaodu.tasks.ledger import LedgerRow, write_ledger_xlsx

    tasks = list_tasks(session, actor) if tasks is None else tasks
    rows = [LedgerRow(content=t.content, lead_unit=t.lead_unit.name, deadline=t.deadline, seq=i,
                      assist_units=tuple(u.name for u in t.assist_units), section=t.source_section,
                      source_ref=t.source_title, status=lc.Status(t.status),
                      leader=t.leader.name if t.leader else None)
            for i, t in enumerate(tasks, start=1)]
    return write_ledger_xlsx(rows, path)


# --- unit channels ------------------------------------------------------------------------------


def list_channels(session: Session, actor: Actor) -> list[UnitChannel]:
    policy.ensure_business_writer(actor)
    return list(session.scalars(select(UnitChannel).order_by(UnitChannel.unit_id)))


def set_channel(session: Session, actor: Actor, unit_id: int, *, emails: list[str] | None = None,
                wecom_webhook: str | None = None, dingtalk_webhook: str | None = None,
                dingtalk_secret: str | None = None, enabled: bool = True, version: int | None = None) -> UnitChannel:
    policy.ensure_business_writer(actor)
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("单位不存在")
    for url in (wecom_webhook, dingtalk_webhook):
        if url and not url.startswith(("http://", "https://")):
            raise ValidationFailed(f"机器人地址「{url}」无效，应以 http:// 或 https:// 开头")
    emails = [e.strip() for e in (emails or []) if e and e.strip()]
    for e in emails:
        if "@" not in e:
            raise ValidationFailed(f"邮箱地址「{e}」无效")
    row = session.scalar(select(UnitChannel).where(UnitChannel.unit_id == unit_id))
    if row is None:
        row = UnitChannel(unit_id=unit_id)
        session.add(row)
    else:
        org.check_version(row, version)
    row.emails, row.wecom_webhook, row.dingtalk_webhook = emails, wecom_webhook or None, dingtalk_webhook or None
    row.dingtalk_secret, row.enabled = dingtalk_secret or None, enabled
    session.flush()
    return row


# --- reminders ----------------------------------------------------------------------------------


def _contacts(session: Session):
    from diaodu.tasks.reminders import UnitContacts

    out = {}
    for ch in session.scalars(select(UnitChannel).options(selectinload(UnitChannel.unit))
                              .where(UnitChannel.enabled.is_(True))):
        out[ch.unit.name] = UnitContacts(
            unit=ch.unit.name, emails=tuple(ch.emails or ()),
            wecom=(ch.wecom_webhook,) if ch.wecom_webhook else (),
            dingtalk=((ch.dingtalk_webhook, ch.dingtalk_secret),) if ch.dingtalk_webhook else ())
    return out


def email_channel(settings: TaskSettings):
    from diaodu.tasks.reminders import EmailChannel

    if not settings.smtp_host:
        return None
    return EmailChannel(host=settings.smtp_host, port=settings.smtp_port, sender=settings.smtp_from,
                        username=settings.smtp_user, password=settings.smtp_password,
                        starttls=settings.smtp_starttls, use_ssl=settings.smtp_ssl)


def last_reminder_day(session: Session) -> dt.date | None:
    return session.scalar(select(func.max(ReminderDelivery.day)).where(ReminderDelivery.dry_run.is_(False)))


def remind(session: Session, actor: Actor, *, today: dt.date | None = None, dry_run: bool = False,
           settings: TaskSettings | None = None, sleep: Callable[[float], None] | None = None,
           http_client=None):
    """Compose one digest per lead unit (逾期, 临期, 待签收) and deliver it over the unit's
    channels; every delivery and failure becomes a ReminderDelivery row (dry runs too, flagged)."""
    import time

    from diaodu.tasks.reminders import RetryPolicy, compose_digests, deliver_digests

    policy.ensure_business_writer(actor)
    settings = settings or task_settings()
    today = today or real_today()
    tasks = list_tasks(session, actor, TaskFilter(status="open"), today=today)
    digests = compose_digests([record_of(t) for t in tasks], today, due_soon_days=settings.due_soon_days,
                              sender_name=settings.issuer)
    results = deliver_digests(digests, _contacts(session), email=email_channel(settings),
                              policy=RetryPolicy(retries=settings.retries, backoff=settings.retry_backoff),
                              sleep=sleep or time.sleep, http_client=http_client, dry_run=dry_run)
    unit_ids = dict(session.execute(select(Unit.name, Unit.id)).all())
    counts_by_unit = {d.unit: d.count for d in digests}
    for r in results:
        session.add(ReminderDelivery(day=today, unit_id=unit_ids.get(r.unit), unit_name=r.unit or "",
                                     channel=r.channel, target=r.target[:500], subject=r.subject, ok=r.ok,
                                     error=r.error, attempts=r.attempts, dry_run=r.dry_run,
                                     items=counts_by_unit.get(r.unit, 0)))
    session.flush()
    log_event(session, "task.remind", "task_reminder", None, actor=actor,
              note=f"{today.isoformat()} 提醒 {len(digests)} 个单位，{sum(r.ok for r in results)}/{len(results)} 次送达"
                   + ("（演练）" if dry_run else ""))
    return digests, results


def list_deliveries(session: Session, actor: Actor, day: dt.date | None = None, limit: int = 200):
    policy.ensure_business_writer(actor)
    stmt = select(ReminderDelivery).order_by(ReminderDelivery.id.desc()).limit(limit)
    if day is not None:
        stmt = stmt.where(ReminderDelivery.day == day)
    return list(session.scalars(stmt))


# --- bulletin and memo --------------------------------------------------------------------------


def _ensure_overview(actor: Actor) -> None:
    """The bulletin names every unit: dispatchers, admins and leaders."""
    policy.ensure_role(actor, Role.admin, Role.dispatcher, Role.leader, message="仅调度员、领导或管理员可生成督查通报")


def bulletin_tasks(session: Session, actor: Actor, period: str) -> list[Task]:
    """Tasks in scope of a period: created before its end and not closed before its start."""
    from diaodu.tasks.bulletin import period_bounds

    try:
        start, _end = period_bounds(period)
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from None
    tasks = list_tasks(session, actor)
    return [t for t in tasks if t.closed_on is None or start <= t.closed_on]


def bulletin(session: Session, actor: Actor, period: str, out: str | Path, *, today: dt.date | None = None,
             xlsx: str | Path | None = None, settings: TaskSettings | None = None) -> Path:
    from diaodu.tasks.bulletin import BulletinInput, period_bounds, write_bulletin

    _ensure_overview(actor)
    settings = settings or task_settings()
    tasks = bulletin_tasks(session, actor, period)
    _start, end = period_bounds(period)
    today = today or min(end, real_today())
    order = [u.name for u in session.scalars(select(Unit).order_by(Unit.sort, Unit.id))]
    path = write_bulletin(BulletinInput(period=period, today=today, tasks=[record_of(t) for t in tasks],
                                        issuer=settings.issuer, due_soon_days=settings.due_soon_days,
                                        unit_order=order), out)
    if xlsx:
        export_ledger(session, actor, xlsx, tasks)
    log_event(session, "task.bulletin", "task_bulletin", None, actor=actor, note=f"{period} 督查通报（{len(tasks)} 项任务）")
    return path


def memo(session: Session, actor: Actor, speech_id: int, out: str | Path, *, today: dt.date | None = None,
         settings: TaskSettings | None = None) -> Path:
    from diaodu.tasks.bulletin import MemoInput, write_followup_memo

    _ensure_overview(actor)
    settings = settings or task_settings()
    tasks = list_tasks(session, actor, TaskFilter(speech_id=speech_id), today=today)
    tasks = [t for t in tasks if t.parent_id is None]
    if not tasks:
        raise NotFound(f"讲话 {speech_id} 没有生成任务")
    tasks.sort(key=lambda t: (t.source_start if t.source_start is not None else 10**9, t.id))
    first = tasks[0]
    return write_followup_memo(MemoInput(meeting_title=first.source_title or f"讲话 {speech_id}",
                                         meeting_date=first.source_date, today=today or real_today(),
                                         tasks=[record_of(t) for t in tasks], issuer=settings.issuer), out)


# --- comments (generic, foundation) ---------------------------------------------------------------


def _register_comments() -> None:
    from diaodu.core.comments import register_commentable

    register_commentable("task", _owner_by_id)


_register_comments()
