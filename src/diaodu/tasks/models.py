"""Tables of task supervision (督查督办).

A :class:`Task` carries its lifecycle state as plain columns (the pure state machine in
:mod:`diaodu.tasks.lifecycle` works on :class:`~diaodu.tasks.lifecycle.TaskState`;
:mod:`diaodu.tasks.service` maps between the two). Every transition is one :class:`TaskEvent`
row plus an audit-log event. ``source_speech_id`` is a plain integer: the speech module owns its
own tables and tasks must not depend on them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaodu.core.db import Base, Timestamped, Versioned, utcnow
from diaodu.core.models import Person, Unit, User

__all__ = [
    "ProgressReport",
    "ReminderDelivery",
    "Task",
    "TaskAttachment",
    "TaskEvent",
    "TaskMilestone",
    "UnitChannel",
    "task_assist_unit",
]

SOURCE_KINDS = {"speech": "讲话", "document": "文件", "manual": "手工录入", "ledger": "任务分解表"}

task_assist_unit = Table(
    "task_assist_unit",
    Base.metadata,
    Column("task_id", ForeignKey("task.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True),
)


class Task(Versioned, Timestamped, Base):
    """One supervised task (督办事项)."""

    __tablename__ = "task"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(40))
    content: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(50))
    tags: Mapped[list] = mapped_column(JSON, default=list)
    # Source: speech (span in the speech text), document, ledger import or manual entry.
    source_kind: Mapped[str] = mapped_column(String(20), default="manual")
    source_speech_id: Mapped[int | None] = mapped_column(Integer, index=True)
    source_title: Mapped[str | None] = mapped_column(String(200))  # meeting / document title
    source_date: Mapped[date | None] = mapped_column(Date)
    source_start: Mapped[int | None] = mapped_column(Integer)
    source_end: Mapped[int | None] = mapped_column(Integer)
    source_quote: Mapped[str | None] = mapped_column(Text)
    source_section: Mapped[str | None] = mapped_column(String(200))
    leader_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    # Lifecycle state (see lifecycle.TaskState).
    status: Mapped[str] = mapped_column(String(30), default="pending", index=True)
    deadline: Mapped[date | None] = mapped_column(Date, index=True)
    original_deadline: Mapped[date | None] = mapped_column(Date)
    signed_on: Mapped[date | None] = mapped_column(Date)
    close_requested_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    requested_deadline: Mapped[date | None] = mapped_column(Date)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    extension_requested_on: Mapped[date | None] = mapped_column(Date)
    last_return_reason: Mapped[str | None] = mapped_column(Text)
    last_progress_on: Mapped[date | None] = mapped_column(Date)
    extensions: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))

    lead_unit: Mapped[Unit] = relationship(foreign_keys=[lead_unit_id])
    leader: Mapped[Person | None] = relationship()
    assist_units: Mapped[list[Unit]] = relationship(secondary=task_assist_unit, order_by="Unit.sort")
    parent: Mapped[Task | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Task]] = relationship(back_populates="parent", order_by="Task.id")
    milestones: Mapped[list[TaskMilestone]] = relationship(cascade="all, delete-orphan", order_by="TaskMilestone.due")
    events: Mapped[list[TaskEvent]] = relationship(cascade="all, delete-orphan", order_by="TaskEvent.id")
    reports: Mapped[list[ProgressReport]] = relationship(cascade="all, delete-orphan", order_by="ProgressReport.id")
    attachments: Mapped[list[TaskAttachment]] = relationship(cascade="all, delete-orphan",
                                                             order_by="TaskAttachment.id")


class TaskMilestone(Base):
    """A 节点 (intermediate deadline) of a task."""

    __tablename__ = "task_milestone"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)


class TaskEvent(Base):
    """One applied lifecycle action (签收, 报送进展, 申请办结, 销号, 退回, 延期 …)."""

    __tablename__ = "task_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    on: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(80), default="")
    actor_name: Mapped[str | None] = mapped_column(String(100))
    actor_role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    unit: Mapped[Unit | None] = relationship()


class ProgressReport(Base):
    """A progress report (进展情况, 下步计划, 存在问题) by the lead unit or an assisting unit."""

    __tablename__ = "task_progress_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    report_date: Mapped[date] = mapped_column(Date)
    progress: Mapped[str] = mapped_column(Text)
    next_steps: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[str | None] = mapped_column(Text)
    is_assist: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    unit: Mapped[Unit | None] = relationship()
    user: Mapped[User | None] = relationship()
    attachments: Mapped[list[TaskAttachment]] = relationship(back_populates="report", order_by="TaskAttachment.id")


class TaskAttachment(Base):
    """An uploaded file; the bytes live under ``settings.upload_dir/tasks/<sha256>``."""

    __tablename__ = "task_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("task_progress_report.id", ondelete="SET NULL"),
                                                  index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report: Mapped[ProgressReport | None] = relationship(back_populates="attachments")


class ReminderDelivery(Base):
    """One delivery (or failure) of one unit's reminder digest over one channel."""

    __tablename__ = "task_reminder_delivery"
    __audited__ = False
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"), index=True)
    unit_name: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str | None] = mapped_column(String(300))
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    items: Mapped[int] = mapped_column(Integer, default=0)


class UnitChannel(Versioned, Timestamped, Base):
    """Where a unit's reminders go: email addresses, 企业微信 and 钉钉 group robots."""

    __tablename__ = "task_unit_channel"
    __audit_exclude__ = ("dingtalk_secret",)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), unique=True)
    emails: Mapped[list] = mapped_column(JSON, default=list)
    wecom_webhook: Mapped[str | None] = mapped_column(String(500))
    dingtalk_webhook: Mapped[str | None] = mapped_column(String(500))
    dingtalk_secret: Mapped[str | None] = mapped_column(String(200))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)

    unit: Mapped[Unit] = relationship()
