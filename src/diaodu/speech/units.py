"""Responsible units: a lexicon of organs plus name patterns, coordinated-name splitting."""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

# precompiled inline patterns
_RX0 = re.compile(r"领导(?!小组)|同志")
_RX1 = re.compile(r"[省市县区](?:委|(?:人民)?政府|人大|政协)")
_RX2 = re.compile(r"[^\s，。；、和及与要将]{1,6}(?=[、和及与])")
_RX3 = re.compile(r"[\u4e00-\u9fff]")
_RX4 = re.compile(r"（[^）]*）$")



@lru_cache(maxsize=None)
def _lexicon(name: str) -> tuple[str, ...]:
    raw = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return tuple(x.strip() for x in raw.splitlines() if x.strip() and not x.startswith("#"))


def organs() -> tuple[str, ...]:
    return _lexicon("organs.txt")


def generic() -> frozenset[str]:
    return frozenset(_lexicon("generic_units.txt"))


_LEVEL = "省市县区州旗镇乡"
# characters that cannot be inside an organ name
_STOP = "要将把对在与和及的了是为就也都并等由向从请按以于同年月日、，。；：！？“”《》（）() 0-9A-Za-z*×"
_NC = rf"[^{_STOP}\n]"
_STRONG = ("部门|经济技术开发区|开发区|高新区|工业园区|产业园区|工业园|产业园|集聚区|示范区|领导小组办公室|领导小组|委员会|管委会|管理委员会|指挥部|办公室|工作专班|专班|工作组|服务中心|中心|集团|"
           "有限公司|公司|银行|分行|支行|政府|党委|人大|政协|法院|检察院|局|厅|署|街道办|街道|镇|乡")
_WEAK = "委|办|室|部|队|站|所|院|社|处|科|会|组"
_COLLECTIVE = (r"(?:各|有关|相关|全市各|全县各)(?:县（市、区）|县（市）|县（市区）|县（市）区|县市区|县区|区县|县（区）|市（州）|"
               r"乡镇（街道）|乡（镇）|镇（街道）|乡镇|镇街|街道|园区|开发区|产业园区|工作组|专班|工作专班|"
               r"村|社区|学校|医院|金融机构|银行|乡镇党委|镇党委)"
               r"|(?:各|有关)[^\s、，。；：要将等的]{1,6}(?:办公室|工作组|专班|指挥部)"
               r"|县（市、区）|县（市）区|县（市）|县市区"
               r"|各级[^\s、，。；等]{1,4}部门")
_NH = rf"(?:{_NC}|和(?=[^{_LEVEL}]))"  # 和 may sit inside a name: 省经济和信息化厅, 住房和城乡建设局
_ORGAN = rf"(?:[X×*]{{1,3}}{_NH}{{1,12}}(?:{_STRONG})|[{_LEVEL}]{_NH}{{0,16}}(?:{_STRONG}|{_WEAK})|{_NC}{{1,12}}(?:{_STRONG}))"
# 县、区要… / …等部门和县、区要…: bare level characters coordinated as a subject
_BARE_LEVELS = r"(?<![^\s，；：。和及])[县区市](?:、[县区市])+(?=[和及]|要|必须|务必|[，,](?:要|必须))"
_BARE_LEVELS_RX = re.compile(r"^[县区市](?:、[县区市])+$")
_BARE_AFTER = re.compile(r"等(?:部门|单位)[和及]([县区市](?:、[县区市])+)(?=要|必须|务必)")
_ENDS_STRONG = re.compile(rf"(?:{_STRONG})$")
# a place named as the acting subject: 永昌县要…, 甲县、乙县要…, 邵东市、隆回县和洞口县要… — a whole
# word (nothing Chinese right before it), so 工业强县要… or 省市县要求 are not read as places
_PLACE = (r"(?:(?<=[和及与])|(?<![\u4e00-\u9fff]))[\u4e00-\u4e0d\u4e0f-\u53e7\u53e9-\u548b\u548d-\u9fff]{1,5}(?:县|区|市|旗)"  # no 与 及 和
          r"(?=[、和及与]|(?:也|都|还|今年|年内|近期|下一步|会后)?(?:要|必须|务必)|[，,](?:要|必须|务必))")
# words ending like a place that are not one (地区, 山区, 城市, 县级市 …), not a single place (全县, 每个县)
# or a function word glued to one (在县); 各县 stays: a named kind of body, like 各乡镇
_NOT_PLACE = re.compile(r"(?:^[全我本该两外省和及与要在对向给把将从由为到让使被请是](?:县|区|市)$|^[要和及与]|"
                        r"^(?:每个|一些|个别|部分|少数|多数|大多数)|全[县区市]$|^县区$|^市县$|^城区$|省市|市县|"
                        r"(?:地|山|社|景|辖|片|库|矿|牧|林|灾|老|园|超|夜|股|楼|车|都|集|小|保护|贸|功能|业|试验|示范|开发|"
                        r"高新|保税)(?:区|市)$|(?:^|智慧|文明|卫生|园林|中心|旅游|海绵|宜居|新型|资源型|一线|二线|三线|"
                        r"地级|县级|大|中|小)城市$|(?:级|大|强|名)市$|(?:强|大|名|示范|试点)县$)")


def split_he(tok: str) -> list[str]:
    """马营镇和华岭镇 -> two names; 省经济和信息化厅 stays one."""
    if "和" not in tok:
        return [tok]
    left, _, right = tok.partition("和")
    if _ENDS_STRONG.search(left) and right:
        return [left] + split_he(right)
    return [tok]


@lru_cache(maxsize=None)
def _token_re() -> re.Pattern[str]:
    lex = "|".join(sorted((re.escape(x) for x in organs()), key=len, reverse=True))
    return re.compile(rf"{_BARE_LEVELS}|{_COLLECTIVE}|{_ORGAN}|{lex}|{_PLACE}")
_SEP = re.compile(r"[、，,]|和|及|以及|与|、以及")
_BAD_END = re.compile(r"(?:各级干部|干部|部署|部分|部位|局面|室内|会上|会后|全部|内部|外部|大部|局部|本部|总部|会议|机会|社会|大会|协会|学会|都会|"
                      r"以来|以上|以下|方面|工作|问题|项目|企业|时候|办法|上下|镇上|乡下|全乡|全镇|一部|各部|"
                      r"群众|同志|领导|主任|局长|市长|书记|县长|区长|格局|布局|结局|大局|当局|开局|出局|"
                      r"职能部门|主管部门|有关部门|相关部门|各级政府)$")
_BAD_START = re.compile(r"^(?:各牵头|各责任|牵头|承担|全市|全县|全区|全省|全乡|全镇|我市|我县|我区|本市|本县|各级各|各级党委|今年|明年|去年|"
                        r"同时|特别是|尤其是|其中|另外|此外|目前|当前|下一步|最后|首先|其次|一是|二是|三是|四是|"
                        r"一要|二要|三要|四要|五要|第[一二三四五六七八九十]|加快|推进|推动|积极|认真|继续|进一步|"
                        r"建立|完善|加强|做好|抓好|开展|实施|围绕|结合|按照|根据|依托|支持|鼓励|引导|组织|协调|"
                        r"督促|指导|帮助|配合|会同|联合|通过|作为|成立|设立|建设|打造|培育|发展|形成|组建)")
_OBJECT_BEFORE = re.compile(r"(?:与|向|对|给|同|跟|和|配合|协调|联系|会同|商|报|请示|督促|指导|支持|帮助|推动|邀请|"
                            r"组织|通过|协助|衔接|对接|依托|加强|积极|争取|成立|设立|组建|建立|经|由于|在|把|将|"
                            r"发挥|充分发挥|落实|服务|服务于|助力|指导|报请|提请|报送|上报|到|去|赴)$")
_ACTING_AFTER = re.compile(r"(?:各级各部门|各部门|各单位)?(?:[、和及与][^\s，。；、]{1,8}?)*(?:等(?:部门|单位|[^\s，。；]{0,4}(?:部门|单位))?)?"
                           r"(?:[和及][县区市](?:、[县区市])*)?[ ]?"
                           r"(?:近期|近日|下一步|会后|随后|马上|本周|下周|本月|下月|今后|[，,](?=要|必须|务必))?"
                           r"(?:也|都|还|就|则|更|尤其|特别)?(?:要|必须|务必|须|需|需要|应|应当|将|负责|牵头|"
                           r"配合|会同|联合|共同|抓紧|加快|立即|尽快|迅速|进一步|切实|认真|全力|积极|继续|主动|"
                           r"密切|决定|研究决定|分别|作为|按照|根据|结合|统筹|组织|牵头负责|具体负责|抓好|做好|"
                           r"加强|加大|持续|带头|率先|坚决|每月|每季度|每年|每周|至少|承办|督促|指导|对|把|从|"
                           r"在|于|是|一定要|务求|确保|力争|争取|已经|已|今年|今后|年底|年内|"
                           r"[0-9一二三四五六七八九十]{1,2}月|"
                           r"[（(][^）)]{0,12}[）)](?:要|负责|牵头|将))")
_COMMON_PARTS = re.compile(r"^((?:[省市县区]委|[省市县区](?:人民)?政府|[省市县区]人大|[省市县区]政协))(.+)$")


_GENERIC_TAIL = re.compile(r"(?:各级各部门|各部门|各单位|和部门|及部门)$")


def _clean(tok: str) -> str | None:
    tok = tok.strip()
    t = _GENERIC_TAIL.search(tok)
    if t:  # 各乡镇各部门 -> 各乡镇; 城区各级各部门 -> nothing
        head = tok[:t.start()]
        return _clean(head) if head.startswith(("各", "有关")) and len(head) > 2 else None
    if len(tok) < 2 or _BAD_END.search(tok) or _BAD_START.match(tok) or _RX0.search(tok):
        return None
    if tok in generic() or _NOT_PLACE.search(tok) and not _ENDS_STRONG.search(tok):
        return None
    if tok[0] in _LEVEL and len(tok) == 2 and tok[1] in "委办室部队站所院社处科会组":
        return tok if tok[1] in "委" else None
    return tok


def _split_group(parts: list[str]) -> list[str]:
    """Share the common part of coordinated names: 市委、市政府督查室 -> 市委督查室, 市政府督查室."""
    if len(parts) < 2:
        return parts
    last = parts[-1]
    m = _COMMON_PARTS.match(last)
    out = list(parts)
    if m and all(_COMMON_PARTS.match(p) is None and _RX1.fullmatch(p)
                 for p in parts[:-1]):
        out = [p + m.group(2) for p in parts[:-1]] + [last]
        return out
    # 市、县政府 -> 市政府, 县政府
    if len(last) > 1 and last[0] in _LEVEL and all(len(p) == 1 and p in _LEVEL for p in parts[:-1]):
        return [p + last[1:] for p in parts[:-1]] + [last]
    return out


_STEMS_DEPT = re.compile(r"((?:[^\s、，。；：等和及与要将]{2,4}、)+[^\s、，。；：等和及与要将]{2,4})等?(部门|单位)")
_JOINED = re.compile(r"^([省市县区]委)([省市县区](?:人民)?政府)$")


_ALIAS = re.compile(r"（[^（）。，；\s]{1,12}）(?=[、和及与，]|要|负责|牵头|配合|等)")


def _stem_names(m: re.Match[str]) -> list[str]:
    """发改、统计、工信等部门 -> 发改部门, 统计部门, 工信部门 (a leading 市/县 is shared)."""
    stems = m.group(1).split("、")
    lvl = stems[0][0] if stems[0][0] in "市县区" and len(stems[0]) > 2 else ""
    # a stem that is already a full name (经贸局、民经局等部门, 各镇、各部门单位) keeps its own form
    return [(lvl if lvl and not st.startswith(lvl) else "") + st
            + ("" if _FULL_NAME.search(st) or i < len(stems) - 1 and st.startswith("各") else m.group(2))
            for i, st in enumerate(stems)]


_FULL_NAME = re.compile(r"(?:[局委办厅院所站队镇乡街司]|中心|公司|集团)$")


def find_units(norm: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Acting units named in norm[start:end]: (start, end, name) in order of appearance."""
    out: list[tuple[int, int, str]] = []
    pos = start
    lex = organs()
    stem_m: re.Match[str] | None = None
    stem_exhausted = False
    while pos < end:
        # next "发改、统计、工信等部门" group, searched again only once we have passed it
        if not stem_exhausted and (stem_m is None or stem_m.start() < pos):
            stem_m = _STEMS_DEPT.search(norm, pos, end)
            while stem_m and stem_m.start() > start and norm[stem_m.start() - 1] not in "，；。：\n 是由请":
                stem_m = _STEMS_DEPT.search(norm, stem_m.start() + 1, end)
            stem_exhausted = stem_m is None
        m = stem_m if stem_m is not None and stem_m.start() >= pos else None
        g = _group_at(norm, pos, end, lex)
        if m and (g is None or m.start() <= g[0]):
            if not _OBJECT_BEFORE.search(norm, max(start, m.start() - 4), m.start()):
                names = _stem_names(m)
                ge = m.end()
                # …等部门和县区政府要: more units may follow the stems
                while True:
                    sep = _SEP.match(norm, ge, end)
                    nxt = _token_re().match(norm, sep.end(), end) if sep else None
                    if not nxt:
                        break
                    if _BARE_LEVELS_RX.match(nxt.group()):
                        names.extend(nxt.group().split("、"))
                    else:
                        names.extend(n for n in map(_clean, split_he(nxt.group())) if n)
                    ge = nxt.end()
                if _ACTING_AFTER.match(norm, ge):
                    out.extend((m.start(), ge, n) for n in names)
            pos = m.end()
            continue
        if g is None:
            break
        gs, ge, names, acting = g
        if acting:
            out.extend((gs, ge, n) for n in names)
        pos = ge
    seen = set()
    res = []
    for s, e, n in out:
        if n not in seen:
            seen.add(n)
            res.append((s, e, n))
    return res


def _group_at(norm: str, pos: int, end: int, lex: tuple[str, ...]):
    """Next coordinated unit group at or after pos: (start, end, names, acting)."""
    m = _token_re().search(norm, pos, end)
    if not m:
        return None
    gs = m.start()
    parts = split_he(norm[m.start():m.end()])
    ge = m.end()
    while True:
        alias = _ALIAS.match(norm, ge, end)
        if alias:  # 县委农工部（扶贫办）: the bracket is part of the name
            parts[-1] += alias.group()
            ge = alias.end()
        sep = _SEP.match(norm, ge, end)
        if not sep:
            break
        stems = _STEMS_DEPT.match(norm, sep.end(), end)
        if stems:  # 各乡镇和县公安、司法、信访等部门
            parts.extend(_stem_names(stems))
            ge = stems.end()
            continue
        nxt = _token_re().match(norm, sep.end(), end)
        if not nxt:
            # skip a short non-unit member (各级各部门、单位和县区政府)
            skip = _RX2.match(norm[sep.end():end])
            if skip:
                after_skip = _SEP.match(norm, sep.end() + skip.end(), end)
                nxt2 = _token_re().match(norm, after_skip.end(), end) if after_skip else None
                if nxt2:
                    parts.extend(split_he(nxt2.group()))
                    ge = nxt2.end()
                    continue
        bare = re.match(rf"[{_LEVEL}](?=[、])", norm[sep.end():end]) if sep.group() == "、" else None
        if nxt:
            parts.extend(split_he(nxt.group()))
            ge = nxt.end()
        elif bare or (sep.group() == "、" and re.match(rf"[{_LEVEL}]、", norm[ge - 1:ge + 1] if False else "")):
            parts.append(bare.group())
            ge = sep.end() + 1
        else:
            break
    # a bare level char before a 、 (市、县政府): the token regex cannot match it alone
    if len(parts) == 1 and gs >= 2 and norm[gs - 1] == "、" and norm[gs - 2] in _LEVEL and len(parts[0]) > 1:
        k = gs - 2
        pre = [norm[k]]
        while k >= 2 and norm[k - 1] == "、" and norm[k - 2] in _LEVEL:
            k -= 2
            pre.insert(0, norm[k])
        if k == 0 or not _RX3.match(norm[k - 1]) or norm[k - 1] in "由请和":
            parts = pre + parts
            gs = k
    tail = _BARE_AFTER.match(norm, ge, end)
    if tail:  # 市人社局等部门和县、区要
        parts.append(tail.group(1))
        ge = tail.end()
    split: list[str] = []
    bare: set[str] = set()
    for p in parts:
        if _BARE_LEVELS_RX.match(p):
            split.extend(p.split("、"))
            bare.update(p.split("、"))
            continue
        j = _JOINED.match(p)
        split.extend([j.group(1), j.group(2)] if j else [p])
    names = [n for n in (p if p in bare else _clean(p) for p in _split_group(split)) if n]
    # unprefixed short names must be in the lexicon or carry a strong suffix
    names = [n for n in names if n[0] in _LEVEL or n.startswith(("各", "有关", "相关", "X", "×", "*")) or n in lex
             or re.search(rf"(?:{_STRONG})$", _RX4.sub("", n)) and len(n) >= 3
             or len(n) >= 2 and n[-1] in "县区市旗"]  # a place (_PLACE, already checked by _clean)
    acting = bool(names) and bool(_ACTING_AFTER.match(norm, ge)) and not _OBJECT_BEFORE.search(
        norm, max(0, gs - 4), gs)
    return gs, ge, names, acting
