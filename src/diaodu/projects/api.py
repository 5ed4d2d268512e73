"""REST routes of the key projects module (under /api/v1): thin wrappers over the service."""

from __future__ import annotations

import base64
import datetime as dt
import binascii
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from diaodu.core.errors import NotFound, ValidationFailed
from diaodu.web.context import ctx
from diaodu.web.deps import CurrentActor, DbSession

from . import rules, service
from .models import Lead, MonthlyReport, Project, ProjectNode, ProjectProblem, ReportPhoto

router = APIRouter(tags=["projects"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------- schemas

class NodeRead(BaseModel):
    id: int
    name: str
    planned_date: date | None
    done_date: date | None


class ProblemRead(BaseModel):
    id: int
    text: str
    unit_id: int | None
    unit: str
    deadline: date | None
    status: str
    task_id: int | None
    version: int


class PhotoRead(BaseModel):
    id: int
    filename: str
    size: int
    content_type: str
    sha256: str


class ReportRead(BaseModel):
    id: int
    month: str
    amount: Decimal
    progress: str
    registered: Decimal
    reported_by: str
    photos: list[PhotoRead] = []


class ProjectRead(BaseModel):
    id: int
    version: int
    code: str
    name: str
    lists: list[str]
    stage: str
    industry: str
    chain: str
    region_id: int
    region: str
    owner: str
    unit_id: int | None
    unit: str
    leader_person_id: int | None
    leader: str
    total_investment: Decimal
    annual_plan: Decimal
    planned_start: date | None
    actual_start: date | None
    planned_completion: date | None
    actual_completion: date | None
    progress: str
    reg_status: str
    reg_date: date | None
    reg_amount: Decimal
    cumulative_investment: Decimal


class ProjectDetail(ProjectRead):
    nodes: list[NodeRead]
    problems: list[ProblemRead]
    reports: list[ReportRead]
    alerts: list[str]
    period: str


class ProjectCreate(BaseModel):
    code: str
    name: str
    region_id: int
    lists: list[str] = []
    stage: str = "前期"
    industry: str = ""
    chain: str = ""
    owner: str = ""
    unit_id: int | None = None
    leader_person_id: int | None = None
    total_investment: Decimal = Decimal(0)
    annual_plan: Decimal = Decimal(0)
    planned_start: date | None = None
    actual_start: date | None = None
    planned_completion: date | None = None
    actual_completion: date | None = None
    progress: str = ""
    reg_status: str = "未入库"
    reg_date: date | None = None
    reg_amount: Decimal = Decimal(0)


class ProjectUpdate(BaseModel):
    version: int | None = None
    code: str | None = None
    name: str | None = None
    region_id: int | None = None
    lists: list[str] | None = None
    stage: str | None = None
    industry: str | None = None
    chain: str | None = None
    owner: str | None = None
    unit_id: int | None = None
    leader_person_id: int | None = None
    total_investment: Decimal | None = None
    annual_plan: Decimal | None = None
    planned_start: date | None = None
    actual_start: date | None = None
    planned_completion: date | None = None
    actual_completion: date | None = None
    progress: str | None = None
    reg_status: str | None = None
    reg_date: date | None = None
    reg_amount: Decimal | None = None


class MonthlyIn(BaseModel):
    month: str = Field(description="YYYY-MM")
    amount: Decimal = Field(description="本月完成投资（万元）")
    progress: str = ""
    registered: Decimal = Field(Decimal(0), description="本月入库金额（万元）")


class MonthlyOut(BaseModel):
    report: ReportRead
    warnings: list[str]


class PhotoIn(BaseModel):
    filename: str
    content_base64: str


class NodeIn(BaseModel):
    name: str
    planned_date: date | None = None
    done_date: date | None = None


class NodeUpdate(BaseModel):
    name: str | None = None
    planned_date: date | None = None
    done_date: date | None = None


class ProblemIn(BaseModel):
    text: str
    unit_id: int | None = None
    deadline: date | None = None
    status: str = "待解决"


class ProblemUpdate(BaseModel):
    version: int | None = None
    text: str | None = None
    unit_id: int | None = None
    deadline: date | None = None
    status: str | None = None


class LedgerIn(BaseModel):
    filename: str = "台账.xlsx"
    content_base64: str
    dry_run: bool = False


class LedgerOut(BaseModel):
    created: int
    updated: int
    reports: int
    warnings: list[str]
    dry_run: bool
    message: str


class LeadRead(BaseModel):
    id: int
    version: int
    code: str
    name: str
    region_id: int
    region: str
    investor: str
    industry: str
    chain: str
    unit_id: int | None
    unit: str
    leader_person_id: int | None
    leader: str
    stage: str
    contract_amount: Decimal
    funds_in_place: Decimal
    talk_date: date | None
    signed_date: date | None
    registered_date: date | None
    started_date: date | None
    producing_date: date | None
    project_id: int | None


class LeadDetail(LeadRead):
    history: list[dict]


class LeadCreate(BaseModel):
    code: str
    name: str
    region_id: int
    investor: str = ""
    industry: str = ""
    chain: str = ""
    unit_id: int | None = None
    leader_person_id: int | None = None
    contract_amount: Decimal = Decimal(0)
    funds_in_place: Decimal = Decimal(0)
    talk_date: date | None = None


class LeadUpdate(BaseModel):
    version: int | None = None
    name: str | None = None
    investor: str | None = None
    industry: str | None = None
    chain: str | None = None
    unit_id: int | None = None
    leader_person_id: int | None = None
    contract_amount: Decimal | None = None
    funds_in_place: Decimal | None = None


class AdvanceIn(BaseModel):
    to_stage: str
    date: dt.date | None = Field(None, description="目标阶段的日期（推进一步时）")
    dates: dict[str, dt.date] | None = Field(None, description="跨阶段推进时，每个阶段的日期")
    version: int | None = None


class ConvertIn(BaseModel):
    code: str
    annual_plan: Decimal = Decimal(0)
    lists: list[str] = ["市重点"]


# ---------------------------------------------------------------- shaping

def _report(r: MonthlyReport) -> ReportRead:
    return ReportRead(id=r.id, month=r.month, amount=service.dec(r.amount), progress=r.progress or "",
                      registered=service.dec(r.registered), reported_by=r.reported_by or "",
                      photos=[PhotoRead(id=ph.id, filename=ph.filename, size=ph.size, content_type=ph.content_type,
                                        sha256=ph.sha256) for ph in r.photos])


def _project(p: Project) -> dict:
    return dict(
        id=p.id, version=p.version, code=p.code, name=p.name, lists=[lst.name for lst in p.lists], stage=p.stage,
        industry=p.industry or "", chain=p.chain or "", region_id=p.region_id, region=p.region.name,
        owner=p.owner or "", unit_id=p.unit_id, unit=p.unit.name if p.unit else "",
        leader_person_id=p.leader_person_id, leader=p.leader.name if p.leader else "",
        total_investment=service.dec(p.total_investment), annual_plan=service.dec(p.annual_plan),
        planned_start=p.planned_start, actual_start=p.actual_start, planned_completion=p.planned_completion,
        actual_completion=p.actual_completion, progress=p.progress or "", reg_status=p.reg_status,
        reg_date=p.reg_date, reg_amount=service.dec(p.reg_amount),
        cumulative_investment=sum((service.dec(r.amount) for r in p.reports), Decimal(0)))


def _detail(p: Project, period: str | None = None) -> ProjectDetail:
    today = date.today()
    period = period or service.default_period(today)
    rec = service.to_record(p)
    return ProjectDetail(
        **_project(p),
        nodes=[NodeRead(id=n.id, name=n.name, planned_date=n.planned_date, done_date=n.done_date) for n in p.nodes],
        problems=[_problem(q) for q in p.problems],
        reports=[_report(r) for r in p.reports], alerts=rules.project_alerts(rec, period, today), period=period)


def _problem(q: ProjectProblem) -> ProblemRead:
    return ProblemRead(id=q.id, text=q.text, unit_id=q.unit_id, unit=q.unit.name if q.unit else "",
                       deadline=q.deadline, status=q.status, task_id=q.task_id, version=q.version)


def _node(n: ProjectNode) -> NodeRead:
    return NodeRead(id=n.id, name=n.name, planned_date=n.planned_date, done_date=n.done_date)


def _lead(ld: Lead) -> dict:
    return dict(id=ld.id, version=ld.version, code=ld.code, name=ld.name, region_id=ld.region_id,
                region=ld.region.name, investor=ld.investor or "", industry=ld.industry or "",
                chain=ld.chain or "", unit_id=ld.unit_id, unit=ld.unit.name if ld.unit else "",
                leader_person_id=ld.leader_person_id, leader=ld.leader.name if ld.leader else "",
                stage=ld.stage, contract_amount=service.dec(ld.contract_amount),
                funds_in_place=service.dec(ld.funds_in_place), talk_date=ld.talk_date,
                signed_date=ld.signed_date, registered_date=ld.registered_date, started_date=ld.started_date,
                producing_date=ld.producing_date, project_id=ld.project_id)


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("文件内容不是有效的 base64 编码") from None


# ---------------------------------------------------------------- projects

@router.get("/projects/summary")
def project_summary(actor: CurrentActor, session: DbSession, period: str | None = None,
                    today: date | None = None, by: str = Query("county", pattern="^(county|list|leader|industry|chain)$")):
    """分县市区（或清单、联系市领导、产业、产业链）汇总；period 默认上月。"""
    period = period or service.default_period(today or date.today())
    return service.summary(session, actor, period, today, by=by).as_dict()


@router.get("/projects/ledger", response_class=Response)
def export_ledger(actor: CurrentActor, session: DbSession):
    """导出项目台账 xlsx（与导入格式相同）。"""
    with tempfile.TemporaryDirectory() as tmp:
        path = service.export_ledger(session, actor, Path(tmp) / "ledger.xlsx")
        data = path.read_bytes()
    name = f"重点项目台账_{date.today():%Y%m%d}.xlsx"
    from urllib.parse import quote

    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@router.post("/projects/ledger", response_model=LedgerOut)
def import_ledger(body: LedgerIn, actor: CurrentActor, session: DbSession):
    """导入项目台账（xlsx 以 base64 上传；一个事务，出错则全部不写入）。"""
    data = _b64(body.content_base64)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.xlsx"
        path.write_bytes(data)
        result = service.import_ledger(session, actor, path, dry_run=body.dry_run,
                                       display_name=Path(body.filename).name or "upload.xlsx")
    if body.dry_run:
        session.rollback()
    return LedgerOut(created=result.created, updated=result.updated, reports=result.reports,
                     warnings=result.warnings, dry_run=result.dry_run, message=result.message())


@router.get("/projects", response_model=list[ProjectRead])
def list_projects(actor: CurrentActor, session: DbSession, region_id: int | None = None,
                  list_name: str | None = None, stage: str | None = None, leader_person_id: int | None = None,
                  unit_id: int | None = None, gap_only: bool = False, q: str | None = None,
                  month: str | None = None):
    flt = service.ProjectFilter(region_id=region_id, list_name=list_name, stage=stage,
                                leader_person_id=leader_person_id, unit_id=unit_id, gap_only=gap_only, q=q,
                                month=month)
    return [_project(p) for p in service.list_projects(session, actor, flt)]


@router.post("/projects", response_model=ProjectDetail, status_code=201)
def create_project(body: ProjectCreate, actor: CurrentActor, session: DbSession):
    return _detail(service.create_project(session, actor, **body.model_dump()))


@router.get("/projects/{project_id}", response_model=ProjectDetail)
def get_project(project_id: int, actor: CurrentActor, session: DbSession, period: str | None = None):
    return _detail(service.get_project(session, actor, project_id), period)


@router.patch("/projects/{project_id}", response_model=ProjectDetail)
def update_project(project_id: int, body: ProjectUpdate, actor: CurrentActor, session: DbSession):
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version", None)
    return _detail(service.update_project(session, actor, project_id, version=version, **changes))


@router.delete("/projects/{project_id}", status_code=204)
def delete_project(project_id: int, actor: CurrentActor, session: DbSession):
    service.delete_project(session, actor, project_id)


@router.post("/projects/{project_id}/monthly", response_model=MonthlyOut, status_code=201)
def file_monthly(project_id: int, body: MonthlyIn, actor: CurrentActor, session: DbSession):
    """填报月度投资（本月完成投资、形象进度、本月入库金额）；同月再次填报即覆盖。"""
    filed = service.file_monthly(session, actor, project_id, **body.model_dump())
    return MonthlyOut(report=_report(filed.report), warnings=filed.warnings)


@router.post("/projects/monthly/{report_id}/photos", response_model=PhotoRead, status_code=201)
def add_photo(report_id: int, body: PhotoIn, actor: CurrentActor, session: DbSession):
    """上传形象进度照片（JPG/PNG/WEBP，5MB 以内，base64）。"""
    ph = service.add_photo(session, actor, report_id, filename=body.filename, data=_b64(body.content_base64),
                           upload_dir=ctx().settings.upload_dir)
    return PhotoRead(id=ph.id, filename=ph.filename, size=ph.size, content_type=ph.content_type, sha256=ph.sha256)


@router.get("/projects/photos/{photo_id}", response_class=FileResponse)
def get_photo(photo_id: int, actor: CurrentActor, session: DbSession):
    ph: ReportPhoto = service.get_photo(session, actor, photo_id)
    path = service.photo_path(ctx().settings.upload_dir, ph)
    if not path.is_file():
        raise NotFound("照片文件已丢失")
    return FileResponse(path, media_type=ph.content_type)


@router.post("/projects/{project_id}/nodes", response_model=NodeRead, status_code=201)
def add_node(project_id: int, body: NodeIn, actor: CurrentActor, session: DbSession):
    return _node(service.add_node(session, actor, project_id, **body.model_dump()))


@router.patch("/projects/nodes/{node_id}", response_model=NodeRead)
def update_node(node_id: int, body: NodeUpdate, actor: CurrentActor, session: DbSession):
    return _node(service.update_node(session, actor, node_id, **body.model_dump(exclude_unset=True)))


@router.post("/projects/{project_id}/problems", response_model=ProblemRead, status_code=201)
def add_problem(project_id: int, body: ProblemIn, actor: CurrentActor, session: DbSession):
    return _problem(service.add_problem(session, actor, project_id, **body.model_dump()))


@router.patch("/projects/problems/{problem_id}", response_model=ProblemRead)
def update_problem(problem_id: int, body: ProblemUpdate, actor: CurrentActor, session: DbSession):
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version", None)
    return _problem(service.update_problem(session, actor, problem_id, version=version, **changes))


@router.post("/projects/problems/{problem_id}/task", response_model=ProblemRead)
def problem_to_task(problem_id: int, actor: CurrentActor, session: DbSession):
    """把问题转为督办任务（任务督办模块启用后可用）。"""
    return _problem(service.problem_to_task(session, actor, problem_id))


# ---------------------------------------------------------------- leads

@router.get("/leads/rates")
def lead_rates(actor: CurrentActor, session: DbSession, end: date | None = None, start: date | None = None):
    """履约率、资金到位率、开工率、投产率（按县市区，签约于 [start, end] 的项目）。"""
    rows, total = service.lead_rates(session, actor, end or date.today(), start)
    return {"rows": [r.as_dict() for r in rows], "total": total.as_dict()}


@router.get("/leads", response_model=list[LeadRead])
def list_leads(actor: CurrentActor, session: DbSession, region_id: int | None = None, stage: str | None = None):
    return [_lead(ld) for ld in service.list_leads(session, actor, region_id=region_id, stage=stage)]


@router.post("/leads", response_model=LeadRead, status_code=201)
def create_lead(body: LeadCreate, actor: CurrentActor, session: DbSession):
    return _lead(service.create_lead(session, actor, **body.model_dump()))


@router.get("/leads/{lead_id}", response_model=LeadDetail)
def get_lead(lead_id: int, actor: CurrentActor, session: DbSession):
    ld = service.get_lead(session, actor, lead_id)
    history = [{k: (v.isoformat() if isinstance(v, (date, datetime)) else v) for k, v in h.items()}
               for h in service.lead_history(session, actor, lead_id)]
    return LeadDetail(**_lead(ld), history=history)


@router.patch("/leads/{lead_id}", response_model=LeadRead)
def update_lead(lead_id: int, body: LeadUpdate, actor: CurrentActor, session: DbSession):
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version", None)
    return _lead(service.update_lead(session, actor, lead_id, version=version, **changes))


@router.post("/leads/{lead_id}/advance", response_model=LeadRead)
def advance_lead(lead_id: int, body: AdvanceIn, actor: CurrentActor, session: DbSession):
    """推进招商阶段（在谈→签约→注册→开工→投产），每次推进记入审计日志。"""
    dates = body.dates if body.dates else body.date
    if dates is None:
        raise ValidationFailed("请填写推进阶段的日期")
    return _lead(service.advance_lead(session, actor, lead_id, body.to_stage, dates, version=body.version))


@router.post("/leads/{lead_id}/convert", response_model=ProjectRead, status_code=201)
def convert_lead(lead_id: int, body: ConvertIn, actor: CurrentActor, session: DbSession):
    """已签约并开工的招商项目转为重点项目。"""
    return _project(service.convert_lead(session, actor, lead_id, **body.model_dump()))
