"""A small in-process cache of computed boards, keyed by the database's data token.

Why: a province board is 18,000 rows; computing it (fetch, peer ranks, targets, colours) takes about
200 ms of Python, while the data behind it changes once a month (an import) and is read all day by
leaders' phones and the 驾驶舱. Entries are keyed on ``monitor_state.token``, which database triggers
renew in the same transaction as any change to observations, targets, indicators or regions (see the
``monitor_board_state`` migration). A reader takes the token *before* reading the data, so a commit
that lands in between can only make the entry look older than it is (it is recomputed on the next
call), never newer.

The cache is per process and bounded by the number of rows it holds. Callers get fresh dicts, so
changing a returned row never changes the cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from sqlalchemy import select
from sqlalchemy.orm import Session

from diaodu.monitor.models import BoardState

MAX_ROWS = 60_000  # about three province boards (~20 MB each)

_lock = threading.Lock()
_entries: OrderedDict[tuple, dict] = OrderedDict()
_rows = 0
stats = {"hits": 0, "misses": 0}


def token(session: Session) -> str | None:
    """The current data token (None for a database without the table: then nothing is cached).

    Read through the session, so its pending changes are flushed first and renew the token."""
    return session.execute(select(BoardState.token).where(BoardState.id == 1)).scalar_one_or_none()


def _copy(board: dict) -> dict:
    return {"period": board["period"], "rows": [r.copy() for r in board["rows"]]}


def _key(session: Session, tok: str, key: Hashable) -> tuple:
    return (str(session.get_bind().url), tok, key)


def get(session: Session, tok: str | None, key: Hashable) -> dict | None:
    """A copy of the board stored for ``key`` under data token ``tok`` (from ``token``, read before
    any of the data the key was derived from), or None."""
    if tok is None:
        return None
    full = _key(session, tok, key)
    with _lock:
        hit = _entries.get(full)
        if hit is None:
            stats["misses"] += 1
            return None
        _entries.move_to_end(full)
        stats["hits"] += 1
    return _copy(hit)


def put(session: Session, tok: str | None, key: Hashable, board: dict) -> None:
    """Keep a copy of ``board``, computed from data read after ``tok`` was."""
    global _rows
    n = len(board["rows"])
    if tok is None or n > MAX_ROWS:
        return
    full = _key(session, tok, key)
    snapshot = _copy(board)
    with _lock:
        if full in _entries:
            return
        _entries[full] = snapshot
        _rows += n
        while _rows > MAX_ROWS:
            _, old = _entries.popitem(last=False)
            _rows -= len(old["rows"])


def clear() -> None:
    """Forget every entry (benchmarks time the cold path with it)."""
    global _rows
    with _lock:
        _entries.clear()
        _rows = 0
