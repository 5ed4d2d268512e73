"""Tables of the key projects (重点项目) and investment pipeline (招商) module.

Money columns are ``Numeric(18, 4)`` in 万元. The cumulative investment of a project is never
stored: it is summed from :class:`MonthlyReport` rows. The plain dataclasses the rules work on
live in :mod:`diaodu.projects.records`; :mod:`diaodu.projects.service` maps between the two.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from diaodu.core.db import Base, Timestamped, Versioned, utcnow
from diaodu.core.models import Person, Region, Unit

__all__ = ["ProjectList", "project_list_member", "Project", "ProjectNode", "ProjectProblem",
           "MonthlyReport", "ReportPhoto", "Lead"]

MONEY = Numeric(18, 4)

project_list_member = Table(
    "project_list_member",
    Base.metadata,
    Column("project_id", ForeignKey("project.id", ondelete="CASCADE"), primary_key=True),
    Column("list_id", ForeignKey("project_list.id", ondelete="CASCADE"), primary_key=True),
)


class ProjectList(Base):
    """A list a project belongs to (省重点, 市重点, 五个一批, 集中开工第一批, 重中之重 …)."""

    __tablename__ = "project_list"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    sort: Mapped[int] = mapped_column(Integer, default=0)


class Project(Versioned, Timestamped, Base):
    __tablename__ = "project"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(10), default="前期")
    industry: Mapped[str] = mapped_column(String(50), default="")
    chain: Mapped[str] = mapped_column(String(50), default="")
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="RESTRICT"), index=True)
    owner: Mapped[str] = mapped_column(String(200), default="")            # 业主单位 (free text)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)  # 责任单位
    leader_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"),
                                                         index=True)     # 联系/分包市领导
    total_investment: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    annual_plan: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    planned_start: Mapped[date | None] = mapped_column(Date)
    actual_start: Mapped[date | None] = mapped_column(Date)
    planned_completion: Mapped[date | None] = mapped_column(Date)
    actual_completion: Mapped[date | None] = mapped_column(Date)
    progress: Mapped[str] = mapped_column(Text, default="")                # 形象进度 (latest)
    reg_status: Mapped[str] = mapped_column(String(10), default="未入库")
    reg_date: Mapped[date | None] = mapped_column(Date)
    reg_amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))

    region: Mapped[Region] = relationship()
    unit: Mapped[Unit | None] = relationship()
    leader: Mapped[Person | None] = relationship()
    lists: Mapped[list[ProjectList]] = relationship(secondary=project_list_member,
                                                   order_by=lambda: [ProjectList.sort, ProjectList.name])
    nodes: Mapped[list[ProjectNode]] = relationship(back_populates="project", cascade="all, delete-orphan",
                                                    order_by="ProjectNode.sort")
    problems: Mapped[list[ProjectProblem]] = relationship(back_populates="project", cascade="all, delete-orphan",
                                                          order_by="ProjectProblem.sort")
    reports: Mapped[list[MonthlyReport]] = relationship(back_populates="project", cascade="all, delete-orphan",
                                                        order_by="MonthlyReport.month")


class ProjectNode(Timestamped, Base):
    """A schedule node (节点)."""

    __tablename__ = "project_node"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    planned_date: Mapped[date | None] = mapped_column(Date)
    done_date: Mapped[date | None] = mapped_column(Date)
    sort: Mapped[int] = mapped_column(Integer, default=0)
    project: Mapped[Project] = relationship(back_populates="nodes")


class ProjectProblem(Versioned, Timestamped, Base):
    """A problem to clear; ``task_id`` links the supervised task once the task module exists."""

    __tablename__ = "project_problem"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="待解决")
    task_id: Mapped[int | None] = mapped_column(Integer)   # no FK yet: the task table is not ours
    sort: Mapped[int] = mapped_column(Integer, default=0)
    project: Mapped[Project] = relationship(back_populates="problems")
    unit: Mapped[Unit | None] = relationship()


class MonthlyReport(Timestamped, Base):
    """本月完成投资 / 形象进度 / 本月入库金额 of one month; cumulative figures are derived."""

    __tablename__ = "project_monthly"
    __table_args__ = (UniqueConstraint("project_id", "month", name="uq_project_monthly_project_month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    month: Mapped[str] = mapped_column(String(7))           # YYYY-MM
    amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    progress: Mapped[str] = mapped_column(Text, default="")
    registered: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    reported_by: Mapped[str] = mapped_column(String(80), default="")
    project: Mapped[Project] = relationship(back_populates="reports")
    photos: Mapped[list[ReportPhoto]] = relationship(back_populates="report", cascade="all, delete-orphan",
                                                     order_by="ReportPhoto.id")


class ReportPhoto(Base):
    """A 形象进度 photo; the file lives in ``settings.upload_dir/projects/<sha256><ext>``."""

    __tablename__ = "project_photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("project_monthly.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    report: Mapped[MonthlyReport] = relationship(back_populates="photos")


class Lead(Versioned, Timestamped, Base):
    """An investment-promotion lead (招商项目): 在谈 → 签约 → 注册 → 开工 → 投产."""

    __tablename__ = "investment_lead"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="RESTRICT"), index=True)
    investor: Mapped[str] = mapped_column(String(200), default="")
    industry: Mapped[str] = mapped_column(String(50), default="")
    chain: Mapped[str] = mapped_column(String(50), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    leader_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    stage: Mapped[str] = mapped_column(String(10), default="在谈")
    contract_amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    funds_in_place: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    talk_date: Mapped[date | None] = mapped_column(Date)
    signed_date: Mapped[date | None] = mapped_column(Date)
    registered_date: Mapped[date | None] = mapped_column(Date)
    started_date: Mapped[date | None] = mapped_column(Date)
    producing_date: Mapped[date | None] = mapped_column(Date)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="SET NULL"), index=True)

    region: Mapped[Region] = relationship()
    unit: Mapped[Unit | None] = relationship()
    leader: Mapped[Person | None] = relationship()
    project: Mapped[Project | None] = relationship()
