import datetime as dt

import openpyxl
import pytest

from diaodu.tasks.ledger import (
    LEDGER_COLUMNS,
    LedgerParseError,
    LedgerRow,
    parse_deadline_text,
    parse_ledger_xlsx,
    split_units,
    write_ledger_xlsx,
    write_template,
)
from diaodu.tasks.lifecycle import Status

D = dt.date

ROWS = [
    LedgerRow(content="加快推进重点项目开工建设，确保一季度新开工项目不少于30个", lead_unit="市发展改革委",
              deadline=D(2026, 3, 31), seq=1, assist_units=("市自然资源和规划局", "市住房城乡建设局"),
              section="一、稳增长", source_ref="第3段", status=Status.IN_PROGRESS, leader="王建国"),
    LedgerRow(content="举办汽车、家电专项促销活动", lead_unit="市商务局", deadline=D(2026, 5, 1), seq=2,
              section="二、促消费", source_ref="第7段", status=Status.PENDING),
    LedgerRow(content="常态化开展安全生产检查", lead_unit="市应急管理局", deadline=None, deadline_text="长期坚持", seq=3),
]


def test_round_trip(tmp_path):
    path = write_ledger_xlsx(ROWS, tmp_path / "台账.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert ws.title == "任务分解表"
    assert [c.value for c in ws[1]] == list(LEDGER_COLUMNS)
    back = parse_ledger_xlsx(path)
    assert len(back) == 3
    for orig, got in zip(ROWS, back):
        assert got.content == orig.content and got.lead_unit == orig.lead_unit
        assert got.deadline == orig.deadline and got.assist_units == orig.assist_units
        assert got.seq == orig.seq and got.section == orig.section and got.source_ref == orig.source_ref
        assert got.status == orig.status and got.leader == orig.leader
    assert back[0].row_number == 2 and back[2].deadline_text == "长期坚持"
    assert back[1].assist_units == () and back[2].status is None


def _speech_export(path, rows, title=True):
    """The speech parser's export: only the first 7 columns, optionally with a title row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    if title:
        ws.append(["2026年全市经济工作会议任务分解表"])
    ws.append(list(LEDGER_COLUMNS[:7]))
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_speech_parser_export_with_seven_columns(tmp_path):
    path = _speech_export(tmp_path / "s.xlsx", [
        [1, "推动专精特新企业培育", "市工业和信息化局", "市科技局，市财政局", dt.datetime(2026, 12, 31), "二、产业", "第5段"],
        [2, "完成年度新增建设用地报批", "市自然资源和规划局", None, "2026年6月底", "三、要素保障", "第9段"],
        [None, None, None, None, None, None, None],  # blank row skipped
        ["3", "年底前完成超低排放改造", "市生态环境局", "", "2026年底", "", ""],
    ])
    rows = parse_ledger_xlsx(path)
    assert [r.seq for r in rows] == [1, 2, 3]
    assert rows[0].assist_units == ("市科技局", "市财政局") and rows[0].deadline == D(2026, 12, 31)
    assert rows[1].deadline == D(2026, 6, 30) and rows[1].deadline_text == "2026年6月底" and rows[1].assist_units == ()
    assert rows[2].deadline == D(2026, 12, 31) and rows[2].section is None
    assert all(r.status is None and r.leader is None for r in rows)
    assert [r.row_number for r in rows] == [3, 4, 6]


def test_errors_name_file_sheet_row_and_cell(tmp_path):
    path = _speech_export(tmp_path / "坏表.xlsx", [
        [1, "", "市商务局", None, "2026-06-30", None, None],
        [2, "任务二", "", None, "2026-06-30", None, None],
        [3, "任务三", "市商务局", None, "尽快", None, None],
        ["三", "任务四", "市商务局、市财政局", None, "2026-02-30", None, None],
    ])
    with pytest.raises(LedgerParseError) as exc:
        parse_ledger_xlsx(path)
    issues = exc.value.issues
    msgs = [str(i) for i in issues]
    assert "文件「坏表.xlsx」工作表「Sheet1」第3行（B3单元格）：任务内容为空" in msgs
    assert "文件「坏表.xlsx」工作表「Sheet1」第4行（C4单元格）：牵头单位为空" in msgs
    assert any(m.startswith("文件「坏表.xlsx」工作表「Sheet1」第5行（E5单元格）：无法识别完成时限「尽快」") for m in msgs)
    assert any("第6行（C6单元格）：牵头单位只能填写一个" in m for m in msgs)
    assert any("第6行（E6单元格）：完成时限「2026-02-30」不是有效日期" in m for m in msgs)
    assert any("第6行（A6单元格）：序号「三」不是整数" in m for m in msgs)
    assert str(exc.value).startswith("任务分解表有6处错误")
    assert (issues[0].file, issues[0].sheet, issues[0].row, issues[0].cell) == ("坏表.xlsx", "Sheet1", 3, "B3")


def test_bad_status_and_missing_columns(tmp_path):
    path = write_ledger_xlsx(ROWS[:1], tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.active["H2"] = "搁置"
    wb.save(path)
    with pytest.raises(LedgerParseError, match=r"第2行（H2单元格）：无法识别的任务状态「搁置」"):
        parse_ledger_xlsx(path)

    wb = openpyxl.Workbook()
    wb.active.append(["序号", "任务内容", "牵头单位"])
    wb.active.append([1, "x", "y"])
    wb.save(tmp_path / "b.xlsx")
    with pytest.raises(LedgerParseError, match="第1行：缺少「完成时限」列"):
        parse_ledger_xlsx(tmp_path / "b.xlsx")

    wb = openpyxl.Workbook()
    wb.active.append(["随便", "什么"])
    wb.save(tmp_path / "c.xlsx")
    with pytest.raises(LedgerParseError, match="未找到表头"):
        parse_ledger_xlsx(tmp_path / "c.xlsx")


def test_not_an_xlsx(tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(LedgerParseError, match="文件「x.xlsx」.*无法作为 xlsx 文件打开"):
        parse_ledger_xlsx(bad)
    with pytest.raises(LedgerParseError, match="文件不存在"):
        parse_ledger_xlsx(tmp_path / "missing.xlsx")


def test_template(tmp_path):
    path = write_template(tmp_path / "模板.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["任务分解表", "填写说明"]
    ws = wb["任务分解表"]
    assert [c.value for c in ws[1]] == list(LEDGER_COLUMNS)
    assert ws.freeze_panes == "A2"
    dv = ws.data_validations.dataValidation[0]
    assert "待签收" in dv.formula1 and "已办结" in dv.formula1
    with pytest.raises(LedgerParseError, match="表头下没有任何任务"):
        parse_ledger_xlsx(path)
    # fill the template like a user would and import it
    ws.append([1, "任务", "市财政局", "市税务局", dt.date(2026, 7, 1), None, None, "推进中", "李明"])
    wb.save(path)
    [row] = parse_ledger_xlsx(path)
    assert row.status is Status.IN_PROGRESS and row.deadline == D(2026, 7, 1) and row.leader == "李明"


@pytest.mark.parametrize("text,year,expected", [
    ("2026-06-30", None, D(2026, 6, 30)),
    ("2026/6/30", None, D(2026, 6, 30)),
    ("2026.6.30", None, D(2026, 6, 30)),
    ("2026年6月30日前", None, D(2026, 6, 30)),
    ("2026年6月底", None, D(2026, 6, 30)),
    ("2026年2月", None, D(2026, 2, 28)),
    ("2026年底", None, D(2026, 12, 31)),
    ("2026年年底前", None, D(2026, 12, 31)),
    ("6月底前", 2026, D(2026, 6, 30)),
    ("9月15日", 2026, D(2026, 9, 15)),
    ("年底", 2026, D(2026, 12, 31)),
    ("长期坚持", None, None),
    ("持续推进", None, None),
])
def test_parse_deadline_text(text, year, expected):
    assert parse_deadline_text(text, year) == (expected, None)


def test_parse_deadline_text_errors():
    assert parse_deadline_text("6月底", None)[1] == "完成时限「6月底」未写年份"
    assert "无法识别" in parse_deadline_text("尽快", 2026)[1]
    assert parse_deadline_text("", 2026)[1] == "完成时限为空"


def test_split_units():
    assert split_units("市财政局、市税务局；市统计局,市商务局") == ("市财政局", "市税务局", "市统计局", "市商务局")
    assert split_units(None) == ()
