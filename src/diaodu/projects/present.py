"""Presentation helpers for summaries: Chinese column headers, table cells as strings
and the standard data sentence of the speeches (no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from .records import month_tuple
from .pipeline import LeadRates
from .rules import SummaryRow, fmt_pct

# (SummaryRow field, header); the key column header is passed separately.
SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("projects", "项目数"),
    ("annual_plan", "年度计划投资(万元)"),
    ("ytd_completed", "本年完成投资(万元)"),
    ("completion_rate", "完成率"),
    ("schedule_progress", "序时进度"),
    ("schedule_gap_pp", "进度差(百分点)"),
    ("due_to_start", "应开工"),
    ("started", "已开工"),
    ("start_rate", "开工率"),
    ("due_to_complete", "应竣工"),
    ("completed", "已竣工"),
    ("completion_count_rate", "竣工率"),
    ("ytd_registered", "入库金额(万元)"),
    ("registration_rate", "入库率"),
    ("registration_gap", "入库缺口(万元)"),
    ("gap_flag", "缺口预警"),
    ("overdue_nodes", "逾期节点"),
    ("stalled", "停滞项目"),
)
LEAD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("signed", "签约项目"), ("landed", "注册落地"), ("started", "开工"), ("producing", "投产"),
    ("contract_amount", "合同金额(万元)"), ("funds_in_place", "到位资金(万元)"),
    ("fulfilment_rate", "履约率"), ("funds_rate", "资金到位率"), ("start_rate", "开工率"),
    ("production_rate", "投产率"),
)
_RATE_FIELDS = {"completion_rate", "schedule_progress", "start_rate", "completion_count_rate",
                "registration_rate", "fulfilment_rate", "funds_rate", "production_rate"}


def _money(v: Decimal) -> str:
    return f"{v.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def cell(field: str, value) -> str:
    if field in _RATE_FIELDS:
        return fmt_pct(value)
    if isinstance(value, bool):
        return "是" if value else ""
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        if field == "schedule_gap_pp":
            return f"{value:+}"
        return _money(value)
    return str(value)


def summary_table(rows: Sequence[SummaryRow], key_header: str = "县市区") -> list[list[str]]:
    """Header row plus one row of strings per summary row (CLI / pages / xlsx export)."""
    out = [[key_header] + [h for _f, h in SUMMARY_COLUMNS]]
    for r in rows:
        out.append([r.key] + [cell(f, getattr(r, f)) for f, _h in SUMMARY_COLUMNS])
    return out


def lead_table(rows: Sequence[LeadRates], key_header: str = "县市区") -> list[list[str]]:
    out = [[key_header] + [h for _f, h in LEAD_COLUMNS]]
    for r in rows:
        out.append([r.key] + [cell(f, getattr(r, f)) for f, _h in LEAD_COLUMNS])
    return out


def _yi(wan: Decimal) -> str:
    """万元 → 亿元 with two decimals."""
    return str((wan / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def data_sentence(row: SummaryRow, month: str, scope: str = "全市") -> str:
    """The speeches' standard project paragraph, e.g.
    ``1-6月，全市60个重点项目总投资…亿元，年度计划投资…亿元；应开工…个、已开工…个，开工率…；
    完成投资…亿元，占年度计划的…%，高于序时进度…个百分点；入库…亿元，入库率…。``"""
    _, m = month_tuple(month)
    period = "1月" if m == 1 else f"1-{m}月"
    parts = [(f"{period}，{scope}{row.projects}个重点项目总投资{_yi(row.total_investment)}亿元，"
              f"年度计划投资{_yi(row.annual_plan)}亿元")]
    parts.append(f"应开工{row.due_to_start}个、已开工{row.started}个，开工率{fmt_pct(row.start_rate)}")
    s = f"完成投资{_yi(row.ytd_completed)}亿元，占年度计划的{fmt_pct(row.completion_rate)}"
    if row.schedule_gap_pp is not None:
        gap = row.schedule_gap_pp
        if gap > 0:
            s += f"，高于序时进度{abs(gap).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}个百分点"
        elif gap < 0:
            s += f"，低于序时进度{abs(gap).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}个百分点"
        else:
            s += "，与序时进度持平"
    parts.append(s)
    s = f"入库{_yi(row.ytd_registered)}亿元，入库率{fmt_pct(row.registration_rate)}"
    if row.gap_flag:
        s += f"，入库缺口{_yi(row.registration_gap)}亿元"
    parts.append(s)
    return "；".join(parts) + "。"
