"""Plain dataclasses for key projects (重点项目) — the database-free interface.

Money is ``Decimal`` in 万元 throughout. Months are ``"YYYY-MM"`` strings.
The DB service layer maps its ORM rows to/from these dataclasses and calls
:mod:`diaodu.projects.rules`, :mod:`diaodu.projects.pipeline` and
:mod:`diaodu.projects.ledger_xlsx`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# 建设阶段
STAGES: tuple[str, ...] = ("储备", "前期", "新开工", "续建", "竣工", "投产")
# 入库状态 (statistical registration status)
REG_STATUSES: tuple[str, ...] = ("未入库", "申报中", "已入库")
# 问题状态
PROBLEM_STATUSES: tuple[str, ...] = ("待解决", "解决中", "已解决")
# Typical list names (所属清单); lists are free text, these are only suggestions.
COMMON_LISTS: tuple[str, ...] = ("省重点", "市重点", "县重点", "重中之重", "五个一批", "集中开工第一批",
                                 "集中开工第二批", "集中开工第三批")

ZERO = Decimal(0)

_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def is_month(value: str) -> bool:
    """True when ``value`` is a ``YYYY-MM`` month string."""
    return isinstance(value, str) and bool(_MONTH_RE.match(value))


def month_tuple(month: str) -> tuple[int, int]:
    m = _MONTH_RE.match(month)
    if not m:
        raise ValueError(f"月份格式应为 YYYY-MM：{month!r}")
    return int(m.group(1)), int(m.group(2))


@dataclass
class Node:
    """A schedule node (节点): name, planned date, done date (None = not done)."""

    name: str
    planned_date: date | None = None
    done_date: date | None = None


@dataclass
class Problem:
    """A problem to clear (问题): becomes a supervised task once the task module lands."""

    text: str
    unit: str = ""                 # 责任单位
    deadline: date | None = None   # 时限
    status: str = "待解决"          # one of PROBLEM_STATUSES


@dataclass
class MonthlyReport:
    """One month reported by the project's responsible unit.

    ``amount`` is 本月完成投资 (this month only; 累计 is always derived).
    ``registered`` is 本月入库金额: investment of this month counted in the
    statistics (入库/纳统), also an increment.
    """

    month: str                      # "YYYY-MM"
    amount: Decimal = ZERO          # 本月完成投资 (万元)
    progress: str = ""              # 形象进度
    registered: Decimal = ZERO      # 入库金额 (万元, this month)


@dataclass
class Project:
    code: str                                   # 项目编码
    name: str                                   # 项目名称
    county: str                                 # 县市区 (region)
    lists: tuple[str, ...] = ()                 # 所属清单 (省/市/县重点, batches…), many-to-many
    stage: str = "前期"                          # 建设阶段, one of STAGES
    industry: str = ""                          # 所属产业
    chain: str = ""                             # 产业链
    owner: str = ""                             # 业主单位
    unit: str = ""                              # 责任单位 (reports monthly)
    leader: str = ""                            # 联系/分包市领导
    total_investment: Decimal = ZERO            # 总投资 (万元)
    annual_plan: Decimal = ZERO                 # 年度计划投资 (万元)
    planned_start: date | None = None           # 计划开工
    actual_start: date | None = None            # 实际开工
    planned_completion: date | None = None      # 计划竣工
    actual_completion: date | None = None       # 实际竣工
    progress: str = ""                          # 形象进度 (latest text)
    reg_status: str = "未入库"                   # 入库状态, one of REG_STATUSES
    reg_date: date | None = None                # 入库日期
    reg_amount: Decimal = ZERO                  # 入库金额 (万元): ledger value, cumulative since start
    nodes: list[Node] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    monthly: list[MonthlyReport] = field(default_factory=list)
