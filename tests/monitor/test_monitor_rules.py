"""Property tests for the pure monitoring rules."""

from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from diaodu.monitor import rules as R

growths = st.one_of(
    st.none(),
    st.floats(min_value=-100, max_value=1000, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=-100, max_value=1000, places=2).map(float),
)
peer_values = st.dictionaries(st.text(min_size=1, max_size=4), growths, min_size=1, max_size=20)


# --- rounding -------------------------------------------------------------------


@pytest.mark.parametrize(
    "x,expected",
    [(8.85, "8.9"), (8.75, "8.8"), (4.95, "5.0"), (5.05, "5.1"), (12.95, "13.0"), (-2.25, "-2.3"),
     (6.17000000000001, "6.2"), (5.49999999999999, "5.5"), (0.05, "0.1"), (2.675, "2.7")],
)
def test_round_half_up_examples(x, expected):
    assert R.round_half_up(x, 1) == Decimal(expected)


@given(st.decimals(min_value=-10000, max_value=10000, places=2))
def test_round_half_up_matches_decimal_text(d):
    # what a person reading the printed two-decimal cell would round to
    from decimal import ROUND_HALF_UP
    assert R.round_half_up(float(d), 1) == d.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


near_ties = st.builds(lambda k, p, e: (k + 0.5) / 10 ** p + e,
                      st.integers(-10 ** 7, 10 ** 7), st.integers(0, 4),
                      st.sampled_from([0.0, 1e-15, -1e-15, 1e-11, -1e-11, 1e-9, -1e-9, 6e-7, -6e-7]))


@settings(max_examples=400)
@given(st.one_of(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False), near_ties,
                 st.decimals(min_value=-10 ** 6, max_value=10 ** 6, places=3).map(float),
                 st.integers(-10 ** 6, 10 ** 6)),
       st.integers(0, 6))
def test_rank_key_is_round_half_up(x, precision):
    # the float shortcut in rank_key must agree with the Decimal rule everywhere
    assert R.rank_key(x, precision) == int(R.round_half_up(x, precision).scaleb(precision))


@pytest.mark.parametrize("x,p,key", [(4.95, 1, 50), (-2.25, 1, -23), (2.675, 2, 268), (0.05, 1, 1),
                                     (5.49999999999999, 1, 55), (12.0, 0, 12), (-0.04, 1, 0)])
def test_rank_key_examples(x, p, key):
    assert R.rank_key(x, p) == key


# --- ranks -------------------------------------------------------------------------


@given(peer_values)
def test_ranks_in_range_and_none_unranked(values):
    ranks = R.competition_rank(values)
    ranked = [k for k, v in values.items() if v is not None]
    for k, v in values.items():
        if v is None:
            assert ranks[k] is None
        else:
            assert 1 <= ranks[k] <= len(ranked)
    if ranked:
        assert min(ranks[k] for k in ranked) == 1


@given(peer_values, st.randoms())
def test_rank_permutation_invariant(values, rnd):
    items = list(values.items())
    rnd.shuffle(items)
    assert R.competition_rank(dict(items)) == R.competition_rank(values)


@given(peer_values)
def test_ties_share_rank_and_competition_gaps(values):
    ranks = R.competition_rank(values)
    rounded = {k: R.round_half_up(v, 1) for k, v in values.items() if v is not None}
    for a in rounded:
        # competition ranking: rank = 1 + number strictly better
        assert ranks[a] == 1 + sum(1 for b in rounded if rounded[b] > rounded[a])
        for b in rounded:
            if rounded[a] == rounded[b]:
                assert ranks[a] == ranks[b]
            elif rounded[a] > rounded[b]:
                assert ranks[a] < ranks[b]


@given(peer_values)
def test_reversing_direction_reverses_order(values):
    up = R.competition_rank(values, direction=1)
    down = R.competition_rank(values, direction=-1)
    keys = [k for k, v in values.items() if v is not None]
    for a in keys:
        for b in keys:
            if up[a] < up[b]:
                assert down[a] > down[b]
            if up[a] == up[b]:
                assert down[a] == down[b]


def test_competition_example():
    assert R.competition_rank({"a": 5.0, "b": 4.96, "c": 5.04, "d": 3.0, "e": None}) == {
        "a": 1, "b": 1, "c": 1, "d": 4, "e": None}
    assert R.competition_rank({"a": 1, "b": 2, "c": 2, "d": 3}) == {"a": 4, "b": 2, "c": 2, "d": 1}


@given(peer_values)
def test_rank_from_bottom(values):
    ranks = R.competition_rank(values)
    n = sum(1 for v in values.values() if v is not None)
    for k, r in ranks.items():
        fb = R.rank_from_bottom(r, n)
        assert (fb is None) == (r is None)
        if fb is not None:
            assert 1 <= fb <= n


def test_rank_change():
    assert R.rank_change(5, 3) == 2  # moved up two places
    assert R.rank_change(3, 5) == -2
    assert R.rank_change(None, 3) is None


# --- time progress and gaps ------------------------------------------------------


@given(st.integers(min_value=1, max_value=12))
def test_time_progress(month):
    tp = R.time_progress(month)
    assert 0 < tp <= 1 and abs(tp * 12 - month) < 1e-12
    if month > 1:
        assert tp > R.time_progress(month - 1)


@pytest.mark.parametrize("m", [0, 13, -1])
def test_time_progress_rejects_bad_month(m):
    with pytest.raises(ValueError):
        R.time_progress(m)


@given(st.floats(min_value=0, max_value=1e9), st.floats(min_value=1, max_value=1e9),
       st.integers(min_value=1, max_value=12))
def test_schedule_gap(value, target, month):
    gap = R.schedule_gap(value, target, month)
    assert gap == pytest.approx((value / target - month / 12) * 100)
    # on schedule exactly when completion equals time progress
    on = R.schedule_gap(target * month / 12, target, month)
    assert abs(on) < 1e-9
    # more value -> larger gap
    assert R.schedule_gap(value + target / 10, target, month) > gap


def test_schedule_gap_example():
    # 仅完成任务目标的35.8%，欠时间进度14.2个百分点 (at June)
    assert R.schedule_gap(35.8, 100, 6) == pytest.approx(-14.2)
    assert R.completion(1, 0) is None and R.schedule_gap(1, None, 3) is None


@given(st.floats(-50, 50), st.floats(-50, 50))
def test_growth_gap(g, t):
    assert R.growth_gap(g, t) == pytest.approx(g - t)


def test_double_half():
    assert R.double_half(51, 100, 6) is True
    assert R.double_half(49, 100, 6) is False
    assert R.double_half(60, 100, 5) is None


# --- warnings ------------------------------------------------------------------------


def test_warning_colours():
    t = R.WarningThresholds()
    assert R.warning_colour(gap=-6) == "red"
    assert R.warning_colour(gap=-1) == "yellow"
    assert R.warning_colour(gap=0.5) == "green"
    assert R.warning_colour(rank=12, n=12) == "red"
    assert R.warning_colour(rank=11, n=12) == "red"
    assert R.warning_colour(rank=9, n=12) == "yellow"
    assert R.warning_colour(rank=3, n=12) == "green"
    assert R.warning_colour(rank=5, n=12, rank_target=4) == "yellow"
    assert R.warning_colour(gap=2, rank=12, n=12) == "red"
    assert R.warning_colour() is None
    custom = R.WarningThresholds(red_gap=-10, yellow_gap=-2)
    assert R.warning_colour(gap=-6, thresholds=custom) == "yellow"
    assert t.red_bottom == 2


@given(st.floats(-100, 100), st.floats(-100, 100))
def test_colour_monotone_in_gap(a, b):
    assume(a <= b)
    order = {"green": 0, "yellow": 1, "red": 2}
    assert order[R.gap_colour(a)] >= order[R.gap_colour(b)]


# --- share, contribution, difference ------------------------------------------------


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=10))
def test_shares_sum_to_100(parts):
    whole = sum(parts)
    assume(whole > 0)
    assert sum(R.share(p, whole) for p in parts) == pytest.approx(100)


def test_contribution_and_increment():
    inc = R.increment(110, 10)
    assert inc == pytest.approx(10)
    assert R.contribution(5, 20) == 25
    assert R.pulling(5, 100) == 5
    assert R.contribution(1, 0) is None
    assert R.diff_points(8.85, 7.7) == Decimal("1.2")


# --- sentences ------------------------------------------------------------------------


def test_growth_sentence_spans():
    s = R.growth_sentence(month=3, region="全市", indicator="规模工业增加值", growth=8.8,
                          base_region="全省", base_growth=7.6, rank=3,
                          refs={"growth": "obs:1", "base_diff": "obs:1-obs:2", "rank": "rank:1"})
    assert s.text == "1-3月，全市规模工业增加值同比增长8.8%，高于全省1.2个百分点，居全省第3位"
    assert [(s.text[sp.start:sp.end], sp.ref) for sp in s.spans] == [
        ("8.8", "obs:1"), ("1.2", "obs:1-obs:2"), ("3", "rank:1")]


def test_growth_sentence_decline_and_below():
    s = R.growth_sentence(month=1, region="大祥区", indicator="固定资产投资", growth=-31.84,
                          base_region="全市", base_growth=3.3)
    assert s.text == "1月，大祥区固定资产投资同比下降31.8%，低于全市35.1个百分点"


def test_schedule_sentence():
    s = R.schedule_sentence(cumulative=35.8, annual_target=100, month=6, prefix="全市一般公共预算收入")
    assert s.text == "全市一般公共预算收入完成年度目标的35.8%，欠时间进度14.2个百分点"
    assert [s.text[sp.start:sp.end] for sp in s.spans] == ["35.8", "14.2"]
    ahead = R.schedule_sentence(cumulative=30, annual_target=100, month=3)
    assert ahead.text == "完成年度目标的30.0%，超时间进度5.0个百分点"


@given(st.floats(-99, 500), st.floats(-99, 500), st.integers(1, 12), st.integers(1, 14))
@settings(max_examples=200)
def test_sentence_spans_point_at_numbers(g, b, m, rank):
    s = R.growth_sentence(month=m, region="全市", indicator="出口", growth=g, base_region="全省",
                          base_growth=b, rank=rank)
    for sp in s.spans:
        assert s.text[sp.start:sp.end] == sp.text
        float(sp.text)


def test_round_half_up_large_values():
    assert R.round_half_up(1e30, 1) == Decimal("1e30")
    assert R.round_half_up(123456789012.35, 1) == Decimal("123456789012.4")
