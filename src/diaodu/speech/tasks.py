"""Tasks: directive sentences that name acting units or carry a deadline."""
from __future__ import annotations

import datetime as dt
import re
from typing import Callable

from .deadlines import find_deadline
from .model import Heading, Task
from .normalise import sentences
from .units import _token_re, _clean, find_units, generic

DIRECTIVE = re.compile(r"要|务必|必须|确保|抓紧|加快|将|决定|力争|争取|负责|牵头|希望|请|须|应当|立即|尽快|务求|"
                       r"督促|责任单位|牵头单位|配合单位|完成时限|力保")
_DESCRIPTIVE = re.compile(r"^(?:初步测算|据测算|据统计|今年以来|去年以来|年初以来|截至|截止|从数据看|总的来看|"
                          r"总体来看|刚才|过去|回顾|[^，。]{0,10}以来[，,]我们)")
_HIGHER = re.compile(r"^(?:省|国家|中央|国务院)")
_LABEL = re.compile(r"(?P<kind>牵头单位|责任单位|牵头考核单位|主责单位|责任部门|牵头部门|配合单位|协办单位|配合部门)[：:]")
_LABEL_BRACKET = re.compile(r"[（(][^（）()]{0,40}?(?:牵头单位|责任单位|牵头考核单位|主责单位|责任部门|牵头部门)[：:][^（）()]*[）)]")
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
        names = [x for x in (_clean(t.group()) for t in tok.finditer(norm, m.end(), stop)) if x]
        (assist if m.group("kind") in ("配合单位", "协办单位", "配合部门") else lead).extend(names)
    return lead, assist


def _dedupe(xs: list[str]) -> list[str]:
    seen: set[str] = set()
    return [x for x in xs if not (x in seen or seen.add(x))]


def find_tasks(text: str, norm: str, paras: list[tuple[int, int]], headings: list[Heading],
               meeting: dt.date | None = None,
               unit_resolver: Callable[[str], int | None] | None = None) -> list[Task]:
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
            if k < len(sents) and _LABEL_BRACKET.fullmatch(norm, *sents[k]):
                lab_s, lab_e = sents[k]
                k += 1
                lead, assist = _label_units(norm, lab_s, lab_e)
                body_s = ps if s - ps < 400 else s
                while body_s < s and norm[body_s] == " ":
                    body_s += 1
                dl = find_deadline(text, norm, body_s, lab_e, meeting)
                units = _dedupe(lead + assist)
                if units or dl:
                    out.append(_task(text, body_s, e, units, lead, assist, dl, section, unit_resolver))
                continue
            if s in heading_lines and e - s < 40:
                continue
            t = _sentence_task(text, norm, s, e, meeting, section, unit_resolver)
            if t:
                out.append(t)
    return out


def _sentence_task(text, norm, s, e, meeting, section, unit_resolver) -> Task | None:
    body = norm[s:e]
    if not DIRECTIVE.search(body) or _DESCRIPTIVE.match(body):
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
    if units and all(_HIGHER.match(u) for u in units) and not lead:
        units = []
    dl = find_deadline(text, norm, s, e, meeting)
    if not units and dl is None:
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
