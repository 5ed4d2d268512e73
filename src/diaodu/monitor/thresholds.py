"""The 红/黄/绿 warning thresholds, kept in ``monitor_setting`` and edited by dispatchers.

``current`` is what the board uses (the defaults of ``rules.WarningThresholds`` until someone saves
other values); ``save`` validates, writes one audited row and — through the table's trigger —
renews the board's data token, so every cached board is recomputed with the new colours.
"""

from __future__ import annotations

import math
from dataclasses import asdict, fields

from sqlalchemy.orm import Session

from diaodu.core import org, policy
from diaodu.core.audit import Actor
from diaodu.core.errors import ValidationFailed
from diaodu.monitor.models import Setting
from diaodu.monitor.rules import WarningThresholds

KEY = "warning_thresholds"
LABELS = {"red_gap": "红色：差距低于（百分点）", "yellow_gap": "黄色：差距低于（百分点）",
          "red_bottom": "红色：位次在倒数前几位", "yellow_bottom": "黄色：位次在倒数前几位"}


def current(session: Session) -> WarningThresholds:
    row = session.get(Setting, KEY)
    if row is None:
        return WarningThresholds()
    known = {f.name for f in fields(WarningThresholds)}
    return WarningThresholds(**{k: v for k, v in (row.value or {}).items() if k in known})


def as_dict(session: Session) -> dict:
    row = session.get(Setting, KEY)
    return {**asdict(current(session)), "version": row.version if row else None, "labels": LABELS}


def save(session: Session, actor: Actor, *, version: int | None = None, **values) -> WarningThresholds:
    """Change some or all thresholds (admin, dispatcher). The gaps are percentage points (a red
    gap below the yellow one), the bottoms are counts of last places (red within yellow)."""
    policy.ensure_business_writer(actor)
    row = session.get(Setting, KEY)
    if row is not None:
        org.check_version(row, version)
    merged = asdict(current(session))
    for k, v in values.items():
        if k in merged and v is not None:
            merged[k] = v
    for k in ("red_gap", "yellow_gap"):
        if not isinstance(merged[k], (int, float)) or isinstance(merged[k], bool) or not math.isfinite(merged[k]):
            raise ValidationFailed(f"{LABELS[k]}应为数字")
        merged[k] = float(merged[k])
    for k in ("red_bottom", "yellow_bottom"):
        if not isinstance(merged[k], int) or isinstance(merged[k], bool) or not 0 <= merged[k] <= 50:
            raise ValidationFailed(f"{LABELS[k]}应为 0–50 的整数")
    if merged["red_gap"] > merged["yellow_gap"]:
        raise ValidationFailed("红色差距阈值应低于（或等于）黄色差距阈值")
    if merged["red_bottom"] > merged["yellow_bottom"]:
        raise ValidationFailed("红色位次阈值应不多于黄色位次阈值")
    if row is None:  # nothing saved yet: the defaults were shown, there is no version to compare
        session.add(Setting(key=KEY, value=merged))
    else:
        row.value = merged
    session.flush()
    return WarningThresholds(**merged)
