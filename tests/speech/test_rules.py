import datetime as dt

import pytest

from diaodu.speech import parse
from diaodu.speech.deadlines import find_deadline
from diaodu.speech.normalise import normalise, paragraphs
from diaodu.speech.numerals import cn_to_int, parse_number
from diaodu.speech.units import find_units


def test_normalise_keeps_length():
    s = "增长８．８％（一）ＡＢ\u3000x"
    n = normalise(s)
    assert len(n) == len(s)
    assert n.startswith("增长8.8%")


def test_pdf_line_break_joins_paragraph():
    text = "各县区要加快推进项目建设，确保年底前全部开工并形成实物工作量，这是一个很长的句子\n继续写完。\n二、下一步"
    paras = paragraphs(normalise(text))
    assert len(paras) == 2


@pytest.mark.parametrize("s,v", [("一百", 100), ("十五", 15), ("二零二一", 2021), ("三千五百", 3500), ("两", 2)])
def test_cn_numerals(s, v):
    assert cn_to_int(s) == v


@pytest.mark.parametrize("s,v", [("8.8", 8.8), ("1 234", 1234), ("X", None), ("××", None), ("**", None),
                                 ("三点五", 3.5), ("8 . 8", 8.8)])
def test_parse_number(s, v):
    assert parse_number(s) == v


@pytest.mark.parametrize("s,q,d", [
    ("10月31日前完成", "10月31日前", "XXXX-10-31"),
    ("年底前必须完成", "年底前", "XXXX-12-31"),
    ("6月底前完成", "6月底前", "XXXX-06-30"),
    ("确保三季度末建成", "三季度末", "XXXX-09-30"),
    ("到“十四五”末，建成", "到“十四五”末", "2025-12-31"),
    ("X月底前完成", "X月底前", None),
    ("11月中旬前完成理赔", "11月中旬前", "XXXX-11-20"),
    ("2023年6月底前完成", "2023年6月底前", "2023-06-30"),
    ("最近要召开会议", "最近", None),
])
def test_deadlines(s, q, d):
    n = normalise(s)
    dl = find_deadline(s, n, 0, len(s))
    assert dl is not None and dl.quote == q and dl.date == d


@pytest.mark.parametrize("s", ["从8月份开始，每季度召开一次", "要尽快研究", "每季度召开一次会议",
                               "要贯彻3月28日市政府常务会精神", "马上要到年底了，要完成各项指标"])
def test_not_deadlines(s):
    n = normalise(s)
    assert find_deadline(s, n, 0, len(s)) is None


def test_deadline_year_from_meeting_date():
    s = "年底前完成"
    dl = find_deadline(s, normalise(s), 0, len(s), dt.date(2024, 3, 1))
    assert dl.date == "2024-12-31"


@pytest.mark.parametrize("s,units", [
    ("市委、市政府督查室要加大督查力度", ["市委督查室", "市政府督查室"]),
    ("特别是发改、统计、工信等部门要进一步完善", ["发改部门", "统计部门", "工信部门"]),
    ("市、县政府每月至少研究一次经济工作", ["市政府", "县政府"]),
    ("各级各部门要高度重视", []),
    ("县工信局要积极配合县统计局于11月15日前完成入库", ["县工信局"]),
    ("马营镇和华岭镇要抓紧启动", ["马营镇", "华岭镇"]),
    # places named as the acting subject
    ("甲县、乙县要在6月底前完成", ["甲县", "乙县"]),
    ("比如，民权县要围绕制冷产业", ["民权县"]),
    ("永城市、夏邑县、柘城县今年务必要同步完成", ["永城市", "夏邑县", "柘城县"]),
    ("分类推进乡村建设，永昌县要突出重点，金川区要抓好试点", ["永昌县", "金川区"]),
    ("济南新材料产业园区要围绕主导产业", ["济南新材料产业园区"]),
    # … and words that only look like one
    ("我们必须从思想上对工业强县要有新的认识", []),
    ("欠发达地区要加快发展", []),
    ("全县要加快发展", []),
    ("近期，要按照省市县要求推进", []),
    ("智慧城市要加快建设", []),
    ("隆回县和洞口县要加快发展", ["隆回县", "洞口县"]),
    ("各县要加强调度", ["各县"]),
    ("农村和城市要协调发展", []),
    ("为此全县要加快", []),
    ("每个县要建立台账", []),
    ("县级市要加强统筹", []),
    ("资源型城市要加快转型", []),
    ("自然保护区要严格管理", []),
])
def test_units(s, units):
    n = normalise(s)
    assert [u for _, _, u in find_units(n, 0, len(n))] == units


def test_task_with_lead_assist_and_resolver():
    text = "同志们：\n推进工业互联网平台建设。（责任单位：市发改委、市财政局）\n市工信局牵头，市统计局配合，10月底前完成企业入库。"
    ids = {"市工信局": 7}
    ex = parse(text, unit_resolver=ids.get)
    assert len(ex.tasks) == 2
    assert ex.tasks[0].units == ["市发改委", "市财政局"]
    t = ex.tasks[1]
    assert t.lead == ["市工信局"] and t.assist == ["市统计局"]
    assert t.deadline.date == "XXXX-10-31"
    assert t.unit_ids == [7]


def test_analysis_is_not_task():
    ex = parse("今年以来，我们完成了投资50亿元。初步测算，年底前可达到100亿元。")
    assert ex.tasks == []


def test_figures_and_targets():
    text = "上半年，全市生产总值同比增长8.8%，居全省第3位。工业投资和民间投资分别增长30％、33.2％。今年的目标是规模工业增加值增长15％以上。"
    ex = parse(text)
    f = ex.figures
    assert f[0].value == 8.8 and f[0].measure == "growth" and f[0].period == "上半年" and f[0].region == "全市"
    assert any(q.measure == "rank" and q.value == 3 and q.base == "全省" for q in f)
    assert [q.value for q in f if q.value in (30, 33.2)] == [30, 33.2]
    assert len(ex.targets) == 1
    t = ex.targets[0]
    assert t.value == 15 and t.qualifier == ">=" and "规模工业增加值" in t.indicator


def test_negative_growth_and_placeholder():
    ex = parse("全市进出口总额下降3%。力争新增“四上”企业X家。")
    assert ex.figures[0].value == -3
    assert ex.targets[0].value is None


@pytest.mark.parametrize("s", ["今天是12月1日，马上要到年底了", "在5月21日召开的调度会议上，我已经做了部署"])
def test_past_or_present_dates_are_not_deadlines(s):
    n = normalise(s)
    dl = find_deadline(s, n, 0, len(s))
    assert dl is None or dl.quote != "12月1日" and "5月21日" not in dl.quote


def test_estimates_are_not_tasks():
    ex = parse("到“十四五”末，初步测算，地区生产总值要突破5000亿元。")
    assert ex.tasks == []
    assert ex.targets and ex.targets[0].value == 5000


def test_at_least_is_not_a_gap_and_lists_need_list_separators():
    ex = parse("20XX年各乡镇要至少建设发展1个旅游示范村。确保办事材料减少30%以上，30个高频事项实现“最多跑一次”。")
    first = ex.targets[0]
    assert first.value == 1 and first.measure == "level" and first.qualifier == ">="
    counts = [q for q in ex.targets + ex.figures if q.value == 30 and q.unit == "个"]
    assert counts and counts[0].measure == "level"


@pytest.mark.parametrize("s,units", [
    ("各乡镇和县公安、司法、信访等部门要扎实做好", ["各乡镇", "县公安部门", "县司法部门", "县信访部门"]),
    ("市住建、农业农村等部门和县区政府要加快实施", ["市住建部门", "市农业农村部门", "县区政府"]),
    ("市产业链推进办及各产业链办公室，要各负其责", ["市产业链推进办", "各产业链办公室"]),
    ("金昌经济技术开发区（金川民营经济产业园）要围绕", ["金昌经济技术开发区（金川民营经济产业园）"]),
    ("承担各项指标的市级分管领导和牵头部门要结合", []),
    # stems that are already full names do not take the shared 部门/单位
    ("经贸局、发改局、民经局等部门要跟踪项目", ["经贸局", "发改局", "民经局"]),
    ("各镇、各部门单位要加强学习", ["各镇", "各部门单位"]),
    ("市发改委、统计局等部门要加强", ["市发改委", "市统计局"]),
    # bare level characters coordinated as a subject
    ("县、区和各级各部门要紧盯目标", ["县", "区"]),
    ("市人社局等部门和县、区要加强培训", ["市人社局", "县", "区"]),
    ("市发改、工信等部门和县、区要聚焦", ["市发改部门", "市工信部门", "县", "区"]),
    ("在县、区要", []),
])
def test_unit_groups(s, units):
    n = normalise(s)
    assert [u for _, _, u in find_units(n, 0, len(n))] == units


@pytest.mark.parametrize("text,expected", [
    # a named place in subject position is the region of the values after it in the sentence
    ("据了解，岳阳市已有12家担保公司，注册资本达30亿元。", ["岳阳市", "岳阳市"]),
    ("全县完成任务的81%，特别是城关镇（52%）、白水乡（37.6%）进展缓慢。", ["全县", "城关镇", "白水乡"]),
    ("目前青山产业园土地综合成本达 20 万元每亩。", ["青山产业园"]),
    # 我县 before 排名 is the subject, 全市 after it the base
    ("我县排名倒数三位的指标有13项。", ["我县"]),
    # common nouns with place endings and prepositions are not places
    ("全市城区人口增长2%，按照省上要求，棚户区改造开工3904套。", ["全市", "全市"]),
])
def test_region_from_named_places(text, expected):
    ex = parse(text)
    assert [q.region for q in sorted(ex.figures + ex.targets, key=lambda q: q.start)] == expected


def test_value_in_brackets_after_a_place_belongs_to_that_place():
    ex = parse("1-2月进出口总额增长96.8%，高于全国（29.2%）和全省（54.1%）水平。")
    f = sorted(ex.figures, key=lambda q: q.start)
    assert [q.region for q in f[1:]] == ["全国", "全省"]
    assert all(q.indicator == "进出口总额" for q in f)


@pytest.mark.parametrize("text,indicator", [
    ("还剩343户未整改到位。", "未整改到位"),
    ("全县共办理建筑工程施工许可 31 项。", "建筑工程施工许可"),
    ("9大体系推出了60个重大专项。", "重大专项"),
    ("固定资产投资增速（13.2%）。", "固定资产投资增速"),
])
def test_indicator_drops_verbs_and_brackets(text, indicator):
    q = (parse(text).figures + parse(text).targets)[0]
    assert indicator in q.indicator and "（" not in q.indicator and not q.indicator.startswith(("还", "推出"))


def test_ratio_chain_gives_one_ratio_per_term():
    ex = parse("去年全市三次产业比重为6.2：47.7：46.1，会议于10:30召开。")
    f = [q for q in ex.figures if q.measure == "ratio"]
    assert [q.value for q in f] == [6.2, 47.7, 46.1]
    assert all(q.unit == "" and "三次产业比重" in q.indicator and q.region == "全市" for q in f)
    assert len(ex.figures) == 3


def test_gap_to_a_missed_target_is_a_figure_and_minus_sign_is_kept():
    ex = parse("8项指标没有完成目标任务，其中二产增加值增速与市目标相差6.1个百分点，工业增速（-19.4%）。")
    assert ex.targets == []
    vals = [q.value for q in ex.figures]
    assert 6.1 in vals or -6.1 in vals
    assert -19.4 in vals


def test_titles_and_awards_do_not_set_the_region():
    ex = parse("我县获评“全省全域旅游先锋县”，连续两届获得全国平安建设最高奖，培训人才 6382 人。")
    assert ex.figures and all(q.region == "我县" for q in ex.figures)


def test_spaced_ranks_minus_ranges_and_unit_words():
    ex = parse("生产总值增速排在全省第 11 位，农村居民收入增长 8%，增速都在 9%-10%，一部分消费流到外地。")
    ranks = [q for q in ex.figures if q.measure == "rank"]
    assert [q.value for q in ranks] == [11] and ranks[0].base == "全省"
    vals = [q.value for q in ex.figures + ex.targets]
    assert -10 not in vals and 1 not in vals


@pytest.mark.parametrize("text,period", [
    ("3 月累计增长 9.3%。", "3 月"),
    ("今年 4 月份固定资产投资增长 5%。", "今年 4 月份"),
    ("前三季度，8 月份成功举办了艺术节，社会消费品零售总额同比增长 8%。", "前三季度"),
    ("一季度增加值较 3 月份提高 2.1 个百分点。", "一季度"),
    ("第一季度，全市规上工业增加值增长6%。", "第一季度"),
    ("一至五月，全县财政收入增长3%。", "一至五月"),
])
def test_spaced_month_periods(text, period):
    q = parse(text).figures[0]
    assert q.period == period


def test_fractions_halves_and_zero():
    ex = parse("旅客吞吐量仅恢复到原来的三分之一。去年经济总量3782亿元，不到郑州的一半。库存水田指标已为零，"
               "建设用地指标也已清零。全年时间已经过去四分之一，要抓好“三排查三清零”。")
    got = [(q.value, q.measure, q.base) for q in ex.figures if q.unit == ""]
    assert got[0][0] == pytest.approx(1 / 3) and got[0][1:] == ("ratio", "原来")
    assert (0.5, "ratio", "郑州") in got
    assert [q.indicator for q in ex.figures if q.value == 0] == ["库存水田指标", "建设用地指标"]
    assert len(got) == 4


def test_autonomous_prefecture_and_league_jurisdictions():
    ex = parse("上半年，我州地区生产总值增长6.5%，全盟粮食产量达到120万吨。")
    assert [(q.indicator, q.region) for q in ex.figures] == [("地区生产总值", "我州"), ("粮食产量", "全盟")]


@pytest.mark.parametrize("text,indicator", [
    ("商品房屋销售面积增速（与目标值差额-52.5%）。", "商品房屋销售面积增速"),
    ("工业投资占全省比重由去年同期的 2.23% 提高至 2.5%。", "工业投资占全省比重"),
    ("规模工业亏损面由26.4%下降到12%。", "规模工业亏损面"),
])
def test_indicator_stops_at_bracket_notes_and_from_to(text, indicator):
    q = sorted(parse(text).figures, key=lambda q: q.start)[-1]
    assert q.indicator == indicator


@pytest.mark.parametrize("text,value", [
    ("去年实现8.6%增长。", 8.6),
    ("固定资产投资增幅较大（23.7%）。", 23.7),
    ("空气质量优良率 89.6%，整体提升 6.8 %。", 6.8),
])
def test_growth_written_after_or_around_the_value(text, value):
    q = [q for q in parse(text).figures if q.value == value][0]
    assert q.measure == "growth"


def test_share_in_brackets_stays_a_ratio():
    q = parse("三产增加值比目标（11.0%）低。").figures[0]
    assert q.measure == "ratio"


@pytest.mark.parametrize("text,indicator,measure", [
    ("我们年初制定GDP增长目标是8.8%。", "GDP", "growth"),
    ("确保二季度末生猪累计出栏达到10万头以上。", "生猪累计出栏", "level"),
    ("年底前完成种植鲜切花 400 亩以上。", "种植鲜切花", "level"),
    ("注册资本今年要力争做到 8 个亿。", "注册资本", "level"),
])
def test_target_indicator_boundaries(text, indicator, measure):
    q = (parse(text).targets + parse(text).figures)[0]
    assert indicator in q.indicator and q.measure == measure
    assert not q.indicator.endswith(("做到", "末", "前", "年内"))


def test_list_in_brackets_does_not_cut_the_clause():
    q = parse("全县生猪（肉猪、仔猪）累计出栏 10 万头。").figures[0]
    assert q.quote.startswith("生猪（肉猪、仔猪）") or q.quote.startswith("全县生猪")


def test_role_bracket_after_the_sentence_belongs_to_it():
    ex = parse("一、工业\n要加快标准厂房建设，6月底前全部交付使用。（市工信局牵头，市发改委、市财政局配合）\n"
               "二、项目\n市发改委要加快项目入库。", meeting_date=dt.date(2026, 3, 1))
    assert len(ex.tasks) == 2
    first = ex.tasks[0]
    assert first.units == ["市工信局", "市发改委", "市财政局"]
    assert first.lead == ["市工信局"] and first.assist == ["市发改委", "市财政局"]
    assert first.deadline.date == "2026-06-30" and "（" not in first.quote
