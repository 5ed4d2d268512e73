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

import datetime as dt
import logging
import os

from diaodu.core.audit import Actor
from diaodu.core.jobs import start_polling_job

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


def start_scheduler(app, *, poll_seconds: float | None = None) -> None:
    """Start the daily reminder job on FastAPI startup (uses ``app.state.db``)."""
    interval = poll_seconds if poll_seconds is not None else float(os.environ.get("DIAODU_TASKS_SCHEDULER_POLL", "300"))
    start_polling_job(app, name="diaodu-task-reminders", switch="DIAODU_TASKS_SCHEDULER", poll_seconds=interval,
                      make_step=lambda db: lambda: run_once(db, china_now()), log=log)
