"""Indicator monitoring tables: catalogue, observations (with history), targets, import batches.

* ``monitor_indicator`` — the catalogue in the database, seeded from ``catalogue.SEED_INDICATORS``
  on first use and extendable; ``aliases`` is a JSON list of names.
* ``monitor_observation`` — region × indicator × cumulative period (year, month 1..M). Rows are never
  updated in place: a new value for the same cell gets a new row and the old one points to it
  (``superseded_by_id``); only rows with ``superseded_by_id IS NULL`` are current. Provenance is the
  source file/sheet/cells (``source_ref`` is the ready-made ``file:sheet!B7`` text) or the user who
  typed the value (``entered_by_id``).
* ``monitor_target`` — region × indicator × year × origin (assigned 市下任务 / own 本级目标).
* ``monitor_import`` — one row per real import (file name, SHA-256, who, when, counts).
* ``monitor_setting`` — named settings as JSON (``warning_thresholds``: the 红/黄/绿 thresholds),
  edited by dispatchers and audited like any row.
* ``monitor_state`` — one row whose ``token`` database triggers replace with a random value on every
  change to the tables the board reads (observations, targets, indicators, regions, settings); the board cache
  (``boardcache.py``) keys on it. Triggers are created by the migration, not by the model.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaodu.core.db import Base, Timestamped, Versioned, utcnow
from diaodu.core.models import Region, User

__all__ = ["Indicator", "Observation", "Target", "ImportBatch", "BoardState", "Setting"]


class Indicator(Versioned, Timestamped, Base):
    __tablename__ = "monitor_indicator"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    unit: Mapped[str] = mapped_column(String(30), default="")
    kind: Mapped[str] = mapped_column(String(10), default="flow")  # flow | stock | rate
    direction: Mapped[int] = mapped_column(Integer, default=1)  # +1 higher is better, -1 lower
    owner: Mapped[str] = mapped_column(String(100), default="")
    scope: Mapped[str] = mapped_column(Text, default="")  # 口径
    precision: Mapped[int] = mapped_column(Integer, default=1)
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    sort: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ImportBatch(Base):
    __tablename__ = "monitor_import"
    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    summary: Mapped[str] = mapped_column(Text, default="")


class Observation(Base):
    __tablename__ = "monitor_observation"
    __table_args__ = (
        # The board reads one year's month window for the regions of one or all cities; history and
        # series lookups are (year, region, month, indicator) too. On PostgreSQL the index covers the
        # columns the board reads, so a period is an index-only scan (bench/monitor.py).
        Index("ix_monitor_observation_period", "year", "region_id", "month", "indicator_id",
              postgresql_include=["id", "value", "unit", "growth", "published_rank", "superseded_by_id",
                                  "source_ref"]),
        # The board fetches one month for all regions (and a narrow window before it): with month
        # second that is one contiguous index range instead of a filter over the whole year.
        Index("ix_monitor_observation_month", "year", "month", "region_id", "indicator_id",
              postgresql_include=["id", "value", "unit", "growth", "published_rank", "superseded_by_id",
                                  "source_ref"]),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="RESTRICT"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("monitor_indicator.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(30))
    growth: Mapped[float | None] = mapped_column(Float)
    published_rank: Mapped[int | None] = mapped_column(Integer)
    source_file: Mapped[str | None] = mapped_column(String(255))
    source_sheet: Mapped[str | None] = mapped_column(String(100))
    source_cells: Mapped[dict | None] = mapped_column(JSON)
    source_ref: Mapped[str] = mapped_column(String(400), default="")
    extra: Mapped[dict | None] = mapped_column(JSON)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("monitor_import.id", ondelete="SET NULL"), index=True)
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("monitor_observation.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    region: Mapped[Region] = relationship()
    indicator: Mapped[Indicator] = relationship()
    entered_by: Mapped[User | None] = relationship()
    batch: Mapped[ImportBatch | None] = relationship()

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


class Target(Versioned, Timestamped, Base):
    __tablename__ = "monitor_target"
    __table_args__ = (UniqueConstraint("region_id", "indicator_id", "year", "origin",
                                       name="uq_monitor_target_cell"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="RESTRICT"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("monitor_indicator.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str | None] = mapped_column(String(10))  # growth | level | None (rank only)
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(30))
    qualifier: Mapped[str] = mapped_column(String(2), default=">=")  # ~ >= <=
    rank_keep: Mapped[int | None] = mapped_column(Integer)
    rank_strive: Mapped[int | None] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(10), default="assigned")  # assigned 市下任务 | own 本级目标
    note: Mapped[str] = mapped_column(Text, default="")

    region: Mapped[Region] = relationship()
    indicator: Mapped[Indicator] = relationship()


class BoardState(Base):
    """The board's data token (see the module docstring); never written by the application."""

    __tablename__ = "monitor_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(String(40))


class Setting(Versioned, Timestamped, Base):
    __tablename__ = "monitor_setting"
    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON, default=dict)
