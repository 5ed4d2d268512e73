import datetime as dt

import docx
import pytest
from docx.oxml.ns import qn

from diaodu.tasks.bulletin import (
    BulletinInput,
    MemoInput,
    compute_unit_stats,
    rank_units,
    write_bulletin,
    write_followup_memo,
)
from diaodu.tasks.lifecycle import Status
from diaodu.tasks.records import TaskRecord

D = dt.date
TODAY = D(2026, 11, 24)  # November 2026 has no statutory holiday

ROWS = [
    TaskRecord("a1 按期办结的任务", "市发展改革委", D(2026, 11, 10), Status.CLOSED, id="a1", closed_on=D(2026, 11, 9)),
    TaskRecord("a2 超期办结的任务", "市发展改革委", D(2026, 10, 30), Status.CLOSED, id="a2", closed_on=D(2026, 11, 5)),
    TaskRecord("a3 未到期的任务", "市发展改革委", D(2026, 12, 31), Status.IN_PROGRESS, id="a3"),
    TaskRecord("a4 推进重点项目开工建设", "市发展改革委", D(2026, 11, 20), Status.IN_PROGRESS, id="a4"),
    TaskRecord("b1 举办促消费活动", "市商务局", D(2026, 11, 30), Status.CLOSED, id="b1", closed_on=D(2026, 11, 20)),
    TaskRecord("b2 跨境电商试验区", "市商务局", D(2026, 11, 26), Status.PENDING, id="b2"),
    TaskRecord("c1 盘活存量资金", "市财政局", D(2026, 11, 1), Status.CLOSE_REQUESTED, id="c1"),
    TaskRecord("c2 专项债券发行使用", "市财政局", D(2026, 11, 10), Status.IN_PROGRESS, id="c2",
               original_deadline=D(2026, 10, 31)),
    TaskRecord("d1 高标准农田建设", "市农业农村局", D(2027, 3, 31), Status.IN_PROGRESS, id="d1"),
]


def _east_asia(run):
    rfonts = run._element.rPr.find(qn("w:rFonts"))
    return rfonts.get(qn("w:eastAsia"))


def _table_values(table):
    return [[c.text for c in row.cells] for row in table.rows]


def test_unit_stats_and_ranking():
    stats = {s.unit: s for s in compute_unit_stats(ROWS, TODAY)}
    a = stats["市发展改革委"]
    assert (a.total, a.closed, a.in_progress, a.overdue, a.due, a.on_time_closed) == (4, 2, 1, 1, 3, 1)
    assert stats["市商务局"].on_time_rate == 1.0 and stats["市商务局"].due_soon == 1
    assert stats["市财政局"].on_time_rate == 0.0 and stats["市农业农村局"].on_time_rate is None
    ranking = rank_units(list(stats.values()))
    assert [(r, s.unit) for r, s in ranking] == [
        (1, "市商务局"), (2, "市发展改革委"), (3, "市财政局"), (None, "市农业农村局")]


def test_rank_ties_share_a_place():
    rows = [TaskRecord("x", u, D(2026, 11, 1), Status.CLOSED, closed_on=D(2026, 10, 1)) for u in ("甲局", "乙局", "丙局")]
    rows.append(TaskRecord("y", "丙局", D(2026, 11, 1), Status.IN_PROGRESS))
    ranks = [(r, s.unit) for r, s in rank_units(compute_unit_stats(rows, TODAY))]
    assert ranks == [(1, "甲局"), (1, "乙局"), (3, "丙局")]  # ties keep the unit order


def test_unit_order():
    order = ["市农业农村局", "市财政局"]
    units = [s.unit for s in compute_unit_stats(ROWS, TODAY, unit_order=order)]
    assert units == ["市农业农村局", "市财政局", "市发展改革委", "市商务局"]


@pytest.fixture
def bulletin_doc(tmp_path):
    path = write_bulletin(BulletinInput(period="2026-11", today=TODAY, tasks=ROWS), tmp_path / "通报.docx")
    return docx.Document(str(path))


def test_bulletin_tables(bulletin_doc):
    unit_table, rank_table, overdue_table = bulletin_doc.tables
    assert _table_values(unit_table) == [
        ["单位", "任务总数", "已办结", "推进中", "逾期", "按期办结率"],
        ["市发展改革委", "4", "2", "1", "1", "33.3%"],
        ["市商务局", "2", "1", "1", "0", "100.0%"],
        ["市财政局", "2", "0", "0", "2", "0.0%"],
        ["市农业农村局", "1", "0", "1", "0", "—"],
        ["合计", "9", "3", "3", "3", "33.3%"],
    ]
    assert _table_values(rank_table) == [
        ["名次", "单位", "按期办结率", "按期办结/应办结", "逾期"],
        ["1", "市商务局", "100.0%", "1/1", "0"],
        ["2", "市发展改革委", "33.3%", "1/3", "1"],
        ["3", "市财政局", "0.0%", "0/2", "2"],
        ["—", "市农业农村局", "—", "0/0", "0"],
    ]
    values = _table_values(overdue_table)
    assert values[0] == ["序号", "任务", "牵头单位", "完成时限", "逾期天数"]
    assert [r[1] for r in values[1:]] == ["c1 盘活存量资金", "c2 专项债券发行使用", "a4 推进重点项目开工建设"]
    assert [r[2] for r in values[1:]] == ["市财政局", "市财政局", "市发展改革委"]
    assert values[1][3] == "2026年11月1日"
    assert values[2][3] == "2026年11月10日（原2026年10月31日，已延期）"
    # calendar days and working days (Nov 2026: weekends only)
    assert [r[4] for r in values[1:]] == ["23天\n（17个工作日）", "14天\n（10个工作日）", "4天\n（2个工作日）"]


def test_bulletin_text_and_typography(bulletin_doc):
    paras = bulletin_doc.paragraphs
    texts = [p.text for p in paras]
    assert "〔2026〕X号" in texts
    title = next(p for p in paras if "督查情况的通报" in p.text)
    assert title.text.replace("\n", "") == "关于2026年11月重点工作任务督查情况的通报"
    assert title.alignment == 1  # centred
    assert all(_east_asia(r) == "方正小标宋简体" for r in title.runs)
    assert title.runs[0].font.size.pt == 22
    summary = next(t for t in texts if t.startswith("截至2026年11月24日，纳入督办的任务共9项"))
    assert "已办结3项（按期办结2项），推进中3项，逾期未办结3项" in summary
    assert "总体按期办结率为33.3%" in summary and "另有1项将在3个工作日内到期" in summary
    headings = [p for p in paras if p.text in ("一、总体情况", "二、各单位任务办理情况", "三、按期办结率排名",
                                               "四、逾期未办结任务", "五、有关要求")]
    assert len(headings) == 5 and all(_east_asia(p.runs[0]) == "黑体" for p in headings)
    body = next(p for p in paras if p.text.startswith("截至2026年11月24日，纳入"))
    assert _east_asia(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size.pt == 16
    assert "以下3项任务已超过完成时限仍未办结" in "".join(texts)
    assert texts[-1] == "2026年11月24日" and texts[-2] == "市人民政府督查室"
    sec = bulletin_doc.sections[0]
    mm = [round(x.mm, 1) for x in (sec.page_width, sec.page_height, sec.top_margin, sec.bottom_margin,
                                   sec.left_margin, sec.right_margin)]
    assert mm == [210, 297, 37, 35, 28, 26]
    # page number field in the footer
    assert "PAGE" in sec.footer._element.xml
    # table cells use the East Asian body font too
    cell_run = bulletin_doc.tables[0].rows[1].cells[0].paragraphs[0].runs[0]
    assert _east_asia(cell_run) == "仿宋_GB2312"


def test_bulletin_font_fallbacks_in_font_table(tmp_path):
    import zipfile
    path = write_bulletin(BulletinInput(period="2026-11", today=TODAY, tasks=ROWS), tmp_path / "b.docx")
    xml = zipfile.ZipFile(path).read("word/fontTable.xml").decode()
    assert 'w:name="方正小标宋简体"><w:altName w:val="黑体"/>' in xml
    assert 'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in xml


def test_bulletin_without_overdue(tmp_path):
    rows = [r for r in ROWS if r.id in ("a1", "b1", "b2")]
    doc = docx.Document(str(write_bulletin(BulletinInput("2026-Q4", TODAY, rows, doc_number="督查〔2026〕7号"),
                                           tmp_path / "x.docx")))
    texts = [p.text for p in doc.paragraphs]
    assert "本期无逾期未办结任务。" in texts and "督查〔2026〕7号" in texts
    assert any("2026年第四季度" in t for t in texts)
    assert len(doc.tables) == 2


def test_followup_memo(tmp_path):
    rows = [
        TaskRecord("开工重点项目30个", "市发展改革委", D(2026, 12, 31), id=1, assist_units=("市财政局", "市自然资源和规划局"),
                   leader="王建国"),
        TaskRecord("举办汽车促销活动", "市商务局", D(2026, 12, 15), id=2, leader="李明"),
        TaskRecord("常态化开展安全检查", "市应急管理局", None, id=3),
    ]
    path = write_followup_memo(MemoInput("全市经济运行调度会", D(2026, 11, 20), TODAY, rows), tmp_path / "m.docx")
    doc = docx.Document(str(path))
    assert doc.paragraphs[0].text == "会议议定事项督办单"
    meta, table = doc.tables
    assert _table_values(meta)[0] == ["会议名称", "全市经济运行调度会", "会议日期", "2026年11月20日"]
    assert _table_values(meta)[1] == ["议定事项", "3项", "责任领导", "李明、王建国"]
    values = _table_values(table)
    assert values[0] == ["序号", "议定事项", "牵头单位", "配合单位", "责任\n领导", "完成时限"]
    assert values[1:] == [
        ["1", "举办汽车促销活动", "市商务局", "—", "李明", "2026年12月15日"],
        ["2", "开工重点项目30个", "市发展改革委", "市财政局、市自然资源和规划局", "王建国", "2026年12月31日"],
        ["3", "常态化开展安全检查", "市应急管理局", "—", "—", "长期坚持"],
    ]
    text = "\n".join(p.text for p in doc.paragraphs)
    # sign-off within 2 working days of Tue 2026-11-24 -> Thu 11-26
    assert "请各牵头单位于2026年11月26日前在调度台签收" in text


def test_period_bounds():
    from diaodu.tasks.bulletin import period_bounds

    assert period_bounds("2026-02") == (D(2026, 2, 1), D(2026, 2, 28))
    assert period_bounds("2026-q4") == (D(2026, 10, 1), D(2026, 12, 31))
    with pytest.raises(ValueError, match="统计期「2026-13」格式不正确"):
        period_bounds("2026-13")
