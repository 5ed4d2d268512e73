"""The one ASGI app: REST API under /api/v1, OpenAPI docs at /api/docs (assets served locally),
the login form, and the NiceGUI pages mounted on the same FastAPI instance."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from diaodu import __version__
from diaodu.core.config import Settings, ensure_secret, get_settings
from diaodu.core.db import Database
from diaodu.core.errors import Conflict, DiaoduError
from diaodu.web import login_page
from diaodu.web.api import build_router
from diaodu.web.context import WebContext, set_context

log = logging.getLogger("diaodu")


def create_app(settings: Settings | None = None, with_ui: bool = True) -> FastAPI:
    settings = ensure_secret(settings or get_settings())
    logging.basicConfig(level=settings.log_level.upper())
    db = Database(settings.database_url)
    set_context(WebContext(settings=settings, db=db))
    app = FastAPI(title="调度台 Diaodu API", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="城市经济工作调度台接口。登录后，修改类请求须在请求头 X-CSRF-Token 中带上登录时返回的 csrf_token。")
    app.state.db = db
    app.include_router(build_router())
    app.include_router(login_page.router)
    _mount_docs(app)

    @app.exception_handler(DiaoduError)
    async def _domain_error(_request: Request, exc: DiaoduError):
        return JSONResponse({"detail": exc.message}, status_code=exc.status_code)

    @app.exception_handler(IntegrityError)
    async def _integrity(_request: Request, exc: IntegrityError):
        log.info("integrity error: %s", exc.orig)
        return JSONResponse({"detail": "该记录仍被其他数据引用或与已有数据重复，无法完成操作"}, status_code=409)

    @app.exception_handler(StaleDataError)
    async def _stale(_request: Request, _exc: StaleDataError):
        return JSONResponse({"detail": Conflict().message}, status_code=409)

    if with_ui:
        from diaodu.web.ui import mount_ui

        mount_ui(app, settings)
        _start_module_jobs(app)
    return app


def _start_module_jobs(app: FastAPI) -> None:
    """Background jobs of the server process (e.g. the daily task reminders): a module ships
    ``diaodu/<module>/scheduled.py`` with ``start_scheduler(app)``."""
    from diaodu.core.modules import parts

    for _name, module in parts("scheduled"):
        module.start_scheduler(app)


def _mount_docs(app: FastAPI) -> None:
    import swagger_ui_bundle

    app.mount("/api/docs-static", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-static")

    @app.get("/api/docs", include_in_schema=False)
    def docs():
        return get_swagger_ui_html(openapi_url="/api/openapi.json", title="调度台 API 文档",
                                   swagger_js_url="/api/docs-static/swagger-ui-bundle.js",
                                   swagger_css_url="/api/docs-static/swagger-ui.css",
                                   swagger_favicon_url="/api/docs-static/favicon-32x32.png")
