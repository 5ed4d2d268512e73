"""Seed indicator catalogue and name resolution.

The catalogue is plain data (``Indicator`` records).  The DB layer seeds its
indicator table from ``SEED_INDICATORS`` and may add user-defined indicators
later; ``resolve_indicator`` works on any list of ``Indicator`` records.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Literal

Kind = Literal["flow", "stock", "rate"]

# Department names used as owners.
TJJ = "市统计局"
FGW = "市发改委"
GXJ = "市工信局"
SWJ = "市商务局"
CZJ = "市财政局"
JRB = "市委金融办"
SWJ_TAX = "市税务局"
GDJ = "国网供电公司"
ZJJ = "市住建局"
JTJ = "市交通运输局"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    kind: Kind = "flow"
    direction: int = 1  # +1 higher is better, -1 lower is better
    owner: str = TJJ
    aliases: tuple[str, ...] = ()
    scope: str = ""  # 口径 note
    precision: int = 1  # decimals of the published growth rate


def _i(code, name, unit, kind="flow", direction=1, owner=TJJ, aliases=(), scope="", precision=1):
    return Indicator(code, name, unit, kind, direction, owner, tuple(aliases), scope, precision)


SEED_INDICATORS: list[Indicator] = [
    # --- national accounts (核算) ---
    _i("gdp", "地区生产总值", "万元", owner=TJJ, aliases=["GDP", "生产总值", "地区生产总值(GDP)"],
       scope="现价总量，增速按不变价计算"),
    _i("va_primary", "第一产业增加值", "万元", aliases=["第一产业"], scope="按产业分，不变价增速"),
    _i("va_secondary", "第二产业增加值", "万元", aliases=["第二产业"], scope="按产业分，不变价增速"),
    _i("va_tertiary", "第三产业增加值", "万元", aliases=["第三产业"], scope="按产业分，不变价增速"),
    _i("agri_output", "农业总产值", "万元", aliases=["农林牧渔业总产值", "农业总产值(现价)"], scope="现价"),
    # --- industry (工业) ---
    _i("ind_va", "规模工业增加值", "万元", owner=GXJ,
       aliases=["规模以上工业增加值", "规上工业增加值"], scope="年主营业务收入2000万元及以上工业法人单位，不变价增速"),
    _i("ind_output", "规模工业总产值", "万元", owner=GXJ, aliases=["规模以上工业总产值", "规上工业总产值"], scope="现价"),
    _i("ind_sales_output", "工业产品销售产值", "万元", owner=GXJ, scope="规模工业，现价"),
    _i("ind_export_delivery", "出口交货值", "万元", owner=GXJ, scope="规模工业"),
    _i("ind_sales_ratio", "规模工业产销率", "%", kind="rate", owner=GXJ, aliases=["产销率"]),
    _i("ind_revenue", "规模工业营业收入", "万元", owner=GXJ,
       aliases=["规模以上工业营业收入", "规上工业营业收入", "营业收入", "规模工业主营业务收入"],
       scope="规模工业，统计局按上月数据发布"),
    _i("ind_profit", "规模工业利润总额", "万元", owner=GXJ,
       aliases=["规模以上工业利润总额", "规上工业利润总额", "利润总额"], scope="规模工业，统计局按上月数据发布"),
    _i("ind_tax_profit", "规模工业利税总额", "万元", owner=GXJ, aliases=["利税总额"], scope="规模工业，上月数据"),
    _i("ind_loss_ratio", "规模工业亏损面", "%", kind="rate", direction=-1, owner=GXJ, aliases=["亏损面"],
       scope="亏损企业数/企业总数，上月数据"),
    _i("ind_employees", "规模工业从业人员平均人数", "人", kind="stock", owner=GXJ, aliases=["从业人员平均人数"]),
    _i("power_total", "全社会用电量", "亿千瓦时", owner=GDJ, aliases=["全市用电总量", "用电总量"]),
    _i("power_industry", "工业用电量", "亿千瓦时", owner=GDJ, aliases=["其中工业用电量"]),
    # --- investment (投资) ---
    _i("fai", "固定资产投资", "万元", owner=FGW, aliases=["固投", "固定资产投资(不含农户)"],
       scope="500万元及以上项目，不含农户；统计局只发布增速"),
    _i("fai_projects", "施工项目个数", "个", owner=FGW, aliases=["施工项目数", "在建项目个数"], scope="计划总投资500万元及以上"),
    _i("fai_infra", "基础设施建设投资", "万元", owner=FGW, aliases=["基础设施投资", "基础设施建设"]),
    _i("fai_industry", "工业投资", "万元", owner=GXJ),
    _i("fai_industry_upgrade", "工业技改投资", "万元", owner=GXJ, aliases=["技改投资"]),
    _i("fai_realestate", "房地产开发投资", "万元", owner=ZJJ, aliases=["房地产投资"]),
    _i("fai_hightech", "高技术产业投资", "万元", owner=FGW, aliases=["高新技术产业投资"]),
    _i("fai_private", "民间投资", "万元", owner=FGW),
    _i("fai_livelihood", "民生工程投资", "万元", owner=FGW),
    _i("fai_ecology", "生态环境投资", "万元", owner=FGW),
    _i("fai_state", "国有投资", "万元", owner=FGW),
    # --- trade (贸易、外贸、外资) ---
    _i("retail", "社会消费品零售总额", "万元", owner=SWJ, aliases=["社零", "社零总额", "社会消费品零售额"]),
    _i("retail_above", "限额以上零售额", "万元", owner=SWJ, aliases=["限上零售额"]),
    _i("fdi", "外商直接投资", "万美元", owner=SWJ, aliases=["实际使用外资", "实际利用外资", "FDI"],
       scope="实际使用外商直接投资"),
    _i("trade", "进出口", "万元", owner=SWJ, aliases=["进出口总额", "外贸进出口", "进出口总值"], scope="人民币计"),
    _i("export", "出口", "万元", owner=SWJ, aliases=["出口总额", "出口额"], scope="人民币计"),
    _i("import", "进口", "万元", owner=SWJ, aliases=["进口总额", "进口额"], scope="人民币计"),
    _i("cpi", "居民消费价格指数", "上年同期=100", kind="rate", direction=-1, owner=TJJ, aliases=["CPI"],
       scope="指数，非累计量"),
    _i("house_sales_area", "商品房销售面积", "万平方米", owner=ZJJ),
    _i("house_sales_value", "商品房屋销售额", "亿元", owner=ZJJ, aliases=["商品房销售额"]),
    _i("house_construction_area", "商品房施工面积", "万平方米", kind="stock", owner=ZJJ),
    _i("house_completed_area", "商品房竣工面积", "万平方米", owner=ZJJ),
    # --- public finance (财政) ---
    _i("fiscal_revenue", "一般公共预算收入", "万元", owner=CZJ,
       aliases=["地方一般公共预算收入", "公共财政预算收入", "地方财政收入", "财政收入"], scope="地方口径"),
    _i("tax_revenue", "税收收入", "万元", owner=SWJ_TAX, aliases=["税收"]),
    _i("nontax_revenue", "非税收入", "万元", owner=CZJ),
    _i("fiscal_expenditure", "一般公共预算支出", "万元", owner=CZJ,
       aliases=["一般公共预算支出合计", "公共财政预算支出", "财政支出", "地方一般公共预算支出"]),
    # --- finance (金融) ---
    _i("deposits", "金融机构存款余额", "亿元", kind="stock", owner=JRB,
       aliases=["金融机构本外币存款余额", "各项存款", "各项存款余额", "存款余额"], scope="本外币，期末余额"),
    _i("loans", "金融机构贷款余额", "亿元", kind="stock", owner=JRB,
       aliases=["金融机构本外币贷款余额", "各项贷款", "各项贷款余额", "贷款余额"], scope="本外币，期末余额"),
    # --- households (城乡居民收支) ---
    _i("income_all", "全体居民人均可支配收入", "元", owner=TJJ,
       aliases=["全市居民人均可支配收入", "居民人均可支配收入", "全体居民收入"]),
    _i("income_urban", "城镇居民人均可支配收入", "元", owner=TJJ, aliases=["城镇居民收入"]),
    _i("income_rural", "农村居民人均可支配收入", "元", owner=TJJ, aliases=["农村居民收入"]),
    _i("consumption_all", "全体居民人均消费支出", "元", owner=TJJ, aliases=["全市居民人均消费支出", "居民人均消费支出"]),
    _i("consumption_urban", "城镇居民人均生活消费支出", "元", owner=TJJ, aliases=["城镇居民人均消费支出"]),
    _i("consumption_rural", "农村居民人均生活消费支出", "元", owner=TJJ, aliases=["农村居民人均消费支出"]),
    # --- transport (交通运输) ---
    _i("freight_road", "公路货运量", "万吨", owner=JTJ),
    _i("passenger_road", "公路客运量", "万人", owner=JTJ),
]

# The issue also lists the combined 金融机构存贷款余额; it is the pair deposits/loans above.

_FULLWIDTH = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "［": "(", "］": ")", "：": ":"})
_UNIT_BRACKET = re.compile(
    r"\((?:[^()]*?(?:元|%|％|吨|人|个|米|千瓦|小时|美元|百分点|现价|不变价|亿|万)[^()]*?)\)"
)
_LEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\d+[、.．]|#|其中[:：]?|\s)+")


def normalise_name(name: str) -> str:
    """Normalise an indicator or region label for matching.

    NFKC (full/half width), drop all whitespace, drop bracketed units such as
    ``(万元)`` ``（%）``, drop leading outline numbering (``一、`` ``1.`` ``#``
    ``其中：``), upper-case Latin letters.
    """
    if name is None:
        return ""
    s = unicodedata.normalize("NFKC", str(name)).translate(_FULLWIDTH)
    s = re.sub(r"\s+", "", s)
    s = _LEADING.sub("", s)
    prev = None
    while prev != s:
        prev = s
        s = _UNIT_BRACKET.sub("", s)
    s = s.strip(":")
    return s.upper()


def clean_label(label: str) -> str:
    """A row label for display: NFKC, no whitespace, no outline numbering or 其中:
    (``一、税收收入`` -> ``税收收入``, ``  其中：出口`` -> ``出口``); units are kept."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(label or "")))
    return _LEADING.sub("", s) or s


def _build_index(indicators: Iterable[Indicator]) -> dict[str, str]:
    index: dict[str, str] = {}
    for ind in indicators:
        for label in (ind.name, ind.code, *ind.aliases):
            key = normalise_name(label)
            if key and key not in index:
                index[key] = ind.code
    return index


_SEED_INDEX = _build_index(SEED_INDICATORS)
_BY_CODE = {i.code: i for i in SEED_INDICATORS}


def resolve_indicator(name: str, indicators: Iterable[Indicator] | None = None) -> str | None:
    """Return the indicator code for a name or alias, or None if unknown."""
    index = _SEED_INDEX if indicators is None else _build_index(indicators)
    key = normalise_name(name)
    if not key:
        return None
    if key in index:
        return index[key]
    # Labels like "GDP(亿元)" with brackets that are not units: try dropping any bracket.
    stripped = re.sub(r"\([^()]*\)", "", key)
    if stripped and stripped in index:
        return index[stripped]
    return None


def get_indicator(code: str) -> Indicator | None:
    return _BY_CODE.get(code)


def seed_catalogue() -> list[Indicator]:
    return list(SEED_INDICATORS)
