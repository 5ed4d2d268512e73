"""Parse target phrases as the documents write them (pure)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass(frozen=True)
class TargetSpec:
    kind: str | None  # "growth" | "level" | None (rank only)
    value: float | None
    qualifier: str  # "~" 左右, ">=" 以上/不低于, "<=" 以内/控制在
    unit: str | None = None
    rank_keep: int | None = None
    rank_strive: int | None = None


def _cn_int(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    if s in _CN:
        return _CN[s]
    if len(s) == 2 and s[0] == "十" and s[1] in _CN:
        return 10 + _CN[s[1]]
    return None


def parse_target(text: str) -> TargetSpec | None:
    """``增长6.5%左右`` -> growth 6.5 ~; ``1200亿元以上`` -> level 1200 亿元 >=;
    ``控制在3%以内`` -> growth 3 <=; ``保四争三`` -> rank keep 4 strive 3 (combinable)."""
    s = unicodedata.normalize("NFKC", str(text or "")).replace(" ", "")
    if not s:
        return None
    keep = strive = None
    m = re.search(r"保(.{1,2}?)争(.{1,2})", s)
    if m:
        keep, strive = _cn_int(m.group(1)), _cn_int(m.group(2))
        s = s[: m.start()] + s[m.end():]
    qualifier = ">="
    if "左右" in s or "约" in s:
        qualifier = "~"
    elif "以内" in s or "以下" in s or "不超过" in s or "控制在" in s:
        qualifier = "<="
    num = re.search(r"(-?\d+(?:\.\d+)?)\s*(%|个百分点|[万亿]?元|[万亿]?美元|万平方米|个|家|人)?", s)
    if not num:
        return TargetSpec(None, None, qualifier, None, keep, strive) if keep or strive else None
    value = float(num.group(1))
    unit = num.group(2)
    if unit == "%":
        kind, unit = "growth", None
        if "下降" in s[: num.start()]:
            value = -value
    else:
        kind = "level"
    return TargetSpec(kind, value, qualifier, unit, keep, strive)
