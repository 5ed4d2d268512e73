"""The daily reminder job inside the web server.

``start_scheduler(app)`` registers a startup handler that starts an asyncio background task
(and a shutdown handler that cancels it). Every ``poll_seconds`` the task checks the time in
China (UTC+8): on a working day, at or after ``DIAODU_TASKS_REMIND_HOUR`` (default 9), and when no
real (non-dry-run) reminder has been recorded for that day yet, it runs
:func:`diaodu.tasks.service.remind` in a worker thread, in one transaction, as the system actor
``scheduler``. ``DIAODU_TASKS_SCHEDULER=0`` turns it off (e.g. for a second app instance).

Hook (in ``diaodu.web.app.create_app``, after the routers are included)::

    from diaodu.tasks.scheduled import start_scheduler
    start_scheduler(app)
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
from collections.abc import Callable

from diaodu.core.audit import Actor

log = logging.getLogger("diaodu.tasks.scheduler")
CHINA = dt.timezone(dt.timedelta(hours=8))


def china_now() -> dt.datetime:
    return dt.datetime.now(CHINA)


def run_once(db, now: dt.datetime, *, remind_hour: int | None = None) -> bool:
    """Run today's reminders if they are due; True when they were sent. Safe to call often."""
    from diaodu.tasks import service as svc
    from diaodu.tasks.reminders import should_send_today

    settings = svc.task_settings()
    hour = settings.remind_hour if remind_hour is None else remind_hour
    today = now.date()
    if now.hour < hour:
        return False
    actor = Actor.system("scheduler")
    with db.session(actor) as session:
        if not should_send_today(today, svc.last_reminder_day(session)):
            return False
        digests, results = svc.remind(session, actor, today=today, settings=settings)
    log.info("daily reminders %s: %d units, %d/%d delivered", today, len(digests),
             sum(r.ok for r in results), len(results))
    return True


async def scheduler_loop(db, *, poll_seconds: float = 300.0, clock: Callable[[], dt.datetime] = china_now) -> None:
    while True:
        try:
            await asyncio.to_thread(run_once, db, clock())
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("daily reminder job failed")
        await asyncio.sleep(poll_seconds)


def start_scheduler(app, *, poll_seconds: float | None = None) -> None:
    """Start the daily reminder loop on FastAPI startup (uses ``app.state.db``)."""
    if os.environ.get("DIAODU_TASKS_SCHEDULER", "1").strip().lower() in ("0", "false", "no", "off"):
        return
    interval = poll_seconds if poll_seconds is not None else float(os.environ.get("DIAODU_TASKS_SCHEDULER_POLL", "300"))
    state: dict = {}

    async def _start() -> None:
        state["task"] = asyncio.create_task(scheduler_loop(app.state.db, poll_seconds=interval),
                                            name="diaodu-task-reminders")

    async def _stop() -> None:
        task = state.pop("task", None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.router.add_event_handler("startup", _start)
    app.router.add_event_handler("shutdown", _stop)
