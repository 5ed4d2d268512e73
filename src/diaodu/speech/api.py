"""REST routes of the speech parser (under /api/v1). Thin: parse the request, call the service, shape."""

from __future__ import annotations

import datetime as dt
import json

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, ValidationError

from diaodu.core.errors import ValidationFailed
from diaodu.speech import service as svc
from diaodu.speech.models import Speech
from diaodu.web.deps import CurrentActor, DbSession

router = APIRouter(tags=["speech"])


class SpeechCreate(BaseModel):
    text: str
    meeting_date: dt.date | None = None
    title: str | None = None


class ReviewBody(BaseModel):
    version: int | None = None
    extraction: dict = Field(default_factory=dict)


class ConfirmBody(BaseModel):
    version: int | None = None


def speech_json(speech: Speech, *, detail: bool = False) -> dict:
    out = {
        "id": speech.id, "version": speech.version, "title": speech.title, "meeting_date": speech.meeting_date,
        "source_name": speech.source_name, "sha256": speech.sha256, "status": speech.status,
        "status_label": speech.status_label, "unit_id": speech.unit_id,
        "uploaded_by": speech.uploaded_by.display_name or speech.uploaded_by.username if speech.uploaded_by else None,
        "created_at": speech.created_at, "reviewed_at": speech.reviewed_at, "confirmed_at": speech.confirmed_at,
        "chars": len(speech.text), "counts": svc.counts(speech.current),
    }
    if detail:
        out.update({"text": speech.text, "extraction": speech.extraction, "reviewed": speech.reviewed,
                    "confirm_result": speech.confirm_result, "tasks_module": svc.tasks_available()})
    return out


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(f"会议日期“{value}”格式不正确，应为 YYYY-MM-DD") from None


@router.post("/speeches", status_code=201)
async def create(request: Request, actor: CurrentActor, session: DbSession):
    """JSON ``{"text", "meeting_date"?, "title"?}`` or multipart/form-data (``file``, ``meeting_date``?,
    ``title``?); .txt in UTF-8/GB18030 or .docx."""
    if request.headers.get("content-type", "").startswith("multipart/"):
        form = await request.form(max_part_size=svc.MAX_BYTES + 1)
        file = form.get("file")
        if file is None or isinstance(file, str):
            raise ValidationFailed("请选择要上传的讲话文件（字段 file），或以 JSON 提交讲话全文（字段 text）")
        data = await file.read(svc.MAX_BYTES + 1)
        speech = svc.create_speech(session, actor, data=data, filename=file.filename or "",
                                   meeting_date=_date(form.get("meeting_date")), title=form.get("title") or None)
    else:
        try:
            body = SpeechCreate.model_validate(json.loads(await request.body() or b"null"))
        except (ValueError, ValidationError):
            raise ValidationFailed("请求格式应为含 text（讲话全文）的 JSON，或上传文件的 multipart/form-data") from None
        speech = svc.create_speech(session, actor, text=body.text, meeting_date=body.meeting_date, title=body.title)
    return speech_json(speech, detail=True)


@router.get("/speeches")
def list_(actor: CurrentActor, session: DbSession):
    return [speech_json(s) for s in svc.list_speeches(session, actor)]


@router.get("/speeches/{speech_id}")
def get(speech_id: int, actor: CurrentActor, session: DbSession):
    return speech_json(svc.get_speech(session, actor, speech_id), detail=True)


@router.put("/speeches/{speech_id}/review")
def review(speech_id: int, body: ReviewBody, actor: CurrentActor, session: DbSession):
    return speech_json(svc.save_review(session, actor, speech_id, body.extraction, body.version), detail=True)


@router.post("/speeches/{speech_id}/confirm")
def confirm(speech_id: int, actor: CurrentActor, session: DbSession, body: ConfirmBody | None = None):
    result = svc.confirm_tasks(session, actor, speech_id, body.version if body else None)
    speech = svc.get_speech(session, actor, speech_id)
    return {"speech": speech_json(speech), "result": result}
