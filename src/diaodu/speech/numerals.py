"""Number parsing: Arabic (with spaces and thousands separators), Chinese numerals, placeholders."""
from __future__ import annotations

import re

CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7,
             "捌": 8, "玖": 9}
CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_NUM_CHARS = "零一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟"

# placeholders used by redacted speeches: X, XX, ×, **
PLACEHOLDER = r"(?:[Xx×]{1,3}|\*{1,3}|××)"
ARABIC = r"\d+(?:[ ,，]?\d{3})*(?:\s?\.\s?\d+)?"
CHINESE = r"[零一二两三四五六七八九十百千]+(?:点[零一二三四五六七八九]+)?"
NUMBER = rf"(?:{ARABIC}|{PLACEHOLDER}|{CHINESE})"
NUMBER_RE = re.compile(NUMBER)


def cn_to_int(s: str) -> int | None:
    """Convert a Chinese numeral (一百二十三, 十五, 二〇二一 written as 二零二一) to int."""
    if not s:
        return None
    if all(c in CN_DIGITS for c in s):  # digit-by-digit (二零二一)
        v = 0
        for c in s:
            v = v * 10 + CN_DIGITS[c]
        return v
    total, cur = 0, 0
    for c in s:
        if c in CN_DIGITS:
            cur = CN_DIGITS[c]
        elif c in CN_UNITS:
            u = CN_UNITS[c]
            total += (cur or 1) * u
            cur = 0
        elif c == "万":
            total = (total + cur) * 10000
            cur = 0
        else:
            return None
    return total + cur


def parse_number(s: str) -> float | int | None:
    """Value of a number token; None for placeholders and unparseable text."""
    s = s.strip()
    if not s or re.fullmatch(PLACEHOLDER, s):
        return None
    t = re.sub(r"[\s,，]", "", s)
    if re.fullmatch(r"\d+(?:\.\d+)?", t):
        return float(t) if "." in t else int(t)
    if "点" in t:
        a, _, b = t.partition("点")
        ia = cn_to_int(a) if a else 0
        if ia is None or not b or any(c not in CN_DIGITS for c in b):
            return None
        return float(f"{ia}.{''.join(str(CN_DIGITS[c]) for c in b)}")
    return cn_to_int(t)
