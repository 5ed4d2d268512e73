import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diaodu.speech import parse

_CN = "一二三四五六七八九十、（）()。，；：！？\n 要确保年底前市发改委县区局增长%亿元第位12345.X*×"


def _check(text):
    ex = parse(text)
    t = text[1:] if text.startswith("\ufeff") else text
    d = ex.to_dict()
    for name in ("headings", "tasks", "targets", "figures"):
        for r in d[name]:
            assert 0 <= r["start"] <= r["end"] <= len(t)
            assert t[r["start"]:r["end"]] == r["quote"]
            if name == "tasks" and r["deadline"]:
                dl = r["deadline"]
                assert t[dl["start"]:dl["end"]] == dl["quote"]
    return ex


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_unicode(text):
    _check(text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=_CN, max_size=400))
def test_speech_like_junk(text):
    _check(text)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=2000))
def test_binary_junk_decoded(data):
    _check(data.decode("utf-8", errors="replace"))
    _check(data.decode("gb18030", errors="replace"))


def test_empty():
    ex = _check("")
    assert ex.to_dict()["headings"] == []
    _check("\ufeff")


def test_deep_and_broken_numbering():
    rnd = random.Random(1)
    markers = ["一、", "（一）", "1.", "（1）", "①", "第一，", "一要", "一是", "十一、", "（九十九）", "99.", "第十，"]
    text = "\n".join(rnd.choice(markers) + "加快推进项目建设，确保年底前完成" for _ in range(500))
    ex = _check(text)
    assert all(h.depth >= 1 for h in ex.headings)


def test_two_megabytes_linear():
    import time

    unit = ("一、抓项目\n（一）上半年全市生产总值同比增长8.8%，居全省第3位。市发改委要在10月31日前完成，"
            "确保规模工业增加值增长15%以上。\n")
    small = unit * 200
    big = unit * (2_000_000 // len(unit))
    t0 = time.perf_counter()
    _check(small)
    t_small = time.perf_counter() - t0
    t0 = time.perf_counter()
    ex = _check(big)
    t_big = time.perf_counter() - t0
    assert len(ex.tasks) > 1000
    assert t_big < max(1.0, t_small) * (len(big) / len(small)) * 3  # roughly linear


import pytest  # noqa: E402


@pytest.mark.parametrize("unit", ["增长1%", "居全省第1位", "分别增长1%、", "市发改委要", "发改、统计等部门要",
                                  "第一，", "一是，", "1.", "X月底前"])
def test_pathological_repetition_is_linear(unit):
    """One endless sentence of repeated patterns must not make any rule quadratic."""
    import time

    small, big = unit * 500, unit * 4000
    t0 = time.perf_counter()
    _check(small)
    t_small = max(time.perf_counter() - t0, 0.02)
    t0 = time.perf_counter()
    _check(big)
    t_big = time.perf_counter() - t0
    assert t_big < t_small * 8 * 3
