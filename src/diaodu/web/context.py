"""Process-wide handles for the web app: settings and the database (set by create_app)."""

from __future__ import annotations

from dataclasses import dataclass

from diaodu.core.config import Settings
from diaodu.core.db import Database


@dataclass
class WebContext:
    settings: Settings
    db: Database


_current: WebContext | None = None


def set_context(ctx: WebContext) -> None:
    global _current
    _current = ctx


def ctx() -> WebContext:
    if _current is None:
        raise RuntimeError("web context not initialised: call create_app() first")
    return _current
