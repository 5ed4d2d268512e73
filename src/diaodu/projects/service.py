"""Key projects and investment leads in the database: CRUD with permissions, monthly reports,
ledger import/export, summaries, lead transitions and conversions.

Every function takes ``(session, actor, ...)``, decides permissions through
:mod:`diaodu.core.policy` and never commits (the caller's unit of work does). The pure rules in
:mod:`diaodu.projects.rules` and :mod:`diaodu.projects.pipeline` work on the dataclasses of
:mod:`diaodu.projects.records`; :func:`to_record` and :func:`to_lead` map rows to them.

Permissions: the owner of a project or lead is ``Owner.of([责任单位], region)``, so a reporter
reaches the projects their unit is responsible for and, for a county government, every project
of the county. Leaders read everything. Creating and deleting projects, importing the ledger,
converting leads and turning problems into tasks are for dispatchers and admins. A reporter may
change only the fields their unit reports (形象进度, actual dates, registration), nodes' done
dates, problem status, and file monthly reports.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from diaodu.core import policy
from diaodu.core.audit import Actor, log_event
from diaodu.core.errors import Forbidden, NotFound, ValidationFailed
from diaodu.core.models import Person, Region, RegionAlias, Role, Unit, User
from diaodu.core.names import normalize_name
from diaodu.core.org import check_version, unit_resolver

from . import ledger_xlsx, pipeline, records, rules
from .models import Lead, MonthlyReport, Project, ProjectList, ProjectNode, ProjectProblem, ReportPhoto

ZERO = Decimal(0)
COUNTY_KINDS = ("county", "district", "county_city")

PROJECT_FIELDS = ("code", "name", "stage", "industry", "chain", "region_id", "owner", "unit_id",
                  "leader_person_id", "total_investment", "annual_plan", "planned_start", "actual_start",
                  "planned_completion", "actual_completion", "progress", "reg_status", "reg_date", "reg_amount")
# What the responsible unit itself keeps current.
REPORTER_FIELDS = frozenset({"progress", "actual_start", "actual_completion", "reg_status", "reg_date",
                             "reg_amount"})
LEAD_FIELDS = ("code", "name", "region_id", "investor", "industry", "chain", "unit_id", "leader_person_id",
               "contract_amount", "funds_in_place", "talk_date")
LEAD_EDIT_FIELDS = ("name", "investor", "industry", "chain", "unit_id", "leader_person_id", "contract_amount",
                    "funds_in_place")


# ---------------------------------------------------------------- small helpers

def dec(value: Decimal | None) -> Decimal:
    """A stored Numeric without the trailing zeros of its scale (1200.0000 → 1200)."""
    if value is None:
        return ZERO
    value = Decimal(value)
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def project_owner(p: Project) -> policy.Owner:
    return policy.Owner.of([p.unit_id], p.region_id)


def lead_owner(ld: Lead) -> policy.Owner:
    return policy.Owner.of([ld.unit_id], ld.region_id)


def default_period(today: date) -> str:
    """The month a report looks at on ``today``: the previous month (data of month M arrive in M+1)."""
    return rules.add_months(rules.month_of(today), -1)


class Regions:
    """The region tree: names and aliases, county ancestors and tree order."""

    def __init__(self, session: Session):
        rows = list(session.scalars(select(Region).order_by(Region.sort, Region.id)))
        self.by_id = {r.id: r for r in rows}
        self.names: dict[str, int] = {normalize_name(r.name): r.id for r in rows}
        for alias, rid in session.execute(select(RegionAlias.alias, RegionAlias.region_id)):
            self.names.setdefault(normalize_name(alias), rid)
        children: dict[int | None, list[Region]] = {}
        for r in rows:
            children.setdefault(r.parent_id, []).append(r)
        self.order: list[int] = []

        def walk(pid):
            for r in children.get(pid, []):
                self.order.append(r.id)
                walk(r.id)
        walk(None)

    def resolve(self, name: str) -> int | None:
        return self.names.get(normalize_name(name))

    def county_of(self, region_id: int) -> Region:
        """The county-level ancestor (a child of the top region), or the region itself."""
        r = self.by_id[region_id]
        while r.parent_id is not None and self.by_id[r.parent_id].parent_id is not None:
            r = self.by_id[r.parent_id]
        return r

    def counties(self) -> list[Region]:
        """County-level regions in tree order."""
        return [self.by_id[i] for i in self.order
                if self.by_id[i].kind in COUNTY_KINDS and self.by_id[i].parent_id is not None
                and self.by_id[self.by_id[i].parent_id].parent_id is None]


def leader_resolver(session: Session) -> Callable[[str], int | None]:
    """Name → leader id: 张海燕, 张海燕（副市长）, 张海燕副市长, or 张副市长 when unique."""
    table: dict[str, int | None] = {}
    people = session.scalars(select(Person).where(Person.is_leader.is_(True)).order_by(Person.sort, Person.id))
    for p in people:
        keys = {p.name}
        if p.title:
            keys |= {f"{p.name}（{p.title}）", f"{p.name}({p.title})", f"{p.name}{p.title}"}
            short = f"{p.name[0]}{p.title}"
            table[short] = None if short in table and table[short] != p.id else p.id
        for k in keys:
            table.setdefault(normalize_name(k), p.id)
    return lambda name: table.get(normalize_name(name))


def _load_options():
    return (selectinload(Project.lists), selectinload(Project.nodes), selectinload(Project.problems)
            .selectinload(ProjectProblem.unit), selectinload(Project.reports), selectinload(Project.unit),
            selectinload(Project.leader), selectinload(Project.region))


def to_record(p: Project, regions: Regions | None = None) -> records.Project:
    """The rules' dataclass for a stored project. With ``regions``, ``county`` is the county-level
    ancestor (for summaries); without, the project's own region name (for the ledger)."""
    county = regions.county_of(p.region_id).name if regions else p.region.name
    return records.Project(
        code=p.code, name=p.name, county=county, lists=tuple(lst.name for lst in p.lists), stage=p.stage,
        industry=p.industry or "", chain=p.chain or "", owner=p.owner or "",
        unit=p.unit.name if p.unit else "", leader=p.leader.name if p.leader else "",
        total_investment=dec(p.total_investment), annual_plan=dec(p.annual_plan),
        planned_start=p.planned_start, actual_start=p.actual_start, planned_completion=p.planned_completion,
        actual_completion=p.actual_completion, progress=p.progress or "", reg_status=p.reg_status,
        reg_date=p.reg_date, reg_amount=dec(p.reg_amount),
        nodes=[records.Node(n.name, n.planned_date, n.done_date) for n in p.nodes],
        problems=[records.Problem(q.text, q.unit.name if q.unit else "", q.deadline, q.status) for q in p.problems],
        monthly=[records.MonthlyReport(r.month, dec(r.amount), r.progress or "", dec(r.registered))
                 for r in sorted(p.reports, key=lambda r: r.month)],
    )


def to_lead(ld: Lead) -> pipeline.Lead:
    return pipeline.Lead(
        code=ld.code, name=ld.name, county=ld.region.name, investor=ld.investor or "", industry=ld.industry or "",
        chain=ld.chain or "", unit=ld.unit.name if ld.unit else "", leader=ld.leader.name if ld.leader else "",
        stage=ld.stage, contract_amount=dec(ld.contract_amount), funds_in_place=dec(ld.funds_in_place),
        talk_date=ld.talk_date, signed_date=ld.signed_date, registered_date=ld.registered_date,
        started_date=ld.started_date, producing_date=ld.producing_date,
        project_code=ld.project.code if ld.project else "")


def _lists(session: Session, names: Iterable[str], cache: dict[str, ProjectList] | None = None
           ) -> list[ProjectList]:
    """ProjectList rows for names, created when new. ``cache`` (name → row, all lists) avoids a
    query per name during bulk imports."""
    if cache is None:
        cache = {lst.name: lst for lst in session.scalars(select(ProjectList))}
    out = []
    for raw in names:
        name = normalize_name(raw)
        if not name:
            continue
        lst = cache.get(name)
        if lst is None:
            known = list(records.COMMON_LISTS)
            lst = cache[name] = ProjectList(name=name, sort=known.index(name) if name in known else 100)
            session.add(lst)
        if lst not in out:
            out.append(lst)
    return out


def _check_choice(value: str | None, allowed: Sequence[str], label: str) -> None:
    if value is not None and value not in allowed:
        raise ValidationFailed(f"{label}“{value}”无效，应为：{'、'.join(allowed)}")


def _check_money(values: dict, *names: str) -> None:
    for n in names:
        v = values.get(n)
        if v is not None and Decimal(v) < 0:
            raise ValidationFailed("金额不能为负数")


def _check_refs(session: Session, values: dict) -> None:
    if values.get("region_id") is not None and session.get(Region, values["region_id"]) is None:
        raise ValidationFailed("县市区不存在")
    if values.get("unit_id") is not None and session.get(Unit, values["unit_id"]) is None:
        raise ValidationFailed("责任单位不存在")
    if values.get("leader_person_id") is not None:
        person = session.get(Person, values["leader_person_id"])
        if person is None or not person.is_leader:
            raise ValidationFailed("联系市领导不存在")


# ---------------------------------------------------------------- projects

@dataclass
class ProjectFilter:
    region_id: int | None = None      # the region or any region below it
    list_name: str | None = None
    stage: str | None = None
    leader_person_id: int | None = None
    unit_id: int | None = None
    gap_only: bool = False            # only projects with the 入库缺口 flag in ``month``
    q: str | None = None              # name or code contains
    month: str | None = None


def list_projects(session: Session, actor: Actor, flt: ProjectFilter | None = None,
                  today: date | None = None) -> list[Project]:
    flt = flt or ProjectFilter()
    stmt = select(Project).options(*_load_options()).order_by(Project.code)
    cond = policy.row_filter(actor, [Project.unit_id], Project.region_id)
    if cond is not None:
        stmt = stmt.where(cond)
    if flt.region_id is not None:
        from diaodu.core.org import region_subtree_ids

        stmt = stmt.where(Project.region_id.in_(sorted(region_subtree_ids(session, flt.region_id))))
    if flt.stage:
        stmt = stmt.where(Project.stage == flt.stage)
    if flt.leader_person_id is not None:
        stmt = stmt.where(Project.leader_person_id == flt.leader_person_id)
    if flt.unit_id is not None:
        stmt = stmt.where(Project.unit_id == flt.unit_id)
    if flt.list_name:
        stmt = stmt.where(Project.lists.any(ProjectList.name == flt.list_name))
    if flt.q:
        like = f"%{flt.q.strip()}%"
        stmt = stmt.where(Project.name.like(like) | Project.code.like(like))
    rows = list(session.scalars(stmt))
    if flt.gap_only:
        month = flt.month or default_period(today or date.today())
        rows = [p for p in rows if rules.project_status(to_record(p), month, today).gap_flag]
    return rows


def get_project(session: Session, actor: Actor, project_id: int) -> Project:
    p = session.get(Project, project_id)
    if p is None:
        raise NotFound("项目不存在或无权查看")
    policy.ensure_read(actor, project_owner(p))
    return p


def create_project(session: Session, actor: Actor, *, lists: Sequence[str] = (), nodes=(), problems=(),
                   **values) -> Project:
    policy.ensure_business_writer(actor)
    values = {k: v for k, v in values.items() if k in PROJECT_FIELDS and v is not None}
    for req, label in (("code", "项目编码"), ("name", "项目名称"), ("region_id", "县市区")):
        if values.get(req) in (None, ""):
            raise ValidationFailed(f"{label}不能为空")
    values["code"] = values["code"].strip()
    if session.scalar(select(Project.id).where(Project.code == values["code"])) is not None:
        raise ValidationFailed(f"项目编码“{values['code']}”已存在")
    _check_choice(values.get("stage"), records.STAGES, "建设阶段")
    _check_choice(values.get("reg_status"), records.REG_STATUSES, "入库状态")
    _check_money(values, "total_investment", "annual_plan", "reg_amount")
    _check_refs(session, values)
    p = Project(**values)
    p.lists = _lists(session, lists)
    session.add(p)
    session.flush()
    for n in nodes:
        add_node(session, actor, p.id, **n)
    for q in problems:
        add_problem(session, actor, p.id, **q)
    return p


def update_project(session: Session, actor: Actor, project_id: int, *, version: int | None = None,
                   **changes) -> Project:
    p = get_project(session, actor, project_id)
    policy.ensure_write(actor, project_owner(p))
    check_version(p, version)
    lists = changes.pop("lists", None)
    unknown = set(changes) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationFailed(f"不能修改字段：{'、'.join(sorted(unknown))}")
    if actor.role == Role.reporter and (set(changes) - REPORTER_FIELDS or lists is not None):
        raise Forbidden("填报单位只能修改形象进度、实际开竣工日期和入库信息")
    _check_choice(changes.get("stage"), records.STAGES, "建设阶段")
    _check_choice(changes.get("reg_status"), records.REG_STATUSES, "入库状态")
    _check_money(changes, "total_investment", "annual_plan", "reg_amount")
    _check_refs(session, changes)
    if "code" in changes:
        clash = session.scalar(select(Project.id).where(Project.code == changes["code"], Project.id != p.id))
        if clash is not None:
            raise ValidationFailed(f"项目编码“{changes['code']}”已存在")
    for k, v in changes.items():
        if k in ("code", "name", "region_id", "stage", "reg_status") and v in (None, ""):
            raise ValidationFailed("必填字段不能清空")
        if v is None and k in ("total_investment", "annual_plan", "reg_amount"):
            v = ZERO
        setattr(p, k, v)
    if lists is not None:
        p.lists = _lists(session, lists)
    session.flush()
    return p


def delete_project(session: Session, actor: Actor, project_id: int) -> None:
    p = get_project(session, actor, project_id)
    policy.ensure_business_writer(actor)
    for ld in session.scalars(select(Lead).where(Lead.project_id == p.id)):
        ld.project_id = None
    session.delete(p)
    session.flush()


# ---------------------------------------------------------------- nodes and problems

def add_node(session: Session, actor: Actor, project_id: int, *, name: str, planned_date: date | None = None,
             done_date: date | None = None) -> ProjectNode:
    p = get_project(session, actor, project_id)
    policy.ensure_business_writer(actor)
    if not (name or "").strip():
        raise ValidationFailed("节点名称不能为空")
    node = ProjectNode(project_id=p.id, name=name.strip(), planned_date=planned_date, done_date=done_date,
                       sort=len(p.nodes))
    session.add(node)
    session.flush()
    session.refresh(p, ["nodes"])
    return node


def _node(session: Session, actor: Actor, node_id: int) -> tuple[ProjectNode, Project]:
    node = session.get(ProjectNode, node_id)
    if node is None:
        raise NotFound("节点不存在或无权查看")
    return node, get_project(session, actor, node.project_id)


def update_node(session: Session, actor: Actor, node_id: int, **changes) -> ProjectNode:
    node, p = _node(session, actor, node_id)
    policy.ensure_write(actor, project_owner(p))
    if actor.role == Role.reporter and set(changes) - {"done_date"}:
        raise Forbidden("填报单位只能填写节点完成日期")
    for k in ("name", "planned_date", "done_date"):
        if k in changes:
            if k == "name" and not (changes[k] or "").strip():
                raise ValidationFailed("节点名称不能为空")
            setattr(node, k, changes[k])
    session.flush()
    return node


def add_problem(session: Session, actor: Actor, project_id: int, *, text: str, unit_id: int | None = None,
                deadline: date | None = None, status: str = "待解决") -> ProjectProblem:
    """Problems are reported by the project's unit (reporters: own projects) or dispatchers."""
    p = get_project(session, actor, project_id)
    policy.ensure_write(actor, project_owner(p))
    if not (text or "").strip():
        raise ValidationFailed("问题内容不能为空")
    _check_choice(status, records.PROBLEM_STATUSES, "问题状态")
    _check_refs(session, {"unit_id": unit_id})
    q = ProjectProblem(project_id=p.id, text=text.strip(), unit_id=unit_id, deadline=deadline, status=status,
                       sort=len(p.problems))
    session.add(q)
    session.flush()
    session.refresh(p, ["problems"])
    return q


def _problem(session: Session, actor: Actor, problem_id: int) -> tuple[ProjectProblem, Project]:
    q = session.get(ProjectProblem, problem_id)
    if q is None:
        raise NotFound("问题不存在或无权查看")
    return q, get_project(session, actor, q.project_id)


def update_problem(session: Session, actor: Actor, problem_id: int, *, version: int | None = None,
                   **changes) -> ProjectProblem:
    q, p = _problem(session, actor, problem_id)
    policy.ensure_write(actor, project_owner(p))
    check_version(q, version)
    if actor.role == Role.reporter and set(changes) - {"status"}:
        raise Forbidden("填报单位只能更新问题状态")
    _check_choice(changes.get("status"), records.PROBLEM_STATUSES, "问题状态")
    _check_refs(session, {"unit_id": changes.get("unit_id")})
    for k in ("text", "unit_id", "deadline", "status"):
        if k in changes:
            setattr(q, k, changes[k])
    session.flush()
    return q


TASKS_NOT_READY = "任务督办模块尚未启用，暂不能把问题转为督办任务"


def problem_to_task(session: Session, actor: Actor, problem_id: int) -> ProjectProblem:
    """Turn a problem into a supervised task.

    Hook for the task module: if ``diaodu.tasks.service`` exists and has ``create_task`` (or
    ``create``), it is called as ``create(session, actor, **rules.problem_task_fields(...))`` and
    must return the task (with ``id``) or its id; the problem stores it in ``task_id``. Without
    the module this raises :class:`ValidationFailed` (“任务督办模块尚未启用”)."""
    q, p = _problem(session, actor, problem_id)
    policy.ensure_business_writer(actor)
    if q.task_id is not None:
        raise ValidationFailed(f"该问题已转为督办任务（任务编号 {q.task_id}）")
    create = _task_creator()
    if create is None:
        raise ValidationFailed(TASKS_NOT_READY)
    record = to_record(p)
    fields = rules.problem_task_fields(record, records.Problem(q.text, q.unit.name if q.unit else "",
                                                               q.deadline, q.status))
    task = create(session, actor, **_task_kwargs(create, fields, q, p))
    q.task_id = getattr(task, "id", task)
    if q.status == "待解决":
        q.status = "解决中"
    session.flush()
    return q


def _task_kwargs(create, fields: dict, q: ProjectProblem, p: Project) -> dict:
    """Fit ``rules.problem_task_fields`` to the task module's ``create`` signature (names or ids)."""
    import inspect

    params = inspect.signature(create).parameters
    kw: dict[str, Any] = {}
    if "lead_unit_id" in params:
        kw["lead_unit_id"] = q.unit_id or p.unit_id
        if kw["lead_unit_id"] is None:
            raise ValidationFailed("该问题和项目都没有责任单位，不能转为督办任务")
    elif "lead_unit" in params:
        kw["lead_unit"] = fields["lead_unit"]
    if "leader_person_id" in params:
        kw["leader_person_id"] = p.leader_person_id
    elif "leader" in params:
        kw["leader"] = fields["leader"]
    for name in ("content", "deadline", "category", "source_ref"):
        if name in params:
            kw[name] = fields[name]
    if "source_ref" not in params and "source_title" in params:
        kw["source_title"] = fields["source_ref"]
    return kw


def _task_creator():
    try:
        module = importlib.import_module("diaodu.tasks.service")
    except ModuleNotFoundError as exc:
        if exc.name != "diaodu.tasks.service":
            raise
        return None
    return getattr(module, "create_task", None) or getattr(module, "create", None)


def tasks_enabled() -> bool:
    return _task_creator() is not None


# ---------------------------------------------------------------- monthly reports and photos

@dataclass
class FiledReport:
    report: MonthlyReport
    warnings: list[str]


def file_monthly(session: Session, actor: Actor, project_id: int, *, month: str, amount: Decimal,
                 progress: str = "", registered: Decimal = ZERO, today: date | None = None) -> FiledReport:
    """File (or replace) one month's report. Errors → ValidationFailed; warnings returned."""
    p = get_project(session, actor, project_id)
    policy.ensure_write(actor, project_owner(p))
    report = records.MonthlyReport(month, Decimal(amount), (progress or "").strip(), Decimal(registered or 0))
    check = rules.validate_monthly(to_record(p), report, today=today or date.today())
    if not check.ok:
        raise ValidationFailed("；".join(check.errors))
    row = next((r for r in p.reports if r.month == month), None)
    if row is None:
        row = MonthlyReport(project_id=p.id, month=month)
        session.add(row)
        p.reports.append(row)
    row.amount, row.progress, row.registered = report.amount, report.progress, report.registered
    row.reported_by = actor.display_name or actor.username
    latest = max(r.month for r in p.reports)
    if report.progress and month == latest:
        p.progress = report.progress
    session.flush()
    return FiledReport(row, check.warnings)


def get_report(session: Session, actor: Actor, report_id: int) -> tuple[MonthlyReport, Project]:
    r = session.get(MonthlyReport, report_id)
    if r is None:
        raise NotFound("月度填报不存在或无权查看")
    return r, get_project(session, actor, r.project_id)


CONTENT_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


def photo_path(upload_dir: Path, photo: ReportPhoto) -> Path:
    ext = "." + photo.filename.rsplit(".", 1)[-1].lower()
    return Path(upload_dir) / "projects" / f"{photo.sha256}{ext}"


def add_photo(session: Session, actor: Actor, report_id: int, *, filename: str, data: bytes,
              upload_dir: Path) -> ReportPhoto:
    """Attach a 形象进度 photo (jpg/png/webp, ≤ 5 MB, content checked); stored by SHA-256."""
    report, p = get_report(session, actor, report_id)
    policy.ensure_write(actor, project_owner(p))
    name = Path(filename or "").name
    errors = rules.validate_photo(name, len(data), data[:16])
    if errors:
        raise ValidationFailed("；".join(errors))
    if len(report.photos) >= rules.PHOTOS_PER_REPORT:
        raise ValidationFailed(f"每月最多上传{rules.PHOTOS_PER_REPORT}张照片")
    digest = hashlib.sha256(data).hexdigest()
    photo = ReportPhoto(report_id=report.id, filename=name, size=len(data), sha256=digest,
                        content_type=CONTENT_TYPES["." + name.rsplit(".", 1)[-1].lower()],
                        uploaded_by=actor.display_name or actor.username)
    target = photo_path(upload_dir, photo)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        tmp = target.with_suffix(target.suffix + ".part")
        tmp.write_bytes(data)
        tmp.replace(target)
    session.add(photo)
    session.flush()
    return photo


def get_photo(session: Session, actor: Actor, photo_id: int) -> ReportPhoto:
    photo = session.get(ReportPhoto, photo_id)
    if photo is None:
        raise NotFound("照片不存在或无权查看")
    get_report(session, actor, photo.report_id)
    return photo


# ---------------------------------------------------------------- ledger import / export

@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    reports: int = 0
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    def message(self) -> str:
        head = "检查通过（未写入）" if self.dry_run else "导入完成"
        return f"{head}：新增项目{self.created}个，更新{self.updated}个，月度数据{self.reports}条"


def _name_issues(path: Path, regions: Regions, units, leaders) -> list[ledger_xlsx.LedgerIssue]:
    """Unknown county / unit / leader names, located by sheet, row and cell."""
    issues: list[ledger_xlsx.LedgerIssue] = []
    checks = {ledger_xlsx.SHEET_PROJECTS: (("县市区", regions.resolve, "县市区"), ("责任单位", units, "单位"),
                                           ("联系市领导", leaders, "市领导")),
              ledger_xlsx.SHEET_PROBLEMS: (("责任单位", units, "单位"),)}
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet, cols in checks.items():
            if sheet not in wb.sheetnames:
                continue
            rows = wb[sheet].iter_rows(values_only=True)
            header = next(rows, None) or ()
            idx = {}
            for i, h in enumerate(header):
                norm = ledger_xlsx._norm_header(h)
                for col, *_ in cols:
                    if norm == col and col not in idx:
                        idx[col] = i
            for n, values in enumerate(rows, start=2):
                for col, resolve, what in cols:
                    i = idx.get(col)
                    if i is None or i >= len(values):
                        continue
                    text = ledger_xlsx.parse_text(values[i])
                    if text and resolve(text) is None:
                        issues.append(ledger_xlsx.LedgerIssue(
                            path.name, sheet, n, col, f"{get_column_letter(i + 1)}{n}",
                            f"未找到{what}“{text}”（请使用系统中的名称或别名）"))
    finally:
        wb.close()
    return issues


def import_ledger(session: Session, actor: Actor, path: str | Path, *, dry_run: bool = False,
                  display_name: str | None = None) -> ImportResult:
    """Import the ledger workbook in one transaction: every error (format, unknown names) is
    collected and raised together as ValidationFailed; nothing is written then.

    A project whose code exists is updated: its fields, lists and nodes are replaced by the
    file's; problems are matched by text (a linked task is kept); monthly reports by month
    (photos are kept); problems and months missing from the file are removed."""
    policy.ensure_business_writer(actor)
    path = Path(path)
    shown = display_name or path.name
    try:
        parsed = ledger_xlsx.parse_ledger(path)
    except ledger_xlsx.LedgerError as exc:
        raise ValidationFailed(str(exc).replace(f"文件“{path.name}”", f"文件“{shown}”")) from None
    regions, units, leaders = Regions(session), unit_resolver(session), leader_resolver(session)
    issues = _name_issues(path, regions, units, leaders)
    if issues:
        raise ValidationFailed(str(ledger_xlsx.LedgerError(issues)).replace(f"文件“{path.name}”",
                                                                             f"文件“{shown}”"))
    result = ImportResult(dry_run=dry_run, warnings=ledger_xlsx.ledger_warnings(parsed))
    existing = {p.code: p for p in session.scalars(select(Project).options(*_load_options())
                                                   .where(Project.code.in_([r.code for r in parsed])))}
    lists = {lst.name: lst for lst in session.scalars(select(ProjectList))}
    with session.no_autoflush:
        for rec in parsed:
            result.reports += len(rec.monthly)
            if rec.code in existing:
                result.updated += 1
            else:
                result.created += 1
            if not dry_run:
                store_record(session, rec, regions=regions, units=units, leaders=leaders, lists=lists,
                             project=existing.get(rec.code), reported_by=actor.display_name or actor.username)
    if not dry_run:
        session.flush()
    return result


def store_record(session: Session, rec: records.Project, *, regions: Regions, units, leaders,
                 lists: dict[str, ProjectList] | None = None, project: Project | None = None,
                 reported_by: str = "") -> Project:
    """Insert or overwrite one project from its dataclass (names already checked)."""
    values = dict(code=rec.code, name=rec.name, stage=rec.stage, industry=rec.industry, chain=rec.chain,
                  region_id=regions.resolve(rec.county), owner=rec.owner,
                  unit_id=units(rec.unit) if rec.unit else None,
                  leader_person_id=leaders(rec.leader) if rec.leader else None,
                  total_investment=rec.total_investment, annual_plan=rec.annual_plan,
                  planned_start=rec.planned_start, actual_start=rec.actual_start,
                  planned_completion=rec.planned_completion, actual_completion=rec.actual_completion,
                  progress=rec.progress, reg_status=rec.reg_status, reg_date=rec.reg_date,
                  reg_amount=rec.reg_amount)
    if project is None:
        project = Project(**values)
        session.add(project)
    else:
        for k, v in values.items():
            if getattr(project, k) != v:
                setattr(project, k, v)
    new_lists = _lists(session, rec.lists, lists)
    if [lst.name for lst in project.lists] != [lst.name for lst in new_lists]:
        project.lists = new_lists
    if [(n.name, n.planned_date, n.done_date) for n in project.nodes] != [
            (n.name, n.planned_date, n.done_date) for n in rec.nodes]:
        project.nodes = [ProjectNode(name=n.name, planned_date=n.planned_date, done_date=n.done_date, sort=i)
                         for i, n in enumerate(rec.nodes)]
    old_problems = {q.text: q for q in project.problems}
    problems = []
    for i, q in enumerate(rec.problems):
        row = old_problems.pop(q.text, None) or ProjectProblem(text=q.text)
        unit_id = units(q.unit) if q.unit else None
        if (row.unit_id, row.deadline, row.status, row.sort) != (unit_id, q.deadline, q.status, i):
            row.unit_id, row.deadline, row.status, row.sort = unit_id, q.deadline, q.status, i
        problems.append(row)
    if problems != list(project.problems):
        project.problems = problems
    old_reports = {r.month: r for r in project.reports}
    reports = []
    for m in rec.monthly:
        row = old_reports.pop(m.month, None) or MonthlyReport(month=m.month, reported_by=reported_by)
        if dec(row.amount) != m.amount or dec(row.registered) != m.registered or (row.progress or "") != m.progress:
            row.amount, row.registered, row.progress = m.amount, m.registered, m.progress
        reports.append(row)
    if reports != list(project.reports):
        project.reports = reports
    return project


def export_records(session: Session, actor: Actor, flt: ProjectFilter | None = None) -> list[records.Project]:
    return [to_record(p) for p in list_projects(session, actor, flt)]


def export_ledger(session: Session, actor: Actor, path: str | Path, flt: ProjectFilter | None = None) -> Path:
    """The readable projects in the import layout (round-trips through :func:`import_ledger`)."""
    try:
        return ledger_xlsx.write_ledger(export_records(session, actor, flt), path)
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from None


# ---------------------------------------------------------------- summaries

@dataclass
class Summary:
    period: str
    today: date
    rows: list[rules.SummaryRow]
    total: rules.SummaryRow

    def as_dict(self) -> dict[str, Any]:
        return {"period": self.period, "today": self.today.isoformat(),
                "rows": [r.as_dict() for r in self.rows], "total": self.total.as_dict()}


def summary(session: Session, actor: Actor, period: str, today: date | None = None, *,
            by: str = "county", config: rules.RulesConfig = rules.DEFAULT_CONFIG) -> Summary:
    """Per-county (or list / leader / industry / chain) rows for ``period`` (YYYY-MM) in
    region-tree order, with the 合计 row; only the projects the actor may read."""
    if not records.is_month(period):
        raise ValidationFailed(f"月份格式应为 YYYY-MM，收到“{period}”")
    today = today or min(date.today(), rules.month_end(period))
    regions = Regions(session)
    recs = [to_record(p, regions) for p in list_projects(session, actor)]
    order = None
    if by == "county":
        present = {r.county for r in recs}
        full = actor.role != Role.reporter
        order = [c.name for c in regions.counties() if full or c.name in present]
    rows = rules.summarize(recs, period, by=by, today=today, config=config, order=order)
    return Summary(period, today, rows, rules.total_row(recs, period, today, config))


def project_view(session: Session, actor: Actor, project_id: int, period: str | None = None,
                 today: date | None = None) -> dict[str, Any]:
    """What the project page shows: the record, its status, alerts and the monthly chart data."""
    today = today or date.today()
    period = period or default_period(today)
    p = get_project(session, actor, project_id)
    rec = to_record(p)
    year = period[:4]
    months = [f"{year}-{m:02d}" for m in range(1, int(period[5:]) + 1)]
    by_month = {r.month: r for r in rec.monthly}
    cum = ZERO
    chart = []
    for i, m in enumerate(months, start=1):
        r = by_month.get(m)
        cum += r.amount if r else ZERO
        chart.append({"month": m, "amount": r.amount if r else ZERO, "registered": r.registered if r else ZERO,
                      "cumulative": cum, "plan": (rec.annual_plan * i / 12).quantize(Decimal("0.1"))})
    return {"project": p, "record": rec, "status": rules.project_status(rec, period, today),
            "alerts": rules.project_alerts(rec, period, today), "chart": chart, "period": period}


def leader_of(session: Session, actor: Actor) -> Person | None:
    """The leader (Person) behind a logged-in user, if the account is linked to one."""
    if actor.user_id is None:
        return None
    user = session.get(User, actor.user_id)
    return user.person if user and user.person and user.person.is_leader else None


def leaders(session: Session) -> list[Person]:
    return list(session.scalars(select(Person).where(Person.is_leader.is_(True),
                                                     Person.title.like("%市长%")).order_by(Person.sort, Person.id)))


# ---------------------------------------------------------------- leads (招商)

def list_leads(session: Session, actor: Actor, *, region_id: int | None = None,
               stage: str | None = None) -> list[Lead]:
    stmt = select(Lead).options(selectinload(Lead.region), selectinload(Lead.unit), selectinload(Lead.leader),
                                selectinload(Lead.project)).order_by(Lead.code)
    cond = policy.row_filter(actor, [Lead.unit_id], Lead.region_id)
    if cond is not None:
        stmt = stmt.where(cond)
    if region_id is not None:
        stmt = stmt.where(Lead.region_id == region_id)
    if stage:
        stmt = stmt.where(Lead.stage == stage)
    return list(session.scalars(stmt))


def get_lead(session: Session, actor: Actor, lead_id: int) -> Lead:
    ld = session.get(Lead, lead_id)
    if ld is None:
        raise NotFound("招商项目不存在或无权查看")
    policy.ensure_read(actor, lead_owner(ld))
    return ld


def create_lead(session: Session, actor: Actor, **values) -> Lead:
    policy.ensure_business_writer(actor)
    values = {k: v for k, v in values.items() if k in LEAD_FIELDS and v is not None}
    for req, label in (("code", "编号"), ("name", "项目名称"), ("region_id", "县市区")):
        if values.get(req) in (None, ""):
            raise ValidationFailed(f"{label}不能为空")
    if session.scalar(select(Lead.id).where(Lead.code == values["code"])) is not None:
        raise ValidationFailed(f"招商项目编号“{values['code']}”已存在")
    _check_money(values, "contract_amount", "funds_in_place")
    _check_refs(session, values)
    ld = Lead(stage="在谈", **values)
    session.add(ld)
    session.flush()
    return ld


def update_lead(session: Session, actor: Actor, lead_id: int, *, version: int | None = None, **changes) -> Lead:
    ld = get_lead(session, actor, lead_id)
    policy.ensure_write(actor, lead_owner(ld))
    check_version(ld, version)
    unknown = set(changes) - set(LEAD_EDIT_FIELDS)
    if unknown:
        raise ValidationFailed(f"不能修改字段：{'、'.join(sorted(unknown))}（阶段请用“推进”）")
    if actor.role == Role.reporter and set(changes) - {"funds_in_place"}:
        raise Forbidden("填报单位只能更新到位资金")
    _check_money(changes, "contract_amount", "funds_in_place")
    _check_refs(session, changes)
    for k, v in changes.items():
        setattr(ld, k, v)
    session.flush()
    return ld


def advance_lead(session: Session, actor: Actor, lead_id: int, to_stage: str,
                 dates: date | dict[str, date], *, version: int | None = None,
                 today: date | None = None) -> Lead:
    """Move a lead forward (pipeline.advance); the transition is audited with from, to, dates and
    who (``lead_advance`` event) besides the automatic row audit."""
    ld = get_lead(session, actor, lead_id)
    policy.ensure_write(actor, lead_owner(ld))
    check_version(ld, version)
    who = actor.display_name or actor.username
    try:
        new, event = pipeline.advance(to_lead(ld), to_stage, dates, who, today=today or date.today())
    except pipeline.LeadTransitionError as exc:
        raise ValidationFailed(str(exc)) from None
    ld.stage = new.stage
    for stage, d in event.stage_dates:
        setattr(ld, pipeline.STAGE_DATE_FIELD[stage], d)
    session.flush()
    record_transition(session, ld, event, actor)
    return ld


def record_transition(session: Session, ld: Lead, event: pipeline.LeadEvent, actor: Actor | None = None) -> None:
    log_event(session, "lead_advance", "investment_lead", ld.id,
              before={"stage": event.from_stage},
              after={"stage": event.to_stage, "date": event.date, "actor": event.actor,
                     "stage_dates": {s: d for s, d in event.stage_dates}},
              note=f"招商项目“{ld.name}”由“{event.from_stage}”推进到“{event.to_stage}”（{event.date.isoformat()}）",
              actor=actor)


def lead_history(session: Session, actor: Actor, lead_id: int) -> list[dict]:
    from diaodu.core.models import AuditLog

    get_lead(session, actor, lead_id)
    rows = session.scalars(select(AuditLog).where(AuditLog.entity == "investment_lead",
                                                  AuditLog.entity_id == str(lead_id),
                                                  AuditLog.action == "lead_advance").order_by(AuditLog.id))
    return [{"at": r.at, "username": r.username, **(r.after or {}), "from_stage": (r.before or {}).get("stage")}
            for r in rows]


def convert_lead(session: Session, actor: Actor, lead_id: int, *, code: str, annual_plan: Decimal = ZERO,
                 lists: Sequence[str] = ("市重点",), today: date | None = None) -> Project:
    """A signed lead that has reached 开工 becomes a key project (the lead keeps the link)."""
    ld = get_lead(session, actor, lead_id)
    policy.ensure_business_writer(actor)
    rec = to_lead(ld)
    if not pipeline.can_become_key_project(rec, today):
        if ld.project_id is not None:
            raise ValidationFailed(f"招商项目“{ld.name}”已转为重点项目")
        raise ValidationFailed(f"招商项目“{ld.name}”尚未签约并开工，不能转为重点项目")
    draft = pipeline.lead_to_project(rec, code.strip() if code else "")
    p = create_project(session, actor, code=draft.code, name=draft.name, region_id=ld.region_id,
                       stage=draft.stage, industry=draft.industry, chain=draft.chain, owner=draft.owner,
                       unit_id=ld.unit_id, leader_person_id=ld.leader_person_id,
                       total_investment=draft.total_investment, annual_plan=annual_plan,
                       planned_start=draft.planned_start, actual_start=draft.actual_start, lists=lists)
    ld.project_id = p.id
    session.flush()
    log_event(session, "lead_convert", "investment_lead", ld.id, after={"project_id": p.id, "code": p.code},
              note=f"招商项目“{ld.name}”转为重点项目 {p.code}", actor=actor)
    return p


def lead_rates(session: Session, actor: Actor, end: date, start: date | None = None
               ) -> tuple[list[pipeline.LeadRates], pipeline.LeadRates]:
    regions = Regions(session)
    leads = [to_lead(ld) for ld in list_leads(session, actor)]
    for rec, ld in zip(leads, list_leads(session, actor), strict=True):
        rec.county = regions.county_of(ld.region_id).name
    order = [c.name for c in regions.counties() if any(ld.county == c.name for ld in leads)]
    return (pipeline.lead_rates_by_county(leads, end, start, order),
            pipeline.lead_rates(leads, end, start))
