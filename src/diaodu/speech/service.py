"""Stored speeches: upload and parse, read, save the clerk's review, confirm into ledger tasks.

Visibility (docs/decisions/0004-speech-visibility.md): speeches are meeting documents, readable
by every logged-in user; uploading, reviewing and confirming are for dispatchers and admins.
Functions follow the module rules: ``f(session, actor, ...)``, no commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from diaodu.core import org, policy
from diaodu.core.audit import Actor, log_event
from diaodu.core.db import utcnow
from diaodu.core.errors import Conflict, NotFound, ValidationFailed
from diaodu.speech.io import SpeechReadError, decode_bytes
from diaodu.speech.models import Speech, SpeechStatus
from diaodu.speech.normalise import strip_bom
from diaodu.speech.parser import parse

MAX_BYTES = 5 * 1024 * 1024
MAX_CHARS = 2_000_000
LISTS = ("headings", "tasks", "targets", "figures")
LIST_LABELS = {"headings": "标题", "tasks": "任务", "targets": "目标", "figures": "数据"}
HEADING_START = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|第[一二三四五六七八九十]+[，、])")
DATE_RE = re.compile(r"^(\d{4}|XXXX)-(\d{2})-(\d{2})$")
TASKS_MISSING = "任务督办模块尚未启用"


# --- reading files --------------------------------------------------------------------------------

def decode_upload(filename: str | None, data: bytes) -> str:
    """Text of an uploaded file: .txt (UTF-8 with/without BOM, GB18030) or .docx."""
    name = (filename or "").strip()
    suffix = Path(name).suffix.lower()
    if not data:
        raise ValidationFailed("上传的文件是空的，请检查后重新上传。")
    if len(data) > MAX_BYTES:
        raise ValidationFailed(f"文件过大（{len(data) // 1024} KB）：讲话文件不能超过 {MAX_BYTES // 1024 // 1024} MB。")
    if suffix == ".docx" or (not suffix and data[:2] == b"PK"):
        return _read_docx_bytes(name, data)
    if suffix not in ("", ".txt", ".text", ".md"):
        raise ValidationFailed(f"不支持的文件类型“{suffix}”：仅支持 .txt（UTF-8 或 GB18030 编码）和 .docx 文件。")
    try:
        return decode_bytes(data)
    except SpeechReadError as exc:
        raise ValidationFailed(str(exc)) from None


def _read_docx_bytes(name: str, data: bytes) -> str:
    try:
        import docx  # python-docx
    except ImportError:  # pragma: no cover
        raise ValidationFailed("读取 .docx 需要安装 python-docx。") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:
        raise ValidationFailed(f"无法打开 Word 文档“{name or '上传文件'}”：文件已损坏或不是 .docx 格式。") from None
    return "\n".join(p.text for p in document.paragraphs)


def _title_from(text: str, filename: str | None, meeting_date: dt.date | None) -> str:
    if filename:
        stem = Path(filename).stem.strip()
        if stem:
            return stem[:200]
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        # A title line: short, no sentence punctuation, not a numbered heading nor "同志们："
        if len(line) <= 60 and not re.search(r"[。：:；！？]$", line) and not HEADING_START.match(line):
            return line[:200]
        break
    return f"会议讲话（{meeting_date.isoformat()}）" if meeting_date else "会议讲话"


# --- create and read ------------------------------------------------------------------------------

def create_speech(session: Session, actor: Actor, *, text: str | None = None, data: bytes | None = None,
                  filename: str | None = None, meeting_date: dt.date | None = None,
                  title: str | None = None) -> Speech:
    """Store a speech (pasted text, or file bytes + name) with its parser extraction."""
    policy.ensure_business_writer(actor)
    if data is not None:
        text = decode_upload(filename, data)
    text = strip_bom(text or "")
    if not text.strip():
        raise ValidationFailed("讲话内容为空：请粘贴讲话全文或上传 .txt / .docx 文件。")
    if len(text) > MAX_CHARS:
        raise ValidationFailed(f"讲话过长（{len(text)} 字）：不能超过 {MAX_CHARS} 字。")
    extraction = parse(text, meeting_date=meeting_date, unit_resolver=org.unit_resolver(session),
                       doc=(Path(filename).stem if filename else "")).to_dict()
    speech = Speech(title=(title or "").strip()[:200] or _title_from(text, filename, meeting_date), meeting_date=meeting_date,
                    source_name=filename or None, text=text,
                    sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), uploaded_by_id=actor.user_id,
                    unit_id=actor.unit_id, extraction=extraction, status=SpeechStatus.draft.value)
    session.add(speech)
    session.flush()
    return speech


def speech_owner(speech: Speech) -> policy.Owner:
    return policy.Owner.of([speech.unit_id])


def _ensure_read(actor: Actor) -> None:
    # Meeting documents: every logged-in role reads every speech (decision 0004).
    if actor.role not in (*policy.ALL_READERS, "reporter"):
        raise NotFound()


def get_speech(session: Session, actor: Actor, speech_id: int) -> Speech:
    _ensure_read(actor)
    speech = session.get(Speech, speech_id)
    if speech is None:
        raise NotFound("讲话不存在")
    return speech


def list_speeches(session: Session, actor: Actor) -> list[Speech]:
    _ensure_read(actor)
    return list(session.scalars(select(Speech).options(defer(Speech.text)).order_by(Speech.meeting_date.desc().nulls_last(),
                                                        Speech.id.desc())))


def counts(extraction: dict | None) -> dict[str, int]:
    ex = extraction or {}
    return {name: len(ex.get(name) or []) for name in LISTS}


# --- review ---------------------------------------------------------------------------------------

def _span(text: str, rec: dict, where: str) -> tuple[int, int]:
    """Check a record's grounding: ``quote == text[start:end]``, or locate the quote."""
    quote = rec.get("quote")
    if not isinstance(quote, str) or not quote.strip():
        raise ValidationFailed(f"{where}：原文（quote）不能为空。")
    start, end = rec.get("start"), rec.get("end")
    if isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text) \
            and text[start:end] == quote:
        return start, end
    # Not (or wrongly) placed: take the occurrence nearest to the given start.
    hits, pos = [], text.find(quote)
    while pos >= 0 and len(hits) < 1000:
        hits.append(pos)
        pos = text.find(quote, pos + 1)
    if not hits:
        short = quote if len(quote) <= 30 else quote[:30] + "…"
        raise ValidationFailed(f"{where}：原文“{short}”在讲话中找不到，请从讲话中选取原文。")
    near = start if isinstance(start, int) else 0
    best = min(hits, key=lambda h: abs(h - near))
    return best, best + len(quote)


def _names(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = re.split(r"[、，,；;\s]+", value)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationFailed(f"{where}：单位应为单位名称列表。")
    out = []
    for v in value:
        v = v.strip()
        if v and v not in out:
            out.append(v)
    return out


def _number(value: Any, where: str):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationFailed(f"{where}：数值格式不正确。")
    if isinstance(value, (int, float)):
        return value
    try:
        f = float(str(value).replace(",", "").strip())
    except ValueError:
        raise ValidationFailed(f"{where}：数值“{value}”不是数字。") from None
    return int(f) if f.is_integer() and "." not in str(value) else f


def validate_review(text: str, reviewed: dict, resolver=None) -> dict:
    """A clean copy of a reviewed extraction; every quote grounded in ``text`` (else 422)."""
    if not isinstance(reviewed, dict):
        raise ValidationFailed("核对结果格式不正确：应为包含 headings、tasks、targets、figures 的对象。")
    out: dict[str, Any] = {"doc": str(reviewed.get("doc") or "")}
    for name in LISTS:
        items = reviewed.get(name) or []
        if not isinstance(items, list):
            raise ValidationFailed(f"核对结果格式不正确：{LIST_LABELS[name]}（{name}）应为列表。")
        clean = []
        for i, rec in enumerate(items):
            where = f"{LIST_LABELS[name]}第 {i + 1} 行"
            if not isinstance(rec, dict):
                raise ValidationFailed(f"{where}：格式不正确。")
            rec = dict(rec)
            rec["start"], rec["end"] = _span(text, rec, where)
            if name == "headings":
                depth = rec.get("depth", 1)
                if not isinstance(depth, int) or not 1 <= depth <= 9:
                    raise ValidationFailed(f"{where}：层级应为 1 至 9 的整数。")
            elif name == "tasks":
                for key in ("units", "lead", "assist"):
                    if key in rec:
                        rec[key] = _names(rec[key], where)
                rec.setdefault("units", [])
                for key in ("lead", "assist"):
                    if key in rec and not rec[key]:
                        del rec[key]
                if resolver is not None:
                    ids = []
                    for u in rec["units"]:
                        uid = resolver(u)
                        if uid is not None and uid not in ids:
                            ids.append(uid)
                    rec["unit_ids"] = ids
                rec["deadline"] = _deadline(text, rec.get("deadline"), rec["start"], where)
            else:
                rec["value"] = _number(rec.get("value"), where)
                for key in ("indicator", "measure", "unit"):
                    if rec.get(key) is not None and not isinstance(rec[key], str):
                        rec[key] = str(rec[key])
            clean.append(rec)
        out[name] = clean
    return out


def _deadline(text: str, dl: Any, near: int, where: str) -> dict | None:
    if dl in (None, "", {}):
        return None
    if not isinstance(dl, dict):
        raise ValidationFailed(f"{where}：时限格式不正确。")
    dl = dict(dl)
    date = dl.get("date")
    if date in ("", None):
        dl["date"] = None
    elif not isinstance(date, str) or not DATE_RE.match(date):
        raise ValidationFailed(f"{where}：时限日期“{date}”格式应为 YYYY-MM-DD（年份未知时写 XXXX-MM-DD）。")
    else:
        _y, m, d = DATE_RE.match(date).groups()
        if not (1 <= int(m) <= 12 and 1 <= int(d) <= 31):
            raise ValidationFailed(f"{where}：时限日期“{date}”不是有效日期。")
    if not dl.get("quote"):
        if dl["date"] is None:
            return None
        dl["quote"], dl["start"], dl["end"] = "", None, None  # typed date, no span in the text
        return dl
    if dl.get("start") is None:
        dl["start"] = near
    dl["start"], dl["end"] = _span(text, dl, f"{where}的时限")
    return dl


def save_review(session: Session, actor: Actor, speech_id: int, reviewed: dict, version: int | None) -> Speech:
    """Store the clerk's reviewed extraction (dispatchers and admins)."""
    speech = get_speech(session, actor, speech_id)
    policy.ensure_business_writer(actor)
    org.check_version(speech, version)
    if speech.status == SpeechStatus.confirmed.value:
        raise Conflict("该讲话已确认生成任务，核对结果不能再修改")
    speech.reviewed = validate_review(speech.text, reviewed, org.unit_resolver(session))
    speech.reviewed_by_id = actor.user_id
    speech.reviewed_at = utcnow()
    speech.status = SpeechStatus.reviewed.value
    session.flush()
    return speech


# --- confirm into ledger tasks ---------------------------------------------------------------------

def _task_creator():
    try:
        from diaodu.tasks import service as tasks_service
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("diaodu.tasks"):
            return None
        raise
    return getattr(tasks_service, "create_tasks_from_extraction", None)


def tasks_available() -> bool:
    return _task_creator() is not None


def confirm_tasks(session: Session, actor: Actor, speech_id: int, version: int | None = None) -> dict:
    """确认生成任务: the reviewed tasks become ledger tasks linked to their spans."""
    speech = get_speech(session, actor, speech_id)
    policy.ensure_business_writer(actor)
    org.check_version(speech, version)
    create = _task_creator()
    if create is None:
        raise ValidationFailed(TASKS_MISSING)
    if speech.status == SpeechStatus.confirmed.value:
        raise Conflict("该讲话已确认生成任务，不能重复生成")
    if speech.reviewed is None:
        raise ValidationFailed("请先保存核对结果，再确认生成任务")
    result = create(session, actor, speech.id, speech.reviewed, speech.meeting_date, speech.text,
                    title=speech.title)
    summary = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    if not summary.get("created"):
        reasons = "；".join(s.get("reason", "") for s in summary.get("skipped", [])[:3])
        raise ValidationFailed("没有可生成的任务：" + (reasons or "核对结果中没有任务") + "。请先在表格中指定牵头单位。")
    speech.status = SpeechStatus.confirmed.value
    speech.confirmed_by_id = actor.user_id
    speech.confirmed_at = utcnow()
    speech.confirm_result = summary
    session.flush()
    log_event(session, "speech.confirm", "speech", speech.id, actor=actor,
              note=f"由讲话“{speech.title}”生成任务 {len(summary['created'])} 项，跳过 {len(summary.get('skipped', []))} 项")
    return summary
