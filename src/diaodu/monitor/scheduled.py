"""The board warmer inside the web server.

Boards are cached until the data changes (``boardcache``); the first read after an import would
compute its board (~30 ms for a city, ~150–200 ms for a whole province). Every ``poll_seconds``
(``DIAODU_MONITOR_WARM_POLL``, default 15) this job reads the data token — one tiny query — and,
when it changed, computes in a worker thread what the 驾驶舱 opens first — the latest period's
board of every city (ranking scope) — and the JSON of the whole board the API sends. Imports from the CLI, another server process or psql are
noticed the same way. ``DIAODU_MONITOR_WARMER=0`` turns it off.
"""

from __future__ import annotations

import logging
import os

from diaodu.core.audit import Actor
from diaodu.core.jobs import start_polling_job
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


def start_scheduler(app, *, poll_seconds: float | None = None) -> None:
    """Start the warmer on FastAPI startup (uses ``app.state.db``)."""
    interval = poll_seconds if poll_seconds is not None else float(os.environ.get("DIAODU_MONITOR_WARM_POLL", "15"))

    def make_step(db):
        last = {"token": None}

        def step() -> None:
            last["token"] = warm_once(db, last["token"])
        return step

    start_polling_job(app, name="diaodu-board-warmer", switch="DIAODU_MONITOR_WARMER", poll_seconds=interval,
                      make_step=make_step, log=log)
