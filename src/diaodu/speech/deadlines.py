"""Deadlines: find the first time limit in a sentence and normalise it to a date."""
from __future__ import annotations

import calendar
import datetime as dt
import re

from .model import Deadline
from .numerals import cn_to_int

_S = r"[ ]?"
_CNM = "一二三四五六七八九十"
_YEAR = rf"(?P<y>(?:19|20)\d\d|20XX|20xx|20××|二[零〇][一二三四五六七八九零〇]{{2}}){_S}年{_S}"
_MON = rf"(?P<m>\d{{1,2}}|[{_CNM}]{{1,3}}|[Xx×*]{{1,2}}){_S}月"
_DAY = rf"{_S}(?P<d>\d{{1,2}}|[{_CNM}]{{1,3}}){_S}[日号]"
_PRE = r"(?:到[ ]?)?"
_END = r"(?P<end>前|之前|以前|底前|底|末|末前|内|份|中旬前|中旬|上旬前|上旬|下旬前|下旬)?"
_QMAP = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}
_PLAN = {"十三五": 2020, "十四五": 2025, "十五五": 2030, "十二五": 2015}
_COMPLETE = r"(?:完成|建成|开工|投产|竣工|达产|到位|落地|全部|实现|办结|上报|报送|出台|启动|开展|召开|举办|形成|拿出|制定|整改|销号|清零|入库|达到|确保|力争)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("ymd", re.compile(_PRE + _YEAR + rf"(?:{_MON}(?:{_DAY})?)?{_END}")),
    ("md", re.compile(_PRE + _MON + _DAY + r"(?P<end>前|之前|以前)?")),
    ("m", re.compile(_PRE + _MON + r"(?P<end>底前|底|末前|末|中旬前|中旬|上旬前|上旬|下旬前|下旬|前|之前|份前|份)")),
    ("monthend", re.compile(r"(?<![0-9一二三四五六七八九十个])月底前")),
    ("yearend", re.compile(_PRE + r"(?:今年|本年|当年)?(?:年底前|年底|年末|年前|年内)")),
    ("quarter", re.compile(_PRE + r"(?P<q>[一二三四1-4])季度(?P<end>末前|末|底前|底|内|前|结束前)")),
    ("plan", re.compile(_PRE + r"[“\"]?(?P<p>十[二三四五]五)[”\"]?(?:期末|末|期间)")),
    ("half", re.compile(_PRE + r"(?P<h>上半年|下半年|年中)(?P<end>末|前|内|底)?")),
    ("null", re.compile(r"近期|最近|近日|(?:[一二三四五六七八九十两\d]+|半)[ ]?(?:周|个工作日|个月|天|日|年)(?:之内|内|以内)"
                        r"|利用[一二三四五六七八九十两\d]+[ ]?(?:个月|周|天|年)的?时间"
                        r"|通过[一二三四五六七八九十两\d]+(?:[到至\-~][一二三四五六七八九十两\d]+)?[ ]?年(?:的)?(?:时间|努力)")),
    ("thisyear", re.compile(r"今年")),
]
_TRIGGER = re.compile(r"月|年|季度|十[二三四五]五|近期|最近|近日|内|时间|努力")
_NOT_START = re.compile(r"^(?:开始|起|以来|后|期间|份以来|初|每)")
_FREQ_BEFORE = re.compile(r"(?:从|自|每|截至|截止|今天是|今天|昨天|前天|上周|上月)[ ]?$")
_EVENT_REF = re.compile(r"^[^，。；]{0,10}?(?:常务会|全会|大会|会议|会上|讲话|精神|批示|指示)")
_PAST_EVENT = re.compile(r"^[^，。；]{0,6}?(?:召开|举行|举办|印发|出台|发布)的")


def _month(tok: str) -> int | None:
    if tok.isdigit():
        return int(tok)
    if tok[0] in "Xx×*":
        return None
    return cn_to_int(tok)


def _year(tok: str | None, meeting: dt.date | None) -> str:
    if tok and tok.isdigit():
        return tok
    if tok and tok.startswith("二"):
        v = cn_to_int(tok)
        if v:
            return str(v)
    return str(meeting.year) if meeting and not tok else "XXXX"


def _fmt(year: str, month: int | None, day: int | None) -> str | None:
    if month is None or not 1 <= month <= 12:
        return None
    y = int(year) if year.isdigit() else 2001
    last = calendar.monthrange(y, month)[1]
    if day is None:
        day = last
    if not 1 <= day <= last:
        return None
    return f"{year}-{month:02d}-{day:02d}"


def _resolve(kind: str, m: re.Match[str], meeting: dt.date | None) -> tuple[bool, str | None]:
    """(is_deadline, date)"""
    g = m.groupdict()
    end = g.get("end") or ""
    if kind == "ymd":
        y = _year(g["y"], None)
        if g.get("m") is None:
            return True, f"{y}-12-31"
        mon = _month(g["m"])
        day = int(g["d"]) if g.get("d") and g["d"].isdigit() else (cn_to_int(g["d"]) if g.get("d") else None)
        return True, _from_month_end(y, mon, day, end)
    if kind == "md":
        y = _year(None, meeting)
        mon = _month(g["m"])
        d = g["d"]
        day = int(d) if d.isdigit() else cn_to_int(d)
        return True, _fmt(y, mon, day) if mon else None
    if kind == "m":
        y = _year(None, meeting)
        return True, _from_month_end(y, _month(g["m"]), None, end)
    if kind == "monthend":
        return True, _fmt(str(meeting.year), meeting.month, None) if meeting else None
    if kind == "yearend":
        return True, f"{_year(None, meeting)}-12-31"
    if kind == "quarter":
        return True, _fmt(_year(None, meeting), _QMAP[g["q"]], None)
    if kind == "plan":
        return True, f"{_PLAN[g['p']]}-12-31"
    if kind == "half":
        mon = 6 if g["h"] in ("上半年", "年中") else 12
        return True, _fmt(_year(None, meeting), mon, None)
    if kind == "thisyear":
        return True, f"{_year(None, meeting)}-12-31"
    return True, None


def _from_month_end(y: str, mon: int | None, day: int | None, end: str) -> str | None:
    if mon is None:
        return None
    if day is not None:
        return _fmt(y, mon, day)
    if "上旬" in end:
        return _fmt(y, mon, 10)
    if "中旬" in end:
        return _fmt(y, mon, 20)
    return _fmt(y, mon, None)


def find_deadline(text: str, norm: str, start: int, end: int,
                  meeting: dt.date | None = None) -> Deadline | None:
    """First deadline in norm[start:end], or None."""
    if not _TRIGGER.search(norm, start, end):
        return None
    best: tuple[int, int, str, re.Match[str]] | None = None
    for kind, rx in _PATTERNS:
        for m in rx.finditer(norm, start, end):
            if not _acceptable(kind, m, norm, start, end):
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), m.end(), kind, m)
            break
    if best is None:
        return None
    s, e, kind, m = best
    _, date = _resolve(kind, m, meeting)
    return Deadline(s, e, text[s:e], date)


def _acceptable(kind: str, m: re.Match[str], norm: str, start: int, end: int) -> bool:
    after = norm[m.end():min(end, m.end() + 12)]
    before = norm[max(start, m.start() - 4):m.start()]
    if _NOT_START.match(after) or _FREQ_BEFORE.search(before):
        return False
    if kind in ("md", "ymd") and _PAST_EVENT.match(after):
        return False  # 在5月21日召开的会议上: a past event, not a time limit
    if kind in ("md", "ymd") and not m.groupdict().get("end") and _EVENT_REF.match(after):
        return False  # 贯彻3月28日市政府常务会精神: the date names a meeting
    if kind == "yearend" and after.startswith("了"):
        return False  # 马上要到年底了: time passing, not a time limit
    g = m.groupdict()
    if kind == "ymd":
        # a bare year is a deadline only with 到/前/底 or when something is to be completed
        if g.get("m") is None:
            pre = norm[m.start():m.start() + 2]
            return bool(g.get("end") in ("前", "之前", "底", "底前", "末", "内")
                        or pre.startswith("到") and re.match(r"[ ]?，?[^。]{0,20}?" + _COMPLETE, after))
        return True
    if kind == "m" and (g.get("end") or "").startswith("份"):
        return bool(re.match(r"[ ]?(?:要|前|底|必须|务必|确保|全部|，?确保)?[^，。；]{0,4}" + _COMPLETE, after))
    if kind == "half":
        return bool(g.get("end")) or bool(re.match(r"[^，。；]{0,8}" + _COMPLETE, after))
    if kind == "thisyear":
        return bool(re.match(r"[ ]?(?:要|必须|务必|确保|力争)[^，。；]{0,6}" + _COMPLETE, after))
    if kind == "yearend" and norm[m.start():m.end()].endswith("年前"):
        return bool(re.match(r"[^，。；]{0,6}" + _COMPLETE, after))
    return True
