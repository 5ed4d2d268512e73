from pathlib import Path

import pytest

from diaodu.monitor.board import Target, build_board
from diaodu.monitor.records import ParsedObservation, convert

REAL = Path("/work/shared/data/real/shaoyang-yuebao-2025-01-03.xlsx")


def _o(region, code, month, value=None, growth=None, unit="万元", rank=None):
    return ParsedObservation("f.xlsx", "s", 5, region, region, code, code, 2025, month, value,
                             unit if value is not None else None, growth, rank, {"value": "B5", "growth": "C5"})


def test_board_targets_and_colours():
    obs = [
        _o("全市", "fiscal_revenue", 3, 150, 5.0),
        _o("甲县", "fiscal_revenue", 3, 20, 8.0),
        _o("乙县", "fiscal_revenue", 3, 30, 2.0),
        _o("丙县", "fiscal_revenue", 3, 10, -3.0),
        _o("甲县", "fiscal_revenue", 2, 12, 9.0),  # superseded by month 3
    ]
    targets = [Target("甲县", "fiscal_revenue", 2025, "level", 100), Target("乙县", "fiscal_revenue", 2025, "growth", 6.5)]
    rows = {r.region: r for r in build_board(obs, year=2025, month=3, targets=targets,
                                               previous_ranks={("甲县", "fiscal_revenue"): 3})}
    a = rows["甲县"]
    assert a.period == "2025-03" and a.rank == 1 and a.peers == 3 and a.rank_change == 2
    assert a.completion == pytest.approx(20) and a.schedule_gap == pytest.approx(-5)
    assert a.colour == "yellow" and a.source == "f.xlsx:s!B5"
    b = rows["乙县"]
    assert b.schedule_gap == pytest.approx(-4.5) and b.colour == "red"  # rank 2 of 3 = bottom 2
    assert rows["全市"].rank is None


def test_board_uses_latest_month_and_converts_units():
    obs = [_o("甲县", "ind_revenue", 2, 1.5, 3.0, unit="亿元")]
    rows = build_board(obs, year=2025, month=3, targets=[Target("甲县", "ind_revenue", 2025, "level", 100000)])
    assert rows[0].period == "2025-02"
    assert rows[0].completion == pytest.approx(15)  # 1.5 亿元 = 15000 万元 of 100000 万元
    assert convert(1, "亿元", "万元") == 10000
    with pytest.raises(ValueError):
        convert(1, "亿元", "万平方米")


@pytest.mark.filterwarnings("ignore")
def test_board_on_real_workbook_reproduces_published_ranks():
    if not REAL.exists():
        pytest.skip("real workbook not available")
    from diaodu.monitor.yuebao import parse_workbook

    rows = build_board(parse_workbook(REAL).observations, year=2025, month=3)
    with_pub = [r for r in rows if r.published_rank is not None]
    assert len(with_pub) == 192
    assert all(r.rank == r.published_rank for r in with_pub)
