"""Deterministic demo data for the demo city (示范市): ~60 key projects with a year of
monthly reports and ~30 investment leads, as plain dataclasses.

Everything comes from ``random.Random(seed)``; the same arguments always give the same
data. Counties, units and leaders are parameters (the foundation passes its org tree);
the defaults are the 示范市 names.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .records import ZERO, MonthlyReport, Node, Problem, Project
from .pipeline import LEAD_STAGES, Lead, LeadEvent, advance
from .rules import add_months, month_end, month_of

DEFAULT_COUNTIES: tuple[str, ...] = ("甲县", "乙县", "丙县", "丁区", "戊区", "己县", "庚市", "辛县")
DEFAULT_LEADERS: tuple[str, ...] = ("张副市长", "李副市长", "王副市长", "赵副市长", "刘副市长",
                                    "陈常务副市长")
DEFAULT_UNITS: tuple[str, ...] = ("市发展和改革委员会", "市工业和信息化局", "市住房和城乡建设局",
                                  "市交通运输局", "市商务局", "市自然资源和规划局", "市农业农村局",
                                  "市生态环境局", "市科学技术局", "市重点项目建设工作专班")
# responsible unit of county-run projects; None = always pick from ``units``
DEFAULT_COUNTY_UNIT = "{county}人民政府"

# (kind, industry, chain, name templates, owner suffixes, total investment range 万元)
_KINDS: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...], tuple[int, int]], ...] = (
    ("工业", "新材料", "新型建材",
     ("年产{n|10,20,30,50,100}万吨新型建材项目",
      "年产{n|20,30,50,60}万立方米加气混凝土砌块项目",
      "{n|5,10,20}万吨高性能混凝土外加剂项目"),
     ("新材料科技有限公司", "建材有限公司"), (8000, 120000)),
    ("工业", "装备制造", "智能装备",
     ("年产{n|500,1000,2000,5000}台（套）智能装备制造项目",
      "{n|30,50,100,200}万套汽车零部件生产线项目",
      "高端数控机床产业园项目"),
     ("智能装备有限公司", "机械制造有限公司"), (10000, 150000)),
    ("工业", "电子信息", "电子元器件",
     ("年产{n|5,10,20,50}亿只电子元器件项目",
      "{n|60,100,120,200}万片柔性线路板生产项目"),
     ("电子科技有限公司", "光电科技有限公司"), (15000, 200000)),
    ("工业", "食品加工", "绿色食品",
     ("年产{n|3,5,10,20}万吨绿色食品精深加工项目",
      "{n|5,10,15,20}万吨冷链仓储及农产品加工项目"),
     ("食品有限公司", "农业发展有限公司"), (5000, 60000)),
    ("工业", "医药健康", "生物医药",
     ("{n|10,15,20,30}万平方米生物医药产业园项目",
      "年产{n|500,1000,2000,3000}吨原料药及制剂项目"),
     ("生物医药有限公司", "药业有限公司"), (10000, 100000)),
    ("工业", "新能源", "光伏储能",
     ("{n|50,100,150,200}兆瓦分布式光伏发电项目",
      "年产{n|2,5,10,20}GWh储能电池项目"),
     ("新能源有限公司", "能源科技有限公司"), (20000, 300000)),
    ("基础设施", "基础设施", "交通",
     ("{road}大道提质改造工程",
      "{county}至{county2}一级公路改扩建工程",
      "{road}路跨河大桥建设工程"),
     ("交通建设投资有限公司",), (20000, 400000)),
    ("基础设施", "城市更新", "市政",
     ("城区污水处理厂提标改造工程",
      "{road}片区老旧小区改造项目",
      "{river}河综合治理工程",
      "城区供水管网改造工程"),
     ("城市建设投资集团有限公司",), (8000, 150000)),
    ("民生", "社会民生", "教育医疗",
     ("{county}人民医院新院区建设项目",
      "{county}第{k}中学新建项目",
      "保障性租赁住房建设项目",
      "{county}职业教育实训基地项目"),
     ("城市建设投资集团有限公司",), (8000, 80000)),
    ("文旅", "文化旅游", "文旅康养",
     ("{place}文旅康养小镇项目",
      "{place}景区提质升级项目"),
     ("文化旅游发展有限公司",), (10000, 120000)),
    ("农业", "现代农业", "粮油",
     ("{n|3,5,8,10}万亩高标准农田建设项目",
      "{n|10,20,30,50}万头生猪标准化养殖项目"),
     ("农业发展有限公司",), (5000, 50000)),
    ("物流", "现代物流", "商贸物流",
     ("{county}现代物流园项目",
      "公铁联运物流港项目"),
     ("物流有限公司",), (15000, 150000)),
)
_ROADS = ("建设", "人民", "迎宾", "滨江", "文昌", "兴业", "长安", "和平", "振兴", "学府")
_RIVERS = ("青龙", "白沙", "清水", "玉带", "桃花")
_PLACES = ("云山", "凤凰湖", "龙潭", "桃源", "青石岭", "金沙滩")
_FIRMS = ("华鑫", "宏达", "恒信", "鼎盛", "金泰", "瑞丰", "天成", "华润通", "中联", "永兴", "德信", "国泰",
          "嘉禾", "盛世", "新希望", "海川")
_ORIGINS = ("深圳", "苏州", "杭州", "宁波", "东莞", "上海", "广州", "成都", "厦门", "无锡")
_NODES_BUILD = ("完成立项备案", "取得用地规划许可", "取得施工许可", "主体工程开工", "主体结构封顶",
                "设备安装调试", "竣工验收")
_NODES_PREP = ("完成可研批复", "完成环评批复", "完成土地摘牌", "取得施工许可")
_PROBLEMS = ("征地拆迁进度滞后，影响施工作业面移交", "项目用地指标未落实", "环评批复尚未取得",
             "融资到位困难，银行贷款审批未通过", "施工用电线路迁改未完成", "林地占用审批手续未办结",
             "水电气配套未到位", "施工许可证办理滞后", "已完成投资未及时申报入库", "投资凭证不全，无法纳统")
_LEAD_PRODUCTS: tuple[tuple[str, str, str], ...] = (
    ("年产{n|500,1000,3000}万件精密五金件项目", "装备制造", "智能装备"),
    ("{n|20,50,100}万套新能源汽车配件项目", "装备制造", "智能装备"),
    ("年产{n|10,30,50}万吨绿色建材项目", "新材料", "新型建材"),
    ("{n|5,10,20}万平方米智能制造产业园项目", "装备制造", "智能装备"),
    ("年产{n|30,50,100}万台家用电器项目", "电子信息", "电子元器件"),
    ("预制菜中央厨房项目", "食品加工", "绿色食品"),
    ("年产{n|2,5,10}万吨锂电池正极材料项目", "新能源", "光伏储能"),
    ("跨境电商产业园项目", "现代物流", "商贸物流"),
    ("{n|5,10,20}万吨农产品冷链物流项目", "现代物流", "商贸物流"),
    ("{n|50,100,200}万片光伏组件项目", "新能源", "光伏储能"),
)

_UNIT_HINTS = {"工业": ("工业和信息化", "科学技术"), "交通": ("交通",), "市政": ("住房",),
               "民生": ("住房", "发展和改革"),
               "文旅": ("文化", "发展和改革"), "农业": ("农业",), "物流": ("商务",)}


def _unit_for(rng: random.Random, kind: str, chain: str, units: list[str]) -> str:
    """A plausible responsible unit: one whose name matches the project kind, if any."""
    hints = _UNIT_HINTS.get(chain) or _UNIT_HINTS.get(kind) or ()
    fits = [u for u in units if any(h in u for h in hints)]
    if fits and rng.random() < 0.8:
        return rng.choice(fits)
    return rng.choice(units)


_Q1 = Decimal("0.1")
_Q2 = Decimal("0.01")


@dataclass
class DemoData:
    year: int
    last_month: str                          # last reported month, "YYYY-MM"
    projects: list[Project] = field(default_factory=list)
    leads: list[Lead] = field(default_factory=list)
    lead_events: list[LeadEvent] = field(default_factory=list)


def _money(x: float, q: Decimal = _Q1) -> Decimal:
    return Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP)


def _day(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randint(0, (end - start).days))


def generate_demo(seed: int = 20250101, *, year: int = 2025, last_month: int = 12,
                  counties: Sequence[str] = DEFAULT_COUNTIES, units: Sequence[str] = DEFAULT_UNITS,
                  leaders: Sequence[str] = DEFAULT_LEADERS, n_projects: int = 60,
                  n_leads: int = 30, county_unit: str | None = DEFAULT_COUNTY_UNIT) -> DemoData:
    """Generate the demo city's projects (monthly reports January..``last_month`` of
    ``year``) and leads (with their audit events). Deterministic for given arguments.

    The responsible unit (责任单位, the unit that files monthly reports) of 县重点 projects
    and of about a third of the others is ``county_unit.format(county=...)`` (e.g.
    甲县人民政府); the rest, and all problem units, are picked from ``units``."""
    if not counties or not units or not leaders:
        raise ValueError("counties, units and leaders must not be empty")
    rng = random.Random(seed)
    last = f"{year:04d}-{last_month:02d}"
    as_of = month_end(last)
    data = DemoData(year, last)
    used_names: set[str] = set()
    for i in range(1, n_projects + 1):
        p = _project(rng, i, year, last, as_of, list(counties), list(units), list(leaders), used_names)
        if county_unit and ("县重点" in p.lists or rng.random() < 0.33):
            p.unit = county_unit.format(county=p.county)
        data.projects.append(p)
    for i in range(1, n_leads + 1):
        lead, events = _lead(rng, i, year, as_of, list(counties), list(units), list(leaders))
        data.leads.append(lead)
        data.lead_events.extend(events)
    return data


def _fill(rng: random.Random, template: str, county: str, counties: list[str]) -> str:
    others = [c for c in counties if c != county] or [county]
    m = re.search(r"\{n\|([0-9,]+)\}", template)
    n = ""
    if m:
        n = rng.choice(m.group(1).split(","))
        template = template.replace(m.group(0), "{n}")
    return template.format(n=n,
                           k=rng.choice(("二", "三", "五", "六", "八")), road=rng.choice(_ROADS),
                           river=rng.choice(_RIVERS), place=rng.choice(_PLACES),
                           county=county, county2=rng.choice(others))


def _project(rng: random.Random, i: int, year: int, last: str, as_of: date, counties: list[str],
             units: list[str], leaders: list[str], used: set[str]) -> Project:
    county = counties[(i - 1) % len(counties)] if i <= len(counties) else rng.choice(counties)
    kind, industry, chain, templates, owner_suffixes, (lo, hi) = rng.choice(_KINDS)
    for _ in range(20):
        name = _fill(rng, rng.choice(templates), county, counties)
        if name not in used:
            break
    else:
        name = f"{county}{name}" if not name.startswith(county) else f"{name}（二期）"
    used.add(name)
    if kind == "工业" or kind == "物流":
        place = county[:-1] if len(county) > 2 else county
        owner = f"{place}{rng.choice(_FIRMS)}{rng.choice(owner_suffixes)}"
    else:
        owner = f"{county}{rng.choice(owner_suffixes)}"
    total = Decimal(rng.randrange(lo, hi, 100))

    # lists: one level, sometimes 重中之重 / a batch
    r = rng.random()
    level = "省重点" if r < 0.18 else ("市重点" if r < 0.68 else "县重点")
    lists = [level]
    if level != "县重点" and rng.random() < 0.15:
        lists.append("重中之重")
    if rng.random() < 0.25:
        lists.append("五个一批")

    # timeline class
    y0 = date(year, 1, 1)
    r = rng.random()
    planned_start = actual_start = planned_completion = actual_completion = None
    if r < 0.45:                                  # 续建: started in an earlier year
        planned_start = _day(rng, date(year - 2, 3, 1), date(year - 1, 10, 31))
        actual_start = planned_start + timedelta(days=rng.randint(0, 40))
        planned_completion = _day(rng, date(year, 3, 1), date(year + 1, 9, 30))
        if planned_completion <= as_of and rng.random() < 0.7:
            actual_completion = min(as_of, planned_completion + timedelta(days=rng.randint(-20, 30)))
    elif r < 0.82:                                # 新开工 this year
        planned_start = _day(rng, date(year, 2, 1), date(year, 10, 31))
        roll = rng.random()
        if roll < 0.75:
            actual_start = planned_start + timedelta(days=rng.randint(-10, 45))
        elif roll < 0.85:
            actual_start = planned_start - timedelta(days=rng.randint(15, 40))
        if actual_start is not None and actual_start > as_of:
            actual_start = None
        planned_completion = _day(rng, date(year + 1, 3, 1), date(year + 3, 12, 31))
        batch = ("集中开工第一批" if planned_start.month <= 4 else
                 "集中开工第二批" if planned_start.month <= 7 else "集中开工第三批")
        lists.append(batch)
    else:                                         # 前期 / 储备
        if rng.random() < 0.7:
            planned_start = _day(rng, date(year, 9, 1), date(year + 1, 6, 30))
        planned_completion = None if planned_start is None else _day(
            rng, date(year + 1, 6, 1), date(year + 3, 12, 31))
    if actual_completion:
        stage = "投产" if kind == "工业" and rng.random() < 0.5 else "竣工"
    elif actual_start and actual_start <= as_of:
        stage = "新开工" if actual_start >= y0 else "续建"
    else:
        stage = "前期" if planned_start else "储备"

    # annual plan
    if stage in ("储备",):
        annual_plan = ZERO
    elif stage == "前期":
        annual_plan = (total * Decimal(rng.choice(("0.05", "0.08", "0.1")))).quantize(Decimal(1))
    else:
        begin = max(planned_start or y0, y0)
        finish = min(planned_completion or date(year, 12, 31), date(year, 12, 31))
        share_of_year = max(min(((finish - begin).days + 1) / 365, 1.0), 0.15)
        annual_plan = (total * Decimal(str(rng.uniform(0.25, 0.5) * share_of_year))).quantize(Decimal(10))
        if actual_completion is not None:
            annual_plan = min(annual_plan, total)

    # monthly reports January..last
    months = [add_months(f"{year:04d}-01", k) for k in range(int(last[5:]))]
    perf = rng.uniform(0.7, 1.2)
    stalled = stage in ("新开工", "续建") and rng.random() < 0.08
    reg_mode = rng.random()
    if stage in ("储备", "前期"):
        reg_ratio, reg_from = 0.0, None
    elif reg_mode < 0.10:                          # big 入库 gap: done but barely registered
        reg_ratio, reg_from = 0.1, months[0]
    elif reg_mode < 0.18:                          # not yet registered at all
        reg_ratio, reg_from = 0.0, None
    else:
        reg_ratio = rng.uniform(0.85, 1.0)
        reg_from = months[rng.randint(0, min(3, len(months) - 1))]
    weights = [0.6, 0.6, 1.0, 1.1, 1.1, 1.2, 1.1, 1.0, 1.1, 1.1, 1.0, 1.1]
    # the annual plan is spread over the project's active months of the whole year, so a
    # part-year demo (last_month < 12) shows a realistic part of it
    year_months = [add_months(f"{year:04d}-01", k) for k in range(12)]
    active = [m for m in year_months
              if actual_start is not None and m >= month_of(actual_start)
              and (actual_completion is None or m <= month_of(actual_completion))]
    wsum = sum(weights[int(m[5:]) - 1] for m in active) or 1.0
    reports: list[MonthlyReport] = []
    for m in months:
        amount = ZERO
        if m in active and annual_plan > 0:
            share = weights[int(m[5:]) - 1] / wsum
            amount = _money(float(annual_plan) * share * perf * rng.uniform(0.7, 1.3))
            if stalled and m > add_months(last, -4):
                amount = ZERO
        registered = ZERO
        if reg_from is not None and m >= reg_from and amount > 0:
            registered = _money(float(amount) * reg_ratio)
        if amount == 0 and registered == 0 and actual_start is None:
            continue                               # nothing to report before start
        progress = ""
        if amount > 0:
            progress = rng.choice(("基础施工", "主体施工", "主体结构施工", "设备安装", "配套工程施工",
                                   "装饰装修", "场地平整", "管网铺设"))
        elif actual_start is not None:
            progress = "停工待料" if stalled else "暂无新增投资"
        reports.append(MonthlyReport(m, amount, progress, registered))
    reg_amount = sum((x.registered for x in reports), ZERO)
    first_reg = next((x.month for x in reports if x.registered > 0), None)
    reg_status = "已入库" if first_reg else ("申报中" if actual_start and rng.random() < 0.5 else "未入库")
    reg_date = None
    if first_reg:
        reg_date = date(int(first_reg[:4]), int(first_reg[5:]), rng.randint(5, 25))

    # nodes
    nodes: list[Node] = []
    if actual_start is None:
        names = list(_NODES_PREP)
        base = planned_start or date(year + 1, 3, 1)
        span_start = base - timedelta(days=200)
        span_end = base
    else:
        names = list(_NODES_BUILD[rng.randint(0, 2):])
        span_start = actual_start - timedelta(days=60)
        span_end = planned_completion or (actual_start + timedelta(days=700))
    picks = sorted(rng.sample(range(len(names)), k=min(len(names), rng.randint(3, 5))))
    step = max((span_end - span_start).days // (len(picks) + 1), 1)
    for k, idx in enumerate(picks, start=1):
        planned = span_start + timedelta(days=step * k + rng.randint(-10, 10))
        done = None
        if planned <= as_of and rng.random() < 0.78:
            done = min(as_of, planned + timedelta(days=rng.randint(-15, 25)))
        nodes.append(Node(names[idx], planned, done))
    # 竣工验收 is the completion itself: planned with the completion, done only when completed
    for n in nodes:
        if n.name == "竣工验收":
            n.planned_date = planned_completion or n.planned_date
            n.done_date = actual_completion

    # problems
    problems: list[Problem] = []
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        text = rng.choice(_PROBLEMS)
        if any(q.text == text for q in problems):
            continue
        deadline = _day(rng, as_of - timedelta(days=60), as_of + timedelta(days=90))
        status = rng.choice(("待解决", "解决中", "解决中", "已解决"))
        problems.append(Problem(text, rng.choice(units), deadline, status))
    if reg_ratio == 0.1 and not any("入库" in q.text for q in problems):
        problems.append(Problem("已完成投资未及时申报入库", rng.choice(units),
                                as_of + timedelta(days=30), "待解决"))

    latest = next((x.progress for x in reversed(reports) if x.progress), "")
    if stage == "竣工":
        latest = "已竣工验收"
    elif stage == "投产":
        latest = "已竣工投产"
    elif stage == "前期":
        latest = rng.choice(("办理用地手续", "可研编制中", "环评审批中", "施工图设计中"))
    elif stage == "储备":
        latest = "项目谋划储备"

    return Project(
        code=f"XM{year}{i:03d}", name=name, county=county, lists=tuple(lists), stage=stage,
        industry=industry, chain=chain, owner=owner, unit=_unit_for(rng, kind, chain, units),
        leader=rng.choice(leaders),
        total_investment=total, annual_plan=annual_plan, planned_start=planned_start,
        actual_start=actual_start, planned_completion=planned_completion,
        actual_completion=actual_completion, progress=latest, reg_status=reg_status, reg_date=reg_date,
        reg_amount=reg_amount, nodes=nodes, problems=problems, monthly=reports,
    )


_FUNDS_SHARE = {"在谈": (0.0, 0.0), "签约": (0.0, 0.1), "注册": (0.05, 0.3), "开工": (0.2, 0.7),
                "投产": (0.6, 1.0)}


def _lead(rng: random.Random, i: int, year: int, as_of: date, counties: list[str], units: list[str],
          leaders: list[str]) -> tuple[Lead, list[LeadEvent]]:
    county = rng.choice(counties)
    origin, firm = rng.choice(_ORIGINS), rng.choice(_FIRMS)
    investor = f"{origin}{firm}{rng.choice(('实业', '科技', '集团', '控股'))}有限公司"
    template, industry, chain = rng.choice(_LEAD_PRODUCTS)
    name = f"{firm}{_fill(rng, template, county, counties)}"
    contract = Decimal(rng.randrange(3000, 300000, 500))
    target = rng.choices(LEAD_STAGES, weights=(4, 6, 6, 8, 6))[0]
    if target in ("开工", "投产"):
        talk = _day(rng, date(year - 2, 3, 1), date(year - 1, 6, 30))
    else:
        talk = _day(rng, date(year - 1, 6, 1), date(year, 9, 30))
    lead = Lead(code=f"ZS{year}{i:03d}", name=name, county=county, investor=investor,
                industry=industry, chain=chain, unit=rng.choice(units), leader=rng.choice(leaders),
                stage="在谈", contract_amount=contract, talk_date=talk)
    events: list[LeadEvent] = []
    gaps = {"签约": (20, 120), "注册": (10, 60), "开工": (30, 150), "投产": (120, 300)}
    d = talk
    actor = f"{county}招商服务中心"
    for stage in LEAD_STAGES[1:LEAD_STAGES.index(target) + 1]:
        d = d + timedelta(days=rng.randint(*gaps[stage]))
        if d > as_of:
            break
        lead, ev = advance(lead, stage, d, actor, today=as_of)
        events.append(ev)
    lo, hi = _FUNDS_SHARE[lead.stage]
    lead.funds_in_place = _money(float(contract) * rng.uniform(lo, hi), Decimal(1))
    return lead, events
