"""Permission matrix cases for /api/v1/monitor (see tests/support/matrix.py).

Decision 0003: statistics are read by everyone logged in; imports and catalogue changes by admin
and dispatcher; manual values and targets by admin/dispatcher anywhere and by the reporter of a
county for their own region (own = 甲县, other = 乙县: hidden, 404); leaders write nothing (403).
"""

from __future__ import annotations

import base64
import itertools

from sqlalchemy import select

from diaodu.core.audit import Actor
from diaodu.monitor.models import Indicator, Observation, Target as TargetRow
from tests.support.matrix import OTHER_REGION, OWN_REGION, Case, Target, everyone, org_editors, region_id, writers

_seq = itertools.count(1)


def _region(session, ownership):
    return region_id(session, OWN_REGION if ownership == "own" else OTHER_REGION)


def _indicator(session, code="fai"):
    return session.scalar(select(Indicator.id).where(Indicator.code == code))


def _observation(session, ownership):
    session.info["actor"] = Actor.system("matrix-setup")
    o = Observation(region_id=_region(session, ownership), indicator_id=_indicator(session), year=2019,
                    month=next(_seq) % 12 + 1, growth=5.0, source_ref="matrix")
    session.add(o)
    session.flush()
    return Target(path={"obs_id": o.id})


def _target_row(session, ownership):
    session.info["actor"] = Actor.system("matrix-setup")
    t = TargetRow(region_id=_region(session, ownership), indicator_id=_indicator(session), year=3000 + next(_seq),
                  kind="growth", value=6.0, qualifier="~", origin="own")
    session.add(t)
    session.flush()
    return t


def _new_observation(session, ownership):
    return Target(body={"region_id": _region(session, ownership), "indicator_id": _indicator(session),
                        "year": 2019, "month": next(_seq) % 12 + 1, "growth": 7.5})


def _new_target(session, ownership):
    return Target(body={"region_id": _region(session, ownership), "indicator_id": _indicator(session),
                        "year": 2030 + next(_seq) % 60, "text": "增长8%左右，保四争三", "origin": "own"})


def _import(session, ownership):
    region = OWN_REGION if ownership == "own" else OTHER_REGION
    csv = f"地区,指标,期间,数值,增速\n{region},固定资产投资,2019-0{next(_seq) % 9 + 1},,6.{next(_seq) % 10}\n"
    return Target(body={"file_name": "matrix.csv", "content_base64": base64.b64encode(csv.encode()).decode()})


CASES: list[Case] = [
    Case("GET", "/api/v1/monitor/indicators", lambda s, o: Target(), everyone()),
    Case("POST", "/api/v1/monitor/indicators",
         lambda s, o: Target(body={"name": f"测试指标{next(_seq)}", "unit": "万元"}), org_editors(201)),
    Case("PATCH", "/api/v1/monitor/indicators/{indicator_id}",
         lambda s, o: Target(path={"indicator_id": _indicator(s, "power_total")}, body={"owner": f"供电公司{next(_seq)}"}),
         org_editors(200)),
    Case("GET", "/api/v1/monitor/thresholds", lambda s, o: Target(), everyone()),
    Case("PUT", "/api/v1/monitor/thresholds",
         lambda s, o: Target(body={"red_gap": -6.0, "yellow_bottom": 3 + next(_seq) % 5}), org_editors(200)),
    Case("GET", "/api/v1/monitor/board", lambda s, o: Target(params={"period": "2026-03"}), everyone()),
    Case("GET", "/api/v1/monitor/board.xlsx", lambda s, o: Target(params={"period": "2026-03"}), everyone()),
    Case("GET", "/api/v1/monitor/paragraph",
         lambda s, o: Target(params={"period": "2026-03", "region": OWN_REGION if o == "own" else OTHER_REGION,
                                     "indicator": "规模工业增加值"}), everyone()),
    Case("GET", "/api/v1/monitor/observations/{obs_id}", _observation, everyone()),
    Case("POST", "/api/v1/monitor/observations", _new_observation, lambda r, o: writers(r, o, 201)),
    Case("GET", "/api/v1/monitor/targets", lambda s, o: Target(params={"year": 2026}), everyone()),
    Case("POST", "/api/v1/monitor/targets", _new_target, lambda r, o: writers(r, o, 201)),
    Case("PATCH", "/api/v1/monitor/targets/{target_id}",
         lambda s, o: Target(path={"target_id": _target_row(s, o).id}, body={"value": 7.0}), writers),
    Case("DELETE", "/api/v1/monitor/targets/{target_id}",
         lambda s, o: Target(path={"target_id": _target_row(s, o).id}), lambda r, o: writers(r, o, 204)),
    Case("GET", "/api/v1/monitor/imports", lambda s, o: Target(), everyone()),
    Case("POST", "/api/v1/monitor/imports", _import, org_editors(201)),
]
