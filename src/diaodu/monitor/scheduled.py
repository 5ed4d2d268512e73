"""The board warmer inside the web server.

Boards are cached until the data changes (``boardcache``); the first read after an import would
compute its board (~30 ms for a city, ~150–200 ms for a whole province). Every ``poll_seconds``
(``DIAODU_MONITOR_WARM_POLL``, default 15) this job reads the data token — one tiny query — and,
when it changed, computes in a worker thread what the 驾驶舱 opens first — the latest period's
board of every city (ranking scope) — and the JSON of the whole board the API sends. Imports from the CLI, another server process or psql are
noticed the same way. ``DIAODU_MONITOR_WARMER=0`` turns it off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os

from diaodu.core.audit import Actor
from diaodu.monitor import boardcache

log = logging.getLogger("diaodu.monitor.warmer")


def warm_once(db, last_token: str | None = None) -> str | None:
    """Compute the latest period's board of every scope unless the data token is still
    ``last_token``; returns the token the boards were computed under."""
    from diaodu.monitor import service

    actor = Actor.system("board-warmer")
    with db.session(actor) as session:
        token = boardcache.token(session)
        if token is None or token == last_token:
            return token
        periods = service.available_periods(session)
        if not periods:
            return token
        year, month = service.parse_period_arg(periods[0])
        for scope in service.board_scopes(session, year, month):
            service.board(session, actor, year, month, scope)
        service.board_json(session, actor, year, month)  # what GET /api/v1/monitor/board sends by default
    return token


async def warmer_loop(db, *, poll_seconds: float) -> None:
    token = None
    while True:
        try:
            token = await asyncio.to_thread(warm_once, db, token)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("board warmer failed")
        await asyncio.sleep(poll_seconds)


def start_scheduler(app, *, poll_seconds: float | None = None) -> None:
    """Start the warmer on FastAPI startup (uses ``app.state.db``)."""
    if os.environ.get("DIAODU_MONITOR_WARMER", "1").strip().lower() in ("0", "false", "no", "off"):
        return
    interval = poll_seconds if poll_seconds is not None else float(os.environ.get("DIAODU_MONITOR_WARM_POLL", "15"))
    state: dict = {}

    async def _start() -> None:
        state["task"] = asyncio.create_task(warmer_loop(app.state.db, poll_seconds=interval),
                                            name="diaodu-board-warmer")

    async def _stop() -> None:
        task = state.pop("task", None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.router.add_event_handler("startup", _start)
    app.router.add_event_handler("shutdown", _stop)
