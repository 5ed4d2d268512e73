"""Demo data: ~40 supervised tasks of the demo city in varied states relative to 2026-11-24.

Built from :func:`diaodu.tasks.demo.demo_tasks` (deterministic), mapped onto the demo city's
units and leaders, and replayed through the real service functions with back-dated ``today``
values, so every task has a consistent history of events and progress reports.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from diaodu.core.audit import Actor
from diaodu.core.models import Person, Unit, User
from diaodu.tasks import service as svc
from diaodu.tasks.demo import demo_tasks
from diaodu.tasks.lifecycle import Status

DEMO_TODAY = dt.date(2026, 11, 24)
UNIT_MAP = {
    "市发展改革委": "市发展和改革委员会",
    "市工业和信息化局": "市工业和信息化局",
    "市商务局": "市商务局",
    "市自然资源和规划局": "市自然资源和规划局",
    "市住房城乡建设局": "市住房和城乡建设局",
    "市财政局": "市财政局",
    "市农业农村局": "市农业农村局",
    "市生态环境局": "市生态环境局",
}
LEADER_MAP = {"王建国": "王建国", "李明": "李卫东", "张春华": "张海燕", "陈立新": "陈志强"}
COUNTY_CONTENT = [
    "加快甲县工业园区标准厂房建设，年底前完成主体工程",
    "推进县域重点项目集中开工，确保新开工项目按期入库",
    "抓好农村人居环境整治，完成问题整改销号",
    "落实“一企一策”帮扶，协调解决企业用工用地问题",
    "做好冬春森林防火和安全生产隐患排查整治",
]
MEETINGS = [("全市经济运行调度会", dt.date(2026, 9, 15)), ("全市重点项目建设推进会", dt.date(2026, 10, 10)),
            ("市政府第28次常务会议", dt.date(2026, 8, 20))]
PROGRESS = [
    ("已召开专题推进会，明确责任分工和时间节点，相关工作有序推进。", "倒排工期，加快推进剩余工作。", None),
    ("已完成阶段性目标任务的60%，主要指标符合序时进度。", "加强调度，确保按期完成。", "部分要素保障仍需协调。"),
    ("完成前期手续办理，正在组织实施。", "加快实施进度，每周调度一次。", "资金到位较慢。"),
]


def _actor_for(session: Session, role: str, unit: Unit | None, username: str) -> Actor:
    user = session.scalar(select(User).where(User.username == username))
    return Actor(user_id=user.id if user else None, username=username, role=role,
                 unit_id=unit.id if unit else None, unit_name=unit.name if unit else None,
                 display_name=(user.display_name if user else "") or (f"{unit.name}填报员" if unit else username))


def load_demo(session: Session, actor: Actor, rng: random.Random) -> None:
    units = {u.name: u for u in session.scalars(select(Unit))}
    leaders = {p.name: p for p in session.scalars(select(Person).where(Person.is_leader.is_(True)))}
    dispatcher = _actor_for(session, "dispatcher", units.get("市委市政府督查室"), "diaodu")
    reporter_users = {"甲县人民政府": "jiaxian", "乙县人民政府": "yixian", "市发展和改革委员会": "fagaiwei",
                      "市统计局": "tongjiju"}
    counties = ["甲县人民政府", "乙县人民政府"]
    for i, rec in enumerate(demo_tasks(DEMO_TODAY, 40)):
        lead_name = UNIT_MAP[rec.lead_unit]
        content = rec.content
        assist_names = [UNIT_MAP[a] for a in rec.assist_units]
        if i % 4 == 1:  # every fourth task goes to a county government
            lead_name = counties[(i // 8) % 2]
            content = COUNTY_CONTENT[(i // 4) % len(COUNTY_CONTENT)].replace("甲县", lead_name[:2])
        elif i % 7 == 3:
            assist_names.append("甲县人民政府")
        lead = units[lead_name]
        meeting, meeting_date = MEETINGS[i % len(MEETINGS)]
        deadline = rec.original_deadline or rec.deadline
        created = min(meeting_date + dt.timedelta(days=rng.randint(1, 5)), deadline - dt.timedelta(days=5))
        task = svc.create_task(
            session, dispatcher, content=content, lead_unit_id=lead.id,
            assist_unit_ids=[units[a].id for a in assist_names if a != lead_name], deadline=deadline,
            leader_person_id=leaders[LEADER_MAP[rec.leader]].id if rec.leader in LEADER_MAP else None,
            category=["稳增长", "促投资", "优环境"][i % 3], source_kind="speech", source_title=meeting,
            source_date=meeting_date, source_section=rec.section, source_quote=f"……{content}……",
            code=f"DB-2026-{i + 1:03d}")
        if rec.status is Status.PENDING:
            continue
        rep = _actor_for(session, "reporter", lead, reporter_users.get(lead_name, f"{lead_name}填报员"))
        day = min(created + dt.timedelta(days=2), DEMO_TODAY)
        svc.transition(session, rep, task.id, "sign", {"note": "已签收，立即部署落实"}, today=day)
        if rec.original_deadline and rec.original_deadline != rec.deadline:
            req = min(day + dt.timedelta(days=3), rec.original_deadline)
            svc.transition(session, rep, task.id, "request_extension",
                           {"new_deadline": rec.deadline.isoformat(), "reason": "受前期手续审批影响，需顺延完成时限"},
                           today=req)
            svc.transition(session, dispatcher, task.id, "approve_extension", {"note": "同意延期，请加快推进"},
                           today=min(req + dt.timedelta(days=1), DEMO_TODAY))
        last = day
        n_reports = 1 + (i % 3)
        for k in range(n_reports):
            rday = min(day + dt.timedelta(days=10 * (k + 1)), DEMO_TODAY)
            if rec.closed_on and rday > rec.closed_on:
                break
            progress, nxt, problems = PROGRESS[(i + k) % len(PROGRESS)]
            svc.transition(session, rep, task.id, "report_progress",
                           {"progress": progress, "next_steps": nxt, "problems": problems}, today=rday)
            last = rday
        if rec.status in (Status.CLOSE_REQUESTED, Status.CLOSED):
            close_day = rec.closed_on or DEMO_TODAY - dt.timedelta(days=1)
            req_day = max(last, close_day - dt.timedelta(days=2))
            svc.transition(session, rep, task.id, "request_close",
                           {"summary": "各项工作已按要求完成，申请销号。"}, today=req_day)
            if rec.status is Status.CLOSED:
                if i % 10 == 0:
                    svc.transition(session, dispatcher, task.id, "return_task",
                                   {"reason": "佐证材料不全，请补充后重新申请"}, today=req_day)
                    svc.transition(session, rep, task.id, "request_close",
                                   {"summary": "已补充佐证材料，申请销号。"}, today=req_day)
                svc.transition(session, dispatcher, task.id, "close", {"note": "经核实已完成，同意销号"},
                               today=max(close_day, req_day))
    # One unit with an email channel (delivery needs DIAODU_SMTP_HOST; without it the failure is logged).
    svc.set_channel(session, dispatcher, units["甲县人民政府"].id, emails=["jiaxian-duban@example.gov.cn"])
