"""The deterministic demo city data."""

from decimal import Decimal as D

from diaodu.projects.demo import DEFAULT_COUNTIES, generate_demo
from diaodu.projects.records import PROBLEM_STATUSES, REG_STATUSES, STAGES
from diaodu.projects.pipeline import LEAD_STAGES, can_become_key_project, check_lead, lead_rates_by_county
from diaodu.projects.rules import (
    cumulative_investment,
    month_end,
    overdue_nodes,
    project_status,
    summarize,
    total_row,
    validate_monthly,
)


def test_deterministic_and_seed_sensitive():
    a, b = generate_demo(), generate_demo()
    assert a == b
    assert generate_demo(seed=7).projects != a.projects


def test_shape_and_consistency():
    d = generate_demo()
    assert len(d.projects) == 60 and len(d.leads) == 30 and d.last_month == "2025-12"
    assert len({p.code for p in d.projects}) == 60 and len({p.name for p in d.projects}) == 60
    assert {p.county for p in d.projects} == set(DEFAULT_COUNTIES)
    for p in d.projects:
        assert p.stage in STAGES and p.reg_status in REG_STATUSES
        assert all(q.status in PROBLEM_STATUSES for q in p.problems)
        assert p.lists and p.lists[0] in ("省重点", "市重点", "县重点")
        assert [m.month for m in p.monthly] == sorted(m.month for m in p.monthly)
        assert all(m.amount >= 0 and m.registered >= 0 for m in p.monthly)
        assert p.reg_amount == sum((m.registered for m in p.monthly), D(0))
        assert (p.actual_start is None) == (p.stage in ("储备", "前期"))
        if p.actual_completion:
            assert p.stage in ("竣工", "投产")
        for m in p.monthly:   # every stored month passes the monthly validation
            assert validate_monthly(p, m, reporter_unit=p.unit).ok
    # a year of reports for projects already under way at the start of the year
    assert any(len(p.monthly) == 12 for p in d.projects)
    for ld in d.leads:
        assert ld.stage in LEAD_STAGES and check_lead(ld) == []
        assert ld.funds_in_place <= ld.contract_amount
    assert len(d.lead_events) == sum(LEAD_STAGES.index(ld.stage) for ld in d.leads)
    assert {ld.stage for ld in d.leads} == set(LEAD_STAGES)
    assert any(can_become_key_project(ld) for ld in d.leads)


def test_demo_tells_a_story():
    d = generate_demo()
    statuses = [project_status(p, "2025-12") for p in d.projects]
    # a few large 入库 gaps (done but barely registered)
    big = [s for s in statuses if s.gap_flag and s.registration_gap >= 2000]
    assert 2 <= len(big) <= 20
    # some projects behind and some ahead of schedule, overdue nodes, stalled projects
    assert any(s.schedule_gap_pp is not None and s.schedule_gap_pp < -20 for s in statuses)
    assert any(s.schedule_gap_pp is not None and s.schedule_gap_pp > 0 for s in statuses)
    assert overdue_nodes(d.projects, month_end("2025-12"))
    assert any(s.stalled for s in statuses)
    rows = summarize(d.projects, "2025-06", order=list(DEFAULT_COUNTIES))
    assert [r.key for r in rows] == list(DEFAULT_COUNTIES)
    tot = total_row(d.projects, "2025-12")
    assert D("0.5") < tot.completion_rate < D("1.2") and tot.start_rate > D("0.6")
    assert sum(cumulative_investment(p) for p in d.projects) == tot.cumulative_completed
    assert lead_rates_by_county(d.leads, month_end("2025-12"))


def test_parameters_are_used():
    d = generate_demo(counties=["东县", "西县"], units=["市发展和改革委员会"], leaders=["某副市长"],
                      n_projects=10, n_leads=5, year=2024, last_month=6, county_unit=None)
    assert {p.county for p in d.projects} == {"东县", "西县"}
    assert {p.unit for p in d.projects} == {"市发展和改革委员会"}
    assert {p.leader for p in d.projects} == {"某副市长"}
    assert all(m.month <= "2024-06" for p in d.projects for m in p.monthly)
    assert len(d.leads) == 5 and all(ld.code.startswith("ZS2024") for ld in d.leads)
