"""Investment-promotion pipeline (招商项目): stages, audited transitions and rates.

Stages, in order: 在谈 → 签约 → 注册 → 开工 → 投产. Each reached stage carries its date.

Transition rule (:func:`advance`):

* Forward only. Moving to the current stage or an earlier one is refused
  (``LeadTransitionError`` with a Chinese message).
* One step forward needs only the date of the new stage.
* Skipping stages (e.g. 签约 → 开工 in one go) is allowed only when a date is given for
  every stage passed over and for the target stage.
* Stage dates must not go backwards (each ≥ the previous stage's date) and must not be
  after ``today`` when ``today`` is given.
* Every successful call returns a new :class:`Lead` (the input is not changed) and one
  :class:`LeadEvent` (from, to, date, actor, all dates set) for the audit log.

Rates for a cohort of leads (see :func:`lead_rates`): the cohort is the leads signed in
[start, end] (start optional); "reached stage S by end" means the date of S is ≤ end.

* 履约率 = cohort leads that reached 注册 (落地: the investor registered the company) or
  beyond by ``end`` / cohort leads. The literal "reached 开工 / signed" would be identical
  to 开工率, so 履约 is measured at the first contractual step, 注册落地.
* 资金到位率 = Σ 到位资金 / Σ 合同金额 over the cohort (到位资金 is the current figure,
  it is not dated).
* 开工率 = cohort leads that reached 开工 by ``end`` / cohort leads.
* 投产率 = cohort leads that reached 投产 by ``end`` / cohort leads that reached 开工.

A signed lead that reached 开工 can become a key project (:func:`can_become_key_project`,
:func:`lead_to_project`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from .records import ZERO, Project
from .rules import ratio, round_rate

LEAD_STAGES: tuple[str, ...] = ("在谈", "签约", "注册", "开工", "投产")
STAGE_DATE_FIELD: dict[str, str] = {
    "在谈": "talk_date",
    "签约": "signed_date",
    "注册": "registered_date",
    "开工": "started_date",
    "投产": "producing_date",
}


class LeadTransitionError(ValueError):
    """A refused stage change; ``str(e)`` is a Chinese message for the user."""


@dataclass
class Lead:
    code: str                               # 线索/项目编号
    name: str                               # 项目名称
    county: str                             # 县市区
    investor: str = ""                      # 投资方 / 签约企业
    industry: str = ""                      # 所属产业
    chain: str = ""                         # 产业链
    unit: str = ""                          # 责任单位 (招商主体)
    leader: str = ""                        # 联系市领导
    stage: str = "在谈"                      # one of LEAD_STAGES
    contract_amount: Decimal = ZERO         # 合同金额 (万元)
    funds_in_place: Decimal = ZERO          # 到位资金 (万元)
    talk_date: date | None = None           # 在谈 since
    signed_date: date | None = None         # 签约
    registered_date: date | None = None     # 注册
    started_date: date | None = None        # 开工
    producing_date: date | None = None      # 投产
    project_code: str = ""                  # key project created from this lead, if any

    def stage_date(self, stage: str) -> date | None:
        return getattr(self, STAGE_DATE_FIELD[stage])


@dataclass(frozen=True)
class LeadEvent:
    """Audit record of one transition."""

    lead_code: str
    from_stage: str
    to_stage: str
    date: date                                   # date of the target stage
    actor: str                                   # who made the change
    stage_dates: tuple[tuple[str, date], ...]    # every stage date set by this transition


def stage_index(stage: str) -> int:
    try:
        return LEAD_STAGES.index(stage)
    except ValueError:
        raise LeadTransitionError(f"未知的招商阶段“{stage}”，应为：{'、'.join(LEAD_STAGES)}") from None


def advance(lead: Lead, to_stage: str, dates: date | Mapping[str, date], actor: str,
            *, today: date | None = None) -> tuple[Lead, LeadEvent]:
    """Move ``lead`` forward to ``to_stage``. ``dates`` is the date of ``to_stage`` (one
    step) or a mapping stage → date that covers every stage passed over and the target."""
    cur = stage_index(lead.stage)
    tgt = stage_index(to_stage)
    if not actor:
        raise LeadTransitionError("必须记录操作人")
    if tgt == cur:
        raise LeadTransitionError(f"项目“{lead.name}”已处于“{to_stage}”阶段")
    if tgt < cur:
        raise LeadTransitionError(f"不能从“{lead.stage}”退回到“{to_stage}”：招商阶段只能向前推进")
    steps = LEAD_STAGES[cur + 1: tgt + 1]
    if isinstance(dates, date):
        if len(steps) > 1:
            raise LeadTransitionError(
                f"从“{lead.stage}”跨阶段推进到“{to_stage}”，必须同时填写{'、'.join(steps)}各阶段的日期")
        given: dict[str, date] = {to_stage: dates}
    else:
        given = dict(dates)
        unknown = [s for s in given if s not in steps]
        if unknown:
            raise LeadTransitionError(f"本次推进不涉及“{'、'.join(unknown)}”阶段，不能填写其日期")
        missing = [s for s in steps if given.get(s) is None]
        if missing:
            raise LeadTransitionError(
                f"从“{lead.stage}”推进到“{to_stage}”，缺少{'、'.join(missing)}阶段的日期")
    prev_stage, prev_date = lead.stage, lead.stage_date(lead.stage)
    for s in steps:
        d = given[s]
        if prev_date is not None and d < prev_date:
            raise LeadTransitionError(
                f"“{s}”日期{d.isoformat()}不能早于“{prev_stage}”日期{prev_date.isoformat()}")
        if today is not None and d > today:
            raise LeadTransitionError(f"“{s}”日期{d.isoformat()}不能晚于今天{today.isoformat()}")
        prev_stage, prev_date = s, d
    changes = {STAGE_DATE_FIELD[s]: given[s] for s in steps}
    new = replace(lead, stage=to_stage, **changes)
    event = LeadEvent(lead.code, lead.stage, to_stage, given[to_stage], actor,
                      tuple((s, given[s]) for s in steps))
    return new, event


def check_lead(lead: Lead) -> list[str]:
    """Consistency problems of a stored lead (Chinese messages; empty = fine): every
    reached stage has a date, later stages have no date, dates never go backwards,
    amounts are not negative."""
    out: list[str] = []
    idx = stage_index(lead.stage)
    last: tuple[str, date] | None = None
    for i, s in enumerate(LEAD_STAGES):
        d = lead.stage_date(s)
        if i <= idx and d is None and s != "在谈":
            out.append(f"已到“{lead.stage}”阶段，但缺少“{s}”日期")
        if i > idx and d is not None:
            out.append(f"尚未到“{s}”阶段，却填写了“{s}”日期")
        if d is not None:
            if last is not None and d < last[1]:
                out.append(f"“{s}”日期早于“{last[0]}”日期")
            last = (s, d)
    if lead.contract_amount < 0:
        out.append("合同金额不能为负数")
    if lead.funds_in_place < 0:
        out.append("到位资金不能为负数")
    return out


def reached(lead: Lead, stage: str, end: date | None = None) -> bool:
    """The lead reached ``stage`` (by ``end`` when given, judged by the stage date)."""
    if stage_index(lead.stage) < stage_index(stage):
        return False
    if end is None:
        return True
    d = lead.stage_date(stage)
    return d is not None and d <= end


def can_become_key_project(lead: Lead, as_of: date | None = None) -> bool:
    """A signed lead that has reached 开工 (by ``as_of``) and is not yet a project."""
    return not lead.project_code and reached(lead, "签约", as_of) and reached(lead, "开工", as_of)


def lead_to_project(lead: Lead, code: str, **overrides) -> Project:
    """Draft key project from a started lead (raises LeadTransitionError otherwise).
    The caller stores it and sets ``lead.project_code``."""
    if not can_become_key_project(lead):
        raise LeadTransitionError(f"招商项目“{lead.name}”尚未签约并开工，不能转为重点项目")
    fields = {"code": code, "name": lead.name, "county": lead.county, "stage": "新开工",
              "industry": lead.industry, "chain": lead.chain, "owner": lead.investor, "unit": lead.unit,
              "leader": lead.leader, "total_investment": lead.contract_amount,
              "planned_start": lead.started_date, "actual_start": lead.started_date}
    fields.update(overrides)
    return Project(**fields)


@dataclass(frozen=True)
class LeadRates:
    key: str
    signed: int                       # cohort size (signed in period)
    landed: int                       # reached 注册 or beyond
    started: int                      # reached 开工 or beyond
    producing: int                    # reached 投产
    contract_amount: Decimal          # Σ 合同金额
    funds_in_place: Decimal           # Σ 到位资金
    fulfilment_rate: Decimal | None   # 履约率 = landed / signed
    funds_rate: Decimal | None        # 资金到位率 = funds / contract
    start_rate: Decimal | None        # 开工率 = started / signed
    production_rate: Decimal | None   # 投产率 = producing / started

    def as_dict(self) -> dict:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.__dict__.items()}


def lead_rates(leads: Iterable[Lead], end: date, start: date | None = None, key: str = "合计") -> LeadRates:
    """Rates for leads signed in [start, end] judged as of ``end`` (rates rounded to 4 places)."""
    cohort = [ld for ld in leads if reached(ld, "签约", end)
              and (start is None or ld.signed_date >= start)]
    landed = sum(reached(ld, "注册", end) for ld in cohort)
    started = sum(reached(ld, "开工", end) for ld in cohort)
    producing = sum(reached(ld, "投产", end) for ld in cohort)
    contract = sum((ld.contract_amount for ld in cohort), ZERO)
    funds = sum((ld.funds_in_place for ld in cohort), ZERO)
    return LeadRates(key, len(cohort), landed, started, producing, contract, funds,
                     round_rate(ratio(landed, len(cohort))), round_rate(ratio(funds, contract)),
                     round_rate(ratio(started, len(cohort))), round_rate(ratio(producing, started)))


def lead_rates_by_county(leads: Sequence[Lead], end: date, start: date | None = None,
                         order: Sequence[str] | None = None) -> list[LeadRates]:
    """One :class:`LeadRates` per county (in ``order`` if given, else sorted)."""
    counties = list(dict.fromkeys(order)) if order else []
    counties += sorted({ld.county for ld in leads} - set(counties))
    return [lead_rates([ld for ld in leads if ld.county == c], end, start, c) for c in counties]


def stage_counts(leads: Iterable[Lead]) -> dict[str, int]:
    """Current number of leads in each stage (all stages present)."""
    out = {s: 0 for s in LEAD_STAGES}
    for ld in leads:
        out[ld.stage] += 1
    return out
