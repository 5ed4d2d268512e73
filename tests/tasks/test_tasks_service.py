"""Service-level checks on the demo city (both backends): extraction → tasks, SQL flag filters
agree with the pure deadline flags, reporter visibility via assisting units, the daily job."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import select

from diaodu.core.audit import Actor
from diaodu.core.errors import Forbidden, NotFound
from diaodu.core.models import Unit, User
from diaodu.tasks import service as svc
from diaodu.tasks.models import ReminderDelivery, Task

TODAY = dt.date(2026, 11, 24)


def _actor(s, username):
    u = s.scalar(select(User).where(User.username == username))
    return Actor(user_id=u.id, username=u.username, role=u.role, unit_id=u.unit_id, display_name=u.display_name)


def test_extraction_matches_names_and_reports_the_rest(demo_db):
    text = "市发改委要牵头，会同市财政局、火星办，于年底前完成方案。各县要抓好落实。"
    extraction = {"doc": "全市经济工作会议", "tasks": [
        {"quote": text[:25], "start": 0, "end": 25, "units": ["市发改委", "市财政局", "火星办"],
         "lead": ["市发改委"], "assist": ["市财政局", "火星办"], "deadline": {"quote": "年底前", "date": "2026-12-31"},
         "section": "一、稳增长"},
        {"quote": text[26:], "start": 26, "end": len(text), "units": ["各县"], "deadline": None},
        {"quote": "不要的", "start": 0, "end": 3, "units": ["市财政局"], "include": False},
    ]}
    with demo_db.session() as s:
        dispatcher = _actor(s, "diaodu")
        result = svc.create_tasks_from_extraction(s, dispatcher, 3, extraction, dt.date(2026, 11, 20), text)
        assert len(result.created) == 1
        task = result.created[0]
        assert task.lead_unit.name == "市发展和改革委员会"
        assert [u.name for u in task.assist_units] == ["市财政局"]
        assert task.deadline == dt.date(2026, 12, 31) == task.original_deadline
        assert (task.source_start, task.source_end, task.source_section) == (0, 25, "一、稳增长")
        assert task.source_title == "全市经济工作会议" and task.source_date == dt.date(2026, 11, 20)
        assert {u["unit"] for u in result.unmatched} == {"火星办", "各县"}
        assert [k["index"] for k in result.skipped] == [1]
        with pytest.raises(Forbidden):
            svc.create_tasks_from_extraction(s, _actor(s, "jiaxian"), 3, extraction, None, text)


def test_sql_flag_filters_agree_with_pure_flags(demo_db):
    with demo_db.session() as s:
        admin = Actor.system("t")
        for day in (TODAY, dt.date(2026, 12, 1), dt.date(2026, 9, 30)):
            everything = svc.list_tasks(s, admin, today=day)
            for flag, attr in (("overdue", "overdue"), ("due_soon", "due_soon")):
                got = {t.id for t in svc.list_tasks(s, admin, svc.TaskFilter(flag=flag), today=day)}
                want = {t.id for t in everything if getattr(svc.flags_of(t, day), attr)}
                assert got == want, (day, flag)
        counts = svc.counts(s, admin, TODAY)
        assert counts["total"] >= 40 and counts["overdue"] > 0 and counts["due_soon"] > 0 and counts["pending"] > 0


def test_reporter_sees_led_and_assisted_tasks_only(demo_db):
    with demo_db.session() as s:
        jiaxian = _actor(s, "jiaxian")
        own = s.scalar(select(Unit.id).where(Unit.name == "甲县人民政府"))
        mine = svc.list_tasks(s, jiaxian, today=TODAY)
        assert mine and all(t.lead_unit_id == own or own in [u.id for u in t.assist_units] for t in mine)
        assisted = [t for t in mine if t.lead_unit_id != own]
        assert assisted, "the demo has tasks 甲县 only assists"
        all_ids = {t.id for t in svc.list_tasks(s, Actor.system("t"), today=TODAY)}
        hidden = all_ids - {t.id for t in mine}
        with pytest.raises(NotFound):
            svc.get_task(s, jiaxian, min(hidden))
        # An assisting unit reports its part but cannot sign or request 办结 for the lead unit.
        open_assist = next(t for t in assisted if t.status == "in_progress")
        report = svc.report_progress(s, jiaxian, open_assist.id, progress="配合完成用地协调", today=TODAY)
        assert report.is_assist and report.unit_id == own
        with pytest.raises(Forbidden):
            svc.transition(s, jiaxian, open_assist.id, "request_close", {"summary": "x"}, today=TODAY)


def test_daily_job_runs_once_per_working_day(demo_db, monkeypatch):
    from diaodu.tasks.scheduled import CHINA, run_once

    monkeypatch.setenv("DIAODU_TASKS_REMIND_HOUR", "9")
    monkeypatch.delenv("DIAODU_SMTP_HOST", raising=False)
    morning = dt.datetime(2026, 11, 24, 8, 30, tzinfo=CHINA)
    assert run_once(demo_db, morning) is False
    assert run_once(demo_db, morning.replace(hour=9)) is True
    assert run_once(demo_db, morning.replace(hour=15)) is False  # once a day
    assert run_once(demo_db, dt.datetime(2026, 11, 28, 10, tzinfo=CHINA)) is False  # Saturday
    assert run_once(demo_db, dt.datetime(2026, 11, 25, 10, tzinfo=CHINA)) is True
    with demo_db.session() as s:
        days = set(s.scalars(select(ReminderDelivery.day)))
    assert days == {dt.date(2026, 11, 24), dt.date(2026, 11, 25)}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # the hook is backend-independent
def test_scheduler_starts_with_the_app(demo_url, tmp_path, monkeypatch, backend):
    from fastapi.testclient import TestClient

    from diaodu.tasks.scheduled import start_scheduler
    from diaodu.tasks.workdays import is_workday
    from diaodu.web.app import create_app
    from tests.conftest import make_settings

    if not is_workday(svc.real_today()):
        pytest.skip("reminders are not sent on days off")
    monkeypatch.setenv("DIAODU_TASKS_REMIND_HOUR", "0")
    app = create_app(make_settings(demo_url, tmp_path), with_ui=False)
    start_scheduler(app, poll_seconds=3600)
    with TestClient(app):
        deadline = time.time() + 10
        while time.time() < deadline:
            with app.state.db.session() as s:
                if s.scalar(select(ReminderDelivery.id)) is not None:
                    break
            time.sleep(0.1)
        else:
            pytest.fail("the daily job did not run on startup")
    app.state.db.dispose()


def test_extension_keeps_original_deadline(demo_db):
    with demo_db.session() as s:
        admin = Actor.system("t")
        unit = s.scalar(select(Unit.id).where(Unit.name == "市财政局"))
        task = svc.create_task(s, admin, content="盘活存量资金", lead_unit_id=unit, deadline="2026-12-10")
        for action, payload in (("sign", {}), ("request_extension", {"new_deadline": "2027-01-15", "reason": "审批未完成"}),
                                ("approve_extension", {"note": "同意"})):
            svc.transition(s, admin, task.id, action, payload, today=TODAY)
        s.refresh(task)
        assert task.deadline == dt.date(2027, 1, 15) and task.original_deadline == dt.date(2026, 12, 10)
        assert task.extensions[0]["old_deadline"] == "2026-12-10"
        child = svc.decompose_task(s, admin, task.id, content="甲县部分", lead_unit_id=unit)
        assert child.parent_id == task.id and child.deadline == task.deadline
        assert s.get(Task, task.id).children == [child]
