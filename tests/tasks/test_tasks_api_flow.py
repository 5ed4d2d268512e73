"""The issue's story through the real API and the real CLI, on SQLite and PostgreSQL:

parse a corpus speech → 确认生成任务 → a reporter signs and reports (with an attachment) → at a
given ``--today`` the task is overdue → ``diaodu tasks remind`` delivers to a loopback SMTP
server and loopback 企业微信/钉钉 robots → the bulletin .docx names the task → the dispatcher
closes it (销号)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from diaodu.core.audit import Actor
from diaodu.core.models import AuditLog, Unit, User
from diaodu.tasks.models import ReminderDelivery, Task, TaskEvent
from tests.support.api import Session as ApiSession

REPO = Path(__file__).resolve().parents[2]
SPEECH = REPO.parent / "shared" / "corpus" / "s000.txt"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FAGAIWEI = "市发展和改革委员会"


def _actor(session, username: str) -> Actor:
    user = session.scalar(select(User).where(User.username == username))
    return Actor(user_id=user.id, username=user.username, role=user.role, unit_id=user.unit_id,
                 display_name=user.display_name)


def _confirm_speech_tasks(db) -> int:
    """确认生成任务 from a parsed corpus speech; returns the 发改委 task's id."""
    from diaodu.core import org
    from diaodu.tasks import service as svc

    try:
        from diaodu import speech
    except Exception:  # noqa: BLE001 - the parser is another issue; only this part is skipped
        speech = None
    with db.session() as s:
        dispatcher = _actor(s, "diaodu")
        s.info["actor"] = dispatcher
        if speech is None or not SPEECH.is_file():
            fagaiwei = s.scalar(select(Unit.id).where(Unit.name == FAGAIWEI))
            task = svc.create_task(s, dispatcher, content="认真研究提出实施意见", lead_unit_id=fagaiwei)
            return task.id
        text = SPEECH.read_text(encoding="utf-8")
        extraction = speech.parse(text, dt.date(2026, 11, 20), unit_resolver=org.unit_resolver(s)).to_dict()
        result = svc.create_tasks_from_extraction(s, dispatcher, 7, extraction, dt.date(2026, 11, 20), text,
                                                  title="全市经济工作会议")
        assert result.created, result.as_dict()
        assert result.unmatched, "names like 发改部门 match no unit and must be reported, not guessed"
        assert all(u["unit"] for u in result.unmatched)
        by_lead = [t for t in result.created if t.lead_unit.name == FAGAIWEI]
        assert by_lead, [t.lead_unit.name for t in result.created]
        task = by_lead[0]
        assert task.source_kind == "speech" and task.source_speech_id == 7
        assert text[task.source_start:task.source_end] == task.source_quote
        return task.id


def _cli(env: dict, *args: str) -> str:
    """Run ``diaodu`` in-process (fast); the reminder step uses the real subprocess."""
    from typer.testing import CliRunner

    from diaodu.cli import app

    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _run_cli(env, *args) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "diaodu"
    proc = subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def test_speech_to_closed_task(api, demo_url, cli_env, smtp_server, webhook, tmp_path):
    db = api.app_db
    task_id = _confirm_speech_tasks(db)
    dispatcher, reporter, leader = ApiSession(api, "diaodu"), ApiSession(api, "fagaiwei"), ApiSession(api, "lingdao")

    # The dispatcher sets the deadline during review (allowed while 待签收).
    task = dispatcher.get(f"/api/v1/tasks/{task_id}").json()
    got = dispatcher.patch(f"/api/v1/tasks/{task_id}", json={"deadline": "2026-12-04", "version": task["version"]})
    assert got.status_code == 200, got.text
    assert got.json()["original_deadline"] == "2026-12-04"

    # The reporter of the lead unit sees it in their list, signs and reports with an attachment.
    mine = reporter.get("/api/v1/tasks").json()
    assert task_id in {t["id"] for t in mine}
    assert all(t["lead_unit"] == FAGAIWEI or FAGAIWEI in t["assist_units"] for t in mine)
    assert "sign" in reporter.get(f"/api/v1/tasks/{task_id}").json()["allowed_actions"]
    assert reporter.post(f"/api/v1/tasks/{task_id}/actions/sign", json={"note": "已签收"}).status_code == 200
    report = reporter.post(f"/api/v1/tasks/{task_id}/reports", json={
        "progress": "已起草实施意见初稿，正在征求意见", "next_steps": "月底前提交市政府常务会议", "problems": "无"})
    assert report.status_code == 201, report.text
    up = reporter.post(f"/api/v1/tasks/{task_id}/attachments", data={"report_id": str(report.json()["id"])},
                       files={"file": ("实施意见初稿.pdf", PDF, "application/pdf")})
    assert up.status_code == 201, up.text
    att = up.json()
    assert att["sha256"] and att["report_id"] == report.json()["id"]
    assert reporter.get(f"/api/v1/tasks/{task_id}/attachments/{att['id']}").content == PDF
    bad = reporter.post(f"/api/v1/tasks/{task_id}/attachments", files={"file": ("x.exe", b"MZ..", "application/x")})
    assert bad.status_code == 422 and "不支持" in bad.json()["detail"]
    # Leaders read and comment (批示) but cannot sign or report.
    assert leader.post(f"/api/v1/tasks/{task_id}/actions/comment", json={"text": "请抓紧推进"}).status_code == 200
    assert leader.post(f"/api/v1/tasks/{task_id}/reports", json={"progress": "x"}).status_code == 403

    # At 2026-12-10 the task is overdue.
    overdue = dispatcher.get("/api/v1/tasks", params={"flag": "overdue", "today": "2026-12-10"}).json()
    row = next(t for t in overdue if t["id"] == task_id)
    assert row["overdue"] and row["days_overdue"] == 6 and row["flag"] == "逾期"

    # Channels of the lead unit: email + 企业微信 + 钉钉 (加签).
    unit_id = row["lead_unit_id"]
    wecom_url = f"{webhook.url}/cgi-bin/webhook/send?key=wecom-key"
    ding_url = f"{webhook.url}/robot/send?access_token=ding-token"
    got = dispatcher.request("PUT", f"/api/v1/unit-channels/{unit_id}", json={
        "emails": ["fgw@example.gov.cn"], "wecom_webhook": wecom_url, "dingtalk_webhook": ding_url,
        "dingtalk_secret": "SECtest"})
    assert got.status_code == 200, got.text

    controller, inbox = smtp_server
    env = dict(cli_env, DIAODU_DATABASE_URL=demo_url, DIAODU_SMTP_HOST="127.0.0.1",
               DIAODU_SMTP_PORT=str(controller.port), DIAODU_SMTP_FROM="duban@shifan.gov.cn",
               DIAODU_TASKS_REMIND_RETRIES="1", DIAODU_TASKS_REMIND_BACKOFF="0.01")
    out = _run_cli(env, "tasks", "remind", "--today", "2026-12-10").stdout
    assert FAGAIWEI in out

    mails = [m for m in inbox.messages if "fgw@example.gov.cn" in m.rcpt_tos]
    assert len(mails) == 1
    msg = email.message_from_bytes(mails[0].content, policy=email.policy.default)
    assert FAGAIWEI in msg["Subject"] and "逾期" in msg["Subject"]
    assert "实施意见" in msg.get_body().get_content()
    paths = {r["path"]: r for r in webhook.requests}
    wecom, ding = paths["/cgi-bin/webhook/send"], paths["/robot/send"]
    assert wecom["json"]["msgtype"] == "markdown" and "逾期" in wecom["json"]["markdown"]["content"]
    assert ding["json"]["msgtype"] == "markdown" and ding["json"]["markdown"]["title"]
    assert ding["query"]["access_token"] == "ding-token" and ding["query"]["sign"] and ding["query"]["timestamp"]
    with db.session() as s:
        rows = s.scalars(select(ReminderDelivery).where(ReminderDelivery.unit_id == unit_id)).all()
        assert {(r.channel, r.ok) for r in rows} == {("email", True), ("wecom", True), ("dingtalk", True)}
        assert all("ding-token" not in r.target and "wecom-key" not in r.target for r in rows)
        # Units without channels are recorded as failures, not silently skipped.
        assert s.scalar(select(ReminderDelivery).where(ReminderDelivery.channel == "none")) is not None

    # The bulletin for December names the overdue task and its unit.
    out_docx, out_xlsx = tmp_path / "通报.docx", tmp_path / "台账.xlsx"
    _cli({"DIAODU_DATABASE_URL": demo_url}, "tasks", "bulletin", "--period", "2026-12", "--today", "2026-12-10",
         "--out", str(out_docx), "--xlsx", str(out_xlsx))
    import docx

    doc = docx.Document(str(out_docx))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "逾期未办结任务" in text
    assert FAGAIWEI in cells and "实施意见" in cells
    assert out_xlsx.stat().st_size > 0
    assert dispatcher.get("/api/v1/task-bulletin", params={"period": "2026-12"}).status_code == 200
    if row["source_speech_id"] == 7:  # the meeting follow-up memo of that speech
        memo = tmp_path / "督办单.docx"
        _cli({"DIAODU_DATABASE_URL": demo_url}, "tasks", "memo", "--speech", "7", "--out", str(memo))
        memo_doc = docx.Document(str(memo))
        memo_text = "\n".join(p.text for p in memo_doc.paragraphs) + "\n".join(
            c.text for t in memo_doc.tables for r in t.rows for c in r.cells)
        assert "全市经济工作会议" in memo_text and FAGAIWEI in memo_text

    # 申请办结 → 退回 → 申请办结 → 销号.
    assert reporter.post(f"/api/v1/tasks/{task_id}/actions/request_close",
                         json={"summary": "实施意见已印发"}).status_code == 200
    back = dispatcher.post(f"/api/v1/tasks/{task_id}/actions/return_task", json={})
    assert back.status_code == 422 and "退回原因" in back.json()["detail"]
    assert dispatcher.post(f"/api/v1/tasks/{task_id}/actions/return_task",
                           json={"reason": "请附印发文件"}).status_code == 200
    assert reporter.post(f"/api/v1/tasks/{task_id}/actions/request_close",
                         json={"summary": "已附印发文件"}).status_code == 200
    assert reporter.post(f"/api/v1/tasks/{task_id}/actions/close", json={}).status_code == 403
    closed = dispatcher.post(f"/api/v1/tasks/{task_id}/actions/close", json={"note": "同意销号"})
    assert closed.status_code == 200, closed.text
    final = closed.json()["task"]
    assert final["status"] == "closed" and final["status_label"] == "已办结"
    assert [e["action"] for e in final["events"]] == [
        "sign", "report_progress", "comment", "request_close", "return_task", "request_close", "close"]
    assert final["events"][4]["reason"] == "请附印发文件"
    again = dispatcher.post(f"/api/v1/tasks/{task_id}/actions/close", json={})
    assert again.status_code == 409

    with db.session() as s:
        audit = s.scalars(select(AuditLog).where(AuditLog.entity == "task", AuditLog.entity_id == str(task_id),
                                                 AuditLog.action.like("task.%"))).all()
        actions = [(a.action, a.username) for a in audit]
        assert ("task.close", "diaodu") in actions and ("task.sign", "fagaiwei") in actions
        assert any(a.action == "task.return_task" and a.note == "请附印发文件" for a in audit)
        assert s.scalar(select(TaskEvent).where(TaskEvent.task_id == task_id, TaskEvent.action == "close")).username == "diaodu"
        assert s.get(Task, task_id).closed_on is not None


def test_import_ledger_is_all_or_nothing(demo_db, tmp_path, backend):
    from diaodu.core.errors import ValidationFailed
    from diaodu.tasks import service as svc
    from diaodu.tasks.ledger import LedgerRow, write_ledger_xlsx

    good = [LedgerRow(content="推进老旧小区改造", lead_unit="市住建局", deadline=dt.date(2026, 12, 31),
                      assist_units=("市财政局", "甲县政府"), leader="李卫东"),
            LedgerRow(content="完成专项债发行", lead_unit="财政局", deadline=dt.date(2026, 12, 20))]
    bad = good + [LedgerRow(content="不存在单位的任务", lead_unit="市火星局", deadline=dt.date(2026, 12, 20))]
    write_ledger_xlsx(bad, tmp_path / "bad.xlsx")
    write_ledger_xlsx(good, tmp_path / "good.xlsx")
    with demo_db.session() as s:
        before = s.query(Task).count()
    with pytest.raises(ValidationFailed) as err, demo_db.session() as s:
        svc.import_ledger(s, Actor.system("t"), tmp_path / "bad.xlsx")
    assert "第4行" in err.value.message and "市火星局" in err.value.message
    with demo_db.session() as s:
        assert s.query(Task).count() == before
        tasks = svc.import_ledger(s, Actor.system("t"), tmp_path / "good.xlsx")
        assert [t.lead_unit.name for t in tasks] == ["市住房和城乡建设局", "市财政局"]
        assert {u.name for u in tasks[0].assist_units} == {"市财政局", "甲县人民政府"}
        assert tasks[0].leader.name == "李卫东"


def test_cli_list_template_and_memo(demo_url, tmp_path):
    from typer.testing import CliRunner

    from diaodu.cli import app

    env = {"DIAODU_DATABASE_URL": demo_url}
    out = _cli(env, "tasks", "list", "--unit", "甲县政府", "--today", "2026-11-24")
    assert "甲县人民政府" in out and "逾期" in out
    overdue = _cli(env, "tasks", "list", "--flag", "overdue", "--today", "2026-11-24")
    assert "临期" not in overdue and "逾期" in overdue
    _cli(env, "tasks", "template", str(tmp_path / "模板.xlsx"))
    assert (tmp_path / "模板.xlsx").stat().st_size > 1000
    dry = _cli(env, "tasks", "remind", "--today", "2026-11-24", "--dry-run")
    assert "[演练]" in dry and "甲县人民政府" in dry
    bad = CliRunner().invoke(app, ["tasks", "memo", "--speech", "999", "--out", str(tmp_path / "m.docx")], env=env)
    assert bad.exit_code == 1 and "没有生成任务" in bad.output
