import base64
import datetime as dt
import email
import email.policy
import hashlib
import hmac
import socket

import pytest

from diaodu.tasks.lifecycle import Status
from diaodu.tasks.records import TaskRecord
from diaodu.tasks.reminders import (
    WECOM_MARKDOWN_MAX_BYTES,
    EmailChannel,
    RetryPolicy,
    UnitContacts,
    compose_digests,
    deliver_digests,
    dingtalk_signed_url,
    redact_url,
    send_with_retry,
)

D = dt.date
TODAY = D(2026, 9, 29)  # Tue before the 2026 National Day holiday (10-1..10-7)

TASKS = [
    TaskRecord("推进重点项目开工", "市发展改革委", D(2026, 9, 20), Status.IN_PROGRESS, id=1),   # overdue 9 days
    TaskRecord("清理闲置土地", "市发展改革委", D(2026, 9, 25), Status.PENDING, id=2),         # overdue + unsigned
    TaskRecord("举办促消费活动", "市发展改革委", D(2026, 10, 9), Status.IN_PROGRESS, id=3),   # 3 workdays left
    TaskRecord("编制专项规划", "市发展改革委", D(2026, 12, 31), Status.PENDING, id=4),        # awaiting sign-off
    TaskRecord("盘活存量资金", "市发展改革委", D(2026, 12, 31), Status.IN_PROGRESS, id=5),    # nothing to say
    TaskRecord("已办结的任务", "市发展改革委", D(2026, 9, 1), Status.CLOSED, id=6, closed_on=D(2026, 9, 1)),
    TaskRecord("老旧小区改造", "市住房城乡建设局", D(2026, 9, 29), Status.CLOSE_REQUESTED, id=7),  # due today
    TaskRecord("高标准农田", "市农业农村局", D(2026, 12, 1), Status.IN_PROGRESS, id=8),       # no digest
]


def test_compose_digests_groups_and_orders():
    digests = compose_digests(TASKS, TODAY)
    assert [d.unit for d in digests] == ["市住房城乡建设局", "市发展改革委"]
    fgw = digests[1]
    assert [i.task.id for i in fgw.overdue] == [1, 2]
    assert fgw.overdue[0].days_overdue == 9
    assert [i.task.id for i in fgw.due_soon] == [3]
    assert fgw.due_soon[0].workdays_left == 3
    assert [i.task.id for i in fgw.pending] == [4]
    assert fgw.subject == "【督办提醒】市发展改革委：逾期2项、临期1项、待签收1项（2026年9月29日）"
    text = fgw.text()
    assert "清理闲置土地" in text and "尚未签收" in text and "盘活存量资金" not in text
    assert "已逾期9天" in text
    zj = digests[0]
    assert [i.task.id for i in zj.due_soon] == [7] and "今天到期" in zj.text()
    # N configurable: with 2 working days task 3 is no longer 临期
    fgw2 = compose_digests(TASKS, TODAY, due_soon_days=2)[1]
    assert fgw2.due_soon == ()


def test_email_digest_through_real_smtp(smtp_server):
    controller, handler = smtp_server
    digests = compose_digests(TASKS, TODAY)
    contacts = {"市发展改革委": UnitContacts("市发展改革委", emails=("fgw@example.gov.cn", "zhang@example.gov.cn"))}
    channel = EmailChannel(host=controller.hostname, port=controller.port, sender="duban@example.gov.cn")
    results = deliver_digests(digests, contacts, email=channel, sleep=lambda s: None)
    ok = [r for r in results if r.channel == "email"]
    assert len(ok) == 1 and ok[0].ok and ok[0].attempts == 1 and ok[0].unit == "市发展改革委"
    missing = [r for r in results if r.channel == "none"]
    assert len(missing) == 1 and missing[0].unit == "市住房城乡建设局" and "未配置" in missing[0].error
    assert len(handler.messages) == 1
    env = handler.messages[0]
    assert sorted(env.rcpt_tos) == ["fgw@example.gov.cn", "zhang@example.gov.cn"]
    msg = email.message_from_bytes(env.original_content, policy=email.policy.default)
    assert msg["Subject"] == "【督办提醒】市发展改革委：逾期2项、临期1项、待签收1项（2026年9月29日）"
    assert "调度台督查室" in str(msg["From"])
    assert msg.get_content_charset() == "utf-8"
    body = msg.get_content()
    assert "推进重点项目开工" in body and "举办促消费活动" in body and "编制专项规划" in body


def test_smtp_unreachable_is_recorded_with_retries():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens
    sleeps = []
    channel = EmailChannel(host="127.0.0.1", port=port, timeout=2)
    digests = compose_digests(TASKS, TODAY)[1:]
    results = deliver_digests(digests, {"市发展改革委": UnitContacts("市发展改革委", emails=("a@b.cn",))},
                              email=channel, policy=RetryPolicy(retries=2, backoff=0.5, factor=3), sleep=sleeps.append)
    [r] = results
    assert not r.ok and r.attempts == 3 and "无法连接邮件服务器" in r.error
    assert sleeps == [0.5, 1.5]
    assert [a.ok for a in r.attempt_log] == [False, False, False]


def test_wecom_markdown_payload(webhook):
    url = webhook.url + "/cgi-bin/webhook/send?key=abc-123"
    digests = compose_digests(TASKS, TODAY)
    results = deliver_digests(digests, {"市发展改革委": UnitContacts("市发展改革委", wecom=(url,))})
    r = next(r for r in results if r.channel == "wecom")
    assert r.ok and r.attempts == 1 and "abc-123" not in r.target and "key=***" in r.target
    [req] = webhook.requests
    assert req["path"] == "/cgi-bin/webhook/send" and req["query"] == {"key": "abc-123"}
    body = req["json"]
    assert set(body) == {"msgtype", "markdown"} and body["msgtype"] == "markdown"
    assert set(body["markdown"]) == {"content"}
    content = body["markdown"]["content"]
    assert content.startswith("### 督办提醒：市发展改革委") and "**逾期任务（2项）**" in content
    assert "application/json" in req["headers"].get("Content-Type", "")


def test_dingtalk_signed_markdown_payload(webhook):
    url = webhook.url + "/robot/send?access_token=TOKEN77"
    secret = "SEC0123456789abcdef"
    now = 1790000000123
    digests = compose_digests(TASKS, TODAY)
    contacts = {"市住房城乡建设局": UnitContacts("市住房城乡建设局", dingtalk=((url, secret),))}
    results = deliver_digests(digests[:1], contacts, dingtalk_now_ms=lambda: now)
    [r] = results
    assert r.ok and r.channel == "dingtalk" and "TOKEN77" not in r.target
    [req] = webhook.requests
    q = req["query"]
    assert q["access_token"] == "TOKEN77" and q["timestamp"] == str(now)
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{now}\n{secret}".encode(), hashlib.sha256).digest()).decode()
    assert q["sign"] == expected  # parse_qsl undoes the urlencoding
    body = req["json"]
    assert body["msgtype"] == "markdown" and set(body["markdown"]) == {"title", "text"}
    assert body["markdown"]["title"] == digests[0].subject
    assert "老旧小区改造" in body["markdown"]["text"]


def test_dingtalk_signed_url_format():
    url = dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=x", "s", 1)
    assert url.startswith("https://oapi.dingtalk.com/robot/send?access_token=x&timestamp=1&sign=")
    assert dingtalk_signed_url("http://h/robot", "s", 1).startswith("http://h/robot?timestamp=1&sign=")


def test_retry_after_first_failure(webhook):
    webhook.script = [(500, {"error": "boom"})]
    sleeps = []
    digests = compose_digests(TASKS, TODAY)
    results = deliver_digests(digests[:1], {"市住房城乡建设局": UnitContacts("市住房城乡建设局", wecom=(webhook.url + "/w",))},
                              policy=RetryPolicy(retries=3, backoff=2, factor=2), sleep=sleeps.append)
    [r] = results
    assert r.ok and r.attempts == 2 and sleeps == [2]
    assert r.attempt_log[0].ok is False and "HTTP 500" in r.attempt_log[0].error and r.attempt_log[1].ok
    assert len(webhook.requests) == 2


@pytest.mark.parametrize("channel", ["wecom", "dingtalk"])
def test_errcode_nonzero_is_failure(webhook, channel):
    webhook.default = (200, {"errcode": 93000, "errmsg": "invalid webhook url"})
    contacts = UnitContacts("市住房城乡建设局", wecom=(webhook.url + "/w",)) if channel == "wecom" else \
        UnitContacts("市住房城乡建设局", dingtalk=((webhook.url + "/d", None),))
    digests = compose_digests(TASKS, TODAY)
    [r] = deliver_digests(digests[:1], {"市住房城乡建设局": contacts}, policy=RetryPolicy(retries=1), sleep=lambda s: None)
    assert not r.ok and r.attempts == 2 and "errcode=93000" in r.error and "invalid webhook url" in r.error
    assert len(webhook.requests) == 2


def test_non_json_reply_is_failure(webhook):
    webhook.default = (200, b"<html>gateway</html>")
    digests = compose_digests(TASKS, TODAY)
    [r] = deliver_digests(digests[:1], {"市住房城乡建设局": UnitContacts("市住房城乡建设局", wecom=(webhook.url,))},
                          policy=RetryPolicy(retries=0), sleep=lambda s: None)
    assert not r.ok and r.attempts == 1 and "不是 JSON" in r.error


def test_dry_run_sends_nothing(webhook, smtp_server):
    controller, handler = smtp_server
    digests = compose_digests(TASKS, TODAY)
    contacts = {d.unit: UnitContacts(d.unit, emails=("x@y.cn",), wecom=(webhook.url,)) for d in digests}
    results = deliver_digests(digests, contacts, email=EmailChannel(controller.hostname, controller.port), dry_run=True)
    assert len(results) == 4 and all(r.ok and r.dry_run and r.attempts == 0 for r in results)
    assert webhook.requests == [] and handler.messages == []


def test_email_without_smtp_config_is_reported():
    digests = compose_digests(TASKS, TODAY)[:1]
    [r] = deliver_digests(digests, {"市住房城乡建设局": UnitContacts("市住房城乡建设局", emails=("a@b.cn",))})
    assert not r.ok and r.channel == "email" and "SMTP" in r.error


def test_wecom_content_is_truncated_to_limit(webhook):
    many = [TaskRecord(f"第{i}项任务：" + "推进重点项目建设" * 6, "市商务局", D(2026, 9, 1), Status.IN_PROGRESS, id=i)
            for i in range(120)]
    [digest] = compose_digests(many, TODAY)
    assert len(digest.markdown().encode()) > WECOM_MARKDOWN_MAX_BYTES
    [r] = deliver_digests([digest], {"市商务局": UnitContacts("市商务局", wecom=(webhook.url,))})
    content = webhook.requests[0]["json"]["markdown"]["content"]
    assert r.ok and len(content.encode("utf-8")) <= WECOM_MARKDOWN_MAX_BYTES
    assert "项未列出" in content


def test_send_with_retry_generic():
    calls, sleeps = [], []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionError("reset")

    r = send_with_retry(flaky, channel="x", target="t", policy=RetryPolicy(retries=5, backoff=1, factor=10, max_wait=5),
                        sleep=sleeps.append)
    assert r.ok and r.attempts == 3 and "ConnectionError" in r.attempt_log[0].error
    assert sleeps == [1, 5]  # 1, then min(1 * 10, max_wait=5)


def test_redact_url():
    assert redact_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET") == \
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***"


def test_should_send_today():
    from diaodu.tasks.reminders import should_send_today

    assert should_send_today(D(2026, 10, 8), None)
    assert not should_send_today(D(2026, 10, 3), None)  # National Day holiday
    assert should_send_today(D(2026, 10, 10), D(2026, 10, 9))  # make-up Saturday
    assert not should_send_today(D(2026, 10, 9), D(2026, 10, 9))
