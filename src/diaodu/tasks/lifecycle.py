"""Task lifecycle: statuses, actions, who may do what, and deadline flags.

Pure functions over frozen dataclasses; the DB service layer loads a row into a
:class:`TaskState`, calls :func:`apply`, stores the returned state and appends the returned
:class:`TaskEvent` to the audit trail.  No clock is read here: every function that needs the
current date takes ``today``.

State machine::

    待签收 pending --sign--> 推进中 in_progress --request_close--> 申请办结 close_requested
    close_requested --close--> 已办结 closed (销号)
    close_requested --return_task(reason)--> in_progress
    in_progress --request_extension(new_deadline, reason)--> 延期申请中 extension_requested
    extension_requested --approve_extension--> in_progress (deadline = new one, original kept)
    extension_requested --reject_extension(reason)--> in_progress
    report_progress: in_progress / extension_requested / close_requested (no status change)
    comment: any status (no status change)

Roles: admin (everything), dispatcher (close, return, approve/reject extension, comment),
reporter (sign, request_close, request_extension when their unit leads; report_progress when
their unit leads or assists), leader (comment).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from diaodu.tasks.workdays import workdays_between

__all__ = [
    "ACTION_LABELS",
    "DEFAULT_DUE_SOON_WORKDAYS",
    "OPEN_STATUSES",
    "ROLE_LABELS",
    "ROLE_RULES",
    "STATUS_LABELS",
    "TRANSITIONS",
    "Action",
    "DeadlineFlags",
    "ExtensionRecord",
    "IllegalTransition",
    "InvalidPayload",
    "LifecycleError",
    "PermissionDenied",
    "Role",
    "Status",
    "TaskEvent",
    "TaskState",
    "Transition",
    "allowed_actions",
    "apply",
    "deadline_flags",
]

DEFAULT_DUE_SOON_WORKDAYS = 3


class Status(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    EXTENSION_REQUESTED = "extension_requested"
    CLOSE_REQUESTED = "close_requested"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @classmethod
    def parse(cls, value: str | Status) -> Status:
        """Accept the enum value (``in_progress``) or the Chinese label (``推进中``)."""
        if isinstance(value, Status):
            return value
        text = str(value).strip()
        for status in cls:
            if text == status.value or text == status.label or text in _STATUS_ALIASES.get(status, ()):
                return status
        raise ValueError(f"无法识别的任务状态「{text}」，应为：{'、'.join(s.label for s in cls)}")


STATUS_LABELS: dict[Status, str] = {
    Status.PENDING: "待签收",
    Status.IN_PROGRESS: "推进中",
    Status.EXTENSION_REQUESTED: "延期申请中",
    Status.CLOSE_REQUESTED: "申请办结",
    Status.CLOSED: "已办结",
}
_STATUS_ALIASES: dict[Status, tuple[str, ...]] = {
    Status.PENDING: ("未签收",),
    Status.IN_PROGRESS: ("办理中", "正在推进"),
    Status.EXTENSION_REQUESTED: ("申请延期", "延期申请"),
    Status.CLOSE_REQUESTED: ("申请销号", "待销号"),
    Status.CLOSED: ("已销号", "办结", "已完成"),
}
OPEN_STATUSES = frozenset(s for s in Status if s is not Status.CLOSED)


class Action(StrEnum):
    SIGN = "sign"
    REPORT_PROGRESS = "report_progress"
    REQUEST_CLOSE = "request_close"
    CLOSE = "close"
    RETURN = "return_task"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REJECT_EXTENSION = "reject_extension"
    COMMENT = "comment"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS: dict[Action, str] = {
    Action.SIGN: "签收",
    Action.REPORT_PROGRESS: "报送进展",
    Action.REQUEST_CLOSE: "申请办结",
    Action.CLOSE: "销号",
    Action.RETURN: "退回",
    Action.REQUEST_EXTENSION: "申请延期",
    Action.APPROVE_EXTENSION: "批准延期",
    Action.REJECT_EXTENSION: "驳回延期",
    Action.COMMENT: "批示",
}


class Role(StrEnum):
    ADMIN = "admin"
    DISPATCHER = "dispatcher"
    REPORTER = "reporter"
    LEADER = "leader"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "系统管理员",
    Role.DISPATCHER: "督查员",
    Role.REPORTER: "填报员",
    Role.LEADER: "领导",
}

# action -> (statuses it may start from, status it leads to; None = unchanged)
TRANSITIONS: dict[Action, tuple[frozenset[Status], Status | None]] = {
    Action.SIGN: (frozenset({Status.PENDING}), Status.IN_PROGRESS),
    Action.REPORT_PROGRESS: (
        frozenset({Status.IN_PROGRESS, Status.EXTENSION_REQUESTED, Status.CLOSE_REQUESTED}),
        None,
    ),
    Action.REQUEST_CLOSE: (frozenset({Status.IN_PROGRESS}), Status.CLOSE_REQUESTED),
    Action.CLOSE: (frozenset({Status.CLOSE_REQUESTED}), Status.CLOSED),
    Action.RETURN: (frozenset({Status.CLOSE_REQUESTED}), Status.IN_PROGRESS),
    Action.REQUEST_EXTENSION: (frozenset({Status.IN_PROGRESS}), Status.EXTENSION_REQUESTED),
    Action.APPROVE_EXTENSION: (frozenset({Status.EXTENSION_REQUESTED}), Status.IN_PROGRESS),
    Action.REJECT_EXTENSION: (frozenset({Status.EXTENSION_REQUESTED}), Status.IN_PROGRESS),
    Action.COMMENT: (frozenset(Status), None),
}

# role -> action -> unit requirement: "any" (no unit condition), "lead" (actor's unit leads),
# "lead_or_assist" (actor's unit leads or assists).  Missing action = not allowed.
ROLE_RULES: dict[Role, dict[Action, str]] = {
    Role.ADMIN: {a: "any" for a in Action},
    Role.DISPATCHER: {
        Action.CLOSE: "any",
        Action.RETURN: "any",
        Action.APPROVE_EXTENSION: "any",
        Action.REJECT_EXTENSION: "any",
        Action.COMMENT: "any",
    },
    Role.REPORTER: {
        Action.SIGN: "lead",
        Action.REQUEST_CLOSE: "lead",
        Action.REQUEST_EXTENSION: "lead",
        Action.REPORT_PROGRESS: "lead_or_assist",
    },
    Role.LEADER: {Action.COMMENT: "any"},
}


class LifecycleError(Exception):
    """Base class; ``str(err)`` is a user-facing Chinese message."""

    code = "lifecycle_error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class IllegalTransition(LifecycleError):
    code = "illegal_transition"


class PermissionDenied(LifecycleError):
    code = "permission_denied"


class InvalidPayload(LifecycleError):
    code = "invalid_payload"


@dataclass(frozen=True)
class ExtensionRecord:
    """One approved extension; the list on a task keeps the whole deadline history."""

    requested_on: dt.date
    decided_on: dt.date
    old_deadline: dt.date | None
    new_deadline: dt.date
    reason: str


@dataclass(frozen=True)
class TaskState:
    """The lifecycle-relevant part of a task.

    ``deadline`` is the effective deadline (after approved extensions);
    ``original_deadline`` never changes once set.
    """

    status: Status = Status.PENDING
    deadline: dt.date | None = None
    original_deadline: dt.date | None = None
    signed_on: dt.date | None = None
    close_requested_on: dt.date | None = None
    closed_on: dt.date | None = None
    requested_deadline: dt.date | None = None
    extension_reason: str | None = None
    extension_requested_on: dt.date | None = None
    last_return_reason: str | None = None
    last_progress_on: dt.date | None = None
    extensions: tuple[ExtensionRecord, ...] = ()

    @classmethod
    def new(cls, deadline: dt.date | None) -> TaskState:
        return cls(status=Status.PENDING, deadline=deadline, original_deadline=deadline)


@dataclass(frozen=True)
class TaskEvent:
    """Audit record of one applied action (who, what, when, why)."""

    action: Action
    from_status: Status
    to_status: Status
    actor_role: Role
    on: dt.date
    actor: str | None = None
    reason: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        who = self.actor or self.actor_role.label
        text = f"{self.on.isoformat()} {who}{self.action.label}"
        if self.from_status != self.to_status:
            text += f"（{self.from_status.label}→{self.to_status.label}）"
        if self.reason:
            text += f"：{self.reason}"
        return text

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form for an audit table."""
        return {
            "action": self.action.value,
            "from_status": self.from_status.value,
            "to_status": self.to_status.value,
            "actor_role": self.actor_role.value,
            "actor": self.actor,
            "on": self.on.isoformat(),
            "reason": self.reason,
            "data": {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.data.items()},
        }


@dataclass(frozen=True)
class Transition:
    state: TaskState
    event: TaskEvent


def _check_permission(action: Action, role: Role, is_lead: bool, is_assist: bool) -> None:
    rule = ROLE_RULES[role].get(action)
    if rule is None:
        raise PermissionDenied(f"「{role.label}」角色无权执行「{action.label}」操作")
    if rule == "lead" and not is_lead:
        raise PermissionDenied(f"只有牵头单位可以执行「{action.label}」操作")
    if rule == "lead_or_assist" and not (is_lead or is_assist):
        raise PermissionDenied(f"只有牵头单位或配合单位可以执行「{action.label}」操作")


def _text(payload: Mapping[str, Any], key: str, label: str, *, required: bool) -> str | None:
    value = payload.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidPayload(f"请填写{label}")
        return None
    if not isinstance(value, str):
        raise InvalidPayload(f"{label}必须为文字")
    return value.strip()


def _date(payload: Mapping[str, Any], key: str, label: str) -> dt.date:
    value = payload.get(key)
    if value is None or value == "":
        raise InvalidPayload(f"请填写{label}")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidPayload(f"{label}「{value}」不是有效日期（格式应为 YYYY-MM-DD）")


def allowed_actions(
    state: TaskState, role: Role | str, *, is_lead_unit: bool = False, is_assist_unit: bool = False
) -> list[Action]:
    """Actions this actor may perform now (for showing buttons)."""
    role = Role(role)
    result = []
    for action, (sources, _) in TRANSITIONS.items():
        if state.status not in sources:
            continue
        try:
            _check_permission(action, role, is_lead_unit, is_assist_unit)
        except PermissionDenied:
            continue
        result.append(action)
    return result


def apply(
    state: TaskState,
    action: Action | str,
    actor_role: Role | str,
    actor_is_lead_unit: bool = False,
    payload: Mapping[str, Any] | None = None,
    today: dt.date | None = None,
    *,
    actor_is_assist_unit: bool = False,
    actor: str | None = None,
) -> Transition:
    """Apply ``action`` to ``state`` and return the new state plus the audit event.

    Raises :class:`IllegalTransition` (action not possible in the current status),
    :class:`PermissionDenied` (role/unit may not do it) or :class:`InvalidPayload`
    (missing reason, bad date...).  The status check comes first, then permission, then payload.

    Payload keys per action:
      sign: ``note``?; report_progress: ``progress`` (进展情况, required), ``next_steps``?,
      ``problems``?, ``report_date``? (defaults to today);
      request_close: ``summary`` (办结情况, required); close: ``note``?;
      return_task: ``reason`` (required); request_extension: ``new_deadline`` (required, after the
      current deadline and not before today), ``reason`` (required);
      approve_extension: ``note``?; reject_extension: ``reason`` (required);
      comment: ``text`` (required).
    """
    if today is None:
        raise TypeError("apply() 需要传入 today（当前日期）")
    try:
        action = Action(action)
    except ValueError:
        raise IllegalTransition(f"未知操作「{action}」") from None
    try:
        role = Role(actor_role)
    except ValueError:
        raise PermissionDenied(f"未知角色「{actor_role}」") from None
    payload = dict(payload or {})
    sources, target = TRANSITIONS[action]
    if state.status not in sources:
        allowed = "、".join(STATUS_LABELS[s] for s in Status if s in sources)
        raise IllegalTransition(
            f"任务当前状态为「{state.status.label}」，不能执行「{action.label}」操作"
            f"（仅限{allowed}状态）"
        )
    _check_permission(action, role, actor_is_lead_unit, actor_is_assist_unit)

    new = state
    reason: str | None = None
    data: dict[str, Any] = {}

    if action is Action.SIGN:
        reason = _text(payload, "note", "签收意见", required=False)
        new = replace(state, signed_on=today)
    elif action is Action.REPORT_PROGRESS:
        data["progress"] = _text(payload, "progress", "进展情况", required=True)
        for key, label in (("next_steps", "下步计划"), ("problems", "存在问题")):
            value = _text(payload, key, label, required=False)
            if value:
                data[key] = value
        report_date = _date(payload, "report_date", "报送日期") if payload.get("report_date") else today
        if report_date > today:
            raise InvalidPayload("报送日期不能晚于今天")
        data["report_date"] = report_date
        new = replace(state, last_progress_on=report_date)
    elif action is Action.REQUEST_CLOSE:
        data["summary"] = _text(payload, "summary", "办结情况说明", required=True)
        new = replace(state, close_requested_on=today)
    elif action is Action.CLOSE:
        reason = _text(payload, "note", "销号意见", required=False)
        new = replace(state, closed_on=today)
        if state.deadline is not None:
            data["on_time"] = today <= state.deadline
    elif action is Action.RETURN:
        reason = _text(payload, "reason", "退回原因", required=True)
        new = replace(state, close_requested_on=None, last_return_reason=reason)
    elif action is Action.REQUEST_EXTENSION:
        new_deadline = _date(payload, "new_deadline", "延期后的完成时限")
        reason = _text(payload, "reason", "延期理由", required=True)
        if state.deadline is not None and new_deadline <= state.deadline:
            raise InvalidPayload(
                f"延期后的完成时限（{new_deadline.isoformat()}）必须晚于当前完成时限（{state.deadline.isoformat()}）"
            )
        if new_deadline < today:
            raise InvalidPayload(f"延期后的完成时限（{new_deadline.isoformat()}）不能早于今天")
        data["new_deadline"] = new_deadline
        data["old_deadline"] = state.deadline
        new = replace(
            state, requested_deadline=new_deadline, extension_reason=reason, extension_requested_on=today
        )
    elif action is Action.APPROVE_EXTENSION:
        reason = _text(payload, "note", "审批意见", required=False)
        assert state.requested_deadline is not None, "extension_requested without requested_deadline"
        record = ExtensionRecord(
            requested_on=state.extension_requested_on or today,
            decided_on=today,
            old_deadline=state.deadline,
            new_deadline=state.requested_deadline,
            reason=state.extension_reason or "",
        )
        data["old_deadline"] = state.deadline
        data["new_deadline"] = state.requested_deadline
        new = replace(
            state,
            deadline=state.requested_deadline,
            original_deadline=state.original_deadline if state.original_deadline else state.deadline,
            requested_deadline=None,
            extension_reason=None,
            extension_requested_on=None,
            extensions=state.extensions + (record,),
        )
    elif action is Action.REJECT_EXTENSION:
        reason = _text(payload, "reason", "驳回理由", required=True)
        data["requested_deadline"] = state.requested_deadline
        new = replace(state, requested_deadline=None, extension_reason=None, extension_requested_on=None)
    elif action is Action.COMMENT:
        reason = _text(payload, "text", "批示内容", required=True)

    if target is not None:
        new = replace(new, status=target)
    event = TaskEvent(
        action=action,
        from_status=state.status,
        to_status=new.status,
        actor_role=role,
        on=today,
        actor=actor,
        reason=reason,
        data=data,
    )
    return Transition(state=new, event=event)


@dataclass(frozen=True)
class DeadlineFlags:
    """Computed deadline facts for one task on one day.

    ``due_soon`` (临期): open, not overdue, and the deadline is at most ``due_soon_days`` working
    days ahead (a deadline today counts).  ``overdue`` (逾期): open and ``today`` is after the
    deadline.  ``on_time``: for closed tasks, closed on or before the effective deadline
    (None while open or without a deadline).
    """

    due_soon: bool
    overdue: bool
    days_overdue: int
    workdays_overdue: int
    workdays_left: int | None
    on_time: bool | None

    @property
    def label(self) -> str:
        if self.overdue:
            return "逾期"
        if self.due_soon:
            return "临期"
        return ""


def deadline_flags(
    status: Status | str,
    deadline: dt.date | None,
    today: dt.date,
    *,
    closed_on: dt.date | None = None,
    due_soon_days: int = DEFAULT_DUE_SOON_WORKDAYS,
) -> DeadlineFlags:
    """Compute 临期/逾期/按期办结 flags; pass ``TaskState`` fields or plain record fields."""
    status = Status.parse(status)
    if due_soon_days < 0:
        raise ValueError("临期提醒的工作日数不能为负数")
    closed = status is Status.CLOSED
    if deadline is None:
        return DeadlineFlags(False, False, 0, 0, None, None)
    if closed:
        on_time = closed_on is not None and closed_on <= deadline
        return DeadlineFlags(False, False, 0, 0, None, on_time)
    if today > deadline:
        return DeadlineFlags(
            due_soon=False,
            overdue=True,
            days_overdue=(today - deadline).days,
            workdays_overdue=workdays_between(deadline, today),
            workdays_left=-workdays_between(deadline, today),
            on_time=None,
        )
    left = workdays_between(today, deadline)
    return DeadlineFlags(
        due_soon=left <= due_soon_days,
        overdue=False,
        days_overdue=0,
        workdays_overdue=0,
        workdays_left=left,
        on_time=None,
    )


def state_flags(state: TaskState, today: dt.date, *, due_soon_days: int = DEFAULT_DUE_SOON_WORKDAYS) -> DeadlineFlags:
    return deadline_flags(
        state.status, state.deadline, today, closed_on=state.closed_on, due_soon_days=due_soon_days
    )


__all__.append("state_flags")
