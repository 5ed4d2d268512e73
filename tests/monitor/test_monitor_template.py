"""Long-format template: write, fill, parse (xlsx and csv in several encodings)."""

import csv

import pytest
from hypothesis import given, settings, HealthCheck
from hypothesis import strategies as st
from openpyxl import load_workbook

from diaodu.monitor.catalogue import resolve_indicator
from diaodu.monitor.records import ParsedObservation, parse_period
from diaodu.monitor.template import COLUMNS, parse_long, write_long, write_template


def test_template_has_header_and_parses(tmp_path):
    p = write_template(tmp_path / "模板.xlsx")
    wb = load_workbook(p)
    assert [c.value for c in wb["数据"][1]] == COLUMNS
    assert wb["数据"].max_row == 1  # an untouched template imports nothing
    assert "指标目录" in wb.sheetnames and "填写说明" in wb.sheetnames
    assert parse_long(p).observations == [] and parse_long(p).errors == []
    ws = wb["数据"]
    ws.append(["全市", "规模工业增加值", "2025年1-3月", None, 8.8, None, None])
    ws.append(["邵阳县", "地区生产总值", "2025-03", 515627.8, 6.3, "万元", 6])
    wb.save(p)
    res = parse_long(p)
    assert res.errors == []
    assert [(o.region_name, o.indicator_code, o.year, o.month) for o in res.observations] == [
        ("全市", "ind_va", 2025, 3), ("邵阳县", "gdp", 2025, 3)]
    o = res.observations[1]
    assert o.value == 515627.8 and o.unit == "万元" and o.growth == 6.3 and o.published_rank == 6
    assert o.cells == {"region": "A3", "indicator": "B3", "period": "C3", "value": "D3", "growth": "E3", "rank": "G3"}
    assert o.sheet == "数据" and o.row == 3


def test_duplicate_rows_are_errors(tmp_path):
    p = tmp_path / "dup.csv"
    p.write_text("地区,指标,期间,数值,增速\n大祥区,GDP,2025-03,1,2\n大祥区,地区生产总值,2025年1-3月,1,2\n", encoding="utf-8")
    res = parse_long(p)
    assert [str(e) for e in res.errors] == ["文件“dup.csv”，第3行，单元格A3：与第2行重复（同一地区、指标、期间）"]


@pytest.mark.parametrize("text,expected", [
    ("2025-03", (2025, 3)), ("2025-3", (2025, 3)), ("2025年1-3月", (2025, 3)), ("2025年3月", (2025, 3)),
    ("２０２５年１－３月", (2025, 3)), ("2025年1—12月", (2025, 12)), ("2025/03", (2025, 3)),
    ("2025年2-3月", None), ("3月", None), ("2025-13", None), ("abc", None), (None, None),
])
def test_parse_period(text, expected):
    assert parse_period(text) == expected


regions = st.sampled_from(["全市", "双清区", "大祥", "邵阳县", "武冈市"])
indicators = st.sampled_from(["地区生产总值", "GDP", "规模工业增加值", "社会消费品零售总额", "金融机构存款余额"])
# spreadsheet numbers: at most 15 significant digits
nums = st.one_of(st.none(), st.decimals(min_value=-10**9, max_value=10**9, places=4).map(float))
obs_st = st.builds(
    lambda r, i, y, m, v, g, rank: ParsedObservation(
        source_file="", sheet="", row=0, region_name=r, region_norm=r, indicator_name=i, indicator_code=None,
        year=y, month=m, value=v, unit="万元" if v is not None else None, growth=g, published_rank=rank),
    regions, indicators, st.integers(2000, 2100), st.integers(1, 12),
    nums, st.one_of(st.none(), st.decimals(-100, 1000, places=6).map(float)), st.one_of(st.none(), st.integers(1, 20)),
).filter(lambda o: o.value is not None or o.growth is not None)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(rows=st.lists(obs_st, min_size=1, max_size=8,
                     unique_by=lambda o: (o.region_name, resolve_indicator(o.indicator_name), o.year, o.month)))
def test_round_trip(tmp_path, suffix, rows):
    p = tmp_path / f"long{suffix}"
    write_long(p, rows)
    res = parse_long(p)
    assert res.errors == []
    got = [(o.region_name, o.indicator_name, o.year, o.month, o.value, o.growth, o.published_rank, o.unit)
           for o in res.observations]
    want = [(o.region_name, o.indicator_name, o.year, o.month, o.value, o.growth, o.published_rank, o.unit)
            for o in rows]
    assert got == want
    assert all(o.indicator_code for o in res.observations)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(tmp_path, encoding):
    p = tmp_path / "data.csv"
    with p.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["地区", "指标", "期间", "数值", "增速"])
        w.writerow(["大祥区", "规模以上工业增加值", "2025年1-3月", "", "4.95"])
        w.writerow(["全 市", "生产总值", "2025-03", "6,636,061", "6.3%"])
    res = parse_long(p)
    assert res.errors == []
    a, b = res.observations
    assert a.indicator_code == "ind_va" and a.growth == 4.95 and a.value is None
    assert b.region_norm == "全市" and b.value == 6636061 and b.growth == 6.3 and b.unit == "万元"
    assert a.sheet == "" and a.row == 2 and a.cells["growth"] == "E2"


def test_errors_name_row_and_cell(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text(
        "地区,指标,期间,数值,增速\n"
        ",地区生产总值,2025-03,1,2\n"
        "大祥区,不存在的指标,2025-03,1,2\n"
        "大祥区,地区生产总值,2025年春季,1,2\n"
        "大祥区,地区生产总值,2025-03,一百,2\n"
        "大祥区,地区生产总值,2025-03,,\n",
        encoding="utf-8",
    )
    res = parse_long(p)
    assert res.observations == []
    msgs = [str(e) for e in res.errors]
    assert msgs[0] == "文件“bad.csv”，第2行，单元格A2：地区为空"
    assert "第3行，单元格B3：指标“不存在的指标”不在指标目录中" in msgs[1]
    assert "第4行，单元格C4：期间“2025年春季”无法识别" in msgs[2]
    assert "第5行，单元格D5：数值“一百”不是数字" in msgs[3]
    assert "第6行" in msgs[4] and "数值和增速都为空" in msgs[4]


def test_missing_header_and_bad_type(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("名称,数\n", encoding="utf-8")
    res = parse_long(p)
    assert "表头缺少列：地区、指标、期间" in str(res.errors[0])
    q = tmp_path / "x.txt"
    q.write_text("a", encoding="utf-8")
    assert "不支持的文件类型" in str(parse_long(q).errors[0])
