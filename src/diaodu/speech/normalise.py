"""Offset-preserving normalisation.

Every transformation here maps one code point to one code point, so an offset in the
normalised text is the same offset in the original text: rules match on the normalised
string and quotes are always cut from the original.
"""
from __future__ import annotations

import re

_PAIRS = {
    "％": "%", "．": ".", "＋": "+", "－": "-", "～": "~", "﹪": "%",
    "(": "（", ")": "）", ",": "，", ";": "；", ":": "：", "?": "？", "!": "！",
    "\u3000": " ", "\u00a0": " ", "\t": " ", "\r": " ", "\u2028": "\n", "\u2029": "\n",
    "—": "-", "–": "-", "〇": "零", "╳": "×", "Ｘ": "X", "ｘ": "x",
}
_TABLE = {ord(k): v for k, v in _PAIRS.items()}
for _c in range(0xFF10, 0xFF1A):  # full-width digits
    _TABLE[_c] = chr(_c - 0xFEE0)
for _c in list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B)):  # full-width letters
    _TABLE.setdefault(_c, chr(_c - 0xFEE0))

BOM = "\ufeff"
SENT_END = "。！？"
# characters after which a line break really ends a sentence or heading
_LINE_END_OK = set("。！？：；…”」』）)!?:;")
_MARKER_START = re.compile(r"[ ]*(?:[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）|\d{1,2}[.、]|（\d{1,2}）|[①-⑳]|第[一二三四五六七八九十]{1,3}[，、])")


def strip_bom(text: str) -> str:
    return text[1:] if text.startswith(BOM) else text


def normalise(text: str) -> str:
    """Same-length normalised copy of ``text`` (half-width digits, ``%``, full-width brackets)."""
    out = text.translate(_TABLE)
    assert len(out) == len(text)
    return out


def lines(norm: str) -> list[tuple[int, int]]:
    """(start, end) of each physical line, end exclusive, without the newline."""
    spans = []
    pos = 0
    n = len(norm)
    while pos <= n:
        j = norm.find("\n", pos)
        if j < 0:
            j = n
        spans.append((pos, j))
        pos = j + 1
    return spans


def paragraphs(norm: str) -> list[tuple[int, int]]:
    """Logical paragraphs: physical lines joined across PDF-style breaks.

    A line continues on the next one when it is long (wrapped), does not end with
    sentence or heading punctuation, and the next line does not start a heading.
    """
    out: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for s, e in lines(norm):
        seg = norm[s:e].rstrip()
        if cur is not None:
            prev = norm[cur[0]:cur[1]].rstrip()
            if (prev and len(prev) >= 28 and prev[-1] not in _LINE_END_OK and seg.strip()
                    and not _MARKER_START.match(norm, s)):
                cur = (cur[0], e)
                continue
            out.append(cur)
        cur = (s, e)
    if cur is not None:
        out.append(cur)
    return [(s, e) for s, e in out if norm[s:e].strip()]


_SENT_RE = re.compile(r"[^。！？]+")


def sentences(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of one paragraph: split after 。！？ (closing quotes stay with the sentence).

    The span excludes the closing punctuation and surrounding spaces and newlines.
    """
    res = []
    for m in _SENT_RE.finditer(norm, start, end):
        a, b = m.span()
        while a < b and norm[a] in " \n":
            a += 1
        while b > a and norm[b - 1] in " \n":
            b -= 1
        if b > a:
            res.append((a, b))
    return res
