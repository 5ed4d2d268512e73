"""REST routes of indicator monitoring under /api/v1/monitor (thin: parse, call service, shape)."""

from __future__ import annotations

import base64
import binascii
import tempfile
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from diaodu.core.errors import ValidationFailed
from diaodu.monitor import service, thresholds
from diaodu.web.deps import CurrentActor, DbSession

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
router = APIRouter(prefix="/monitor", tags=["monitor"])
MAX_UPLOAD = 20 * 1024 * 1024


class IndicatorRead(BaseModel):
    id: int
    code: str
    name: str
    unit: str
    kind: str
    direction: int
    owner: str
    scope: str
    precision: int
    aliases: list[str]
    active: bool
    version: int


class IndicatorCreate(BaseModel):
    name: str = Field(max_length=100)
    unit: str = Field("", max_length=30)
    kind: Literal["flow", "stock", "rate"] = "flow"
    direction: Literal[1, -1] = 1
    owner: str = Field("", max_length=100)
    scope: str = ""
    precision: int = Field(1, ge=0, le=4)
    aliases: list[str] = []


class ObservationCreate(BaseModel):
    region_id: int
    indicator_id: int
    year: int
    month: int
    value: float | None = None
    growth: float | None = None
    unit: str | None = Field(None, max_length=30)
    published_rank: int | None = Field(None, ge=1)
    note: str | None = Field(None, max_length=200)


class TargetCreate(BaseModel):
    region_id: int
    indicator_id: int
    year: int
    kind: Literal["growth", "level"] | None = None
    value: float | None = None
    unit: str | None = Field(None, max_length=30)
    qualifier: Literal["~", ">=", "<="] | None = None
    rank_keep: int | None = Field(None, ge=1)
    rank_strive: int | None = Field(None, ge=1)
    origin: Literal["assigned", "own"] = "assigned"
    note: str = ""
    text: str | None = Field(None, max_length=100, description="如“增长6.5%左右，保四争三”，自动识别")


class TargetUpdate(BaseModel):
    version: int | None = None
    kind: Literal["growth", "level"] | None = None
    value: float | None = None
    unit: str | None = Field(None, max_length=30)
    qualifier: Literal["~", ">=", "<="] | None = None
    rank_keep: int | None = Field(None, ge=1)
    rank_strive: int | None = Field(None, ge=1)
    note: str | None = None
    text: str | None = Field(None, max_length=100)


class IndicatorUpdate(BaseModel):
    version: int | None = None
    name: str | None = Field(None, max_length=100)
    unit: str | None = Field(None, max_length=30)
    kind: Literal["flow", "stock", "rate"] | None = None
    direction: Literal[1, -1] | None = None
    owner: str | None = Field(None, max_length=100)
    scope: str | None = None
    precision: int | None = Field(None, ge=0, le=4)
    aliases: list[str] | None = None
    active: bool | None = None


def _ind(row) -> IndicatorRead:
    return IndicatorRead(id=row.id, code=row.code, name=row.name, unit=row.unit or "", kind=row.kind,
                         direction=row.direction, owner=row.owner or "", scope=row.scope or "",
                         precision=row.precision, aliases=list(row.aliases or []), active=bool(row.active),
                         version=row.version)


@router.get("/indicators", response_model=list[IndicatorRead])
def list_indicators(actor: CurrentActor, session: DbSession):
    return [_ind(r) for r in service.list_indicators(session, actor)]


@router.post("/indicators", response_model=IndicatorRead, status_code=201)
def create_indicator(body: IndicatorCreate, actor: CurrentActor, session: DbSession):
    return _ind(service.create_indicator(session, actor, **body.model_dump()))


@router.patch("/indicators/{indicator_id}", response_model=IndicatorRead)
def update_indicator(indicator_id: int, body: IndicatorUpdate, actor: CurrentActor, session: DbSession):
    return _ind(service.update_indicator(session, actor, indicator_id, **body.model_dump()))


class ThresholdsUpdate(BaseModel):
    version: int | None = None
    red_gap: float | None = None
    yellow_gap: float | None = None
    red_bottom: int | None = Field(None, ge=0, le=50)
    yellow_bottom: int | None = Field(None, ge=0, le=50)


@router.get("/thresholds")
def get_thresholds(actor: CurrentActor, session: DbSession):
    """The 红/黄/绿 thresholds the board uses (gaps in percentage points, bottoms in places)."""
    return thresholds.as_dict(session)


@router.put("/thresholds")
def put_thresholds(body: ThresholdsUpdate, actor: CurrentActor, session: DbSession):
    thresholds.save(session, actor, **body.model_dump())
    return thresholds.as_dict(session)


@router.get("/board")
def get_board(actor: CurrentActor, session: DbSession,
              period: str = Query(..., description="YYYY-MM"), region: str | None = None):
    year, month = service.parse_period_arg(period)
    # already-encoded JSON: FastAPI's generic encoder would take ~0.8 s on a province board
    return Response(service.board_json(session, actor, year, month, region), media_type="application/json")


@router.get("/board.xlsx", response_class=Response)
def get_board_xlsx(actor: CurrentActor, session: DbSession,
                   period: str = Query(..., description="YYYY-MM"), region: str | None = None):
    """指标监测表（Excel）：与看板相同的行，每行带数据来源。"""
    year, month = service.parse_period_arg(period)
    data, name = service.board_xlsx(session, actor, year, month, region)
    return Response(data, media_type=XLSX, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@router.get("/paragraph")
def get_paragraph(actor: CurrentActor, session: DbSession, period: str, region: str, indicator: str):
    year, month = service.parse_period_arg(period)
    return service.paragraph(session, actor, year, month, region, indicator)


@router.get("/observations/{obs_id}")
def get_observation(obs_id: int, actor: CurrentActor, session: DbSession):
    return service.get_observation(session, actor, obs_id)


@router.post("/observations", status_code=201)
def create_observation(body: ObservationCreate, actor: CurrentActor, session: DbSession):
    o = service.enter_observation(session, actor, **body.model_dump())
    return service.get_observation(session, actor, o.id)


@router.get("/targets")
def list_targets(actor: CurrentActor, session: DbSession, year: int | None = None, region_id: int | None = None):
    return service.list_targets(session, actor, year=year, region_id=region_id)


@router.post("/targets", status_code=201)
def create_target(body: TargetCreate, actor: CurrentActor, session: DbSession):
    return service.target_dict(service.create_target(session, actor, **body.model_dump()))


@router.patch("/targets/{target_id}")
def update_target(target_id: int, body: TargetUpdate, actor: CurrentActor, session: DbSession):
    return service.target_dict(service.update_target(session, actor, target_id,
                                                     **body.model_dump(exclude_unset=True)))


@router.delete("/targets/{target_id}", status_code=204)
def delete_target(target_id: int, actor: CurrentActor, session: DbSession):
    service.delete_target(session, actor, target_id)


@router.get("/imports")
def list_imports(actor: CurrentActor, session: DbSession):
    return service.list_imports(session, actor)


@router.post("/imports", status_code=201, openapi_extra={"requestBody": {"content": {
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}}},
    "application/json": {"schema": {"type": "object", "properties": {
        "file_name": {"type": "string"}, "content_base64": {"type": "string"}}}}}}})
async def create_import(request: Request, actor: CurrentActor, session: DbSession, dry_run: bool = False,
                        create_regions: bool = False, parent: str | None = None):
    """上传统计月报卡或长表模板（multipart 的 file，或 JSON 的 file_name + content_base64）。"""
    from diaodu.core import policy

    policy.ensure_business_writer(actor)  # before reading the upload
    name, data = await _upload(request)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        report = service.import_file(session, actor, path, dry_run=dry_run, create_regions=create_regions,
                                     parent_name=parent, file_name=name)
    return report.as_dict()


async def _upload(request: Request) -> tuple[str, bytes]:
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/form-data"):
        form = await request.form()
        up = form.get("file")
        if up is None or not hasattr(up, "read"):
            raise ValidationFailed("请上传文件（字段名 file）")
        name, data = up.filename or "upload.xlsx", await up.read()
    elif ctype.startswith("application/json"):
        body = await request.json()
        try:
            name = str(body.get("file_name") or "upload.xlsx")
            data = base64.b64decode(body.get("content_base64") or "", validate=True)
        except (AttributeError, binascii.Error):
            raise ValidationFailed("content_base64 不是有效的 Base64 内容") from None
    else:
        raise ValidationFailed("请以 multipart/form-data 上传文件")
    if not data:
        raise ValidationFailed("上传的文件为空")
    if len(data) > MAX_UPLOAD:
        raise ValidationFailed("文件过大（上限 20MB）")
    name = Path(name).name or "upload.xlsx"
    if Path(name).suffix.lower() not in (".xlsx", ".xlsm", ".csv"):
        raise ValidationFailed("只支持 .xlsx 或 .csv 文件")
    return name, data
