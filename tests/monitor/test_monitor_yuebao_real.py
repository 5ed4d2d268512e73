"""The real 1-3月 workbook imports as it comes and all published ranks are reproduced."""

from collections import defaultdict
from pathlib import Path

import pytest

from diaodu.monitor.rules import competition_rank
from diaodu.monitor.yuebao import parse_workbook

REAL = Path("/work/shared/data/real/shaoyang-yuebao-2025-01-03.xlsx")
pytestmark = pytest.mark.skipif(not REAL.exists(), reason="real workbook not available")


@pytest.fixture(scope="module")
def parsed():
    return parse_workbook(REAL)


def test_imports_without_errors(parsed):
    assert parsed.errors == []
    assert parsed.year == 2025 and parsed.month == 3
    assert len(parsed.observations) == 335


def test_skipped_sheets_are_listed_with_reason(parsed):
    skipped = dict(parsed.skipped_sheets)
    assert set(skipped) == {"目录", "工业8", "30工业处2", "81图5公共财政收入"}
    assert all(reason for reason in skipped.values())
    assert "隐藏" in skipped["30工业处2"] and "隐藏" in skipped["81图5公共财政收入"]


def test_each_sheet_has_its_own_period(parsed):
    assert parsed.sheet_periods["工业处2"] == (2025, 2)
    assert parsed.sheet_periods["31工业处3"] == (2025, 2)
    assert parsed.sheet_periods["23核算处1"] == (2025, 3)
    # the "上月数据" block of the 全市 industry sheet is 1-2月
    rev = [o for o in parsed.observations if o.sheet == "工业7" and o.indicator_code == "ind_tax_profit"]
    assert rev and rev[0].month == 2


def test_all_published_ranks_equal_computed(parsed):
    groups = defaultdict(list)
    for o in parsed.observations:
        if "region" in o.cells and not o.is_total:
            groups[o.sheet].append(o)
    checked = 0
    mismatches = []
    for sheet, obs in groups.items():
        if not any(o.published_rank is not None for o in obs):
            continue
        # every peer of a ranked sheet carries a published rank
        assert all(o.published_rank is not None for o in obs), sheet
        computed = competition_rank({o.region_norm: o.growth for o in obs}, direction=1, precision=1)
        for o in obs:
            checked += 1
            if computed[o.region_norm] != o.published_rank:
                mismatches.append((sheet, o.cells["rank"], o.region_name, o.growth, o.published_rank,
                                   computed[o.region_norm]))
    assert mismatches == []
    assert checked == 192
    # and no published rank anywhere was left out of the check
    assert sum(1 for o in parsed.observations if o.published_rank is not None) == 192


def test_rank_needs_half_up_and_ties(parsed):
    by = {(o.sheet, o.region_name): o for o in parsed.observations}
    # 8.85 -> 8.9 (5th), 8.75 -> 8.8 (6th): float 8.85 is 8.8499999..., banker's/float rounding would fail
    assert by[("30工业处1 ", "邵东")].published_rank == 5
    # 6.58 and 6.61 both publish as 6.6: tie at 3, next is 5
    assert by[("42贸外处1", "洞口")].published_rank == 3
    assert by[("42贸外处1", "城步")].published_rank == 3


def test_cells_and_units(parsed):
    gdp = next(o for o in parsed.observations if o.sheet == "23核算处1" and o.region_name == "大祥")
    assert gdp.indicator_code == "gdp"
    assert gdp.cells["value"] == "B7" and gdp.cells["growth"] == "C7" and gdp.cells["rank"] == "D7"
    assert gdp.unit == "万元" and gdp.growth == 5.8 and gdp.published_rank == 9
    dep = next(o for o in parsed.observations if o.sheet == "52综研室1" and o.region_name == "邵东市")
    assert dep.indicator_code == "deposits" and dep.unit == "亿元" and dep.extra["change_ytd"] > 0


def test_zone_rows_and_stray_cells_are_reported(parsed):
    zones = [s for s in parsed.skipped_rows if s.label == "长株潭地区"]
    assert {s.sheet for s in zones} == {"43贸外处2", "45贸外处4", "46贸外处5"}
    assert any("E5" in str(w) for w in parsed.warnings)
    assert not any(o.region_name.endswith("地区") for o in parsed.observations)


def test_every_indicator_resolves(parsed):
    assert all(o.indicator_code for o in parsed.observations)
    codes = {o.indicator_code for o in parsed.observations if "region" in o.cells}
    assert len(codes) == 24


def test_city_sheets_agree_with_county_sheets(parsed):
    assert parsed.duplicates and all(d.consistent for d in parsed.duplicates)


def test_naive_float_rounding_would_not_reproduce_the_ranks(parsed):
    """Guard: the check above has teeth — Python's round() on floats misranks some peers."""
    groups = defaultdict(list)
    for o in parsed.observations:
        if o.published_rank is not None:
            groups[o.sheet].append(o)
    wrong = 0
    for obs in groups.values():
        r = {o.region_norm: round(o.growth, 1) for o in obs}
        for o in obs:
            naive = 1 + sum(1 for v in r.values() if v > r[o.region_norm])
            wrong += naive != o.published_rank
    assert wrong > 0


@pytest.mark.filterwarnings("ignore")
def test_every_number_is_traceable_to_its_cell(parsed):
    from openpyxl import load_workbook

    wb = load_workbook(REAL, data_only=True)
    for o in parsed.observations:
        ws = wb[o.sheet]
        for role, attr in (("value", o.value), ("growth", o.growth), ("rank", o.published_rank)):
            if attr is None:
                assert role not in o.cells
            else:
                assert float(ws[o.cells[role]].value) == attr, (o.sheet, o.cells[role])
                assert int(o.cells[role][1:]) == o.row
        if "region" in o.cells:
            assert ws[o.cells["region"]].value.strip() == o.region_name
        assert o.source_file == REAL.name
