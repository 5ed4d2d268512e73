"""Reminder digests (one per unit) and their delivery by email, 企业微信 and 钉钉 robots.

Composition is pure (:func:`compose_digests`); delivery goes through small channel classes
with a shared retry loop (:func:`send_with_retry`) that returns one :class:`DeliveryResult`
per (digest, channel, target) including every attempt, so the DB layer can record deliveries
and failures.  Nothing reads the clock except the DingTalk signature, whose millisecond clock
is injectable.

Webhook formats (markdown type):

* 企业微信 group robot: ``POST {"msgtype": "markdown", "markdown": {"content": "..."}}``;
  content at most 4096 bytes UTF-8; the reply is ``{"errcode": 0, "errmsg": "ok"}``.
* 钉钉 group robot: ``POST {"msgtype": "markdown", "markdown": {"title": "...", "text": "..."}}``;
  with "加签" security the URL gets ``&timestamp=<ms>&sign=<urlencoded base64 HMAC-SHA256 of
  "<ms>\\n<secret>" keyed by secret>``; the reply is ``{"errcode": 0, "errmsg": "ok"}``.

Any errcode other than 0, a non-2xx status, a non-JSON body or a network error is a failure.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import smtplib
import ssl
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

import httpx

from diaodu.tasks.lifecycle import DEFAULT_DUE_SOON_WORKDAYS, Status
from diaodu.tasks.records import TaskRecord

__all__ = [
    "WECOM_MARKDOWN_MAX_BYTES",
    "AttemptRecord",
    "DeliveryError",
    "DeliveryResult",
    "DigestItem",
    "DingTalkRobot",
    "EmailChannel",
    "RetryPolicy",
    "UnitContacts",
    "UnitDigest",
    "WeComRobot",
    "compose_digests",
    "deliver_digests",
    "dingtalk_signed_url",
    "send_with_retry",
    "should_send_today",
]

WECOM_MARKDOWN_MAX_BYTES = 4096
DINGTALK_MARKDOWN_MAX_BYTES = 20000


def _fmt_date(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "未定"


@dataclass(frozen=True)
class DigestItem:
    task: TaskRecord
    kind: str  # "overdue" | "due_soon" | "pending"
    days_overdue: int = 0
    workdays_overdue: int = 0
    workdays_left: int | None = None

    def line(self) -> str:
        t = self.task
        ref = f"[{t.id}] " if t.id is not None else ""
        text = f"{ref}{t.content}（完成时限：{_fmt_date(t.deadline)}"
        if self.kind == "overdue":
            text += f"，已逾期{self.days_overdue}天/{self.workdays_overdue}个工作日"
        elif self.kind == "due_soon":
            text += "，今天到期" if self.workdays_left == 0 else f"，剩余{self.workdays_left}个工作日"
        if t.status is Status.PENDING and self.kind != "pending":
            text += "，尚未签收"
        return text + "）"


@dataclass(frozen=True)
class UnitDigest:
    """Everything one unit should be reminded of on ``today``.

    Each task appears once: 逾期 first, else 临期, else 待签收.
    """

    unit: str
    today: dt.date
    overdue: tuple[DigestItem, ...] = ()
    due_soon: tuple[DigestItem, ...] = ()
    pending: tuple[DigestItem, ...] = ()
    sender_name: str = "督查室"

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.due_soon) + len(self.pending)

    @property
    def subject(self) -> str:
        parts = []
        if self.overdue:
            parts.append(f"逾期{len(self.overdue)}项")
        if self.due_soon:
            parts.append(f"临期{len(self.due_soon)}项")
        if self.pending:
            parts.append(f"待签收{len(self.pending)}项")
        return f"【督办提醒】{self.unit}：{'、'.join(parts)}（{_fmt_date(self.today)}）"

    def _sections(self) -> list[tuple[str, tuple[DigestItem, ...]]]:
        return [
            ("逾期任务", self.overdue),
            ("临期任务", self.due_soon),
            ("待签收任务", self.pending),
        ]

    def text(self) -> str:
        lines = [f"{self.unit}：", "", f"截至{_fmt_date(self.today)}，贵单位牵头的督办任务中："]
        for title, items in self._sections():
            if not items:
                continue
            lines.append("")
            lines.append(f"{title}（{len(items)}项）")
            lines.extend(f"{i}. {item.line()}" for i, item in enumerate(items, 1))
        lines += ["", "请抓紧办理，逾期任务请说明原因并报送整改措施；待签收任务请及时签收。", "", self.sender_name]
        return "\n".join(lines)

    def markdown(self, *, max_bytes: int | None = None) -> str:
        head = [f"### 督办提醒：{self.unit}", f"> 截至{_fmt_date(self.today)}"]
        body: list[str] = []
        for title, items in self._sections():
            if not items:
                continue
            body.append("")
            body.append(f"**{title}（{len(items)}项）**")
            body.extend(f"{i}. {item.line()}" for i, item in enumerate(items, 1))
        tail = ["", f"请抓紧办理。——{self.sender_name}"]
        full = "\n".join(head + body + tail)
        if max_bytes is None or len(full.encode("utf-8")) <= max_bytes:
            return full
        # Truncate whole lines, keeping a note of how many were left out.
        kept: list[str] = []
        total_items = sum(1 for line in body if line[:1].isdigit())
        shown = 0
        for line in body:
            note = f"……另有{total_items - shown}项未列出，请登录调度台查看"
            candidate = "\n".join(head + kept + [line] + ["", note] + tail)
            if len(candidate.encode("utf-8")) > max_bytes:
                break
            kept.append(line)
            if line[:1].isdigit():
                shown += 1
        note = f"……另有{total_items - shown}项未列出，请登录调度台查看"
        return "\n".join(head + kept + ["", note] + tail)


def should_send_today(today: dt.date, last_sent_on: dt.date | None) -> bool:
    """The daily job's gate: working days only (no reminders over 国庆/春节), once per day."""
    from diaodu.tasks.workdays import is_workday

    return is_workday(today) and (last_sent_on is None or last_sent_on < today)


def compose_digests(
    tasks: Iterable[TaskRecord],
    today: dt.date,
    *,
    due_soon_days: int = DEFAULT_DUE_SOON_WORKDAYS,
    sender_name: str = "督查室",
) -> list[UnitDigest]:
    """One digest per lead unit that has anything to be reminded of, sorted by unit name."""
    buckets: dict[str, dict[str, list[DigestItem]]] = {}
    for task in tasks:
        if task.status is Status.CLOSED:
            continue
        flags = task.flags(today, due_soon_days=due_soon_days)
        if flags.overdue:
            item = DigestItem(task, "overdue", flags.days_overdue, flags.workdays_overdue, flags.workdays_left)
        elif flags.due_soon:
            item = DigestItem(task, "due_soon", workdays_left=flags.workdays_left)
        elif task.status is Status.PENDING:
            item = DigestItem(task, "pending", workdays_left=flags.workdays_left)
        else:
            continue
        buckets.setdefault(task.lead_unit, {"overdue": [], "due_soon": [], "pending": []})[item.kind].append(item)

    far = dt.date.max

    def order(items: list[DigestItem], overdue: bool = False) -> tuple[DigestItem, ...]:
        if overdue:
            return tuple(sorted(items, key=lambda i: (-i.days_overdue, str(i.task.id))))
        return tuple(sorted(items, key=lambda i: (i.task.deadline or far, str(i.task.id))))

    return [
        UnitDigest(
            unit=unit,
            today=today,
            overdue=order(b["overdue"], overdue=True),
            due_soon=order(b["due_soon"]),
            pending=order(b["pending"]),
            sender_name=sender_name,
        )
        for unit, b in sorted(buckets.items())
    ]


# ----------------------------------------------------------------------------- delivery


@dataclass(frozen=True)
class UnitContacts:
    """Where a unit's reminders go. ``dingtalk`` items are ``(url, secret_or_None)``."""

    unit: str
    emails: tuple[str, ...] = ()
    wecom: tuple[str, ...] = ()
    dingtalk: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True)
class RetryPolicy:
    """``retries`` extra attempts after the first; waits ``backoff * factor**k`` seconds."""

    retries: int = 2
    backoff: float = 2.0
    factor: float = 2.0
    max_wait: float = 60.0

    def wait(self, attempt: int) -> float:
        return min(self.max_wait, self.backoff * (self.factor ** (attempt - 1)))


@dataclass(frozen=True)
class AttemptRecord:
    attempt: int
    ok: bool
    error: str | None = None


@dataclass(frozen=True)
class DeliveryResult:
    """Outcome of delivering one digest over one channel to one target."""

    channel: str  # "email" | "wecom" | "dingtalk" | "none"
    target: str  # email address(es) or webhook URL with secrets redacted
    ok: bool
    error: str | None
    attempts: int
    unit: str | None = None
    subject: str | None = None
    attempt_log: tuple[AttemptRecord, ...] = ()
    dry_run: bool = False


class DeliveryError(Exception):
    """A failed send; the message is shown to users (Chinese)."""


def send_with_retry(
    send: Callable[[], None],
    *,
    channel: str,
    target: str,
    policy: RetryPolicy = RetryPolicy(),
    sleep: Callable[[float], None] = time.sleep,
    unit: str | None = None,
    subject: str | None = None,
) -> DeliveryResult:
    """Call ``send`` until it returns without raising, at most ``policy.retries + 1`` times."""
    log: list[AttemptRecord] = []
    total = max(1, policy.retries + 1)
    error: str | None = None
    for attempt in range(1, total + 1):
        try:
            send()
        except Exception as exc:  # noqa: BLE001 - every failure is recorded, never raised
            error = str(exc) if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}"
            log.append(AttemptRecord(attempt, False, error))
            if attempt < total:
                sleep(policy.wait(attempt))
            continue
        log.append(AttemptRecord(attempt, True))
        return DeliveryResult(channel, target, True, None, attempt, unit, subject, tuple(log))
    return DeliveryResult(channel, target, False, error, total, unit, subject, tuple(log))


@dataclass
class EmailChannel:
    """SMTP sender (plain, STARTTLS or implicit TLS)."""

    host: str
    port: int = 25
    sender: str = "duban@localhost"
    sender_name: str = "调度台督查室"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    use_ssl: bool = False
    timeout: float = 10.0
    ssl_context: ssl.SSLContext | None = None

    def build_message(self, to: Sequence[str], subject: str, body: str) -> EmailMessage:
        msg = EmailMessage()
        msg["Subject"] = subject
        msg["From"] = formataddr((self.sender_name, self.sender))
        msg["To"] = ", ".join(to)
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or "localhost")
        msg.set_content(body, charset="utf-8")
        return msg

    def send(self, to: Sequence[str], subject: str, body: str) -> None:
        msg = self.build_message(to, subject, body)
        cls = smtplib.SMTP_SSL if self.use_ssl else smtplib.SMTP
        kwargs = {"context": self.ssl_context} if self.use_ssl and self.ssl_context else {}
        try:
            with cls(self.host, self.port, timeout=self.timeout, **kwargs) as smtp:
                if self.starttls:
                    smtp.starttls(context=self.ssl_context)
                if self.username:
                    smtp.login(self.username, self.password or "")
                refused = smtp.send_message(msg)
        except smtplib.SMTPException as exc:
            raise DeliveryError(f"邮件发送失败：{exc}") from exc
        except OSError as exc:
            raise DeliveryError(f"无法连接邮件服务器 {self.host}:{self.port}：{exc}") from exc
        if refused:
            raise DeliveryError(f"以下收件人被拒收：{'、'.join(refused)}")


def _post_robot(client: httpx.Client, url: str, body: dict, name: str) -> None:
    try:
        resp = client.post(url, json=body)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{name}推送失败（网络错误）：{exc}") from exc
    if resp.status_code // 100 != 2:
        raise DeliveryError(f"{name}推送失败：HTTP {resp.status_code}")
    try:
        data = resp.json()
    except ValueError:
        raise DeliveryError(f"{name}推送失败：返回内容不是 JSON") from None
    errcode = data.get("errcode") if isinstance(data, dict) else None
    if errcode != 0:
        errmsg = data.get("errmsg") if isinstance(data, dict) else None
        raise DeliveryError(f"{name}推送失败：errcode={errcode} errmsg={errmsg}")


def redact_url(url: str) -> str:
    """Hide webhook keys/tokens/signatures so URLs can be stored in delivery records."""
    parts = urllib.parse.urlsplit(url)
    query = [
        (k, "***" if k.lower() in {"key", "access_token", "sign", "token"} else v)
        for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query, safe="*")))


__all__.append("redact_url")


@dataclass
class WeComRobot:
    """企业微信 group robot webhook (``https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...``)."""

    url: str
    client: httpx.Client | None = None
    timeout: float = 10.0

    @staticmethod
    def payload(digest: UnitDigest) -> dict:
        return {"msgtype": "markdown", "markdown": {"content": digest.markdown(max_bytes=WECOM_MARKDOWN_MAX_BYTES)}}

    def send(self, body: dict) -> None:
        client = self.client or httpx.Client(timeout=self.timeout)
        try:
            _post_robot(client, self.url, body, "企业微信机器人")
        finally:
            if self.client is None:
                client.close()


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """Append DingTalk's ``timestamp`` and ``sign`` (加签) to a robot webhook URL."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), string_to_sign, digestmod=hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    sep = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{sep}timestamp={timestamp_ms}&sign={sign}"


@dataclass
class DingTalkRobot:
    """钉钉 group robot webhook (``https://oapi.dingtalk.com/robot/send?access_token=...``)."""

    url: str
    secret: str | None = None
    client: httpx.Client | None = None
    timeout: float = 10.0
    now_ms: Callable[[], int] = field(default=lambda: int(time.time() * 1000))

    @staticmethod
    def payload(digest: UnitDigest) -> dict:
        return {
            "msgtype": "markdown",
            "markdown": {"title": digest.subject, "text": digest.markdown(max_bytes=DINGTALK_MARKDOWN_MAX_BYTES)},
        }

    def send(self, body: dict) -> None:
        # Sign per attempt: DingTalk rejects timestamps more than an hour old.
        url = dingtalk_signed_url(self.url, self.secret, self.now_ms()) if self.secret else self.url
        client = self.client or httpx.Client(timeout=self.timeout)
        try:
            _post_robot(client, url, body, "钉钉机器人")
        finally:
            if self.client is None:
                client.close()


def deliver_digests(
    digests: Iterable[UnitDigest],
    contacts: Mapping[str, UnitContacts],
    *,
    email: EmailChannel | None = None,
    policy: RetryPolicy = RetryPolicy(),
    sleep: Callable[[float], None] = time.sleep,
    http_client: httpx.Client | None = None,
    dingtalk_now_ms: Callable[[], int] | None = None,
    dry_run: bool = False,
) -> list[DeliveryResult]:
    """Send every digest to every channel configured for its unit.

    Returns one result per (digest, channel, target); a unit with no usable contact gets a
    single ``channel="none"`` failure so the gap shows up in the delivery log.  With
    ``dry_run`` nothing is sent and every result is ``ok`` with ``dry_run=True``.
    """
    results: list[DeliveryResult] = []
    for digest in digests:
        c = contacts.get(digest.unit)
        jobs: list[tuple[str, str, Callable[[], None]]] = []
        if c is not None:
            if c.emails:
                if email is None:
                    results.append(
                        DeliveryResult("email", ", ".join(c.emails), False, "未配置邮件服务器（SMTP）", 0,
                                       digest.unit, digest.subject, dry_run=dry_run)
                    )
                else:
                    to, subject, body = list(c.emails), digest.subject, digest.text()
                    jobs.append(("email", ", ".join(to), lambda to=to, s=subject, b=body: email.send(to, s, b)))
            for url in c.wecom:
                robot = WeComRobot(url, client=http_client)
                body = WeComRobot.payload(digest)
                jobs.append(("wecom", redact_url(url), lambda r=robot, b=body: r.send(b)))
            for url, secret in c.dingtalk:
                robot = DingTalkRobot(url, secret, client=http_client)
                if dingtalk_now_ms is not None:
                    robot.now_ms = dingtalk_now_ms
                body = DingTalkRobot.payload(digest)
                jobs.append(("dingtalk", redact_url(url), lambda r=robot, b=body: r.send(b)))
        if not jobs and not (c and c.emails):
            results.append(
                DeliveryResult("none", digest.unit, False, f"单位「{digest.unit}」未配置任何提醒渠道", 0,
                               digest.unit, digest.subject, dry_run=dry_run)
            )
            continue
        for channel, target, send in jobs:
            if dry_run:
                results.append(DeliveryResult(channel, target, True, None, 0, digest.unit, digest.subject, dry_run=True))
                continue
            results.append(
                send_with_retry(send, channel=channel, target=target, policy=policy, sleep=sleep,
                                unit=digest.unit, subject=digest.subject)
            )
    return results
