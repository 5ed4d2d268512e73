"""Ledger workbook: template, export → import round trip, Chinese error messages."""

from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from diaodu.projects.demo import generate_demo
from diaodu.projects.ledger_xlsx import (
    PROJECT_COLUMNS,
    LedgerError,
    ledger_warnings,
    parse_date,
    parse_ledger,
    parse_month,
    write_ledger,
    write_template,
)
from diaodu.projects.records import (
    PROBLEM_STATUSES,
    REG_STATUSES,
    STAGES,
    MonthlyReport,
    Node,
    Problem,
    Project,
)


def test_template_has_the_export_layout(tmp_path):
    t = write_template(tmp_path / "模板.xlsx")
    wb = load_workbook(t)
    assert wb.sheetnames == ["项目", "节点", "问题", "月度", "说明"]
    heads = [c.value for c in wb["项目"][1]]
    assert heads == [h for h, *_ in PROJECT_COLUMNS]
    assert heads[10] == "总投资(万元)"                 # column K
    assert [c.value for c in wb["月度"][1]] == ["项目编码", "月份", "本月完成投资(万元)", "形象进度", "入库金额(万元)"]
    assert [c.value for c in wb["节点"][1]] == ["项目编码", "节点名称", "计划日期", "完成日期"]
    assert [c.value for c in wb["问题"][1]] == ["项目编码", "问题", "责任单位", "时限", "状态"]
    assert parse_ledger(t) == []
    # the export of nothing is byte-for-byte the same layout
    e = write_ledger([], tmp_path / "空.xlsx")
    assert [ws.title for ws in load_workbook(e)] == wb.sheetnames


def test_demo_round_trip(tmp_path):
    demo = generate_demo()
    path = write_ledger(demo.projects, tmp_path / "台账.xlsx")
    back = parse_ledger(path)
    assert back == demo.projects
    # and again: export of the import is the same data
    assert parse_ledger(write_ledger(back, tmp_path / "台账2.xlsx")) == demo.projects
    assert ledger_warnings(back) == [] or all("项目" in w for w in ledger_warnings(back))


text = st.text(alphabet=st.sampled_from(list("甲乙丙项目建设工程大道改造年产万吨ABCxyz0123-_（）=#")),
               min_size=1, max_size=12).map(str.strip).filter(bool)
opt_text = st.just("") | text
money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
opt_date = st.none() | st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


@st.composite
def project(draw, i):
    months = sorted(set(draw(st.lists(st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(2020, 2030),
                                                  st.integers(1, 12)), max_size=4))))
    return Project(
        code=f"P{i}", name=draw(text), county=draw(text),
        lists=tuple(draw(st.lists(text, unique=True, max_size=3))), stage=draw(st.sampled_from(STAGES)),
        industry=draw(opt_text), chain=draw(opt_text), owner=draw(opt_text), unit=draw(opt_text),
        leader=draw(opt_text), total_investment=draw(money), annual_plan=draw(money),
        planned_start=draw(opt_date), actual_start=draw(opt_date), planned_completion=draw(opt_date),
        actual_completion=draw(opt_date), progress=draw(opt_text), reg_status=draw(st.sampled_from(REG_STATUSES)),
        reg_date=draw(opt_date), reg_amount=draw(money),
        nodes=[Node(draw(text), draw(opt_date), draw(opt_date)) for _ in range(draw(st.integers(0, 2)))],
        problems=[Problem(draw(text), draw(opt_text), draw(opt_date), draw(st.sampled_from(PROBLEM_STATUSES)))
                  for _ in range(draw(st.integers(0, 2)))],
        monthly=[MonthlyReport(m, draw(money), draw(opt_text), draw(money)) for m in months])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 4).flatmap(lambda n: st.tuples(*[project(i) for i in range(n)])))
def test_any_ledger_round_trips(tmp_path, projects):
    projects = list(projects)
    path = write_ledger(projects, tmp_path / "rt.xlsx")
    assert parse_ledger(path) == projects


def test_date_and_month_spellings():
    for v in ("2025-03-01", "2025/3/1", "2025年3月1日", "2025.3.1", datetime(2025, 3, 1, 0, 0), date(2025, 3, 1),
              45717):
        assert parse_date(v) == date(2025, 3, 1), v
    assert parse_date(None) is None and parse_date("  ") is None
    for v in ("2025-03", "2025/3", "2025年3月", "2025-3", datetime(2025, 3, 15)):
        assert parse_month(v) == "2025-03", v


def _bad_workbook(tmp_path, edit):
    demo = generate_demo(n_projects=8, n_leads=0)
    path = write_ledger(demo.projects, tmp_path / "县报台账.xlsx")
    wb = load_workbook(path)
    edit(wb)
    wb.save(path)
    with pytest.raises(LedgerError) as e:
        parse_ledger(path)
    return e.value


def test_bad_amount_names_file_sheet_row_column_and_cell(tmp_path):
    err = _bad_workbook(tmp_path, lambda wb: wb["项目"].__setitem__("K7", "一千二百"))
    assert len(err.issues) == 1
    i = err.issues[0]
    assert (i.file, i.sheet, i.row, i.column, i.cell) == ("县报台账.xlsx", "项目", 7, "总投资(万元)", "K7")
    assert str(err) == ("文件“县报台账.xlsx”工作表“项目”第7行“总投资(万元)”列（K7单元格）："
                        "不是有效的金额：“一千二百”（单位万元，只填数字）")


def test_several_errors_are_all_reported(tmp_path):
    def edit(wb):
        ws = wb["项目"]
        ws["M3"] = "2025-02-30"            # 计划开工: no such day
        ws["D4"] = "在建"                   # 建设阶段 not allowed
        ws["B5"] = None                     # 项目名称 required
        ws["A6"] = ws["A2"].value           # duplicate code
        m = wb["月度"]
        m["C2"] = -5                        # negative month
        m["B3"] = "2025-13"                 # bad month
        m["A4"] = "NOPE"                    # unknown project
        m.append([m["A5"].value, m["B5"].value, 1])   # duplicate month
        wb["节点"]["C2"] = "明年"
    err = _bad_workbook(tmp_path, edit)
    msgs = [str(i) for i in err.issues]
    assert "工作表“项目”第3行“计划开工”列（M3单元格）：不是有效的日期：“2025-02-30”" in msgs[0]
    assert any("第4行“建设阶段”列（D4单元格）：建设阶段“在建”无效，应为：储备、前期、新开工、续建、竣工、投产" in m for m in msgs)
    assert any("第5行“项目名称”列（B5单元格）：“项目名称”不能为空" in m for m in msgs)
    assert any("第6行“项目编码”列（A6单元格）：项目编码“XM2025001”重复" in m for m in msgs)
    assert any("工作表“月度”第2行“本月完成投资(万元)”列（C2单元格）：金额不能为负数：-5" in m for m in msgs)
    assert any("工作表“月度”第3行“月份”列（B3单元格）：不是有效的月份：“2025-13”" in m for m in msgs)
    assert any("工作表“月度”第4行“项目编码”列（A4单元格）：项目编码“NOPE”在“项目”表中不存在" in m for m in msgs)
    assert any("月度数据重复（已在第5行）" in m for m in msgs)
    assert any(m.startswith("文件“县报台账.xlsx”工作表“节点”第2行“计划日期”列（C2单元格）") for m in msgs)


def test_missing_sheet_and_header(tmp_path):
    def edit(wb):
        del wb["月度"]
        wb["项目"]["K1"] = "总投资"          # alias without unit is accepted
        wb["项目"]["L1"] = "计划投资"         # unknown header → 年度计划投资 missing
    err = _bad_workbook(tmp_path, edit)
    assert [str(i) for i in err.issues] == ["文件“县报台账.xlsx”工作表“项目”第1行“年度计划投资(万元)”列：缺少表头“年度计划投资(万元)”"]

    def drop_projects(wb):
        del wb["项目"]
    err = _bad_workbook(tmp_path, drop_projects)
    assert [str(i) for i in err.issues] == ["文件“县报台账.xlsx”工作表“项目”：缺少工作表“项目”"]


def test_not_an_excel_file(tmp_path):
    p = tmp_path / "假的.xlsx"
    p.write_text("hello")
    with pytest.raises(LedgerError, match="文件“假的.xlsx”：无法读取 Excel 文件"):
        parse_ledger(p)


def test_columns_may_be_reordered_and_extra_columns_ignored(tmp_path):
    demo = generate_demo(n_projects=3, n_leads=0)
    path = write_ledger(demo.projects, tmp_path / "a.xlsx")
    wb = load_workbook(path)
    ws = wb["项目"]
    ws.move_range("A1:A4", cols=ws.max_column + 1)     # 项目编码 moved to the end
    ws["A1"] = "备注"
    wb.save(path)
    assert parse_ledger(path) == demo.projects


def test_list_names_with_separators_are_refused_on_export(tmp_path):
    p = generate_demo(n_projects=1, n_leads=0).projects[0]
    p.lists = ("省重点,第一批",)
    with pytest.raises(ValueError, match="清单名称不能包含"):
        write_ledger([p], tmp_path / "x.xlsx")
    p.lists = ("省重点",)
    p2 = Project(**{**p.__dict__, "name": "另一个"})
    with pytest.raises(ValueError, match="项目编码重复"):
        write_ledger([p, p2], tmp_path / "x.xlsx")
