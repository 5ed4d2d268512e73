"""Headings: numbered lines and inline enumerations, with depth relative to the speech."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Heading
from .numerals import cn_to_int

CN = "一二三四五六七八九十"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# markers at the start of a line: (family, regex); group 1 is the ordinal
_LINE_MARKERS = [
    ("cn_dun", re.compile(rf"([{CN}]{{1,3}})[、．.]")),
    ("cn_paren", re.compile(rf"（([{CN}]{{1,3}})）")),
    ("ar_paren", re.compile(r"（(\d{1,2})）")),
    ("ar_dot", re.compile(r"(\d{1,2})(?:[、]|\.(?![\d]))")),
    ("circ", re.compile(f"([{CIRCLED}])")),
    ("di", re.compile(rf"第([{CN}]{{1,3}})(?:[，、]|要|个是|是)")),
    ("inl", re.compile(rf"([{CN}]{{1,2}})(要|是要|是|个是)(?![的否])")),
]
# inline markers inside a paragraph, after a clause boundary
_INLINE = re.compile(rf"(?<=[。；：，！？])\s*(?:第([{CN}]{{1,3}})(?:[，、]|要|个是)|([{CN}]{{1,2}})(要|是要|是|个是)(?![的否]))")
_STOP_LINE = "。：；"
_STOP_INLINE = "。；："


@dataclass
class _Cand:
    start: int
    end: int
    family: str
    value: int
    inline: bool
    para: int
    flex: bool = False  # 一是要: may continue either an 一要 or an 一是 list


def _inl_family(suffix: str) -> str:
    """一要/一是要 and 一是/一个是 are two list styles that nest inside each other."""
    return "inl_yao" if suffix.endswith("要") else "inl_shi"


def _ordinal(family: str, tok: str) -> int:
    if family in ("ar_paren", "ar_dot"):
        return int(tok)
    if family == "circ":
        return CIRCLED.index(tok) + 1
    return cn_to_int(tok) or 0


def _quote_end(norm: str, start: int, limit: int, stops: str, cap: int | None) -> int:
    if cap is not None:
        limit = min(limit, start + cap)
    i = start
    while i < limit and norm[i] not in stops and norm[i] != "\n":
        i += 1
    if cap is not None:
        i = min(i, start + cap)
    while i > start and norm[i - 1] in " ，、":
        i -= 1
    return i


def _candidates(norm: str, paras: list[tuple[int, int]]) -> list[_Cand]:
    out: list[_Cand] = []
    for pi, (ps, pe) in enumerate(paras):
        s = ps
        while s < pe and norm[s] == " ":
            s += 1
        line_hit = None
        for fam, rx in _LINE_MARKERS:
            m = rx.match(norm, s, pe)
            if m:
                if fam == "ar_dot" and not _looks_like_heading(norm, m.end(), pe):
                    continue
                if fam == "inl":
                    fam = _inl_family(m.group(2))
                line_hit = _Cand(s, _quote_end(norm, s, pe, _STOP_LINE, None), fam,
                                 _ordinal(fam, m.group(1)), False, pi,
                                 flex=fam.startswith("inl") and m.group(2) == "是要")
                break
        if line_hit and line_hit.end - line_hit.start > 1:
            out.append(line_hit)
        for m in _INLINE.finditer(norm, s, pe):
            st = m.start(1) - 1 if m.group(1) else m.start(2)
            if line_hit and st <= line_hit.start:
                continue
            fam = "di" if m.group(1) else _inl_family(m.group(3))
            val = cn_to_int(m.group(1) or m.group(2)) or 0
            out.append(_Cand(st, _quote_end(norm, st, pe, _STOP_INLINE, 60), fam, val, True, pi,
                             flex=bool(m.group(3)) and m.group(3) == "是要"))
    return out


def _looks_like_heading(norm: str, pos: int, end: int) -> bool:
    # "1.5亿元" is a number, "1.加快…" a heading
    return pos < end and not norm[pos].isdigit()


def _filter_inline(cands: list[_Cand]) -> list[_Cand]:
    """Keep inline items that belong to a sequence (1 followed by 2, or n preceded by n-1)."""
    keep = [True] * len(cands)
    for i, c in enumerate(cands):
        if not c.inline:
            continue
        ok = False
        if c.value == 1:
            for d in cands[i + 1:i + 40]:
                if not d.inline and d.family in ("cn_dun",):
                    break
                if d.value == 2 and d.family == c.family:
                    ok = True
                    break
        else:
            for j in range(i - 1, max(-1, i - 40), -1):
                d = cands[j]
                if d.value == c.value - 1 and keep[j] and (
                        d.family == c.family or (c.flex or d.flex) and d.family.startswith("inl") and c.family.startswith("inl")):
                    ok = True
                    break
            if not ok and c.family == "di" and c.value == 2:
                ok = any(d.family == "di" and d.value == 3 for d in cands[i + 1:i + 10])
        keep[i] = ok
    return [c for c, k in zip(cands, keep) if k]


def _filter_line(cands: list[_Cand]) -> list[_Cand]:
    """Drop isolated line markers that do not start or continue a list of their family."""
    keep = []
    seen: dict[tuple[str, bool], int] = {}
    for i, c in enumerate(cands):
        key = (c.family, c.inline)
        if c.inline or c.family in ("cn_dun", "cn_paren"):
            keep.append(c)
            seen[key] = c.value
            continue
        prev = seen.get(key)
        if c.value == 1 or (prev is not None and c.value == prev + 1):
            keep.append(c)
            seen[key] = c.value
    return keep


def _depths(cands: list[_Cand]) -> list[int]:
    stack: list[_Cand] = []
    out = []
    for c in cands:
        if not c.inline:
            while stack and stack[-1].inline:
                stack.pop()
        # the innermost open list this item can continue (a nested copy of its family first)
        idx = None
        if c.flex:
            idx = next((k for k in range(len(stack) - 1, -1, -1)
                        if stack[k].family.startswith("inl") and stack[k].value == c.value - 1), None)
            if idx is not None:
                c.family = stack[idx].family
        if idx is None:
            idx = next((k for k in range(len(stack) - 1, -1, -1)
                        if stack[k].family in (c.family, c.family + "*")), None)
        if (idx is not None and idx == len(stack) - 1 and c.inline and not stack[idx].inline
                and c.value == 1):
            # an inline list inside a line-start item of the same family nests
            c.family = c.family + "*"
            idx = None
        elif idx is not None and stack[idx].family.endswith("*"):
            c.family = stack[idx].family
        if idx is not None:
            del stack[idx:]
        elif c.inline and stack and stack[-1].inline and c.value == 1 and stack[-1].para != c.para:
            stack.pop()
        elif (c.inline and stack and stack[-1].inline and c.value == 1 and stack[-1].family != c.family
              and not (stack[-1].family.startswith("inl_yao") and c.family.startswith("inl_shi"))):
            stack.pop()
        stack.append(c)
        out.append(len(stack))
    return out


def find_headings(text: str, norm: str, paras: list[tuple[int, int]]) -> list[Heading]:
    cands = _candidates(norm, paras)
    cands = _filter_line(_filter_inline(cands))
    depths = _depths(cands)
    return [Heading(c.start, c.end, text[c.start:c.end], d, c.family) for c, d in zip(cands, depths)]
