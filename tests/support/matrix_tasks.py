"""Permission matrix cases of the task routes: own = a task led by 甲县人民政府, other = 乙县人民政府."""

from __future__ import annotations

import base64
import datetime as dt

from diaodu.core.audit import Actor
from tests.support.matrix import (
    OTHER_UNIT,
    OWN_UNIT,
    Case,
    Target,
    everyone,
    org_editors,
    readers,
    unit_id,
    writers,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SETUP = Actor.system("matrix-setup")


def _task(session, ownership, status="pending"):
    from diaodu.tasks import service as svc

    session.info["actor"] = SETUP
    lead = unit_id(session, OWN_UNIT if ownership == "own" else OTHER_UNIT)
    task = svc.create_task(session, SETUP, content="矩阵测试任务", lead_unit_id=lead,
                           deadline=dt.date.today() + dt.timedelta(days=60))
    steps = {"pending": [], "in_progress": ["sign"], "close_requested": ["sign", "request_close"]}[status]
    for action in steps:
        svc.transition(session, SETUP, task.id, action, {"summary": "已完成"})
    return task


def _task_target(status="pending", body=None):
    def setup(session, ownership):
        return Target(path={"task_id": _task(session, ownership, status).id}, body=body)
    return setup


def _action_target(action, status, body=None):
    def setup(session, ownership):
        return Target(path={"task_id": _task(session, ownership, status).id, "action": action}, body=body)
    return setup


def _attachment_target(session, ownership):
    from diaodu.tasks import service as svc

    task = _task(session, ownership, "in_progress")
    att = svc.add_attachment(session, SETUP, task.id, "佐证材料.pdf", PDF)
    return Target(path={"task_id": task.id, "attachment_id": att.id})


def _new_task(session, ownership):
    return Target(body={"content": "新建督办任务", "lead_unit_id": unit_id(session, OWN_UNIT if ownership == "own" else OTHER_UNIT),
                        "deadline": "2026-12-31"})


def _unit_target(session, ownership):
    return Target(path={"unit_id": unit_id(session, OWN_UNIT if ownership == "own" else OTHER_UNIT)},
                  body={"emails": ["duban@example.gov.cn"]})


def dispatch_on_readable(ok):
    """Dispatchers/admins only; a reporter gets 403 on a task of their own unit, 404 on another."""
    def expect(role, ownership):
        if role in ("admin", "dispatcher"):
            return ok
        if role == "reporter" and ownership == "other":
            return 404
        return 403
    return expect


def lead_reporter_action(ok=200):
    """签收/报送进展: admin and the lead unit's reporter; dispatchers and leaders 403."""
    def expect(role, ownership):
        if role == "admin":
            return ok
        if role == "reporter":
            return ok if ownership == "own" else 404
        return 403
    return expect


def comment_action(role, ownership):
    if role == "reporter":
        return 403 if ownership == "own" else 404
    return 200


def overview(ok=200):
    return lambda role, ownership: 403 if role == "reporter" else ok


def _list_check(response, role, ownership, session):
    ids = {t["lead_unit_id"] for t in response.json()}
    if role == "reporter":
        assert unit_id(session, OTHER_UNIT) not in ids, "a reporter must only list tasks of their own unit"
    else:
        assert unit_id(session, OTHER_UNIT) in ids


CASES: list[Case] = [
    Case("GET", "/api/v1/tasks", _task_target(), everyone(), check=_list_check),
    Case("POST", "/api/v1/tasks", _new_task, org_editors(201)),
    Case("GET", "/api/v1/tasks/{task_id}", _task_target(), readers),
    Case("PATCH", "/api/v1/tasks/{task_id}", _task_target(body={"category": "稳增长"}), dispatch_on_readable(200)),
    Case("POST", "/api/v1/tasks/{task_id}/children",
         lambda s, o: Target(path={"task_id": _task(s, o).id},
                             body={"content": "分解任务", "lead_unit_id": unit_id(s, OWN_UNIT)}),
         dispatch_on_readable(201)),
    Case("POST", "/api/v1/tasks/{task_id}/actions/{action}", _action_target("sign", "pending", {"note": "收到"}),
         lead_reporter_action()),
    Case("POST", "/api/v1/tasks/{task_id}/actions/{action}", _action_target("close", "close_requested"),
         lambda r, o: 200 if r in ("admin", "dispatcher") else (404 if (r, o) == ("reporter", "other") else 403)),
    Case("POST", "/api/v1/tasks/{task_id}/actions/{action}",
         _action_target("comment", "in_progress", {"text": "请加快进度"}), comment_action),
    Case("GET", "/api/v1/tasks/{task_id}/reports", _task_target("in_progress"), readers),
    Case("POST", "/api/v1/tasks/{task_id}/reports", _task_target("in_progress", {"progress": "已完成主体工程"}),
         lead_reporter_action(201)),
    Case("POST", "/api/v1/tasks/{task_id}/attachments",
         _task_target("in_progress", {"filename": "材料.pdf", "content_base64": base64.b64encode(PDF).decode()}),
         lambda r, o: writers(r, o, 201)),
    Case("GET", "/api/v1/tasks/{task_id}/attachments/{attachment_id}", _attachment_target, readers),
    Case("POST", "/api/v1/task-reminders/run",
         lambda s, o: Target(params={"dry_run": "true", "today": "2026-11-24"}), org_editors(200)),
    Case("GET", "/api/v1/task-reminders/deliveries", lambda s, o: Target(), org_editors(200)),
    Case("GET", "/api/v1/task-bulletin", lambda s, o: Target(params={"period": "2026-11", "today": "2026-11-24"}),
         overview(200)),
    Case("GET", "/api/v1/unit-channels", lambda s, o: Target(), org_editors(200)),
    Case("PUT", "/api/v1/unit-channels/{unit_id}", _unit_target, org_editors(200)),
]
