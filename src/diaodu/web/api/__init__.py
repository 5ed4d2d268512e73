"""The REST API under /api/v1: foundation routers plus each module's router when present."""

from __future__ import annotations

from fastapi import APIRouter

from diaodu.core.modules import parts
from diaodu.web.api import admin, auth, org


def build_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    router.include_router(auth.router)
    router.include_router(org.router)
    router.include_router(admin.router)
    for _name, module in parts("api"):
        router.include_router(module.router)
    return router
