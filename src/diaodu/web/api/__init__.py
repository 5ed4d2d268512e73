"""The REST API under /api/v1: foundation routers plus each module's router when present."""

from __future__ import annotations

import importlib

from fastapi import APIRouter

from diaodu.web.api import admin, auth, org

MODULES = ("speech", "monitor", "tasks", "projects")


def build_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    router.include_router(auth.router)
    router.include_router(org.router)
    router.include_router(admin.router)
    for name in MODULES:
        try:
            module = importlib.import_module(f"diaodu.{name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"diaodu.{name}.api":
                raise
            continue
        router.include_router(module.router)
    return router
