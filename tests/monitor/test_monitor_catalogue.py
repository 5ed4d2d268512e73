import pytest

from diaodu.monitor.catalogue import SEED_INDICATORS, normalise_name, resolve_indicator
from diaodu.monitor.records import normalise_region, region_keys

REQUIRED = [
    "地区生产总值", "第一产业增加值", "第二产业增加值", "第三产业增加值", "规模工业增加值", "规模工业营业收入",
    "规模工业利润总额", "固定资产投资", "施工项目个数", "基础设施建设投资", "工业投资", "房地产开发投资",
    "高技术产业投资", "社会消费品零售总额", "外商直接投资", "进出口", "出口", "一般公共预算收入", "税收收入",
    "一般公共预算支出", "金融机构存款余额", "金融机构贷款余额", "全体居民人均可支配收入",
    "城镇居民人均可支配收入", "农村居民人均可支配收入", "工业用电量",
]


@pytest.mark.parametrize("name", REQUIRED)
def test_seeded(name):
    assert resolve_indicator(name) is not None


def test_codes_unique_and_aliases_unambiguous():
    codes = [i.code for i in SEED_INDICATORS]
    assert len(codes) == len(set(codes))
    seen = {}
    for ind in SEED_INDICATORS:
        for label in (ind.name, *ind.aliases):
            key = normalise_name(label)
            assert seen.setdefault(key, ind.code) == ind.code, label
    assert all(i.direction in (1, -1) and i.kind in ("flow", "stock", "rate") and i.owner for i in SEED_INDICATORS)


@pytest.mark.parametrize("label,code", [
    ("GDP", "gdp"), ("生产总值", "gdp"), ("一、地区生产总值（GDP）", "gdp"), ("地区 生产 总值(万元)", "gdp"),
    ("ＧＤＰ", "gdp"), ("社会消费品零售总额(亿元)", "retail"), ("  其中:工业用电量", "power_industry"),
    ("全市用电总量（亿千瓦小时）", "power_total"), ("金融机构本外币存款余额", "deposits"),
    ("地方一般公共预算收入", "fiscal_revenue"), ("规模以上工业增加值【%】", "ind_va"),
    ("二、规模工业增加值", "ind_va"), ("某某新指标", None), ("", None),
])
def test_resolve(label, code):
    assert resolve_indicator(label) == code


def test_region_names():
    assert normalise_region(" 全 市 ") == "全市" and normalise_region("合计") == "全市"
    assert normalise_region("邵阳县") == "邵阳县"
    assert region_keys("大祥区") == {"大祥区", "大祥"}
    assert region_keys("大祥") == {"大祥"}
    assert region_keys("邵阳县") == {"邵阳县", "邵阳"}


def test_clean_label():
    from diaodu.monitor.catalogue import clean_label
    assert clean_label("一、税收收入") == "税收收入"
    assert clean_label("  其中：出口") == "出口"
    assert clean_label("#工业技改投资") == "工业技改投资"
    assert clean_label("全市用电总量（亿千瓦小时）") == "全市用电总量(亿千瓦小时)"
