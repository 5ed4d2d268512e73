"""Plain task records passed from the DB service layer to reminders, bulletins and memos."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from diaodu.tasks.lifecycle import DEFAULT_DUE_SOON_WORKDAYS, DeadlineFlags, Status, deadline_flags

__all__ = ["TaskRecord"]


@dataclass(frozen=True)
class TaskRecord:
    """A read-only snapshot of one task.

    ``deadline`` is the effective deadline (after approved extensions), ``original_deadline``
    the first one (None = same as deadline).  ``status`` accepts a :class:`Status`, its value
    or its Chinese label and is normalised to :class:`Status`.
    """

    content: str
    lead_unit: str
    deadline: dt.date | None
    status: Status = Status.PENDING
    id: int | str | None = None
    assist_units: tuple[str, ...] = ()
    leader: str | None = None
    original_deadline: dt.date | None = None
    closed_on: dt.date | None = None
    section: str | None = None
    source_ref: str | None = None
    category: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status.parse(self.status))
        object.__setattr__(self, "assist_units", tuple(self.assist_units))

    def flags(self, today: dt.date, *, due_soon_days: int = DEFAULT_DUE_SOON_WORKDAYS) -> DeadlineFlags:
        return deadline_flags(
            self.status, self.deadline, today, closed_on=self.closed_on, due_soon_days=due_soon_days
        )

    @property
    def extended(self) -> bool:
        return self.original_deadline is not None and self.original_deadline != self.deadline
