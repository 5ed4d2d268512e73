"""Pure rules for key projects: completion, 序时进度, 开工率, 竣工率, 入库率 and gaps,
overdue nodes, stalled projects, summaries and rankings, monthly report validation.

No I/O and no database. Money is ``Decimal`` (万元). Rates are ``Decimal`` fractions
(0.25 = 25%); in summary rows they are rounded half-up to 4 places (0.01%), schedule
gaps to 2 places of percentage points. A rate whose denominator is zero is ``None``.

Definitions (see docs/projects.md):

* 累计完成投资 = sum of 本月完成投资 over all monthly reports up to the period.
* 本年完成投资 = sum over the months of the period's year up to the period month.
* 年度投资完成率 = 本年完成投资 / 年度计划投资; 序时进度 = month / 12;
  进度差 (schedule gap) = (完成率 − 序时进度) × 100 percentage points.
* 开工率 = due-to-start projects that actually started by the period end / projects
  due to start, where "due to start" means planned start date ≤ last day of the period.
  Projects without a planned start date are not counted; projects that started before
  they were due are reported as ``started_early`` but are not in the rate.
* 竣工率 likewise with planned / actual completion dates.
* 入库率 = 本年入库金额 / 本年完成投资 (both year to date, from the monthly reports).
* 入库缺口: gap = 本年完成投资 − 本年入库金额; flagged when 入库率 < threshold rate
  (default 0.8) and gap ≥ threshold amount (default 500 万元); both configurable.
* Overdue node: planned date < today and not done (no done date, or done after today).
* Stalled project: started before the N-month window, not completed by the period end,
  and no month in the window (the N months ending with the period) has a positive
  本月完成投资 (missing reports count as zero). N defaults to 3.
* Rankings use competition ranking (1, 2, 2, 4); ``None`` values get no rank and sort last.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from .records import ZERO, MonthlyReport, Node, Problem, Project, is_month, month_tuple

T = TypeVar("T")

RATE_PLACES = Decimal("0.0001")
PP_PLACES = Decimal("0.01")
MONEY_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class RulesConfig:
    reg_rate_threshold: Decimal = Decimal("0.8")    # 入库率 below this …
    reg_gap_threshold: Decimal = Decimal(500)     # … and a gap of at least this (万元) → flag
    stall_months: int = 3                           # N months without positive investment


DEFAULT_CONFIG = RulesConfig()


# ---------------------------------------------------------------- months and rounding

def month_end(month: str) -> date:
    """Last day of a ``YYYY-MM`` month."""
    y, m = month_tuple(month)
    return date(y, m, calendar.monthrange(y, m)[1])


def month_start(month: str) -> date:
    y, m = month_tuple(month)
    return date(y, m, 1)


def month_of(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def add_months(month: str, delta: int) -> str:
    y, m = month_tuple(month)
    idx = y * 12 + (m - 1) + delta
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def months_back(month: str, n: int) -> list[str]:
    """The ``n`` months ending with ``month`` (oldest first)."""
    return [add_months(month, -k) for k in range(n - 1, -1, -1)]


def round_rate(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else rate.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def round_pp(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(PP_PLACES, rounding=ROUND_HALF_UP)


def ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """numerator / denominator as Decimal, ``None`` when the denominator is zero."""
    if denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


def fmt_pct(rate: Decimal | None, places: int = 1) -> str:
    """0.2345 → '23.5%'; None → '—'."""
    if rate is None:
        return "—"
    q = Decimal(1).scaleb(-places)
    return f"{(rate * 100).quantize(q, rounding=ROUND_HALF_UP)}%"


# ---------------------------------------------------------------- investment

def _reports_through(project: Project, month: str, same_year: bool) -> Iterable[MonthlyReport]:
    year = month[:4]
    for r in project.monthly:
        if r.month <= month and (not same_year or r.month[:4] == year):
            yield r


def cumulative_investment(project: Project, month: str | None = None) -> Decimal:
    """累计完成投资: sum of monthly amounts up to ``month`` (all months if None)."""
    if month is None:
        return sum((r.amount for r in project.monthly), ZERO)
    return sum((r.amount for r in _reports_through(project, month, False)), ZERO)


def ytd_investment(project: Project, month: str) -> Decimal:
    """本年完成投资: months of ``month``'s year up to and including ``month``."""
    return sum((r.amount for r in _reports_through(project, month, True)), ZERO)


def ytd_registered(project: Project, month: str) -> Decimal:
    """本年入库金额: registered amounts of the year up to ``month``."""
    return sum((r.registered for r in _reports_through(project, month, True)), ZERO)


def cumulative_registered(project: Project, month: str | None = None) -> Decimal:
    if month is None:
        return sum((r.registered for r in project.monthly), ZERO)
    return sum((r.registered for r in _reports_through(project, month, False)), ZERO)


def schedule_progress(month: str) -> Decimal:
    """序时进度 = month number / 12 (exact Decimal)."""
    _, m = month_tuple(month)
    return Decimal(m) / Decimal(12)


def completion_rate(completed: Decimal, planned: Decimal) -> Decimal | None:
    """年度投资完成率 = completed / planned (None if planned is zero)."""
    return ratio(completed, planned)


def schedule_gap_pp(rate: Decimal | None, month: str) -> Decimal | None:
    """(完成率 − 序时进度) in percentage points; negative = behind schedule."""
    if rate is None:
        return None
    return (rate - schedule_progress(month)) * 100


# ---------------------------------------------------------------- start / completion

def is_due_to_start(p: Project, end: date) -> bool:
    return p.planned_start is not None and p.planned_start <= end


def has_started(p: Project, end: date) -> bool:
    return p.actual_start is not None and p.actual_start <= end


def is_due_to_complete(p: Project, end: date) -> bool:
    return p.planned_completion is not None and p.planned_completion <= end


def has_completed(p: Project, end: date) -> bool:
    return p.actual_completion is not None and p.actual_completion <= end


@dataclass(frozen=True)
class CountRate:
    done: int          # numerator
    due: int           # denominator
    early: int = 0     # done although not yet due (not in the rate)

    @property
    def rate(self) -> Decimal | None:
        return ratio(self.done, self.due)

    @property
    def missing(self) -> int:
        """Due but not done (应开未开 / 应竣未竣)."""
        return self.due - self.done


def start_rate(projects: Iterable[Project], end: date) -> CountRate:
    """开工率: of projects due to start by ``end``, how many started by ``end``."""
    done = due = early = 0
    for p in projects:
        if is_due_to_start(p, end):
            due += 1
            done += has_started(p, end)
        elif has_started(p, end):
            early += 1
    return CountRate(done, due, early)


def completion_count_rate(projects: Iterable[Project], end: date) -> CountRate:
    """竣工率: of projects due to complete by ``end``, how many completed by ``end``."""
    done = due = early = 0
    for p in projects:
        if is_due_to_complete(p, end):
            due += 1
            done += has_completed(p, end)
        elif has_completed(p, end):
            early += 1
    return CountRate(done, due, early)


# ---------------------------------------------------------------- registration (入库)

def registration_rate(registered: Decimal, completed: Decimal) -> Decimal | None:
    """入库率 = 入库金额 / 完成投资 (None when nothing completed)."""
    return ratio(registered, completed)


@dataclass(frozen=True)
class RegistrationGap:
    completed: Decimal
    registered: Decimal
    gap: Decimal                 # completed − registered (may be negative)
    rate: Decimal | None         # 入库率
    flagged: bool                # 入库缺口 flag


def registration_gap(registered: Decimal, completed: Decimal,
                     config: RulesConfig = DEFAULT_CONFIG) -> RegistrationGap:
    rate = registration_rate(registered, completed)
    gap = completed - registered
    flagged = rate is not None and rate < config.reg_rate_threshold and gap >= config.reg_gap_threshold
    return RegistrationGap(completed, registered, gap, rate, flagged)


# ---------------------------------------------------------------- nodes and stalls

def is_overdue(node: Node, today: date) -> bool:
    if node.planned_date is None or node.planned_date >= today:
        return False
    return node.done_date is None or node.done_date > today


@dataclass(frozen=True)
class OverdueNode:
    project_code: str
    project_name: str
    node: Node
    days_overdue: int


def overdue_nodes(projects: Iterable[Project], today: date) -> list[OverdueNode]:
    """Overdue nodes of all projects, most overdue first (then by project code)."""
    out = [OverdueNode(p.code, p.name, n, (today - n.planned_date).days)
           for p in projects for n in p.nodes if is_overdue(n, today)]
    out.sort(key=lambda o: (-o.days_overdue, o.project_code, o.node.name))
    return out


def is_stalled(p: Project, month: str, months: int = DEFAULT_CONFIG.stall_months) -> bool:
    """No positive monthly investment in the ``months`` months ending with ``month``,
    for a project that started before that window and is not completed by its end."""
    if months < 1:
        raise ValueError("months must be ≥ 1")
    window = months_back(month, months)
    if p.actual_start is None or p.actual_start >= month_start(window[0]):
        return False
    if has_completed(p, month_end(month)):
        return False
    wanted = set(window)
    return not any(r.amount > 0 for r in p.monthly if r.month in wanted)


def stalled_projects(projects: Iterable[Project], month: str,
                     config: RulesConfig = DEFAULT_CONFIG) -> list[Project]:
    return [p for p in projects if is_stalled(p, month, config.stall_months)]


# ---------------------------------------------------------------- per project

@dataclass(frozen=True)
class ProjectStatus:
    code: str
    name: str
    county: str
    leader: str
    annual_plan: Decimal
    ytd_completed: Decimal
    cumulative_completed: Decimal
    completion_rate: Decimal | None        # rounded to 4 places
    schedule_gap_pp: Decimal | None        # rounded to 2 places
    due_to_start: bool
    started: bool
    due_to_complete: bool
    completed: bool
    ytd_registered: Decimal
    registration_rate: Decimal | None      # rounded to 4 places
    registration_gap: Decimal
    gap_flag: bool
    overdue_nodes: int
    stalled: bool
    over_total: bool                       # 累计完成投资 > 总投资


def project_status(p: Project, month: str, today: date | None = None,
                   config: RulesConfig = DEFAULT_CONFIG) -> ProjectStatus:
    end = month_end(month)
    today = today or end
    ytd = ytd_investment(p, month)
    cum = cumulative_investment(p, month)
    rate = completion_rate(ytd, p.annual_plan)
    reg = registration_gap(ytd_registered(p, month), ytd, config)
    return ProjectStatus(
        code=p.code, name=p.name, county=p.county, leader=p.leader,
        annual_plan=p.annual_plan, ytd_completed=ytd, cumulative_completed=cum,
        completion_rate=round_rate(rate), schedule_gap_pp=round_pp(schedule_gap_pp(rate, month)),
        due_to_start=is_due_to_start(p, end), started=has_started(p, end),
        due_to_complete=is_due_to_complete(p, end), completed=has_completed(p, end),
        ytd_registered=reg.registered, registration_rate=round_rate(reg.rate),
        registration_gap=reg.gap, gap_flag=reg.flagged,
        overdue_nodes=sum(is_overdue(n, today) for n in p.nodes),
        stalled=is_stalled(p, month, config.stall_months),
        over_total=p.total_investment > 0 and cum > p.total_investment,
    )


# ---------------------------------------------------------------- summaries

@dataclass(frozen=True)
class SummaryRow:
    key: str                               # county / list / leader name, or "合计"
    projects: int
    total_investment: Decimal              # 总投资
    annual_plan: Decimal                   # 年度计划投资
    ytd_completed: Decimal                 # 本年完成投资
    cumulative_completed: Decimal          # 累计完成投资
    completion_rate: Decimal | None        # 年度投资完成率, 4 places
    schedule_progress: Decimal             # 序时进度, 4 places
    schedule_gap_pp: Decimal | None        # 进度差, percentage points, 2 places
    due_to_start: int
    started: int                           # started among due
    started_early: int
    start_rate: Decimal | None             # 开工率, 4 places
    due_to_complete: int
    completed: int
    completion_count_rate: Decimal | None  # 竣工率, 4 places
    ytd_registered: Decimal                # 本年入库金额
    registration_rate: Decimal | None      # 入库率, 4 places
    registration_gap: Decimal              # 入库缺口金额
    gap_flag: bool                         # aggregate 入库缺口 flag
    gap_projects: int                      # projects individually flagged
    overdue_nodes: int
    stalled: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly dict (Decimals as strings)."""
        out: dict[str, Any] = {}
        for k, v in self.__dict__.items():
            out[k] = str(v) if isinstance(v, Decimal) else v
        return out


GroupKey = Callable[[Project], Iterable[str]]

GROUPINGS: dict[str, GroupKey] = {
    "county": lambda p: (p.county,),
    "list": lambda p: p.lists,           # a project appears under each of its lists
    "leader": lambda p: (p.leader,) if p.leader else ("（未明确）",),
    "industry": lambda p: (p.industry,) if p.industry else ("（未明确）",),
    "chain": lambda p: (p.chain,) if p.chain else ("（未明确）",),
}


def summary_row(key: str, projects: Sequence[Project], month: str, today: date | None = None,
                config: RulesConfig = DEFAULT_CONFIG) -> SummaryRow:
    end = month_end(month)
    today = today or end
    statuses = [project_status(p, month, today, config) for p in projects]
    plan = sum((p.annual_plan for p in projects), ZERO)
    ytd = sum((s.ytd_completed for s in statuses), ZERO)
    rate = completion_rate(ytd, plan)
    starts = start_rate(projects, end)
    comps = completion_count_rate(projects, end)
    reg = registration_gap(sum((s.ytd_registered for s in statuses), ZERO), ytd, config)
    return SummaryRow(
        key=key, projects=len(projects),
        total_investment=sum((p.total_investment for p in projects), ZERO),
        annual_plan=plan, ytd_completed=ytd,
        cumulative_completed=sum((s.cumulative_completed for s in statuses), ZERO),
        completion_rate=round_rate(rate), schedule_progress=round_rate(schedule_progress(month)),
        schedule_gap_pp=round_pp(schedule_gap_pp(rate, month)),
        due_to_start=starts.due, started=starts.done, started_early=starts.early,
        start_rate=round_rate(starts.rate),
        due_to_complete=comps.due, completed=comps.done, completion_count_rate=round_rate(comps.rate),
        ytd_registered=reg.registered, registration_rate=round_rate(reg.rate),
        registration_gap=reg.gap, gap_flag=reg.flagged,
        gap_projects=sum(s.gap_flag for s in statuses),
        overdue_nodes=sum(s.overdue_nodes for s in statuses),
        stalled=sum(s.stalled for s in statuses),
    )


def summarize(projects: Sequence[Project], month: str, *, by: str | GroupKey = "county",
              today: date | None = None, config: RulesConfig = DEFAULT_CONFIG,
              order: Sequence[str] | None = None) -> list[SummaryRow]:
    """One row per group (county / list / leader / industry / chain or a custom key
    function returning the group names of a project). Groups come in ``order`` when
    given (groups in ``order`` without projects get an empty row), else sorted by name."""
    keyfn = GROUPINGS[by] if isinstance(by, str) else by
    groups: dict[str, list[Project]] = {}
    for name in order or ():
        groups[name] = []
    for p in projects:
        for k in keyfn(p):
            groups.setdefault(k, []).append(p)
    if order:
        listed = set(order)
        keys = list(dict.fromkeys(order)) + sorted(k for k in groups if k not in listed)
    else:
        keys = sorted(groups)
    return [summary_row(k, groups[k], month, today, config) for k in keys]


def total_row(projects: Sequence[Project], month: str, today: date | None = None,
              config: RulesConfig = DEFAULT_CONFIG) -> SummaryRow:
    """The 合计 row (each project counted once)."""
    return summary_row("合计", projects, month, today, config)


# ---------------------------------------------------------------- ranking

def competition_rank(values: Sequence[Any], descending: bool = True) -> list[int | None]:
    """Standard competition ranking ("1224"): equal values share a rank and the next
    rank skips. ``None`` values get ``None``."""
    present = [v for v in values if v is not None]
    out: list[int | None] = []
    for v in values:
        if v is None:
            out.append(None)
        elif descending:
            out.append(1 + sum(1 for w in present if w > v))
        else:
            out.append(1 + sum(1 for w in present if w < v))
    return out


def rank_by(items: Sequence[T], key: Callable[[T], Any],
            descending: bool = True) -> list[tuple[int | None, T]]:
    """Items with their competition rank, sorted by rank (unranked last, stable)."""
    ranks = competition_rank([key(i) for i in items], descending)
    pairs = list(zip(ranks, items, strict=True))
    pairs.sort(key=lambda x: (x[0] is None, x[0] or 0))
    return pairs


# ---------------------------------------------------------------- monthly validation

@dataclass
class Validation:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_monthly(project: Project, report: MonthlyReport, *, reporter_unit: str | None = None,
                     today: date | None = None) -> Validation:
    """Check a monthly report before it is stored.

    Errors (refuse): bad month, month in the future (when ``today`` given), negative
    amounts, a unit reporting a project that is not its own. Warnings (store, but show):
    累计完成投资 above 总投资; 累计入库 above 累计完成投资. An existing report of the same
    month is treated as replaced by ``report``.
    """
    v = Validation()
    if reporter_unit is not None and reporter_unit != project.unit:
        v.errors.append(f"只能填报本单位负责的项目：项目“{project.name}”的责任单位是“{project.unit}”")
    if not is_month(report.month):
        v.errors.append(f"月份格式应为 YYYY-MM，收到“{report.month}”")
        return v
    if today is not None and report.month > month_of(today):
        v.errors.append(f"不能填报未来月份（{report.month}）")
    if report.amount < 0:
        v.errors.append(f"本月完成投资不能为负数（{report.month}：{report.amount}万元）")
    if report.registered < 0:
        v.errors.append(f"入库金额不能为负数（{report.month}：{report.registered}万元）")
    if v.errors:
        return v
    others = [r for r in project.monthly if r.month != report.month]
    cum = sum((r.amount for r in others), ZERO) + report.amount
    reg = sum((r.registered for r in others), ZERO) + report.registered
    if project.total_investment > 0 and cum > project.total_investment:
        v.warnings.append(f"累计完成投资{cum}万元超过总投资{project.total_investment}万元，请核实")
    if reg > cum:
        v.warnings.append(f"累计入库金额{reg}万元超过累计完成投资{cum}万元，请核实")
    return v


def apply_monthly(project: Project, report: MonthlyReport) -> list[MonthlyReport]:
    """The project's monthly list with ``report`` inserted or replacing the same month,
    sorted by month (pure: returns a new list)."""
    out = [r for r in project.monthly if r.month != report.month] + [report]
    out.sort(key=lambda r: r.month)
    return out


# ---------------------------------------------------------------- photos and problems

PHOTO_TYPES: dict[str, tuple[bytes, ...]] = {
    ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".png": (b"\x89PNG\r\n\x1a\n",),
    ".webp": (b"RIFF",),
}
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTOS_PER_REPORT = 9


def validate_photo(filename: str, size: int, head: bytes | None = None, *,
                   max_bytes: int = PHOTO_MAX_BYTES) -> list[str]:
    """Errors (Chinese) for one 形象进度 photo attached to a monthly report: type by
    extension (jpg/jpeg/png/webp) and, when ``head`` (the first bytes) is given, by content;
    size at most ``max_bytes`` (default 5 MB); empty files refused."""
    errors: list[str] = []
    ext = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
    if ext not in PHOTO_TYPES:
        errors.append(f"照片“{filename}”格式不支持，只能上传 JPG、PNG 或 WEBP 图片")
    elif head is not None and not any(head.startswith(m) for m in PHOTO_TYPES[ext]):
        errors.append(f"照片“{filename}”的内容与扩展名不符，不是有效的图片")
    if size <= 0:
        errors.append(f"照片“{filename}”是空文件")
    elif size > max_bytes:
        mb, limit = size / 1024 / 1024, max_bytes / 1024 / 1024
        errors.append(f"照片“{filename}”大小{mb:.1f}MB，超过{limit:.0f}MB上限")
    return errors


def problem_task_fields(project: Project, problem: Problem) -> dict[str, Any]:
    """Keyword arguments for the task module's record when a project problem is turned
    into a supervised task (field names follow ``diaodu.tasks.records.TaskRecord``)."""
    return {
        "content": f"协调解决“{project.name}”问题：{problem.text}",
        "lead_unit": problem.unit or project.unit,
        "deadline": problem.deadline,
        "leader": project.leader or None,
        "source_ref": f"重点项目 {project.code}",
        "category": "重点项目问题",
    }


# ---------------------------------------------------------------- alerts (leader / project pages)

def project_alerts(p: Project, month: str, today: date | None = None, config: RulesConfig = DEFAULT_CONFIG,
                   behind_pp: Decimal = Decimal(10)) -> list[str]:
    """Short Chinese alerts for one project as of ``month`` (for 我联系的项目 and the project
    page), most serious first. ``behind_pp``: alert when the project is at least this many
    percentage points behind 序时进度."""
    end = month_end(month)
    today = today or end
    st = project_status(p, month, today, config)
    out: list[str] = []
    if st.due_to_start and not st.started:
        out.append(f"应开未开（计划{p.planned_start.isoformat()}开工）")
    if st.due_to_complete and not st.completed:
        out.append(f"应竣未竣（计划{p.planned_completion.isoformat()}竣工）")
    if st.stalled:
        out.append(f"连续{config.stall_months}个月无新增投资")
    if st.schedule_gap_pp is not None and st.schedule_gap_pp <= -behind_pp:
        behind = abs(st.schedule_gap_pp).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        out.append(f"投资完成率{fmt_pct(st.completion_rate)}，低于序时进度{behind}个百分点")
    if st.gap_flag:
        out.append(f"入库缺口{st.registration_gap}万元（入库率{fmt_pct(st.registration_rate)}）")
    if st.overdue_nodes:
        names = "、".join(n.name for n in p.nodes if is_overdue(n, today))
        out.append(f"{st.overdue_nodes}个节点逾期：{names}")
    late = [q for q in p.problems if q.status != "已解决" and q.deadline is not None and q.deadline < today]
    if late:
        out.append(f"{len(late)}个问题超过时限未解决")
    if st.over_total:
        out.append(f"累计完成投资{st.cumulative_completed}万元超过总投资{p.total_investment}万元")
    return out


def projects_of_leader(projects: Iterable[Project], leader: str) -> list[Project]:
    """我联系的项目: the projects whose 联系/分包市领导 is ``leader``."""
    return [p for p in projects if p.leader == leader]
