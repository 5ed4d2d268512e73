"""Permission-matrix cases of the key projects module. "own" is a project (or lead) of 甲县 whose
责任单位 is 甲县人民政府; "other" one of 乙县 / 乙县人民政府."""

from __future__ import annotations

import base64
import io
import itertools
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from sqlalchemy import select

from diaodu.core.audit import Actor
from diaodu.core.models import Person
from diaodu.projects import service
from diaodu.projects.models import Lead, MonthlyReport, Project, ProjectNode, ProjectProblem, ReportPhoto
from tests.support.matrix import (
    OTHER_REGION,
    OTHER_UNIT,
    OWN_REGION,
    OWN_UNIT,
    Case,
    Target,
    everyone,
    org_editors,
    readers,
    region_id,
    unit_id,
    writers,
)

_seq = itertools.count(1)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _where(ownership):
    return (OWN_REGION, OWN_UNIT) if ownership == "own" else (OTHER_REGION, OTHER_UNIT)


def fresh_project(session, ownership) -> Project:
    session.info["actor"] = Actor.system("matrix-setup")
    region, unit = _where(ownership)
    leader = session.scalar(select(Person.id).where(Person.name == "张海燕"))
    p = Project(code=f"MX{next(_seq):05d}", name="矩阵测试项目", region_id=region_id(session, region),
                unit_id=unit_id(session, unit), leader_person_id=leader, stage="新开工",
                total_investment=Decimal(10000), annual_plan=Decimal(3000), planned_start=date(2025, 3, 1),
                actual_start=date(2025, 3, 5))
    session.add(p)
    session.flush()
    return p


def fresh_lead(session, ownership, stage="在谈") -> Lead:
    session.info["actor"] = Actor.system("matrix-setup")
    region, unit = _where(ownership)
    ld = Lead(code=f"ZX{next(_seq):05d}", name="矩阵测试招商项目", region_id=region_id(session, region),
              unit_id=unit_id(session, unit), stage=stage, contract_amount=Decimal(5000),
              talk_date=date(2025, 1, 10))
    if stage == "开工":
        ld.signed_date, ld.registered_date, ld.started_date = date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1)
    session.add(ld)
    session.flush()
    return ld


def biz_writers(ok):
    """Dispatchers and admins only: the reporter gets 403 on own rows, 404 on hidden ones."""
    def expect(role, ownership):
        if role in ("admin", "dispatcher"):
            return ok
        if role == "reporter" and ownership == "other":
            return 404
        return 403
    return expect


def _project_target(body=None):
    return lambda s, o: Target(path={"project_id": fresh_project(s, o).id}, body=body)


def _new_project(s, o):
    region, unit = _where(o)
    return Target(body={"code": f"MN{next(_seq):05d}", "name": "新建测试项目", "region_id": region_id(s, region),
                        "unit_id": unit_id(s, unit), "lists": ["市重点"], "total_investment": "8000"})


def _report_target(s, o):
    p = fresh_project(s, o)
    r = MonthlyReport(project_id=p.id, month="2025-06", amount=Decimal(100))
    s.add(r)
    s.flush()
    return Target(path={"report_id": r.id}, body={"filename": "现场.png",
                                                  "content_base64": base64.b64encode(PNG).decode()})


def _photo_target(s, o):
    from diaodu.web.context import ctx

    p = fresh_project(s, o)
    r = MonthlyReport(project_id=p.id, month="2025-06", amount=Decimal(100))
    s.add(r)
    s.flush()
    import hashlib

    ph = ReportPhoto(report_id=r.id, filename="现场.png", content_type="image/png", size=len(PNG),
                     sha256=hashlib.sha256(PNG).hexdigest())
    s.add(ph)
    s.flush()
    path = service.photo_path(ctx().settings.upload_dir, ph)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PNG)
    return Target(path={"photo_id": ph.id})


def _node_target(s, o):
    p = fresh_project(s, o)
    n = ProjectNode(project_id=p.id, name="主体结构封顶", planned_date=date(2025, 9, 30))
    s.add(n)
    s.flush()
    return Target(path={"node_id": n.id}, body={"done_date": "2025-09-28"})


def _problem_target(body=None):
    def setup(s, o):
        p = fresh_project(s, o)
        q = ProjectProblem(project_id=p.id, text="施工用电线路迁改未完成", deadline=date(2025, 12, 31))
        s.add(q)
        s.flush()
        return Target(path={"problem_id": q.id}, body=body)
    return setup


def _task_expect(role, ownership):
    if role in ("admin", "dispatcher"):
        return 200 if service.tasks_enabled() else 422
    return 404 if role == "reporter" and ownership == "other" else 403


def _ledger_target(s, o):
    region, unit = _where(o)
    wb = Workbook()
    ws = wb.active
    ws.title = "项目"
    ws.append(["项目编码", "项目名称", "建设阶段", "县市区", "责任单位", "总投资(万元)", "年度计划投资(万元)"])
    ws.append([f"MI{next(_seq):05d}", "导入测试项目", "前期", region, unit, 5000, 500])
    buf = io.BytesIO()
    wb.save(buf)
    return Target(body={"filename": "台账.xlsx", "content_base64": base64.b64encode(buf.getvalue()).decode()})


def _lead_target(body=None, stage="在谈"):
    return lambda s, o: Target(path={"lead_id": fresh_lead(s, o, stage).id}, body=body)


def _lead_convert(s, o):
    return Target(path={"lead_id": fresh_lead(s, o, "开工").id}, body={"code": f"MC{next(_seq):05d}"})


def _new_lead(s, o):
    region, unit = _where(o)
    return Target(body={"code": f"ZN{next(_seq):05d}", "name": "新招商项目", "region_id": region_id(s, region),
                        "unit_id": unit_id(s, unit), "contract_amount": "20000"})


def _list_check(key):
    def check(response, role, ownership, session):
        regions = {row[key] for row in response.json()}
        if role == "reporter":
            assert regions <= {OWN_REGION}, "a reporter must only list their own county's rows"
        else:
            assert OTHER_REGION in regions
    return check


CASES: list[Case] = [
    Case("GET", "/api/v1/projects", lambda s, o: Target(path={}) if fresh_project(s, o) else None, everyone(),
         check=_list_check("region")),
    Case("POST", "/api/v1/projects", _new_project, org_editors(201)),
    Case("GET", "/api/v1/projects/{project_id}", _project_target(), readers),
    Case("PATCH", "/api/v1/projects/{project_id}", _project_target({"progress": "主体结构施工"}), writers),
    Case("DELETE", "/api/v1/projects/{project_id}", _project_target(), biz_writers(204)),
    Case("POST", "/api/v1/projects/{project_id}/monthly",
         _project_target({"month": "2025-06", "amount": "300", "registered": "200", "progress": "基础施工"}),
         lambda r, o: writers(r, o, 201)),
    Case("POST", "/api/v1/projects/monthly/{report_id}/photos", _report_target, lambda r, o: writers(r, o, 201)),
    Case("GET", "/api/v1/projects/photos/{photo_id}", _photo_target, readers),
    Case("POST", "/api/v1/projects/{project_id}/nodes", _project_target({"name": "取得施工许可"}), biz_writers(201)),
    Case("PATCH", "/api/v1/projects/nodes/{node_id}", _node_target, writers),
    Case("POST", "/api/v1/projects/{project_id}/problems",
         _project_target({"text": "用地指标未落实", "deadline": "2025-12-31"}), lambda r, o: writers(r, o, 201)),
    Case("PATCH", "/api/v1/projects/problems/{problem_id}", _problem_target({"status": "解决中"}), writers),
    Case("POST", "/api/v1/projects/problems/{problem_id}/task", _problem_target(), _task_expect),
    Case("GET", "/api/v1/projects/summary", lambda s, o: Target(params={"period": "2026-10"}), everyone()),
    Case("GET", "/api/v1/projects/ledger", lambda s, o: Target(), everyone()),
    Case("POST", "/api/v1/projects/ledger", _ledger_target, org_editors(200)),
    Case("GET", "/api/v1/leads", lambda s, o: Target() if fresh_lead(s, o) else None, everyone(),
         check=_list_check("region")),
    Case("POST", "/api/v1/leads", _new_lead, org_editors(201)),
    Case("GET", "/api/v1/leads/rates", lambda s, o: Target(), everyone()),
    Case("GET", "/api/v1/leads/{lead_id}", _lead_target(), readers),
    Case("PATCH", "/api/v1/leads/{lead_id}", _lead_target({"funds_in_place": "1000"}), writers),
    Case("POST", "/api/v1/leads/{lead_id}/advance", _lead_target({"to_stage": "签约", "date": "2025-06-01"}),
         writers),
    Case("POST", "/api/v1/leads/{lead_id}/convert", _lead_convert, biz_writers(201)),
]
