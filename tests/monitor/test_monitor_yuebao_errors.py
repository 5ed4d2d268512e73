"""Error reporting on corrupted copies of a 月报卡 workbook (built with openpyxl in tmp_path)."""

import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from diaodu.monitor.yuebao import parse_workbook

REAL = Path("/work/shared/data/real/shaoyang-yuebao-2025-01-03.xlsx")


def _county_sheet(wb, title, indicator, period="2025年1-3月", header=("绝对额(万元)", "增速(%)", "排名"), rows=()):
    ws = wb.create_sheet(title)
    ws["A1"] = indicator
    ws["A3"] = "地  区"
    ws["B3"] = period
    ws.merge_cells("A3:A4")
    ws.merge_cells(start_row=3, start_column=2, end_row=3, end_column=1 + len(header))
    for i, h in enumerate(header):
        ws.cell(4, 2 + i, h)
    for r, row in enumerate(rows, start=5):
        for c, v in enumerate(row, start=1):
            ws.cell(r, c, v)
    return ws


@pytest.fixture
def synthetic(tmp_path):
    wb = Workbook()
    wb.remove(wb.active)
    _county_sheet(wb, "23核算处1", "地区生产总值", rows=[
        ("全市", 1000, 6.3, None), ("双清", 400, 5.4, 2), ("大祥", 600, 6.6, 1)])
    _county_sheet(wb, "工业处2", "规模工业营业收入", period="1-2月", rows=[
        ("全市", 10, 1.0, None), ("双清", 4, "abc", 1), ("大祥", 6, 2.0, "第一")])
    _county_sheet(wb, "神秘表", "某某新指标", header=("增速(%)",), rows=[("全市", 1.0), ("双清", 2.0)])
    ws = wb.create_sheet("杂表")
    ws["A1"] = "说明文字"
    ws["A2"] = "没有表头"
    p = tmp_path / "yuebao-2025-01-03.xlsx"
    wb.save(p)
    return p


def test_synthetic_errors_name_file_sheet_row_cell(synthetic):
    res = parse_workbook(synthetic)
    msgs = [str(e) for e in res.errors]
    assert "文件“yuebao-2025-01-03.xlsx”，工作表“工业处2”，第6行，单元格C6：增速不是数字（“abc”）" in msgs
    assert "文件“yuebao-2025-01-03.xlsx”，工作表“工业处2”，第7行，单元格D7：排名不是正整数（“第一”）" in msgs
    assert len(msgs) == 2
    # the good cells of a row with a bad cell are still imported and traceable
    shuang = next(o for o in res.observations if o.sheet == "工业处2" and o.region_name == "双清")
    assert shuang.growth is None and shuang.value == 4 and shuang.published_rank == 1
    assert shuang.month == 2 and shuang.year == 2025  # sheet period 1-2月, year from the file name


def test_synthetic_unknown_sheet_and_indicator(synthetic):
    res = parse_workbook(synthetic)
    assert dict(res.skipped_sheets)["杂表"].startswith("无法识别表头")
    unknown = [o for o in res.observations if o.sheet == "神秘表"]
    assert unknown and all(o.indicator_code is None for o in unknown)
    assert any("某某新指标" in str(w) and "不在指标目录中" in str(w) for w in res.warnings)


@pytest.mark.filterwarnings("ignore:Unable to read chart")
def test_corrupted_copy_of_real_workbook(tmp_path):
    if not REAL.exists():
        pytest.skip("real workbook not available")
    p = tmp_path / "shaoyang-yuebao-2025-01-03.xlsx"
    shutil.copy(REAL, p)
    wb = load_workbook(p)
    wb["23核算处1"]["C7"] = "五点八"  # growth of 大祥
    wb["42贸外处1"]["D9"] = 5.5  # non-integer rank of 新邵
    wb["33投资处1"]["B3"] = None  # drop the sheet's period -> falls back to the workbook period
    wb.save(p)
    res = parse_workbook(p)
    msgs = [str(e) for e in res.errors]
    assert msgs == [
        "文件“shaoyang-yuebao-2025-01-03.xlsx”，工作表“23核算处1”，第7行，单元格C7：增速不是数字（“五点八”）",
        "文件“shaoyang-yuebao-2025-01-03.xlsx”，工作表“42贸外处1”，第9行，单元格D9：排名不是正整数（“5.5”）",
    ]
    assert any(w.sheet == "33投资处1" and "按工作簿期间2025年1-3月处理" in str(w) for w in res.warnings)
    assert res.sheet_periods["33投资处1"] == (2025, 3)


def test_unreadable_file(tmp_path):
    p = tmp_path / "broken.xlsx"
    p.write_bytes(b"not a zip")
    res = parse_workbook(p)
    assert res.observations == [] and "无法打开工作簿" in str(res.errors[0])


def test_per_county_indicator_sheet(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "邵阳县"
    ws["A1"] = "邵阳县主要经济指标"
    ws["A3"], ws["B3"] = "指  标", "2025年1-2月"
    ws["B4"], ws["C4"] = "绝对额(万元)", "增速(%)"
    ws.merge_cells("A3:A4")
    ws.append(["地区生产总值", 515627.8, 6.3])
    ws.append(["规模工业增加值", None, 7.55])
    ws.append(["其中：某细项", 1, 2])
    p = tmp_path / "county.xlsx"
    wb.save(p)
    res = parse_workbook(p)
    assert res.errors == []
    assert [(o.region_name, o.indicator_code, o.year, o.month, o.cells.get("growth")) for o in res.observations] == [
        ("邵阳县", "gdp", 2025, 2, "C5"), ("邵阳县", "ind_va", 2025, 2, "C6")]
    assert res.observations[0].unit == "万元"
    assert [(s.row, s.reason) for s in res.skipped_rows] == [(7, "指标未在目录中")]


def test_formula_without_cached_value_is_an_error(tmp_path):
    wb = Workbook()
    wb.remove(wb.active)
    _county_sheet(wb, "23核算处1", "地区生产总值", rows=[
        ("全市", "=B6+B7", 6.3, None), ("双清", 400, 5.4, 2), ("大祥", 600, 6.6, 1)])
    p = tmp_path / "yuebao-2025-01-03.xlsx"
    wb.save(p)  # openpyxl stores no cached results
    res = parse_workbook(p)
    assert [str(e) for e in res.errors] == [
        "文件“yuebao-2025-01-03.xlsx”，工作表“23核算处1”，第5行，单元格B5：单元格是公式（=B6+B7）但文件中没有计算结果，"
        "请用Excel或WPS打开并保存后再导入"]


def test_quarter_periods():
    from diaodu.monitor.records import parse_period, parse_period_text
    assert parse_period_text("2025年一季度") == (2025, 3)
    assert parse_period_text("前三季度") == (None, 9)
    assert parse_period("2025年上半年") == (2025, 6)


def test_side_by_side_periods_are_not_guessed(tmp_path):
    wb = Workbook()
    wb.remove(wb.active)
    ws = _county_sheet(wb, "两期并列", "固定资产投资", header=("增速(%)", "增速(%)"), rows=[("双清", 1.0, 2.0)])
    ws.unmerge_cells("B3:C3")
    ws["B3"], ws["C3"] = "1-2月", "1-3月"
    p = tmp_path / "yuebao-2025-01-03.xlsx"
    wb.save(p)
    res = parse_workbook(p)
    assert res.observations == []
    assert res.skipped_sheets == [("两期并列", "表头有多个“增速”列（可能是多个期间或多个指标并排），无法确定取哪一列，未导入")]
