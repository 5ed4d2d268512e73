"""The issue's story without a database: ledger import -> sign -> report -> overdue at a given
today -> reminder over SMTP and webhook -> bulletin names it -> 销号."""

import datetime as dt
import email
import email.policy

import docx

from diaodu.tasks.bulletin import BulletinInput, write_bulletin
from diaodu.tasks.ledger import LedgerRow, parse_ledger_xlsx, write_ledger_xlsx
from diaodu.tasks.lifecycle import Status, TaskState, apply
from diaodu.tasks.records import TaskRecord
from diaodu.tasks.reminders import EmailChannel, UnitContacts, compose_digests, deliver_digests

D = dt.date


def test_story(tmp_path, smtp_server, webhook):
    controller, handler = smtp_server
    # the speech parser's ledger, imported
    path = write_ledger_xlsx([
        LedgerRow("新开工亿元以上项目10个", "市发展改革委", D(2026, 9, 30), assist_units=("市财政局",)),
        LedgerRow("举办秋季促消费活动", "市商务局", D(2026, 12, 31)),
    ], tmp_path / "分解表.xlsx")
    rows = parse_ledger_xlsx(path)
    states = {r.content: TaskState.new(r.deadline) for r in rows}
    units = {r.content: r.lead_unit for r in rows}

    key = "新开工亿元以上项目10个"
    s = apply(states[key], "sign", "reporter", True, {}, D(2026, 9, 2), actor="发改委填报员").state
    s = apply(s, "report_progress", "reporter", True, {"progress": "已签约6个"}, D(2026, 9, 25)).state
    states[key] = s

    today = D(2026, 10, 9)  # after the National Day holiday: 9 calendar days late, 2 working days
    records = [TaskRecord(c, units[c], st.deadline, st.status, id=i, closed_on=st.closed_on)
               for i, (c, st) in enumerate(states.items(), 1)]
    digests = compose_digests(records, today)
    assert {d.unit for d in digests} == {"市发展改革委", "市商务局"}  # 商务局: awaiting sign-off
    fgw = next(d for d in digests if d.unit == "市发展改革委")
    assert fgw.overdue[0].days_overdue == 9 and fgw.overdue[0].workdays_overdue == 2
    contacts = {"市发展改革委": UnitContacts("市发展改革委", emails=("fgw@example.gov.cn",), wecom=(webhook.url,))}
    results = deliver_digests([fgw], contacts, email=EmailChannel(controller.hostname, controller.port))
    assert [(r.channel, r.ok) for r in results] == [("email", True), ("wecom", True)]
    msg = email.message_from_bytes(handler.messages[0].original_content, policy=email.policy.default)
    assert key in msg.get_content() and "逾期1项" in msg["Subject"]
    assert key in webhook.requests[0]["json"]["markdown"]["content"]

    doc = docx.Document(str(write_bulletin(BulletinInput("2026-10", today, records), tmp_path / "通报.docx")))
    overdue = doc.tables[2]
    assert overdue.rows[1].cells[1].text == key and overdue.rows[1].cells[2].text == "市发展改革委"
    assert overdue.rows[1].cells[4].text == "9天\n（2个工作日）"

    s = apply(s, "request_close", "reporter", True, {"summary": "10个项目全部开工"}, D(2026, 10, 12)).state
    t = apply(s, "close", "dispatcher", False, {}, D(2026, 10, 13), actor="督查室")
    assert t.state.status is Status.CLOSED and t.event.data["on_time"] is False
    closed = TaskRecord(key, "市发展改革委", t.state.deadline, t.state.status, closed_on=t.state.closed_on)
    assert compose_digests([closed], D(2026, 10, 14)) == []
