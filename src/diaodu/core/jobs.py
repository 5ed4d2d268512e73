"""Background jobs of the server process: a step polled in a worker thread.

A module's ``scheduled.start_scheduler(app)`` (started by ``web.app``) calls ``start_polling_job``
with a ``make_step(db)`` that returns the step; the step may keep state between calls in its
closure. An exception is logged and the job goes on at the next poll; ``switch`` names the
environment variable that turns the job off (``0``/``false``/``no``/``off``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable

OFF = ("0", "false", "no", "off")


def start_polling_job(app, *, name: str, switch: str, poll_seconds: float,
                      make_step: Callable[[object], Callable[[], object]], log: logging.Logger) -> None:
    """Run ``make_step(app.state.db)()`` every ``poll_seconds`` from FastAPI startup to shutdown."""
    if os.environ.get(switch, "1").strip().lower() in OFF:
        return
    state: dict = {}

    async def loop(step: Callable[[], object]) -> None:
        while True:
            try:
                await asyncio.to_thread(step)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s failed", name)
            await asyncio.sleep(poll_seconds)

    async def start() -> None:
        state["task"] = asyncio.create_task(loop(make_step(app.state.db)), name=name)

    async def stop() -> None:
        task = state.pop("task", None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.router.add_event_handler("startup", start)
    app.router.add_event_handler("shutdown", stop)
