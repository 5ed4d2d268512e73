"""A small in-process cache of computed boards, keyed by the database's data token.

Why: a province board is 18,000 rows; computing it (fetch, peer ranks, targets, colours) takes about
200 ms of Python, while the data behind it changes once a month (an import) and is read all day by
leaders' phones and the 驾驶舱. Entries are keyed on ``monitor_state.token``, which database triggers
renew in the same transaction as any change to observations, targets, indicators or regions (see the
``monitor_board_state`` migration). A reader takes the token *before* reading the data, so a commit
that lands in between can only make the entry look older than it is (it is recomputed on the next
call), never newer.

The cache is per process and bounded by the number of board rows it holds. It keeps boards (callers
get fresh dicts, so changing a returned row never changes the cache) and, for the API, their JSON
encoding: FastAPI's generic encoder needs about 0.8 s for a province board, ``json.dumps`` 0.1 s.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from sqlalchemy import select
from sqlalchemy.orm import Session

from diaodu.monitor.models import BoardState

MAX_ROWS = 60_000  # about three province boards (~20 MB each)
MAX_ENTRIES = 256  # empty or tiny boards (any period, any region can be asked for) count too

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


def _db(session: Session) -> str:
    bind = session.get_bind()
    return str(getattr(bind, "engine", bind).url)


def _key(session: Session, tok: str, key: Hashable) -> tuple:
    return (_db(session), tok, key)


def _lookup(session: Session, tok: str | None, key: Hashable):
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
    return hit[0]


def _store(session: Session, tok: str | None, key: Hashable, make_value: Callable[[], object],
           rows: int) -> None:
    """Keep ``make_value()`` (made only when it will be kept), computed from data read after ``tok``
    was — only if the token is still ``tok`` now, so no change committed while it was computed
    (then nothing newer than ``tok`` can be in it, and a backup restored at ``tok`` meets exactly
    this data). Entries of the same database
    under any other token are dropped: the token never changes back except by such a restore."""
    global _rows
    if tok is None or rows > MAX_ROWS or token(session) != tok:
        return
    full = _key(session, tok, key)
    weight = max(rows, 1)
    with _lock:
        if full in _entries:
            return
    value = make_value()  # outside the lock: readers do not wait for a copy
    with _lock:
        if full in _entries:
            return
        for old in [k for k in _entries if k[0] == full[0] and k[1] != tok]:
            _rows -= _entries.pop(old)[1]
        _entries[full] = (value, weight)
        _rows += weight
        while _rows > MAX_ROWS or len(_entries) > MAX_ENTRIES:
            _, (_, n) = _entries.popitem(last=False)
            _rows -= n


def get(session: Session, tok: str | None, key: Hashable, *, copy: bool = True) -> dict | None:
    """The board stored for ``key`` under data token ``tok`` (from ``token``, read before any of
    the data the key was derived from), or None. A copy unless the caller only reads it
    (``copy=False``: never change what you get)."""
    hit = _lookup(session, tok, ("board", key))
    if hit is None:
        return None
    return _copy(hit) if copy else hit


def put(session: Session, tok: str | None, key: Hashable, board: dict) -> None:
    """Keep a copy of ``board``, computed from data read after ``tok`` was."""
    _store(session, tok, ("board", key), lambda: _copy(board), len(board["rows"]))


def get_json(session: Session, tok: str | None, key: Hashable) -> bytes | None:
    """The board's JSON encoding stored for ``key`` under ``tok`` (bytes are immutable: no copy)."""
    return _lookup(session, tok, ("json", key))


def put_json(session: Session, tok: str | None, key: Hashable, data: bytes, rows: int) -> None:
    _store(session, tok, ("json", key), lambda: data, rows)


def clear() -> None:
    """Forget every entry (benchmarks time the cold path with it)."""
    global _rows
    with _lock:
        _entries.clear()
        _rows = 0
