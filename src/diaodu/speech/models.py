"""Stored speeches (讲话) with the parser's extraction and the clerk's reviewed extraction.

``extraction`` is ``diaodu.speech.parse(text, ...).to_dict()`` as produced at upload and never
changes; ``reviewed`` is the same structure after the clerk's edits (saved on the review page).
``text`` is stored after BOM removal, so every ``start``/``end`` offset indexes it directly.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaodu.core.db import Base, Timestamped, Versioned
from diaodu.core.models import Unit, User

__all__ = ["Speech", "SpeechStatus"]


class SpeechStatus(StrEnum):
    draft = "draft"  # parsed, not reviewed yet
    reviewed = "reviewed"  # the clerk saved a reviewed extraction
    confirmed = "confirmed"  # 确认生成任务 done

    @property
    def label(self) -> str:
        return {"draft": "待核对", "reviewed": "已核对", "confirmed": "已生成任务"}[self.value]


class Speech(Versioned, Timestamped, Base):
    """One meeting speech or document (分工方案, 实施意见 …) and what was extracted from it."""

    __tablename__ = "speech"
    # The text and the parser output never change after upload (``sha256`` identifies the text);
    # keep them out of every audit row. Edits to ``reviewed`` are audited.
    __audit_exclude__ = ("text", "extraction")

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    meeting_date: Mapped[date | None] = mapped_column(Date, index=True)
    source_name: Mapped[str | None] = mapped_column(String(255))  # uploaded file name
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"), index=True)
    extraction: Mapped[dict] = mapped_column(JSON, default=dict)
    reviewed: Mapped[dict | None] = mapped_column(JSON)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default=SpeechStatus.draft.value, index=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirm_result: Mapped[dict | None] = mapped_column(JSON)  # created task ids, unmatched, skipped

    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    unit: Mapped[Unit | None] = relationship()

    @property
    def status_label(self) -> str:
        return SpeechStatus(self.status).label

    @property
    def current(self) -> dict:
        """The extraction the page shows: the reviewed one when saved, else the parser's."""
        return self.reviewed if self.reviewed is not None else (self.extraction or {})
