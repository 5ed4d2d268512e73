"""Demo data for 示范市: ~60 key projects with monthly reports of 2026 up to October, ~30
investment leads with their audited stage history (the demo's "today" is 2026-11-24)."""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from diaodu.core import demo as core_demo
from diaodu.core.audit import Actor
from diaodu.core.org import unit_resolver

from . import demo, service
from .models import Lead

DEMO_YEAR = 2026
DEMO_LAST_MONTH = 10


def load_demo(session: Session, actor: Actor, rng: random.Random) -> None:
    counties = [name for name, *_ in core_demo.COUNTIES]
    leaders = [name for name, *_ in core_demo.LEADERS]
    data = demo.generate_demo(rng.randrange(1 << 30), year=DEMO_YEAR, last_month=DEMO_LAST_MONTH,
                              counties=counties, units=demo.DEFAULT_UNITS, leaders=leaders)
    regions = service.Regions(session)
    units = unit_resolver(session)
    leader_ids = service.leader_resolver(session)
    lists: dict = {}
    with session.no_autoflush:
        for rec in data.projects:
            service.store_record(session, rec, regions=regions, units=units, leaders=leader_ids, lists=lists,
                                 reported_by=rec.unit or "演示")
    session.flush()
    by_code: dict[str, Lead] = {}
    for rec in data.leads:
        ld = Lead(code=rec.code, name=rec.name, region_id=regions.resolve(rec.county), investor=rec.investor,
                  industry=rec.industry, chain=rec.chain, unit_id=units(rec.unit),
                  leader_person_id=leader_ids(rec.leader), stage=rec.stage,
                  contract_amount=rec.contract_amount, funds_in_place=rec.funds_in_place,
                  talk_date=rec.talk_date, signed_date=rec.signed_date, registered_date=rec.registered_date,
                  started_date=rec.started_date, producing_date=rec.producing_date)
        session.add(ld)
        by_code[rec.code] = ld
    session.flush()
    for event in data.lead_events:
        service.record_transition(session, by_code[event.lead_code], event, actor)
    session.flush()
