"""Import → monthly reports → summary, with every number worked out by hand.

The ledger below is written cell by cell with openpyxl (not with write_ledger), using the
date and amount spellings a county clerk would type. Period: 2025-06 (序时进度 6/12 = 50%).
"""

from datetime import date, datetime
from decimal import Decimal as D

import pytest
from openpyxl import Workbook

from diaodu.projects.ledger_xlsx import parse_ledger
from diaodu.projects.records import MonthlyReport
from diaodu.projects.rules import (
    RulesConfig,
    competition_rank,
    cumulative_investment,
    overdue_nodes,
    project_status,
    rank_by,
    stalled_projects,
    summarize,
    total_row,
    validate_monthly,
)

HEAD = ["项目编码", "项目名称", "所属清单", "建设阶段", "所属产业", "产业链", "县市区", "业主单位", "责任单位",
        "联系市领导", "总投资(万元)", "年度计划投资(万元)", "计划开工", "实际开工", "计划竣工", "实际竣工",
        "形象进度", "入库状态", "入库日期", "入库金额(万元)"]

PROJECTS = [
    # code name lists stage industry chain county owner unit leader total plan ps as pc ac prog reg regdate regamt
    ["A1", "甲县年产10万吨新型建材项目", "省重点、集中开工第一批", "新开工", "新材料", "新型建材", "甲县",
     "甲县华鑫建材有限公司", "市工业和信息化局", "张副市长", 20000, "6,000", "2025-03-01", "2025/3/10",
     "2026年12月31日", None, "主体施工", "已入库", "2025-04-10", 1300],
    ["A2", "甲县人民大道提质改造工程", "市重点", "续建", "基础设施", "交通", "甲县", "甲县交通建设投资有限公司",
     "市交通运输局", "李副市长", 50000, 12000, datetime(2024, 5, 1), datetime(2024, 5, 20), "2026-06-30",
     None, "路基施工", "已入库", "2024-12-15", 10000],
    ["A3", "甲县第五中学新建项目", "市重点", "前期", "社会民生", "教育医疗", "甲县", "甲县城市建设投资集团有限公司",
     "市教育局", "李副市长", 8000, 2000, "2025-05-01", None, "2026-08-31", None, "施工图设计中", "未入库",
     None, None],
    ["B1", "乙县清水河综合治理工程", "省重点", "竣工", "城市更新", "市政", "乙县", "乙县城市建设投资集团有限公司",
     "市水利局", "张副市长", 30000, 10000, "2024-03-01", "2024-03-01", "2025-05-31", "2025-05-28",
     "已竣工验收", "已入库", "2025-01-20", 10000],
    ["B2", "乙县现代物流园项目", "县重点、集中开工第一批", "新开工", "现代物流", "商贸物流", "乙县",
     "乙县宏达物流有限公司", "市商务局", "王副市长", 12000, 4000, "2025-02-01", "2025-01-20", "2025-06-30",
     None, "停工待料", "申报中", None, 200],
    ["B3", "乙县高标准农田建设项目", "县重点", "新开工", "现代农业", "粮油", "乙县", "乙县农业发展有限公司",
     "市水利局", "王副市长", 5000, 2000, "2025-09-01", "2025-06-10", "2026-06-30", None, "场地平整",
     "已入库", "2025-06-20", 400],
]
NODES = [["A1", "取得施工许可", "2025-02-20", "2025-02-25"],
         ["A1", "主体结构封顶", "2025-06-15", None],          # overdue on 2025-06-30
         ["B1", "竣工验收", "2025-05-31", "2025-05-28"]]
PROBLEMS = [["B2", "融资到位困难，银行贷款审批未通过", "市金融办", "2025-07-31", "解决中"]]
MONTHLY = [  # code, month, amount, progress, registered
    ["A1", "2025-03", 500, "基础施工", 500], ["A1", "2025-04", 800, "", 800],
    ["A1", "2025-05", 1000, "", 0], ["A1", "2025-06", 1200, "主体施工", None],
    ["A2", "2024-12", 3000, "", 3000],   # last year: in 累计, not in 本年
    ["A2", "2025-01", 1000, "", 1000], ["A2", "2025-02", 1000, "", 1000], ["A2", "2025-03", 1500, "", 1500],
    ["A2", "2025-04", 1500, "", 1500], ["A2", "2025-05", 1000, "", 1000], ["A2", "2025/6", 1000, "", 1000],
    ["B1", "2025-01", 2000, "", 2000], ["B1", "2025-02", 2000, "", 2000], ["B1", "2025-03", 2000, "", 2000],
    ["B1", "2025年4月", 2000, "", 2000], ["B1", datetime(2025, 5, 1), 2000, "竣工", 2000],
    ["B2", "2025-01", 1000, "", 100], ["B2", "2025-02", 1000, "", 100], ["B2", "2025-03", 1000, "", 0],
    ["B2", "2025-04", 0, "停工", 0], ["B2", "2025-05", 0, "停工", 0], ["B2", "2025-06", 0, "停工", 0],
    ["B3", "2025-06", 400, "场地平整", 400],
    ["A2", "2025-07", 999, "", 999],     # after the period: ignored by the 2025-06 summary
]


def _sheet(wb, title, head, rows):
    ws = wb.create_sheet(title)
    ws.append(head)
    for r in rows:
        ws.append(r)


@pytest.fixture
def ledger(tmp_path):
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "项目", HEAD, PROJECTS)
    _sheet(wb, "节点", ["项目编码", "节点名称", "计划日期", "完成日期"], NODES)
    _sheet(wb, "问题", ["项目编码", "问题", "责任单位", "时限", "状态"], PROBLEMS)
    _sheet(wb, "月度", ["项目编码", "月份", "本月完成投资（万元）", "形象进度", "入库金额（万元）"], MONTHLY)
    path = tmp_path / "甲乙两县台账.xlsx"
    wb.save(path)
    return parse_ledger(path)


def test_parsed_fields(ledger):
    by = {p.code: p for p in ledger}
    assert list(by) == ["A1", "A2", "A3", "B1", "B2", "B3"]
    a1 = by["A1"]
    assert a1.lists == ("省重点", "集中开工第一批")
    assert a1.annual_plan == D(6000)                      # "6,000" as text
    assert a1.actual_start == date(2025, 3, 10)             # "2025/3/10"
    assert a1.planned_completion == date(2026, 12, 31)      # "2026年12月31日"
    assert by["A2"].planned_start == date(2024, 5, 1)       # Excel date
    assert by["A3"].reg_amount == 0 and by["A3"].actual_start is None
    assert [m.month for m in by["B1"].monthly] == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"]
    assert by["A2"].monthly[-1].month == "2025-07" and by["A2"].monthly[0].month == "2024-12"
    assert by["B2"].problems[0].status == "解决中"
    # 累计完成投资 is derived: A2 = 3000 (2024-12) + 7000 (2025-01..06) = 10000 through June
    assert cumulative_investment(by["A2"], "2025-06") == D(10000)
    assert cumulative_investment(by["A2"]) == D(10999)


def test_county_summary_by_hand(ledger):
    rows = {r.key: r for r in summarize(ledger, "2025-06")}
    jia, yi = rows["甲县"], rows["乙县"]

    # 甲县: plan 6000 + 12000 + 2000 = 20000
    #       本年完成 A1 500+800+1000+1200 = 3500; A2 1000+1000+1500+1500+1000+1000 = 7000; A3 0 → 10500
    #       完成率 10500/20000 = 52.50%; 序时 50% → +2.50 pp
    assert jia.projects == 3
    assert jia.annual_plan == D(20000) and jia.ytd_completed == D(10500)
    assert jia.completion_rate == D("0.5250") and jia.schedule_progress == D("0.5000")
    assert jia.schedule_gap_pp == D("2.50")
    #       累计 = 3500 + (3000 + 7000) = 13500
    assert jia.cumulative_completed == D(13500)
    #       开工: due A1 (3-01), A2 (2024-05-01), A3 (5-01) = 3; started A1, A2 = 2 → 66.67%
    assert (jia.due_to_start, jia.started, jia.started_early) == (3, 2, 0)
    assert jia.start_rate == D("0.6667")
    #       竣工: none due → rate None
    assert (jia.due_to_complete, jia.completed, jia.completion_count_rate) == (0, 0, None)
    #       入库: A1 500+800+0+0 = 1300; A2 7000 (2024-12 not in 本年) → 8300
    #       入库率 8300/10500 = 0.790476… → 79.05%; gap 2200 ≥ 500 and < 80% → flagged
    assert jia.ytd_registered == D(8300) and jia.registration_rate == D("0.7905")
    assert jia.registration_gap == D(2200) and jia.gap_flag is True
    #       per project: A1 1300/3500 = 37.14%, gap 2200 → flagged; A2 100% → not; A3 nothing done
    assert jia.gap_projects == 1
    assert jia.overdue_nodes == 1 and jia.stalled == 0

    # 乙县: plan 10000 + 4000 + 2000 = 16000; 本年 10000 + 3000 + 400 = 13400
    #       完成率 13400/16000 = 83.75% → +33.75 pp
    assert yi.annual_plan == D(16000) and yi.ytd_completed == D(13400)
    assert yi.completion_rate == D("0.8375") and yi.schedule_gap_pp == D("33.75")
    #       开工: due B1, B2 (B3 due 9-01) → 2, both started → 100%; B3 started early → 1
    assert (yi.due_to_start, yi.started, yi.started_early, yi.start_rate) == (2, 2, 1, D("1.0000"))
    #       竣工: due B1 (5-31) and B2 (6-30); done B1 → 50%
    assert (yi.due_to_complete, yi.completed, yi.completion_count_rate) == (2, 1, D("0.5000"))
    #       入库 10000 + 200 + 400 = 10600; 10600/13400 = 0.791044… → 79.10%; gap 2800 → flagged
    assert yi.ytd_registered == D(10600) and yi.registration_rate == D("0.7910")
    assert yi.registration_gap == D(2800) and yi.gap_flag is True
    #       B2: 200/3000 = 6.67%, gap 2800 → flagged; B1 100%; B3 100%
    assert yi.gap_projects == 1
    #       B2 started 2025-01-20, nothing in 2025-04..06, not completed → stalled (N = 3)
    assert yi.stalled == 1 and yi.overdue_nodes == 0

    tot = total_row(ledger, "2025-06")
    # 合计: 23900 / 36000 = 0.663888… → 66.39%, gap +16.39 pp; 开工 4/5 = 80%;
    #       入库 18900/23900 = 0.790794… → 79.08%; gap 5000 → flagged
    assert tot.ytd_completed == D(23900) and tot.completion_rate == D("0.6639")
    assert tot.schedule_gap_pp == D("16.39")
    assert (tot.due_to_start, tot.started, tot.start_rate) == (5, 4, D("0.8000"))
    assert tot.registration_rate == D("0.7908") and tot.gap_flag is True and tot.gap_projects == 2


def test_thresholds_are_configurable(ledger):
    # with 入库率 threshold 79%: 甲县 79.05% and 乙县 79.10% are no longer flagged; A1 (37%) still is
    cfg = RulesConfig(reg_rate_threshold=D("0.79"))
    rows = {r.key: r for r in summarize(ledger, "2025-06", config=cfg)}
    assert rows["甲县"].gap_flag is False and rows["乙县"].gap_flag is False
    assert rows["甲县"].gap_projects == 1
    # with a 3000 万元 amount threshold nothing is flagged (largest gap is B2's 2800)
    rows = {r.key: r for r in summarize(ledger, "2025-06", config=RulesConfig(reg_gap_threshold=D(3000)))}
    assert rows["乙县"].gap_projects == 0 and rows["乙县"].gap_flag is False
    # stalled needs 4 empty months with N = 4: B2 had 1000 in March → not stalled
    assert stalled_projects(ledger, "2025-06", RulesConfig(stall_months=4)) == []
    assert [p.code for p in stalled_projects(ledger, "2025-06")] == ["B2"]


def test_list_and_leader_summaries(ledger):
    lists = {r.key: r for r in summarize(ledger, "2025-06", by="list")}
    # 省重点 = A1 + B1: plan 16000, 本年 3500 + 10000 = 13500 → 84.375% → 0.8438
    assert lists["省重点"].projects == 2 and lists["省重点"].completion_rate == D("0.8438")
    # 集中开工第一批 = A1 + B2: plan 10000, 本年 6500 → 65%
    assert lists["集中开工第一批"].completion_rate == D("0.6500")
    leaders = {r.key: r for r in summarize(ledger, "2025-06", by="leader")}
    # 张副市长: A1 + B1 = 13500/16000; 李副市长: A2 + A3 = 7000/14000 = 50%; 王副市长: B2 + B3 = 3400/6000
    assert leaders["李副市长"].completion_rate == D("0.5000")
    assert leaders["王副市长"].completion_rate == D("0.5667")
    ranked = rank_by(list(leaders.values()), lambda r: r.completion_rate)
    assert [(rk, r.key) for rk, r in ranked] == [(1, "张副市长"), (2, "王副市长"), (3, "李副市长")]
    assert competition_rank([D("0.5"), D("0.8"), D("0.8"), D("0.1")]) == [3, 1, 1, 4]


def test_overdue_nodes_and_project_status(ledger):
    od = overdue_nodes(ledger, date(2025, 6, 30))
    assert [(o.project_code, o.node.name, o.days_overdue) for o in od] == [("A1", "主体结构封顶", 15)]
    assert overdue_nodes(ledger, date(2025, 6, 15)) == []     # planned date itself is not overdue
    by = {p.code: p for p in ledger}
    st = project_status(by["A1"], "2025-06")
    # A1: 3500 / 6000 = 58.33%, +8.33 pp; 入库率 1300/3500 = 37.14%
    assert st.completion_rate == D("0.5833") and st.schedule_gap_pp == D("8.33")
    assert st.registration_rate == D("0.3714") and st.gap_flag and st.overdue_nodes == 1


def test_monthly_validation(ledger):
    by = {p.code: p for p in ledger}
    b3 = by["B3"]                                   # total 5000, 400 so far
    v = validate_monthly(b3, MonthlyReport("2025-07", D(-1)))
    assert not v.ok and v.errors == ["本月完成投资不能为负数（2025-07：-1万元）"]
    v = validate_monthly(b3, MonthlyReport("2025-07", D(4700)))
    assert v.ok and v.warnings == ["累计完成投资5100万元超过总投资5000万元，请核实"]
    # replacing June (400 → 4600) gives 4600 ≤ 5000: no warning
    assert validate_monthly(b3, MonthlyReport("2025-06", D(4600))).warnings == []
    v = validate_monthly(b3, MonthlyReport("2025-07", D(10)), reporter_unit="市商务局")
    assert v.errors == ["只能填报本单位负责的项目：项目“乙县高标准农田建设项目”的责任单位是“市水利局”"]
    v = validate_monthly(b3, MonthlyReport("2025-13", D(10)))
    assert v.errors == ["月份格式应为 YYYY-MM，收到“2025-13”"]
    v = validate_monthly(b3, MonthlyReport("2025-08", D(10)), today=date(2025, 7, 15))
    assert v.errors == ["不能填报未来月份（2025-08）"]


def test_presentation_of_the_hand_checked_numbers(ledger):
    from diaodu.projects.present import data_sentence, summary_table

    tot = total_row(ledger, "2025-06")
    # 总投资 20000+50000+8000+30000+12000+5000 = 125000 万元 = 12.50 亿元; plan 36000 = 3.60 亿元
    assert data_sentence(tot, "2025-06") == (
        "1-6月，全市6个重点项目总投资12.50亿元，年度计划投资3.60亿元；应开工5个、已开工4个，开工率80.0%；"
        "完成投资2.39亿元，占年度计划的66.4%，高于序时进度16.4个百分点；入库1.89亿元，入库率79.1%，入库缺口0.50亿元。")
    table = summary_table(summarize(ledger, "2025-06", order=["甲县", "乙县"]))
    assert table[0][:5] == ["县市区", "项目数", "年度计划投资(万元)", "本年完成投资(万元)", "完成率"]
    assert table[1][:7] == ["甲县", "3", "20,000.00", "10,500.00", "52.5%", "50.0%", "+2.50"]


def test_photo_limits_and_problem_to_task(ledger):
    from diaodu.projects.rules import problem_task_fields, validate_photo

    assert validate_photo("现场.JPG", 1024, b"\xff\xd8\xff\xe0") == []
    assert validate_photo("现场.png", 6 * 1024 * 1024) == ["照片“现场.png”大小6.0MB，超过5MB上限"]
    assert validate_photo("说明.pdf", 10) == ["照片“说明.pdf”格式不支持，只能上传 JPG、PNG 或 WEBP 图片"]
    assert validate_photo("假.png", 10, b"GIF89a") == ["照片“假.png”的内容与扩展名不符，不是有效的图片"]
    b2 = {p.code: p for p in ledger}["B2"]
    fields = problem_task_fields(b2, b2.problems[0])
    assert fields == {"content": "协调解决“乙县现代物流园项目”问题：融资到位困难，银行贷款审批未通过",
                      "lead_unit": "市金融办", "deadline": date(2025, 7, 31), "leader": "王副市长",
                      "source_ref": "重点项目 B2", "category": "重点项目问题"}


def test_project_alerts(ledger):
    from diaodu.projects.rules import project_alerts, projects_of_leader

    by = {p.code: p for p in ledger}
    # A3: not started, 0 of 2000 planned → 50 pp behind
    assert project_alerts(by["A3"], "2025-06") == ["应开未开（计划2025-05-01开工）",
                                                   "投资完成率0.0%，低于序时进度50.0个百分点"]
    # B2: due to complete 6-30, stalled, 3000/4000 = 75% (+25 pp, not behind), gap 2800 (6.7%)
    assert project_alerts(by["B2"], "2025-06") == [
        "应竣未竣（计划2025-06-30竣工）", "连续3个月无新增投资", "入库缺口2800万元（入库率6.7%）"]
    # A1 as of 2025-06: 58.33% vs 50% → fine; gap 2200 (37.1%); node overdue
    assert project_alerts(by["A1"], "2025-06") == ["入库缺口2200万元（入库率37.1%）", "1个节点逾期：主体结构封顶"]
    # B2's problem deadline 2025-07-31 has passed by 2025-08-15
    assert "1个问题超过时限未解决" in project_alerts(by["B2"], "2025-07", today=date(2025, 8, 15))
    # A2 as of 2025-03: 3500/12000 = 29.17% vs 25% → no alert
    assert project_alerts(by["A2"], "2025-03") == []
    assert [p.code for p in projects_of_leader(ledger, "王副市长")] == ["B2", "B3"]
