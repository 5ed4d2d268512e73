"""NiceGUI pages mounted on the FastAPI app. Each module may ship ``diaodu/<module>/pages.py``;
until it does, its navigation entry leads to a page that says what will be there."""

from __future__ import annotations

from fastapi import FastAPI

from diaodu.core.config import Settings
from diaodu.core.modules import parts


def mount_ui(app: FastAPI, settings: Settings) -> None:
    from nicegui import ui

    from diaodu.web.ui import admin_pages, placeholders

    present = {name for name, _module in parts("pages")}  # importing registers their @ui.page routes
    placeholders.register(exclude=present)
    admin_pages.register()
    ui.run_with(app, title="调度台", storage_secret=settings.secret_key, language="zh-CN",
                favicon="🏛️", show_welcome_message=False, reconnect_timeout=10)
