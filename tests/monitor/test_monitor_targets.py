import pytest

from diaodu.monitor.records import match_region
from diaodu.monitor.rules import growth_sentence
from diaodu.monitor.targets import TargetSpec, parse_target


@pytest.mark.parametrize("text,kind,value,q,unit,keep,strive", [
    ("增长6.5%左右", "growth", 6.5, "~", None, None, None),
    ("增长7%以上", "growth", 7.0, ">=", None, None, None),
    ("控制在3%以内", "growth", 3.0, "<=", None, None, None),
    ("下降2%", "growth", -2.0, ">=", None, None, None),
    ("1200亿元以上", "level", 1200.0, ">=", "亿元", None, None),
    ("保四争三", None, None, ">=", None, 4, 3),
    ("增长8%，保4争3", "growth", 8.0, ">=", None, 4, 3),
])
def test_parse_target(text, kind, value, q, unit, keep, strive):
    assert parse_target(text) == TargetSpec(kind, value, q, unit, keep, strive)


def test_parse_target_empty():
    assert parse_target("") is None and parse_target("努力") is None


def test_match_region():
    tree = {1: ["邵阳市", "全市"], 2: ["大祥区"], 3: ["邵阳县"], 4: ["双清区", "双清"], 5: ["邵东市"]}
    assert match_region("大祥", tree) == 2
    assert match_region("全 市", tree) == 1
    assert match_region("邵阳县", tree) == 3
    assert match_region("邵东", tree) == 5
    assert match_region("双清", tree) == 4
    assert match_region("新化县", tree) is None
    # suffix-less key shared by 邵阳市 and 邵阳县: ambiguous, no guess
    assert match_region("邵阳", tree) is None


def test_bottom_rank_sentence():
    s = growth_sentence(month=3, region="大祥区", indicator="固定资产投资", growth=-31.8, rank=11,
                        rank_scope="全市", bottom_rank=2)
    assert s.text == "1-3月，大祥区固定资产投资同比下降31.8%，居全市倒数第2位"
