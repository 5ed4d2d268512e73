import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diaodu.tasks.lifecycle import (
    Action,
    IllegalTransition,
    InvalidPayload,
    LifecycleError,
    PermissionDenied,
    Role,
    Status,
    TaskState,
    allowed_actions,
    apply,
    deadline_flags,
    state_flags,
)
from diaodu.tasks.records import TaskRecord

D = dt.date
TODAY = D(2026, 9, 1)

# Independent statement of the rules (deliberately not derived from the module's tables).
FROM = {
    "sign": {"pending"},
    "report_progress": {"in_progress", "extension_requested", "close_requested"},
    "request_close": {"in_progress"},
    "close": {"close_requested"},
    "return_task": {"close_requested"},
    "request_extension": {"in_progress"},
    "approve_extension": {"extension_requested"},
    "reject_extension": {"extension_requested"},
    "comment": {"pending", "in_progress", "extension_requested", "close_requested", "closed"},
}
TO = {
    "sign": "in_progress",
    "request_close": "close_requested",
    "close": "closed",
    "return_task": "in_progress",
    "request_extension": "extension_requested",
    "approve_extension": "in_progress",
    "reject_extension": "in_progress",
}
# role -> action -> which unit relations may do it
WHO = {
    "admin": {a: {"lead", "assist", "none"} for a in FROM},
    "dispatcher": {a: {"lead", "assist", "none"} for a in
                   ("close", "return_task", "approve_extension", "reject_extension", "comment")},
    "reporter": {"sign": {"lead"}, "request_close": {"lead"}, "request_extension": {"lead"},
                 "report_progress": {"lead", "assist"}},
    "leader": {"comment": {"lead", "assist", "none"}},
}
GOOD_PAYLOAD = {
    "sign": {},
    "report_progress": {"progress": "已完成项目立项", "next_steps": "开展用地报批"},
    "request_close": {"summary": "项目已开工"},
    "close": {},
    "return_task": {"reason": "佐证材料不全"},
    "request_extension": {"new_deadline": "2026-12-31", "reason": "用地指标未下达"},
    "approve_extension": {},
    "reject_extension": {"reason": "理由不充分"},
    "comment": {"text": "请加快进度"},
}


def state_in(status: str) -> TaskState:
    s = TaskState.new(D(2026, 10, 30))
    if status == "extension_requested":
        return TaskState(status=Status.EXTENSION_REQUESTED, deadline=D(2026, 10, 30), original_deadline=D(2026, 10, 30),
                         requested_deadline=D(2026, 12, 31), extension_reason="用地指标未下达",
                         extension_requested_on=D(2026, 8, 30))
    from dataclasses import replace
    return replace(s, status=Status(status))


RELATIONS = {"lead": (True, False), "assist": (False, True), "none": (False, False)}


@pytest.mark.parametrize(
    "action,role,status,relation",
    list(itertools.product(FROM, WHO, [s.value for s in Status], RELATIONS)),
)
def test_matrix(action, role, status, relation):
    is_lead, is_assist = RELATIONS[relation]
    state = state_in(status)
    call = lambda: apply(state, action, role, is_lead, GOOD_PAYLOAD[action], TODAY,
                         actor_is_assist_unit=is_assist, actor="张三")
    if status not in FROM[action]:
        with pytest.raises(IllegalTransition) as exc:
            call()
        assert Action(action).label in str(exc.value) and Status(status).label in str(exc.value)
        assert action not in allowed_actions(state, role, is_lead_unit=is_lead, is_assist_unit=is_assist)
        return
    if relation not in WHO[role].get(action, set()):
        with pytest.raises(PermissionDenied) as exc:
            call()
        assert Action(action).label in str(exc.value)
        assert action not in allowed_actions(state, role, is_lead_unit=is_lead, is_assist_unit=is_assist)
        return
    result = call()
    assert result.state.status == Status(TO.get(action, status))
    ev = result.event
    assert ev.action == Action(action) and ev.actor_role == Role(role) and ev.actor == "张三" and ev.on == TODAY
    assert ev.from_status == Status(status) and ev.to_status == result.state.status
    assert Action(action) in allowed_actions(state, role, is_lead_unit=is_lead, is_assist_unit=is_assist)
    ev.as_dict()  # JSON-friendly


def test_error_messages_are_chinese():
    s = TaskState.new(D(2026, 10, 30))
    with pytest.raises(IllegalTransition, match="任务当前状态为「待签收」，不能执行「销号」操作"):
        apply(s, "close", "dispatcher", False, {}, TODAY)
    with pytest.raises(PermissionDenied, match="「领导」角色无权执行「签收」操作"):
        apply(s, "sign", "leader", False, {}, TODAY)
    with pytest.raises(PermissionDenied, match="只有牵头单位可以执行「签收」操作"):
        apply(s, "sign", "reporter", False, {}, TODAY, actor_is_assist_unit=True)
    with pytest.raises(IllegalTransition, match="未知操作"):
        apply(s, "delete", "admin", False, {}, TODAY)
    with pytest.raises(PermissionDenied, match="未知角色"):
        apply(s, "sign", "guest", False, {}, TODAY)
    with pytest.raises(TypeError):
        apply(s, "sign", "admin", True, {})


def test_return_requires_reason():
    s = state_in("close_requested")
    for payload in ({}, {"reason": ""}, {"reason": "   "}):
        with pytest.raises(InvalidPayload, match="请填写退回原因"):
            apply(s, "return_task", "dispatcher", False, payload, TODAY)
    t = apply(s, "return_task", "dispatcher", False, {"reason": "佐证材料不全"}, TODAY)
    assert t.state.status is Status.IN_PROGRESS
    assert t.event.reason == "佐证材料不全" and t.state.last_return_reason == "佐证材料不全"
    assert "退回" in t.event.summary and "佐证材料不全" in t.event.summary


def test_required_payloads():
    ip = state_in("in_progress")
    with pytest.raises(InvalidPayload, match="进展情况"):
        apply(ip, "report_progress", "reporter", True, {}, TODAY)
    with pytest.raises(InvalidPayload, match="办结情况"):
        apply(ip, "request_close", "reporter", True, {}, TODAY)
    with pytest.raises(InvalidPayload, match="延期理由"):
        apply(ip, "request_extension", "reporter", True, {"new_deadline": D(2026, 12, 1)}, TODAY)
    with pytest.raises(InvalidPayload, match="必须晚于当前完成时限"):
        apply(ip, "request_extension", "reporter", True, {"new_deadline": D(2026, 10, 30), "reason": "x"}, TODAY)
    with pytest.raises(InvalidPayload, match="不是有效日期"):
        apply(ip, "request_extension", "reporter", True, {"new_deadline": "明年", "reason": "x"}, TODAY)
    with pytest.raises(InvalidPayload, match="驳回理由"):
        apply(state_in("extension_requested"), "reject_extension", "dispatcher", False, {}, TODAY)
    with pytest.raises(InvalidPayload, match="批示内容"):
        apply(ip, "comment", "leader", False, {"text": ""}, TODAY)
    with pytest.raises(InvalidPayload, match="不能晚于今天"):
        apply(ip, "report_progress", "reporter", True, {"progress": "x", "report_date": "2026-09-02"}, TODAY)


def test_full_flow_with_extension_keeps_original_deadline():
    s = TaskState.new(D(2026, 9, 30))
    s = apply(s, "sign", "reporter", True, {}, D(2026, 9, 1)).state
    assert s.signed_on == D(2026, 9, 1)
    t = apply(s, "request_extension", "reporter", True,
              {"new_deadline": "2026-10-30", "reason": "设备到货延迟"}, D(2026, 9, 20))
    s = t.state
    assert s.status is Status.EXTENSION_REQUESTED and s.requested_deadline == D(2026, 10, 30)
    assert t.event.data["new_deadline"] == D(2026, 10, 30)
    # progress can still be reported while the extension is pending
    s = apply(s, "report_progress", "reporter", False, {"progress": "配合完成"}, D(2026, 9, 21),
              actor_is_assist_unit=True).state
    assert s.last_progress_on == D(2026, 9, 21)
    t = apply(s, "approve_extension", "dispatcher", False, {}, D(2026, 9, 22))
    s = t.state
    assert s.status is Status.IN_PROGRESS
    assert s.deadline == D(2026, 10, 30) and s.original_deadline == D(2026, 9, 30)
    assert s.requested_deadline is None and len(s.extensions) == 1
    ext = s.extensions[0]
    assert (ext.old_deadline, ext.new_deadline, ext.reason, ext.requested_on, ext.decided_on) == (
        D(2026, 9, 30), D(2026, 10, 30), "设备到货延迟", D(2026, 9, 20), D(2026, 9, 22))
    # a second extension, rejected
    s = apply(s, "request_extension", "reporter", True, {"new_deadline": D(2026, 12, 30), "reason": "再延"},
              D(2026, 10, 20)).state
    t = apply(s, "reject_extension", "dispatcher", False, {"reason": "不予延期"}, D(2026, 10, 21))
    s = t.state
    assert s.status is Status.IN_PROGRESS and s.deadline == D(2026, 10, 30) and s.original_deadline == D(2026, 9, 30)
    assert t.event.data["requested_deadline"] == D(2026, 12, 30) and t.event.reason == "不予延期"
    s = apply(s, "request_close", "reporter", True, {"summary": "已完成"}, D(2026, 10, 28)).state
    s = apply(s, "return_task", "dispatcher", False, {"reason": "缺验收报告"}, D(2026, 10, 29)).state
    s = apply(s, "request_close", "reporter", True, {"summary": "补充验收报告"}, D(2026, 10, 29)).state
    t = apply(s, "close", "dispatcher", False, {"note": "同意销号"}, D(2026, 10, 30))
    s = t.state
    assert s.status is Status.CLOSED and s.closed_on == D(2026, 10, 30) and t.event.data["on_time"] is True
    flags = state_flags(s, D(2026, 11, 24))
    assert flags.on_time is True and not flags.overdue


def test_due_soon_counts_working_days_across_national_day():
    deadline = D(2026, 10, 9)  # Fri after the 2026 National Day week
    # From 9-29 (Tue): 9-30, 10-8, 10-9 are the working days left -> 3 -> 临期 with N=3
    f = deadline_flags("in_progress", deadline, D(2026, 9, 29))
    assert f.workdays_left == 3 and f.due_soon and not f.overdue and f.label == "临期"
    f = deadline_flags("in_progress", deadline, D(2026, 9, 28))
    assert f.workdays_left == 4 and not f.due_soon
    assert deadline_flags("in_progress", deadline, D(2026, 9, 28), due_soon_days=5).due_soon
    f = deadline_flags("pending", deadline, deadline)
    assert f.due_soon and f.workdays_left == 0 and not f.overdue
    assert not deadline_flags("closed", deadline, D(2026, 9, 29), closed_on=D(2026, 9, 29)).due_soon


def test_overdue_calendar_and_working_days():
    deadline = D(2026, 9, 30)
    f = deadline_flags("in_progress", deadline, D(2026, 10, 12))
    # calendar 12 days; working days after 9-30 up to 10-12: 10-8, 10-9, 10-10 (Sat make-up), 10-12
    assert f.overdue and f.label == "逾期" and f.days_overdue == 12 and f.workdays_overdue == 4
    f = deadline_flags("close_requested", deadline, D(2026, 10, 1))
    assert f.overdue and f.days_overdue == 1 and f.workdays_overdue == 0
    assert not deadline_flags("closed", deadline, D(2026, 10, 12), closed_on=D(2026, 10, 11)).overdue
    assert not deadline_flags("in_progress", None, D(2026, 10, 12)).overdue


def test_on_time_closure():
    dl = D(2026, 9, 30)
    assert deadline_flags("closed", dl, D(2026, 11, 1), closed_on=dl).on_time is True
    assert deadline_flags("closed", dl, D(2026, 11, 1), closed_on=D(2026, 10, 8)).on_time is False
    assert deadline_flags("in_progress", dl, D(2026, 9, 1)).on_time is None
    rec = TaskRecord("t", "市财政局", D(2026, 10, 30), "已办结", original_deadline=dl, closed_on=D(2026, 10, 20))
    assert rec.status is Status.CLOSED and rec.extended and rec.flags(D(2026, 11, 1)).on_time is True


def test_status_parse():
    assert Status.parse("推进中") is Status.IN_PROGRESS
    assert Status.parse("已销号") is Status.CLOSED
    assert Status.parse("close_requested") is Status.CLOSE_REQUESTED
    with pytest.raises(ValueError, match="无法识别的任务状态"):
        Status.parse("搁置")
    assert issubclass(IllegalTransition, LifecycleError)

_ACTORS = [("admin", False, False), ("dispatcher", False, False), ("reporter", True, False),
           ("reporter", False, True), ("leader", False, False)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(list(FROM)), st.sampled_from(_ACTORS), st.integers(0, 20)), max_size=25))
def test_random_sequences_keep_invariants(steps):
    today = D(2026, 9, 1)
    state = TaskState.new(D(2026, 10, 30))
    for action, (role, lead, assist), gap in steps:
        today += dt.timedelta(days=gap)
        payload = dict(GOOD_PAYLOAD[action])
        if action == "request_extension":
            payload["new_deadline"] = max(state.deadline, today) + dt.timedelta(days=30)
        before = state
        try:
            state = apply(state, action, role, lead, payload, today, actor_is_assist_unit=assist).state
        except LifecycleError:
            assert state is before
            continue
        assert state.original_deadline == D(2026, 10, 30)
        assert state.deadline >= before.deadline
        assert len(state.extensions) >= len(before.extensions)
        if before.status is Status.CLOSED:
            assert state.status is Status.CLOSED  # terminal
        assert (state.status is Status.EXTENSION_REQUESTED) == (state.requested_deadline is not None)
        assert (state.closed_on is not None) == (state.status is Status.CLOSED)
