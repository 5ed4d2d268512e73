"""Targets and figures: one record per reported or aimed-for value of an indicator."""
from __future__ import annotations

import re
from bisect import bisect_right

from .model import Quantity
from .normalise import sentences
from .numerals import ARABIC, CHINESE, PLACEHOLDER, parse_number

# precompiled inline patterns
_RX0 = re.compile(r"(?:同比|比上年|比去年)?(?:增长|上升|下降|提高|增加|减少|回落)[ ]?[\d.]+.*$")
_RX1 = re.compile(r"仅仅|仅|也才|才|只|(?<=[拉降升长加少])了")
_RX2 = re.compile(r"^.{0,6}?(?:直接导致|导致|致使|使得|造成)")
_RX3 = re.compile(r"后|下")
_RX4 = re.compile(r"(?:连续|先后|共|累计|获得|荣获|已有|有)$")
_RX5 = re.compile(r"[^，。；、]{0,14}?(?<![集])中(?![心国小央型期层华间医高等])")
_RX6 = re.compile(r"(?:[、和及][ ]?[\d.]+[ ]?个)*[、和及][ ]?[\d.]+[ ]?个百分点")
_RX7 = re.compile(r"[ 、和及]*(?:分别)?[ ]*")
_RX8 = re.compile(r"[增降减提上回下达为占]")
_RX9 = re.compile(r"(?:分别)?(?:同比|比上年|较上年|高于|低于|超过|落后|快于|慢于|比|较|与)[^，。；]*$")
_RX10 = re.compile(r"[ ]*")
_RX11 = re.compile(r"[\d.个和、 ]*")
_RX12 = re.compile(r"相当于|占")
_RX13 = re.compile(r"(同比|比上年|比去年|较上年|较去年|比上月|较上月|比年初|比(?:一|二|三)季度)")
_RX14 = re.compile(r"(?:高于|低于|增长|下降|同比|比|较|分别|其中)")
_RX15 = re.compile(r"(?:等)?[ ]?(?:\d+|[一二三四五六七八九十两])[ ]?(?:项|个)(?:指标|主要指标)?[ ]?$")
_RX16 = re.compile(r"^城乡居民(.+)$")
_RX17 = re.compile(r"[、和]")
_RX18 = re.compile(r"^[\d.]+|[\d.]+[ ]?(?:个百分点|%|个|亿|万)")
_RX19 = re.compile(r"相差")
_GROWTH_GOAL = re.compile(r"(?:增长|增速)的?(?:预期|年度)?目标(?:是|为|定为)?[ ]?$")
_GROWTH_AFTER = re.compile(r"(?:左右|以上)?的?(?:增速|增长|增幅)")
_GROWTH_WORD = re.compile(r"增长|增幅|增速|回升|提升|增加(?!值)|下降|降幅")
_RX20 = re.compile(r"(同比|比上年|比去年)?(增长|增加|提高|提升|上升|增速为|增速达|增速|增幅为?|下降|减少|回落|下滑|降低|负增长|回升|增|降|减)了?[ ]?(?:达到?|为)?[ ]?$")
_RX21 = re.compile(r"下降|减少|回落|下滑|降低|负增长|降|减")
_RX22 = re.compile(r"(增长|增|下降|降|减少|回落|下滑)(?:幅度|幅)(?:达到?|为)?[ ]?$")
_RX23 = re.compile(r"(?:相差|差了?|欠|缺口|高于|低于|(?<![至])多|(?<![至减])少|超出|落后|短收)[^，。；]{0,4}$")
_RX24 = re.compile(r"(?:(?<!相)差了?|欠|缺口|低于|(?<![至减])少|落后|短收)[^，。；]{0,4}$")
_RX25 = re.compile(r"[国省市县区州]|平均")
_RX26 = re.compile(r"[上下升降]")
_RX27 = re.compile(r"在(全[国省市县区州]|[^\s，。；]{1,4}?[省市县区])")
_RX28 = re.compile(r"至少|不低于|不少于")
_RX29 = re.compile(r"目标[^。]{0,20}：")
_RX30 = re.compile(r"以上")


_S = r"[ ]?"
UNITS = ("个百分点|个工作日|个亿|千亿|万亿|亿元|万元|万亩|万吨|万头|万只|万人次|万人|万户|万名|万套|万千瓦|万平方米|"
         "平方公里|平方米|公里|千米|亿|%|元|家|个|项|户|件|次|名|座|人|届|条|处|套|部|头|只|亩|吨|班|倍|辆|台|批|宗|笔|所|栋|间|张")
_CN_COUNT_UNITS = {"届", "次", "部", "名", "家", "项", "座", "批"}
_CN_OK_UNITS = {"%", "个百分点", "亿元", "万元", "亿", "倍", "千亿", "万亿", "个亿"}
_NUM = rf"(?P<num>{ARABIC}|{PLACEHOLDER}|{CHINESE})"
_VALUE = re.compile(rf"(?=[\dXx×*零一二两三四五六七八九十百千突超不至控低高约近达为增下])(?P<pre>突破|超过|超|不低于|不少于|至少|不超过|控制在|低于|高于|约|近|达|达到|为|增长|下降)?{_S}"
                    rf"{_NUM}(?:{_S}[-—~至到]{_S}(?:{ARABIC}|{CHINESE}))?(?P<many>多|余)?{_S}(?P<unit>{UNITS})"
                    r"(?P<post>以上|左右|以内|以下|多)?")
_RANK = re.compile(r"(?P<verb>位居|居于|居(?![民住家委])|排名|排在|排|位列|列|进入|跻身|取得了?|保持|名列|稳居|处于)"
                   r"(?P<base>全[国省市县区州]|全省平均|全市平均|[^\s，。；、第前倒]{1,6}?)?(?:的)?"
                   r"(?P<bot>倒数)?(?P<kind>第|前)[ ]?(?P<n>\d{1,3}|[一二三四五六七八九十]{1,3})(?:[ ]?(?:位|名))?")
_RANK_PAREN = re.compile(r"(?<=[^\s，。；、：（）])（第(?P<n>\d{1,3}|[一二三四五六七八九十]{1,3})(?:位|名)?）")
_RANK_CHANGE = re.compile(r"(?P<verb>前移|后移|前进|后退|上升|下降|提升|提高|下滑|后移了|前移了|上升了|下降了)"
                          r"(?P<n>\d{1,3}|[一二三四五六七八九十]{1,3})个?位")
_GROWTH = re.compile(r"(?:同比|比上年|比去年)?(?:增长|增加|提高|上升|增速为|增速达|增速|增幅为?|下降|减少|回落|下滑|降低|"
                     r"负增长|回升|增|降|减)(?:了)?[ ]?$")
_NEG = re.compile(r"(?:下降|减少|回落|下滑|降低|负增长|降|减|低于|落后|少|差了?|欠|缺口|短收|下拉|收窄|拉低)")
_DIFF_POS = re.compile(r"(?:高于|超过|超出|超|多|拉动|回升|提高|上升|相差|快于|领先)")
_RATIO_WORD = re.compile(r"率|比重|占比|比例|占|份额|覆盖|达标|相当于")
_GOAL = re.compile(r"(?<![与比离距差])(?<!这一)(?<!与[市省县区])(?<!比[市省县区])(?<!与年度)(?<!与年初)目标|确保|力争|争取|突破|预期|力保|务必|必须|(?<!年度)计划(?!投资的|的)|"
                   r"(?<![主重需纲摘概提简只必])要(?![求素点闻件害])")
_GOAL_AFTER = re.compile(r"^(?:以上|左右|以内)?的?(?:预期|奋斗|发展|工作|总体)?目标")
_PAST = re.compile(r"已经|已|完成了|实现了|达到了|以来|去年|上年|同比|累计|截至|截止|共计")
_PERIOD = re.compile(r"(?=[截至\d今去上下前第一二三四五六七八九十这过目当全年])(?:(?:截至|截止|至)[ ]?(?:目前|(?:今年)?[ ]?\d{1,2}[ ]?月[ ]?(?:\d{1,2}[ ]?[日号]|底|末|份)?)|"
                     r"(?:(?:19|20)\d\d|20XX|20xx)[ ]?年(?:底|末|[ ]?\d{1,2}[ ]?[-—~至到][ ]?\d{1,2}[ ]?月|上半年|下半年|前三季度|"
                     r"[一二三四]季度|\d{1,2}月份?|前\d{1,2}个月)?|"
                     r"(?:今年|去年)?[ ]?\d{1,2}[ ]?[-—~至到][ ]?\d{1,2}[ ]?月(?:份)?|前\d{1,2}个月|前[一二三四五六七八九十]{1,2}个月|"
                     r"(?:(?:今年|去年|上年)[ ]?)?(?<![\d.])\d{1,2}[ ]?月(?![ ]?\d|[底末初中下上旬])份?|"
                     r"今年上半年|今年前三季度|今年一季度|上半年|下半年|前三季度|前两季度|第?[一二三四]季度|"
                     r"(?:今年|去年)?[一二三四五六七八九十]{1,2}[ ]?[-—~至到][ ]?[一二三四五六七八九十]{1,3}[ ]?月份?|"
                     r"今年以来|今年|去年|这一年|过去一年|目前|当前|全年|年初以来|"
                     r"十[二三四五]五(?:期间|时期)?)")
_REGION = re.compile(r"全市|全县|全省|全区|全州|全国|我市|我县|我区|我省|本市|本县|全旗|我旗|全盟|我盟|我州|本州|本省|本区|我城区|全城区|全镇|全乡|我镇|我乡|"
                     r"\*\*|××")
# a named place in subject position (at a clause start, or after 特别是/其中/比如/目前…):
# two-character name + 省/市/县/区/镇/乡/州/旗, or a named 开发区/高新区/产业园/工业园
_PLACE = re.compile(r"(?:^|(?<=[\s，；。：、（！？“])|(?<=[是中如前解时])(?:(?<=特别是|尤其是|据了解)|(?<=其中|比如|例如|目前|同时)))"
                    r"(?!目前|其中|特别是|尤其是|比如|例如|同时|据了解)(?:[\u4e00-\u9fff]{2}[省市县区镇乡州旗]|[\u4e00-\u9fff]{2,4}(?:经济技术开发区|开发区|高新区|产业园|工业园)区?)"
                    r"(?![委政府局办厅院部人党级长城区场民直属辖域内外乡镇里村上])(?!下达|下发|通报|印发|出台|发布|要求)")
_PAREN_JURIS = re.compile(r"(?:全[国省市县区州旗盟]|我[市县区省州旗盟]|本[市县区省州])$")
_PAREN_PLACE = re.compile(r"[\u4e00-\u9fff]{2}[省市县区镇乡州旗]$")
_NOT_PLACE = re.compile(r"^(?:.*(?:城区|市区|社区|小区|山区|景区|园区|辖区|片区|库区|老区|灾区|牧区|矿区|街区|校区|农区|湾区|专区|"
                        r"分区|户区|贸区|能区|护区|范区|验区|行区|心区|聚区|城市|都市|超市|门市|城镇|乡镇|村镇|集镇|小镇|重镇|"
                        r"名镇|城乡|下乡|家乡|故乡|返乡|省市|市县|县区|县市|上市|股市|楼市|入市|开市|地区|新区|县乡|区县|"
                        r"市州|州市|省区|本市|全市|全县|全省|全区|全州|我市|我县|我区|我省|本县|各县|各区|各乡|该市|该县|"
                        r"县城|全乡|全镇|本镇|本乡|我镇|我乡)$|.*[全我本各该某每而但和与及或在从对把将为有了是的占比较高低于到个项要向"
                        r"上下前后中内外新老大小多少等按照如据施根])|(?:经济|高新|工业|产业|农业|科技|技术|现代|特色|综合|省级|市级|县级)"
                        r"(?:经济技术开发区|开发区|高新区|产业园|工业园)区?$")
_BASE_BEFORE = re.compile(r"(?:居|位居|排|排名|在|于|高于|低于|占|比|与|较|超过|相当于|落后|快于|慢于|列|进入|跻身|分别高于|分别低于)$")
_AWARD_BEFORE = re.compile(r"(?:获得|荣获|获评|评为|入选|授予|命名为?|获|“|”)$")
_BASE_AFTER = re.compile(r"^(?:平均|比重|第|前|倒数|同期|排|的比重|总量的)")
_CMP_BEFORE = re.compile(r"(?:比|较|同比|与|相比|超过|高于|低于|于)$")
_LEAD_STRIP = re.compile(r"^(?:到年底|到年末|年底前|年末前|年底|年末|末前|末|底前|底|尤其|务必|然而|还有|加上|对于|我们|据预测|据了解|预测|有望|连续|先后|圆满|顺利|全面|之前|特别要对|特别要|加快|其中|同时|而且|而|但是|但|并且|并|和|及|以及|分别|另外|此外|特别是|尤其是|"
                         r"全市|全县|全省|全区|全国|我市|我县|我区|本市|共|总计|合计|累计|完成|实现|拥有|"
                         r"新增|达到|达|有|已经|已|目前|当前|要|将|力争|确保|争取|计划|预计|预期|的|在|把|使|让|"
                         r"通过|围绕|今年|去年|全年|，|、|：| )+")
_TAIL_STRIP = re.compile(r"(?:控制在|保持在|稳定在|在|同比|比上年|比去年|分别|实现|完成|达到|达|为|是|共|仅为|仅|只有|已|已经|还|要|的|"
                         r"累计|总共|总计|合计|有|占|均|都|也|又|再|将|(?<!许)可|能|就|突破|超过|不低于|至少|控制在|"
                         r"只|约|近|增长|增速|增幅|提高|上升|下降|减少|回落|较|比|还不到|不到|还剩|剩下|剩|恢复|有望保持|保持|推出了?|"
                         r"整体提升|提升|未|没有|尚未|仍|或|尚|力争做到|做到|扩大到|增加到|提高到|逐步|提出|年内|年底前|全部| )+$")
_NOUN_AFTER = re.compile(r"(?:的)?([^\s，。；、：“”（）\d%]{2,12}?)(?=[，。；、：）\d ]|$|和|及|以上|等|完成|实现|建成|开工|"
                         r"尚未|已|没有|未|达到|累计|共|投资|获|被|分别|全部|均|占|脱贫|出列)")


_BRACKET_NOTE = re.compile(r"(?:与|其中|同比|比|较|差额|[-—]|[ ]*$)")
_FROM_TO = re.compile(r"由[^，。；]{0,20}?(?:提高|提升|下降|降低|增长|增加|减少|上升|回落|扩大|缩小|收窄)(?:到|至|为)?[ ]?$")
_LEAD_CTX = re.compile(rf"^(?:{_PERIOD.pattern}|全市|全县|全省|全区|全国|我市|我县|我区|本市|本县|我省|我城区|全城区|全镇|全乡|我镇|我乡|全州|我州|全旗|我旗|全盟|我盟|，| )+")


def _clean_indicator(pre: str) -> str:
    pre = _FROM_TO.sub("", pre.rstrip("-— "))
    pre = _RX0.sub("", pre)
    pre = _RX1.sub("", pre)
    pre = _RX2.sub("", pre)
    for _ in range(3):
        pre = _LEAD_CTX.sub("", pre)
        pre = _LEAD_STRIP.sub("", pre)
        pre = _TAIL_STRIP.sub("", pre)
    k = pre.rfind("（")
    if k > 0 and "）" not in pre[k:] and _BRACKET_NOTE.match(pre, k + 1):
        pre = pre[:k]  # 增速（与目标值差额-2.7%）: the value sits in the bracket
    return pre.strip(" ，、：（").rstrip("-—“")


WINDOW = 160  # no look-back goes further than this, which keeps the time linear


def _clause_start(norm: str, lo: int, pos: int, bounds: str = "，；：。、\n！？") -> int:
    lo = max(lo, pos - WINDOW)
    i = pos
    while i > lo and norm[i - 1] not in bounds:
        i -= 1
    return i


_EVENT_VERBS = ("成功", "举办", "召开", "开展", "启动", "出台", "印发", "发布", "组织", "举行", " 成功", " 举办", " 召开")


def _nearest(rx: re.Pattern[str], norm: str, lo: int, hi: int) -> re.Match[str] | None:
    last = None
    key = (id(norm), rx.pattern, lo)
    cached = _MATCH_CACHE.get(key)
    if cached is None:
        cached = [m for m in rx.finditer(norm, lo, _SENT_END_CACHE.get((id(norm), lo), hi))]
        _MATCH_CACHE[key] = cached
        _STARTS_CACHE[key] = [c.start() for c in cached]
    k = bisect_right(_STARTS_CACHE[key], hi)
    for m in cached[max(0, k - 8):k]:
        if m.end() > hi:
            break
        before = norm[max(0, m.start() - 4):m.start()]
        after = norm[m.end():m.end() + 3]
        if rx is _REGION:
            if _AWARD_BEFORE.search(before):
                continue  # 获得全国…奖, “全省…先锋县”: part of a title, not the place measured
            if _BASE_BEFORE.search(before) or _BASE_AFTER.match(after) and not (
                    after.startswith("排") and m.group()[0] in "我本"):
                continue
        if rx is _PLACE and _NOT_PLACE.match(m.group()):
            continue
        if rx is _PERIOD and (_CMP_BEFORE.search(before.rstrip()) or after.startswith(("同期", "底", "末"))
                              or after.startswith("以来") and before.endswith(("自", "从"))
                              or norm.startswith(_EVENT_VERBS, m.end())):
            continue
        last = m
    return last


def find_quantities(text: str, norm: str, paras: list[tuple[int, int]],
                    heading_starts: list[int] | None = None) -> tuple[list[Quantity], list[Quantity]]:
    targets: list[Quantity] = []
    figures: list[Quantity] = []
    hs = sorted(heading_starts or [])
    hi = 0
    para_period = None
    para_region = None
    for ps, pe in paras:
        # the period is carried across the paragraphs of one section (reset at a heading);
        # the region is the paragraph's own
        para_region = None
        while hi < len(hs) and hs[hi] <= ps:
            hi += 1
            para_period = None
        for si, (ss, se) in enumerate(sentences(norm, ps, pe)):
            recs = _sentence_quantities(text, norm, ss, se, para_period, para_region)
            for q in recs:
                (targets if q.kind == "target" else figures).append(q)
            p = _nearest(_PERIOD, norm, ss, se)
            # a paragraph's opening sentence sets its period; later ones only when they report figures
            if p and (si == 0 and p.start() - ss < 12 or any(q.kind == "figure" for q in recs)):
                para_period = text[p.start():p.end()]
            r = _nearest(_REGION, norm, ss, se)
            if r and (para_region is None or not para_region.startswith("全") or text[r.start():r.end()].startswith("全")):
                para_region = text[r.start():r.end()]
    return targets, figures


_QUICK = re.compile(r"[\dXx×*]|第|前|分之|一半|[为是至已]零|[一二两三四五六七八九十百千](?:个百分点|亿|万元|%|倍|届|次|部|名|家|项|座|批)")
_MATCH_CACHE: dict = {}
_STARTS_CACHE: dict = {}
_SENT_END_CACHE: dict = {}


def _sentence_quantities(text, norm, ss, se, para_period, para_region) -> list[Quantity]:
    out: list[Quantity] = []
    _MATCH_CACHE.clear()  # per-sentence cache of period/region matches
    _STARTS_CACHE.clear()
    _SENT_END_CACHE.clear()
    _SENT_END_CACHE[(id(norm), ss)] = se
    if not _QUICK.search(norm, ss, se):
        return out
    spans: list[tuple[int, int]] = []
    prev: Quantity | None = None
    prev_indicator = ""
    respective = False
    resp_count: dict[tuple[int, str], int] = {}
    # ranks
    for m in _RANK.finditer(norm, ss, se):
        if m.group("kind") == "前" and m.group("verb") not in ("进入", "跻身", "保持", "位居", "居", "稳居", "排名", "位列"):
            continue
        n = parse_number(m.group("n"))
        cs = _clause_start(norm, ss, m.start())
        ind = _clean_indicator(_strip_verb(norm[cs:m.start()]))
        q = _make(text, norm, ss, se, cs, m.end(), ind, "rank", n, "", para_period, para_region, m.start())
        q.base = _rank_base(norm, cs, m)
        q.from_bottom = bool(m.group("bot"))
        if m.group("kind") == "前":
            q.qualifier = "<="
        out.append(q)
        spans.append((m.start(), m.end()))
    for m in _RANK_PAREN.finditer(norm, ss, se):
        cs = _clause_start(norm, ss, m.start())
        q = _make(text, norm, ss, se, cs, m.end(), _clean_indicator(norm[cs:m.start()]), "rank",
                  parse_number(m.group("n")), "", para_period, para_region, m.start())
        out.append(q)
        spans.append((m.start(), m.end()))
    for m in _RANK_CHANGE.finditer(norm, ss, se):
        n = parse_number(m.group("n"))
        if n is not None and _RX3.match(m.group("verb")):
            n = -n
        cs = _clause_start(norm, ss, m.start())
        q = _make(text, norm, ss, se, cs, m.end(), _clean_indicator(norm[cs:m.start()]) or "位次", "diff", n, "位",
                  para_period, para_region, m.start())
        out.append(q)
        spans.append((m.start(), m.end()))
    has_frac = norm.find("分之", ss, se) >= 0 or norm.find("一半", ss, se) >= 0 or norm.find("零", ss, se) >= 0
    for m in (_FRACTION.finditer(norm, ss, se) if has_frac else ()):
        # 三分之一, 的一半 (ratios); 为零, 清零 (a level of zero)
        if m.group("zero") or m.group("zero2"):
            value, measure = 0, "level"
        elif m.group("half"):
            value, measure = 0.5, "ratio"
        else:
            den, num_ = parse_number(m.group("den")), parse_number(m.group("num"))
            if not den or num_ is None or num_ > den:
                continue
            value, measure = num_ / den, "ratio"
        cs = _clause_start(norm, ss, m.start())
        pre = norm[cs:m.start() - (1 if m.group("zero2") else 0)]
        if "时间" in pre or "时序" in pre:
            continue  # 全年时间已经过去四分之一: elapsed time, not a figure
        b = _FRACTION_BASE.search(pre)
        ind = _clean_indicator(_strip_verb(pre[:b.start()] if b else pre))
        if not ind and out:
            ind = out[-1].indicator
        q = _make(text, norm, ss, se, cs, m.end(), ind, measure, value, "", para_period, para_region, m.start())
        if b and measure == "ratio":
            q.base = b.group("b")
        out.append(q)
        spans.append((m.start(), m.end()))
    has_colon = norm.find(":", ss, se) >= 0 or norm.find("：", ss, se) >= 0
    for m in (_RATIO_CHAIN.finditer(norm, ss, se) if has_colon else ()):
        # 三次产业结构比为 23.2 : 13.8 : 63.0 — one ratio per term, after a 比/比重/结构 lead
        cs = _clause_start(norm, ss, m.start())
        lead = norm[cs:m.start()]
        if not _RATIO_LEAD.search(lead):
            continue
        ind = _clean_indicator(_RATIO_LEAD.sub("", lead) + _RATIO_LEAD.search(lead).group(1))
        for n in _RX_NUM.finditer(norm, m.start(), m.end()):
            q = _make(text, norm, ss, se, cs, n.end(), ind, "ratio", parse_number(n.group()), "",
                      para_period, para_region, n.start())
            out.append(q)
        spans.append((m.start(), m.end()))
    for m in _VALUE.finditer(norm, ss, se):
        if any(a <= m.start("num") < b for a, b in spans):
            continue
        unit = m.group("unit")
        num = m.group("num")
        if re.fullmatch(CHINESE, num) and (unit not in _CN_OK_UNITS | _CN_COUNT_UNITS
                                           or not re.search("[一二两三四五六七八九]", num)):
            continue
        if (re.fullmatch(CHINESE, num) and unit in _CN_COUNT_UNITS
                and not _RX4.search(norm[max(ss, m.start("num") - 2):m.start("num")])
                and unit not in ("届", "部")):
            continue  # 一次, 两名: too often rhetoric unless counted (先后两次, 连续四届)
        ns = m.start("num")
        # not a date, a code or part of a larger number
        if ns > ss and (norm[ns - 1].isdigit() or norm[ns - 1] in ".第" or norm[ns - 2:ns] == "第 "):
            continue
        after = norm[m.end():m.end() + 2]
        if unit in ("个", "名", "家", "项", "人", "件", "次", "户") and after[:1] in "月年日号":
            continue
        if unit == "个" and (after[:1] in "第" or after[:1].isdigit()):
            continue
        if after[:1] and after[:1] in _UNIT_WORD_NEXT.get(unit, ""):
            continue  # 一部分, 三部门, 名单, 家庭: the unit character starts a word
        if unit in ("个", "条", "项", "件") and _RHETORIC.match(norm, m.end()):
            continue  # 三个方面, X条政策: counts of talking points, not figures
        if _RX5.match(norm[m.end():m.end() + 18]):
            continue  # a denominator: 23项主要经济指标中…
        if norm[max(ss, ns - 2):ns] in ("年产", "年销") or norm[max(ss, ns - 1):ns] in ("过", "超"):
            continue  # capacities and size classes (年产5万吨…, 过100亿元的企业) name a thing
        value = parse_number(num)
        if unit == "个" and _RX6.match(norm[m.end():m.end() + 40]):
            unit = "个百分点"
        cs = _clause_start(norm, ss, m.start())
        close = norm.find("）", cs, ns)
        if close >= 0 and norm.find("（", cs, close) < 0:
            k = norm.rfind("（", max(ss, cs - WINDOW), cs)
            if k >= 0:  # 生猪（肉猪、仔猪）累计出栏: a list inside brackets does not end the clause
                cs = _clause_start(norm, ss, k, "，；：。\n！？")
        pre_txt = norm[cs:ns]
        measure, sign = _measure(norm, cs, ns, unit, pre_txt)
        if unit == "%" and measure == "ratio" and not _RATIO_WORD.search(pre_txt):
            if _GROWTH_AFTER.match(norm, m.end()) or _GROWTH_GOAL.search(pre_txt) or (
                    norm[ns - 1:ns] == "（" and _GROWTH_WORD.search(pre_txt)):
                measure = "growth"  # 8.6%增长, X%左右增速, 增幅较大（23.7%）
            elif (norm[ns - 1:ns] == "（" and prev is not None and prev.unit == "%"
                  and _PAREN_JURIS.search(norm, max(cs, ns - 8), ns - 1)):
                measure = prev.measure  # 增长96.8%，高于全国（29.2%）
        cont = prev is not None and _RX7.fullmatch(norm[prev.end:m.start()]) is not None
        if cont and not _RX8.search(norm[prev.end:ns]):
            measure, sign = prev.measure, (-1 if (prev.value or 0) < 0 else 1)
            if prev.measure in ("growth", "ratio") and unit == "个百分点":
                measure, sign = _measure(norm, cs, ns, unit, pre_txt)
        if value is not None and sign < 0:
            value = -value
        if (value is not None and value > 0 and ns > ss and norm[ns - 1] in "-－−"
                and norm[ss:ns - 1].rstrip()[-1:] in _MINUS_AFTER and not m.group("pre")):
            value = -value  # a written minus sign: 增速（-19.4%）
        if isinstance(value, float) and value.is_integer() and "." not in num:
            value = int(value)
        lead = norm[cs:m.start()] if m.group("pre") else pre_txt
        noun_end = m.end()
        counted = False
        if measure == "diff":
            lead = _RX9.sub("", lead)
        ind = _clean_indicator(_strip_verb(lead))
        if measure == "diff" and not ind and prev is not None:
            ind = prev_indicator
        cs_full = _clause_start(norm, ss, m.start(), "，；：。\n！？")
        resp = norm.rfind("分别", cs_full, ns)
        if resp >= 0:
            respective = True
            k = resp_count.get((resp, measure), 0)
            resp_count[(resp, measure)] = k + 1
            subj = norm[cs_full:resp]
            items = _respective_items(subj)
            if len(items) < 2 and cs_full > ss:
                prev_cs = _clause_start(norm, ss, cs_full - 1, "，；：。\n！？")
                items = _respective_items(_PREDICATE.sub("", norm[prev_cs:cs_full - 1]))
                rest = _clean_indicator(_strip_verb(subj))
                if rest.startswith("其"):
                    items = [x + rest[1:] for x in items]
            if len(items) >= 2:
                ind = items[min(k, len(items) - 1)]
                cs = cs_full
        elif unit not in ("%", "个百分点") and unit in _COUNT_UNITS:
            na = _NOUN_AFTER.match(norm, m.end(), se)
            if na and (not ind or _VERB_END.search(norm[cs:m.start()]) or norm[cs:m.start()].rstrip().endswith("等")):
                ind = _clean_indicator(na.group(1))
                noun_end = na.end(1)
                cs = m.start()
                counted = True
        owner = None
        if ns > cs and norm[ns - 1] == "（":
            # 全国（29.2%）, 榜罗镇（59.1%）: a place owns the value of the indicator just given
            own = (_PAREN_JURIS.search(norm, max(cs, ns - 8), ns - 1)
                   or _PAREN_PLACE.search(norm, max(cs, ns - 8), ns - 1))
            if own and (_PAREN_JURIS.match(own.group()) or not _NOT_PLACE.match(own.group())):
                owner = text[own.start():own.end()]
                if prev_indicator:
                    ind = prev_indicator
        if len(ind) == 1 and ind in "从省市县区国率环了的是在和与及或等" and prev_indicator:
            ind = prev_indicator  # 从, 省, 率: a stray character is no indicator
        if not ind:
            if prev is not None and (respective or norm[cs - 1:cs] in "、，"):
                ind = prev_indicator
            else:
                na = _NOUN_AFTER.match(norm, m.end(), se)
                if na and unit not in ("%", "个百分点"):
                    ind = na.group(1)
        if prev is not None and _RX10.fullmatch(norm[prev.end:m.start()]) and prev.end > ss:
            ind = prev_indicator  # 21401户10.48亿元: the second value of the same thing
        if cont and (not ind or _RX11.fullmatch(ind)):
            ind = prev_indicator
            cs = prev.start
        cs = max(cs, ns - WINDOW)  # long lists: keep quotes (and the work) bounded
        unit_txt = text[m.start("unit"):m.end("unit")] if unit != "个百分点" or m.group("unit") == unit else unit
        q = _make(text, norm, ss, se, cs, noun_end, ind, measure, value, unit_txt,
                  para_period, para_region, ns)
        q.qualifier = _qualifier(m.group("pre"), m.group("post"), m.group("many"), norm[max(ss, cs):m.start()])
        if measure == "diff" or measure == "ratio" and _RX12.search(norm[cs:ns]):
            q.base = _base(norm, cs, ns)
        cmp_ = _RX13.search(norm[cs:ns])
        if cmp_ and measure in ("growth", "diff"):
            q.compared = cmp_.group(1)
        q.modifier = norm[m.end():m.end() + 1] == "的"
        q.counted = counted
        if owner:
            q.region = owner
        out.append(q)
        prev, prev_indicator = q, ind or prev_indicator
    last_ind = ""
    for q in sorted(out, key=lambda r: r.anchor):
        if q.measure != "rank":
            last_ind = q.indicator or last_ind
        elif last_ind and (not q.indicator or _RX14.match(q.indicator)):
            q.indicator = last_ind
        if not q.indicator and last_ind:
            q.indicator = last_ind  # 不到郑州的一半: the indicator given just before
    _classify(norm, ss, out)
    anchors = sorted(o.anchor for o in out)
    for q in out:
        if q.kind != "target":
            continue
        cut = re.compile(r"[，；。]").search(norm, q.end, min(se, q.end + WINDOW))
        clause_end = cut.start() if cut else min(se, q.end + WINDOW)
        k = bisect_right(anchors, q.anchor)
        later = k < len(anchors) and anchors[k] < clause_end
        if q.modifier or (q.counted and later):
            q.kind = "figure"  # 总投资10亿元的93个项目: descriptions of what the target is about
    out.sort(key=lambda q: q.start)
    return out


_FRACTION = re.compile(r"(?=[\d一二三四五六七八九十零])(?:(?P<den>[一二三四五六七八九十]|\d{1,3})[ ]?分之[ ]?(?P<num>[一二三四五六七八九十]|\d{1,3})"
                       r"|(?<=的)(?P<half>一半)|(?:(?<=[为是])|(?<=降至)|(?<=降为))(?P<zero>零)(?![星散碎部件售距基])|(?<=已清)(?P<zero2>零)(?![工”]))")
_FRACTION_BASE = re.compile(r"(?:不到|不足|相当于|占|到|为|是|超过|约)(?P<b>[^，。；、的到为是占于约足]{1,8})的$")
_RATIO_CHAIN = re.compile(r"(?<![\d.:：])\d+(?:\.\d+)?(?:[ ]?[:：][ ]?\d+(?:\.\d+)?)+(?![\d.]|[ ]?[:：])")
_RATIO_LEAD = re.compile(r"(比例|比重|结构比?|构成|比)(?:调整为|优化为|为|是|达到)?[ ]?$")
_RX_NUM = re.compile(r"\d+(?:\.\d+)?")
_MINUS_AFTER = set("（(：:，、为是的长降达至由于比额")
_UNIT_WORD_NEXT = {"部": "分门署委位长", "名": "单称义额录", "家": "庭长乡属", "次": "要序", "条": "件例款",
                   "处": "理置长级室", "所": "有以属在", "台": "阶账", "间": "断隔", "批": "准复示", "头": "脑"}
_RHETORIC = re.compile(r"[ ]?(?:方面|小时|政策|措施|意见|文件|问题|环节|领域|原则|要求|机制|字|句话|关键|坚持|导向|"
                       r"重点|转变|结合|统筹|着力点|抓手|目标|任务|体系|层面|阶段)")
_COUNT_UNITS = set("个项家户件次名座人届条处套部头只亩吨班辆台批宗笔所栋间张") | {"万户", "万人", "万名", "万亩", "万吨"}
_VERB_END = re.compile(r"(?:抓好|推进|实施|新建|建成|引进|培育|签约|开工|拥有|共有|有|对|涉及|办理|完成|新增|累计|发放|"
                       r"落地|争取|启动|建设|打造|储备|谋划|实现|带动|解决|组织|开展|举办|召开|出台|获批|设立|"
                       r"认定|评为|入选|创建|培训|安置|帮助|服务|走访|帮扶|督办|整改|清理|化解|达到|达|为|已|"
                       r"获得|取得|签订|落实|加快推进|重点抓好|全力推进|加快|确保|力争|计划|要|将|的|推出)了?[ ]?$")


def _respective_items(subject: str) -> list[str]:
    subject = _RX15.sub("", subject.strip())
    subject = _clean_indicator(subject)
    m = _RX16.match(subject)
    if m:
        return ["城镇居民" + m.group(1), "农村居民" + m.group(1)]
    parts = [x for x in _RX17.split(subject) if x]
    if len(parts) >= 2 and "的" in parts[0]:
        parts[0] = parts[0].rsplit("的", 1)[1]
    if len(parts) < 2 or any(_RX18.search(x) for x in parts):
        return []
    return [_clean_indicator(x) for x in parts]


_PREDICATE = re.compile(r"(?:快速|支撑|逐步|稳步|作用|呈现|持续|明显|大幅|继续|均|都|也|保持|实现|增长|回升|加强|增加).*$")


def _strip_verb(s: str) -> str:
    return re.sub(r"(?:同比|比上年|比去年|较上年|较去年)?(?:增长|增加|提高|上升|下降|减少|回落|下滑|降低|增速为|增幅为?|"
                  r"达到|达|为|完成|实现|突破|超过|超|占|不低于|至少|控制在|高于|低于|落后|相差|差了?|欠|多|少)+$", "", s)


def _measure(norm: str, cs: int, ns: int, unit: str, pre: str) -> tuple[str, int]:
    near = norm[max(cs, ns - 10):ns]
    if unit == "个百分点":
        clause = norm[cs:ns]
        sign = -1 if _NEG.search(clause) and not _RX19.search(near) else 1
        return "diff", sign
    if unit == "%":
        g = _RX20.search(near)
        if g:
            sign = -1 if _RX21.search(g.group(2)) else 1
            return "growth", sign
        g = _RX22.search(near)
        if g:
            return "growth", (-1 if g.group(1) in ("下降", "降", "减少", "回落", "下滑") else 1)
        return "ratio", 1
    if _RX23.search(near):
        sign = -1 if _RX24.search(near) else 1
        return "diff", sign
    return "level", 1


_BASE_RE = re.compile(r"(?:高于|低于|超过|超出|落后于|落后|快于|慢于|与|比|较|相当于|占)(?P<b>[^，。；、]{1,12}?)"
                      r"(?:的|相差|差了?|分别|均|[ ]?[\d.Xx×*]|$)")
_TIME_BASE = re.compile(r"^(?:上年|去年|同期|上月|年初|一季度|二季度|三季度|前三季度|上半年|\d+月份?)")


def _base(norm: str, cs: int, ns: int) -> str | None:
    m = None
    for m in _BASE_RE.finditer(norm, cs, ns):
        pass
    if not m:
        return None
    b = m.group("b").strip()
    if not b or _TIME_BASE.match(b):
        return None
    return b


def _rank_base(norm: str, cs: int, m: re.Match[str]) -> str | None:
    b = (m.group("base") or "").lstrip("均都")
    if b and _RX25.search(b) and not _RX26.search(b):
        return b
    loc = _RX27.search(norm[cs:m.start()])
    return loc.group(1) if loc else None


def _qualifier(pre: str | None, post: str | None, many: str | None, before: str) -> str:
    if (post in ("以上", "多") or pre in ("突破", "超过", "超", "不低于", "不少于", "至少") or many
            or _RX28.search(before[-10:])):
        return ">="
    if post in ("以内", "以下") or pre in ("不超过", "控制在"):
        return "<="
    if post == "左右" or pre in ("约", "近"):
        return "~"
    return "="


_CUT = re.compile(r"(?:没有|未能?)(?:完成|达到)(?:[^，。；]{0,6}?目标(?:任务)?)?|而|但|已经|已|完成了|实现了|达到了|以来|去年|上年|同比|截至|截止|目前|预计|据预测|有望|(?:19|20)\d\d年")


def _classify(norm: str, ss: int, recs: list[Quantity]) -> None:
    prev_target: Quantity | None = None
    for q in sorted(recs, key=lambda r: r.anchor):
        if prev_target is not None and not _CUT.search(norm, prev_target.end, q.anchor):
            q.kind = "target"  # a goal list goes on until a fact word cuts it
            prev_target = q
            continue
        _classify_one(norm, ss, q)
        prev_target = q if q.kind == "target" else None


def _classify_one(norm: str, ss: int, q: Quantity) -> None:
    for q in [q]:
        hi = q.anchor
        # the goal context: from the last cut word to the value, at most two clauses back,
        # unless a "目标…：" lead-in opens the sentence
        lo = ss
        ss = max(ss, hi - WINDOW)
        lo = ss
        for c in _CUT.finditer(norm, ss, hi):
            lo = c.end()
        lead_in = _RX29.search(norm[ss:hi])
        if lead_in and lo <= ss + lead_in.start():
            q.kind = "target"
            continue
        if _GOAL_AFTER.match(norm[q.end:q.end + 8]):
            q.kind = "target"
            q.modifier = False
            continue
        k = hi
        for _ in range(3):
            k = _clause_start(norm, lo, k - 1, "，；：。\n！？") if k > lo else lo
        lo = max(lo, k)
        if _GOAL.search(norm, lo, q.end):
            q.kind = "target"
        elif q.qualifier == ">=" and _RX30.search(norm[q.anchor:q.end + 3]) and re.search(
                r"(?<![主重需纲摘概提简只必])要(?![求素点闻件害])|确保|力争|务必|必须", norm[max(ss, q.end - WINDOW):q.end]):
            q.kind = "target"


def _make(text, norm, ss, se, cs, end, ind, measure, value, unit, para_period, para_region, anchor) -> Quantity:
    start = cs
    while start < end and norm[start] in " ，、":
        start += 1
    p = _nearest(_PERIOD, norm, ss, anchor)
    r = _nearest(_REGION, norm, ss, anchor)
    if p and p.end() < anchor - 4 * WINDOW:
        p = None
    if r and r.end() < anchor - 4 * WINDOW:
        r = None
    pl = _nearest(_PLACE, norm, ss, anchor)
    if pl and (r is None or pl.start() > r.start()) and pl.end() >= anchor - WINDOW:
        r = pl  # the nearest named place (常德市已有…, 榜罗镇（59.1%）) is the subject
    period = text[p.start():p.end()] if p else para_period
    region = text[r.start():r.end()] if r else para_region
    q = Quantity(start, end, text[start:end], ind, measure, value, unit, period=period, region=region)
    q.anchor = anchor
    return q
