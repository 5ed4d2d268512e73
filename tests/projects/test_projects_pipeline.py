"""Investment-lead pipeline: transitions (with audit events) and rates."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diaodu.projects.pipeline import (
    LEAD_STAGES,
    Lead,
    LeadTransitionError,
    advance,
    can_become_key_project,
    check_lead,
    lead_rates,
    lead_rates_by_county,
    lead_to_project,
    reached,
    stage_counts,
)


def lead(**kw):
    base = {"code": "ZS1", "name": "华鑫年产10万吨绿色建材项目", "county": "甲县", "contract_amount": D(10000),
                "talk_date": date(2025, 1, 5)}
    base.update(kw)
    return Lead(**base)


def test_one_step_forward_returns_new_lead_and_event():
    ld = lead()
    new, ev = advance(ld, "签约", date(2025, 2, 1), "张三")
    assert ld.stage == "在谈" and ld.signed_date is None          # input untouched
    assert new.stage == "签约" and new.signed_date == date(2025, 2, 1)
    assert (ev.lead_code, ev.from_stage, ev.to_stage, ev.date, ev.actor) == ("ZS1", "在谈", "签约",
                                                                           date(2025, 2, 1), "张三")
    assert ev.stage_dates == (("签约", date(2025, 2, 1)),)


def test_skipping_needs_every_date():
    ld = lead(stage="签约", signed_date=date(2025, 2, 1))
    with pytest.raises(LeadTransitionError) as e:
        advance(ld, "开工", date(2025, 5, 1), "张三")
    assert str(e.value) == "从“签约”跨阶段推进到“开工”，必须同时填写注册、开工各阶段的日期"
    with pytest.raises(LeadTransitionError, match="缺少注册阶段的日期"):
        advance(ld, "开工", {"开工": date(2025, 5, 1)}, "张三")
    new, ev = advance(ld, "开工", {"注册": date(2025, 3, 1), "开工": date(2025, 5, 1)}, "张三")
    assert new.registered_date == date(2025, 3, 1) and new.started_date == date(2025, 5, 1)
    assert ev.from_stage == "签约" and ev.to_stage == "开工" and len(ev.stage_dates) == 2


def test_backward_and_same_stage_refused_in_chinese():
    ld = lead(stage="开工", signed_date=date(2025, 2, 1), registered_date=date(2025, 3, 1),
              started_date=date(2025, 5, 1))
    with pytest.raises(LeadTransitionError) as e:
        advance(ld, "签约", date(2025, 6, 1), "张三")
    assert str(e.value) == "不能从“开工”退回到“签约”：招商阶段只能向前推进"
    with pytest.raises(LeadTransitionError, match="已处于“开工”阶段"):
        advance(ld, "开工", date(2025, 6, 1), "张三")
    with pytest.raises(LeadTransitionError, match="未知的招商阶段"):
        advance(ld, "竣工", date(2025, 6, 1), "张三")


def test_dates_must_not_go_back_or_into_the_future():
    ld = lead(stage="签约", signed_date=date(2025, 2, 1))
    with pytest.raises(LeadTransitionError, match="“注册”日期2025-01-01不能早于“签约”日期2025-02-01"):
        advance(ld, "注册", date(2025, 1, 1), "张三")
    with pytest.raises(LeadTransitionError, match="不能晚于今天"):
        advance(ld, "注册", date(2025, 9, 1), "张三", today=date(2025, 8, 1))
    with pytest.raises(LeadTransitionError, match="必须记录操作人"):
        advance(ld, "注册", date(2025, 3, 1), "")
    with pytest.raises(LeadTransitionError, match="不涉及“投产”"):
        advance(ld, "注册", {"注册": date(2025, 3, 1), "投产": date(2025, 4, 1)}, "张三")


@given(st.lists(st.tuples(st.sampled_from(LEAD_STAGES), st.integers(0, 60)), max_size=8))
def test_random_walks_only_move_forward(moves):
    ld = lead()
    d = ld.talk_date
    for stage, gap in moves:
        d = date.fromordinal(d.toordinal() + gap)
        cur = LEAD_STAGES.index(ld.stage)
        tgt = LEAD_STAGES.index(stage)
        dates = {s: d for s in LEAD_STAGES[cur + 1:tgt + 1]}
        if tgt <= cur:
            with pytest.raises(LeadTransitionError):
                advance(ld, stage, dates or d, "x")
            continue
        new, ev = advance(ld, stage, dates, "x")
        assert LEAD_STAGES.index(new.stage) > cur and ev.from_stage == ld.stage and ev.to_stage == stage
        ld = new
        assert check_lead(ld) == []


def _cohort():
    # 甲县: 4 signed in 2025 (+1 only 在谈, +1 signed in 2024), 乙县: 1 signed
    return [
        lead(code="1", stage="在谈"),
        lead(code="2", stage="签约", signed_date=date(2025, 2, 1), contract_amount=D(10000),
             funds_in_place=D(0)),
        lead(code="3", stage="注册", signed_date=date(2025, 2, 1), registered_date=date(2025, 3, 1),
             contract_amount=D(20000), funds_in_place=D(2000)),
        lead(code="4", stage="开工", signed_date=date(2025, 1, 10), registered_date=date(2025, 2, 1),
             started_date=date(2025, 4, 1), contract_amount=D(30000), funds_in_place=D(12000)),
        lead(code="5", stage="投产", signed_date=date(2025, 1, 10), registered_date=date(2025, 2, 1),
             started_date=date(2025, 3, 1), producing_date=date(2025, 6, 1), contract_amount=D(40000),
             funds_in_place=D(36000)),
        lead(code="6", stage="签约", signed_date=date(2024, 11, 1), contract_amount=D(5000)),
        lead(code="7", county="乙县", stage="注册", signed_date=date(2025, 3, 1),
             registered_date=date(2025, 7, 1), contract_amount=D(8000), funds_in_place=D(800)),
    ]


def test_rates_by_hand():
    leads = _cohort()
    r = lead_rates([x for x in leads if x.county == "甲县"], date(2025, 6, 30), start=date(2025, 1, 1))
    # cohort = 2, 3, 4, 5 (1 not signed, 6 signed in 2024)
    assert (r.signed, r.landed, r.started, r.producing) == (4, 3, 2, 1)
    assert r.fulfilment_rate == D("0.7500")       # 履约率 3/4 (reached 注册)
    assert r.start_rate == D("0.5000")            # 开工率 2/4
    assert r.production_rate == D("0.5000")       # 投产率 1/2
    # 资金到位率 (0 + 2000 + 12000 + 36000) / (10000 + 20000 + 30000 + 40000) = 50000/100000
    assert r.contract_amount == D(100000) and r.funds_in_place == D(50000)
    assert r.funds_rate == D("0.5000")
    # as of 2025-05-31: lead 5 had not yet reached 投产 (6-01)
    assert lead_rates(leads[:5], date(2025, 5, 31)).producing == 0
    rows = lead_rates_by_county(leads, date(2025, 6, 30), order=["乙县"])
    assert [x.key for x in rows] == ["乙县", "甲县"]
    # 乙县 as of 6-30: signed 1, 注册 only on 7-01 → 履约率 0
    assert rows[0].signed == 1 and rows[0].fulfilment_rate == D("0.0000") and rows[0].production_rate is None
    # 甲县 without a start date: lead 6 (2024) joins the cohort
    assert rows[1].signed == 5
    assert stage_counts(leads) == {"在谈": 1, "签约": 2, "注册": 2, "开工": 1, "投产": 1}


def test_key_project_rule():
    leads = {x.code: x for x in _cohort()}
    assert [c for c, x in leads.items() if can_become_key_project(x)] == ["4", "5"]
    assert not can_become_key_project(leads["4"], as_of=date(2025, 3, 31))
    assert reached(leads["4"], "开工", date(2025, 4, 1))
    p = lead_to_project(leads["4"], "XM9", annual_plan=D(5000))
    assert (p.code, p.county, p.stage, p.actual_start, p.total_investment, p.annual_plan) == (
        "XM9", "甲县", "新开工", date(2025, 4, 1), D(30000), D(5000))
    with pytest.raises(LeadTransitionError, match="尚未签约并开工"):
        lead_to_project(leads["3"], "XM10")
    leads["4"].project_code = "XM9"
    assert not can_become_key_project(leads["4"])


def test_check_lead_reports_inconsistencies():
    bad = lead(stage="开工", signed_date=date(2025, 3, 1), registered_date=date(2025, 2, 1),
               producing_date=date(2025, 9, 1), funds_in_place=D(-1))
    assert check_lead(bad) == ["“注册”日期早于“签约”日期", "已到“开工”阶段，但缺少“开工”日期",
                               "尚未到“投产”阶段，却填写了“投产”日期", "到位资金不能为负数"]
