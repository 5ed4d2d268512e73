"""Tasks: directive sentences that name acting units or carry a deadline."""
from __future__ import annotations

import datetime as dt
import re
from typing import Callable

from .deadlines import find_deadline
from .model import Heading, Task
from .normalise import sentences
from .units import _clean, _token_re, find_units, generic, split_he

DIRECTIVE = re.compile(r"要|务必|必须|确保|抓紧|加快|将|决定|力争|争取|负责|牵头|希望|请|须|应当|立即|尽快|务求|"
                       r"督促|责任单位|牵头单位|配合单位|完成时限|力保")
_DESCRIPTIVE = re.compile(r"^(?:初步测算|据测算|据统计|今年以来|去年以来|年初以来|截至|截止|从数据看|总的来看|"
                          r"总体来看|刚才|过去|回顾|[^，。]{0,10}以来[，,]我们)")
_ESTIMATE = re.compile(r"初步测算|据测算|据预测|据统计|初步估算")
_HIGHER = re.compile(r"^(?:省|国家|中央|国务院)")
_LABEL = re.compile(r"(?P<kind>牵头单位|责任单位|牵头考核单位|主责单位|责任部门|牵头部门|配合单位|协办单位|配合部门)[：:]")
_LABEL_BRACKET = re.compile(r"[（(][^（）()]{0,40}?(?:牵头单位|责任单位|牵头考核单位|主责单位|责任部门|牵头部门)[：:][^（）()]*[）)]")
# a bracket that only assigns roles, after the sentence it belongs to: "（市工信局牵头，市发改委配合）"
_ROLE_BRACKET = re.compile(r"[（(][^（）()。]{2,60}?(?:牵头|负责)[^（）()。]{0,40}[）)]")
_LEAD_AFTER = re.compile(r"(?:等(?:部门|单位))?[ ]?(?:牵头负责|牵头|负责|主抓|主责)")
_ASSIST_AFTER = re.compile(r"(?:等(?:部门|单位))?[ ]?(?:配合|协助|参与|协办)")


def _label_units(norm: str, start: int, end: int) -> tuple[list[str], list[str]]:
    lead: list[str] = []
    assist: list[str] = []
    tok = _token_re()
    for m in _LABEL.finditer(norm, start, end):
        stop = m.end()
        while stop < end and norm[stop] not in "；;。）)\n" and not _LABEL.match(norm, stop):
            stop += 1
        names = [x for t in tok.finditer(norm, m.end(), stop) for x in map(_clean, split_he(t.group())) if x]
        (assist if m.group("kind") in ("配合单位", "协办单位", "配合部门") else lead).extend(names)
    return lead, assist


def _dedupe(xs: list[str]) -> list[str]:
    seen: set[str] = set()
    return [x for x in xs if not (x in seen or seen.add(x))]


_LEVELS = {"省": 3, "市": 2, "州": 2, "县": 1, "区": 1, "旗": 1}


def speaker_level(norm: str) -> int:
    """Administrative level of the speaker: 2 for a city (全市/我市), 1 for a county or district."""
    city = norm.count("全市") + norm.count("我市")
    county = norm.count("全县") + norm.count("我县") + norm.count("全区") + norm.count("我区")
    return 1 if county > city else 2


def _higher(name: str, level: int) -> bool:
    if name.startswith(("国家", "中央", "国务院")):
        return True
    return _LEVELS.get(name[:1], 0) > level and not name.startswith(("县（", "区县", "县区"))


def find_tasks(text: str, norm: str, paras: list[tuple[int, int]], headings: list[Heading],
               meeting: dt.date | None = None,
               unit_resolver: Callable[[str], int | None] | None = None) -> list[Task]:
    level = speaker_level(norm)
    heading_lines = {h.start for h in headings if not h.end - h.start > 60}
    out: list[Task] = []
    section = ""
    hi = 0
    hs = sorted(headings, key=lambda h: h.start)
    for ps, pe in paras:
        sents = sentences(norm, ps, pe)
        k = 0
        while k < len(sents):
            s, e = sents[k]
            k += 1
            while hi < len(hs) and hs[hi].start <= s:
                if hs[hi].depth <= 2:
                    section = hs[hi].quote
                hi += 1
            # document style: a trailing "（责任单位：…）" belongs to the text before it
            labelled = k < len(sents) and _LABEL_BRACKET.fullmatch(norm, *sents[k])
            if labelled or k < len(sents) and _ROLE_BRACKET.fullmatch(norm, *sents[k]):
                lab_s, lab_e = sents[k]
                k += 1
                lead, assist = _label_units(norm, lab_s, lab_e) if labelled else _role_units(norm, lab_s, lab_e)
                body_s = ps if s - ps < 400 else s
                while body_s < s and norm[body_s] == " ":
                    body_s += 1
                dl = find_deadline(text, norm, body_s, lab_e, meeting)
                units = _dedupe(lead + assist)
                if units or dl:
                    out.append(_task(text, body_s, e, units, lead, assist, dl, section, unit_resolver))
                continue
            t = _sentence_task(text, norm, s, e, meeting, section, unit_resolver, level)
            if t is not None and s in heading_lines and e - s < 40 and not t.units:
                continue  # a short heading with only a time word is a title, not a task
            if t:
                out.append(t)
    return out


def _role_units(norm: str, start: int, end: int) -> tuple[list[str], list[str]]:
    """(lead, assist) of a role bracket: a unit followed by 牵头/负责 leads, by 配合/参与 assists."""
    lead: list[str] = []
    assist: list[str] = []
    pending: list[str] = []
    for _us, ue, n in find_units(norm, start, end):
        pending.append(n)
        after = norm[ue:ue + 8]
        if _LEAD_AFTER.match(after):
            lead.extend(x for x in pending if x not in lead)
            pending = []
        elif _ASSIST_AFTER.match(after):
            assist.extend(x for x in pending if x not in assist)
            pending = []
    return lead, assist + [x for x in pending if x not in assist]


_HIGHER_SUBJ = re.compile(r"(?:^|[，；：])[^，。；]{0,12}?(?P<u>(?:国家|中央|国务院|省|市)(?:上|委|政府|[^\s，。；的]{1,10}?(?:局|委|组|厅|办)))"
                          r"[^，。；]{0,16}?(?:将|要|已|下发|召开|开展)")


def _sentence_task(text, norm, s, e, meeting, section, unit_resolver, level=2) -> Task | None:
    body = norm[s:e]
    if not DIRECTIVE.search(body) or _DESCRIPTIVE.match(body) or _ESTIMATE.search(body):
        return None
    lead, assist = _label_units(norm, s, e)
    found = find_units(norm, s, e)
    gen = generic()
    names = []
    for us, ue, n in found:
        if n in gen:
            continue
        names.append(n)
        after = norm[ue:ue + 8]
        if _LEAD_AFTER.match(after) and n not in lead:
            lead.append(n)
        elif _ASSIST_AFTER.match(after) and n not in assist:
            assist.append(n)
    units = _dedupe(lead + [n for n in names if n not in lead])
    units = [u for u in units if not _higher(u, level)]
    lead = [u for u in lead if u in units]
    assist = [u for u in assist if u in units]
    dl = find_deadline(text, norm, s, e, meeting)
    if not units and dl is None:
        return None
    if not units:
        h = _HIGHER_SUBJ.search(body)
        if h and _higher(h.group("u"), level):
            return None
    return _task(text, s, e, units, lead, assist, dl, section, unit_resolver)


def _task(text, s, e, units, lead, assist, dl, section, unit_resolver) -> Task:
    t = Task(s, e, text[s:e], list(units), _dedupe(lead), _dedupe(assist), dl, section=section)
    if unit_resolver is not None:
        ids = []
        for u in units:
            try:
                uid = unit_resolver(u)
            except Exception:  # a failing resolver must not break parsing
                uid = None
            if uid is not None and uid not in ids:
                ids.append(uid)
        t.unit_ids = ids
    return t
