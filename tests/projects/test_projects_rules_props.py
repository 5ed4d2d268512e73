"""Property tests for the pure project rules."""

from datetime import date
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from diaodu.projects.records import MonthlyReport, Node, Project
from diaodu.projects.rules import (
    RulesConfig,
    add_months,
    competition_rank,
    completion_count_rate,
    cumulative_investment,
    is_overdue,
    is_stalled,
    month_end,
    months_back,
    rank_by,
    registration_gap,
    schedule_progress,
    start_rate,
    summarize,
    total_row,
    validate_monthly,
    ytd_investment,
    ytd_registered,
)

COUNTIES = ["甲县", "乙县", "丙县"]
money = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
months = st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(2023, 2026), st.integers(1, 12))
dates = st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 12, 31))
opt_dates = st.none() | dates


@st.composite
def projects(draw, code=None):
    ms = sorted(set(draw(st.lists(months, max_size=14))))
    reports = [MonthlyReport(m, draw(money), "", draw(money)) for m in ms]
    nodes = [Node("节点", draw(opt_dates), draw(opt_dates)) for _ in range(draw(st.integers(0, 3)))]
    return Project(
        code=code or draw(st.text("ABC123", min_size=1, max_size=5)), name="项目",
        county=draw(st.sampled_from(COUNTIES)),
        lists=tuple(draw(st.lists(st.sampled_from(["省重点", "市重点", "县重点", "第一批"]), unique=True,
                                  max_size=3))),
        leader=draw(st.sampled_from(["", "张副市长", "李副市长"])),
        total_investment=draw(money), annual_plan=draw(money),
        planned_start=draw(opt_dates), actual_start=draw(opt_dates),
        planned_completion=draw(opt_dates), actual_completion=draw(opt_dates),
        nodes=nodes, monthly=reports)


project_lists = st.lists(projects(), max_size=8).map(
    lambda ps: [Project(**{**p.__dict__, "code": f"P{i}"}) for i, p in enumerate(ps)])


@given(projects(), months)
def test_cumulative_is_sum_of_months_and_ytd_part_of_it(p, month):
    assert cumulative_investment(p) == sum((r.amount for r in p.monthly), D(0))
    assert D(0) <= ytd_investment(p, month) <= cumulative_investment(p, month) <= cumulative_investment(p)
    assert ytd_registered(p, month) == sum((r.registered for r in p.monthly
                                            if r.month[:4] == month[:4] and r.month <= month), D(0))


@given(projects(), months)
def test_cumulative_is_monotone_in_month(p, month):
    nxt = add_months(month, 1)
    assert cumulative_investment(p, month) <= cumulative_investment(p, nxt)
    if nxt[:4] == month[:4]:
        assert ytd_investment(p, month) <= ytd_investment(p, nxt)


@given(months, st.integers(-30, 30))
def test_month_arithmetic(month, k):
    assert add_months(add_months(month, k), -k) == month
    back = months_back(month, 4)
    assert back[-1] == month and len(back) == 4 and back == sorted(back)
    assert month_end(month).month == int(month[5:])
    assert D(0) < schedule_progress(month) <= D(1)


@given(st.lists(projects(), max_size=10), dates)
def test_start_and_completion_counts_are_consistent(ps, end):
    for cr in (start_rate(ps, end), completion_count_rate(ps, end)):
        assert 0 <= cr.done <= cr.due <= len(ps)
        assert cr.done + cr.early + cr.missing <= len(ps)
        if cr.due:
            assert D(0) <= cr.rate <= D(1)
        else:
            assert cr.rate is None


@given(money, money, st.decimals(min_value=0, max_value=1, places=2), money)
def test_gap_flag_iff_rate_below_and_gap_large(registered, completed, thr_rate, thr_amount):
    cfg = RulesConfig(reg_rate_threshold=thr_rate, reg_gap_threshold=thr_amount)
    g = registration_gap(registered, completed, cfg)
    assert g.gap == completed - registered
    if completed == 0:
        assert g.rate is None and not g.flagged
    else:
        assert g.flagged == (registered / completed < thr_rate and completed - registered >= thr_amount)


@given(projects(), months, st.integers(1, 6))
def test_stalled_means_no_positive_month_in_window(p, month, n):
    window = set(months_back(month, n))
    if is_stalled(p, month, n):
        assert not any(r.amount > 0 for r in p.monthly if r.month in window)
        assert p.actual_start is not None


@given(projects(), months, st.integers(1, 6))
def test_a_positive_month_in_window_is_never_stalled(p, month, n):
    m = months_back(month, n)[0]
    p.monthly = [r for r in p.monthly if r.month != m] + [MonthlyReport(m, D("0.01"))]
    assert not is_stalled(p, month, n)


@given(opt_dates, opt_dates, dates)
def test_overdue_definition(planned, done, today):
    n = Node("x", planned, done)
    expected = planned is not None and planned < today and (done is None or done > today)
    assert is_overdue(n, today) == expected


@given(st.lists(st.none() | st.integers(-5, 5), max_size=12), st.booleans())
def test_competition_ranking(values, descending):
    ranks = competition_rank(values, descending)
    present = [v for v in values if v is not None]
    for v, r in zip(values, ranks):
        if v is None:
            assert r is None
        else:
            better = [w for w in present if (w > v if descending else w < v)]
            assert r == 1 + len(better)
    # equal values share a rank; the number of items ranked ≤ k is at least k for each used rank
    for v, r in zip(values, ranks):
        if r is not None:
            assert sum(1 for x in ranks if x is not None and x <= r) >= r
    if present:
        assert min(x for x in ranks if x is not None) == 1


@given(st.lists(st.integers(0, 3), max_size=10))
def test_rank_by_sorted_by_rank(values):
    pairs = rank_by(values, lambda v: v)
    assert sorted(p[1] for p in pairs) == sorted(values)
    rs = [r for r, _ in pairs]
    assert rs == sorted(rs)


@settings(max_examples=60, deadline=None)
@given(project_lists, months)
def test_county_rows_add_up_to_total(ps, month):
    rows = summarize(ps, month, by="county")
    tot = total_row(ps, month)
    assert sum(r.projects for r in rows) == tot.projects == len(ps)
    for f in ("annual_plan", "ytd_completed", "cumulative_completed", "ytd_registered", "registration_gap",
              "due_to_start", "started", "started_early", "due_to_complete", "completed", "gap_projects",
              "overdue_nodes", "stalled", "total_investment"):
        assert sum((getattr(r, f) for r in rows), type(getattr(tot, f))(0)) == getattr(tot, f), f
    assert [r.key for r in rows] == sorted({p.county for p in ps})


@settings(max_examples=60, deadline=None)
@given(project_lists, months)
def test_list_grouping_counts_each_membership(ps, month):
    rows = summarize(ps, month, by="list")
    assert sum(r.projects for r in rows) == sum(len(p.lists) for p in ps)
    ordered = summarize(ps, month, by="county", order=["丁区", "乙县"])
    assert [r.key for r in ordered][:2] == ["丁区", "乙县"] and ordered[0].projects == 0


@given(projects(), money, months)
def test_validation_negative_rejected_and_over_total_warns(p, amount, month):
    v = validate_monthly(p, MonthlyReport(month, -amount - D("0.01")))
    assert not v.ok and any("不能为负数" in e for e in v.errors)
    v = validate_monthly(p, MonthlyReport(month, amount))
    assert v.ok
    others = sum((r.amount for r in p.monthly if r.month != month), D(0))
    over = p.total_investment > 0 and others + amount > p.total_investment
    assert any("超过总投资" in w for w in v.warnings) == over
