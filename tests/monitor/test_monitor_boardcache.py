"""The board cache: any change to what the board reads renews the data token (through the ORM or
raw SQL), so a cached board is never served after the data changed; a repeat read is a hit and
returns rows the caller may change freely. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from diaodu.core.audit import Actor
from diaodu.core.db import Database
from diaodu.core.models import Region
from diaodu.monitor import boardcache, service
from diaodu.monitor.models import Indicator, Target

ADMIN = Actor.system("test")


def _token(db: Database) -> str:
    with db.session(ADMIN) as s:
        return boardcache.token(s)


def _row(board: dict, region: str, code: str) -> dict:
    return next(r for r in board["rows"] if r["region"] == region and r["indicator_code"] == code)


def test_every_watched_table_renews_the_token(demo_db):
    seen = {_token(demo_db)}

    def changed(label: str) -> None:
        tok = _token(demo_db)
        assert tok not in seen, f"{label} did not renew the board token"
        seen.add(tok)

    with demo_db.session(ADMIN) as s:
        county = s.scalars(select(Region).where(Region.name == "甲县")).one()
        ind = service.resolve_indicator(s, "规模工业增加值")
        service.enter_observation(s, ADMIN, region_id=county.id, indicator_id=ind.id, year=2026, month=12,
                                  value=1.0, growth=9.9)
    changed("a new observation")
    with demo_db.session(ADMIN) as s:
        t = s.scalars(select(Target)).first()
        t.value = (t.value or 0) + 1
    changed("a target change")
    with demo_db.session(ADMIN) as s:
        s.scalars(select(Indicator).where(Indicator.code == ind.code)).one().precision = 2
    changed("an indicator change")
    with demo_db.session(ADMIN) as s:
        s.scalars(select(Region).where(Region.name == "乙县")).one().sort = 99
    changed("a region change")
    with demo_db.session(ADMIN) as s:  # a writer that bypasses the ORM counts as well
        s.execute(text("UPDATE monitor_observation SET growth = growth + 1 WHERE id = "
                       "(SELECT min(id) FROM monitor_observation)"))
    changed("a raw SQL update")
    with demo_db.session(ADMIN) as s:
        s.execute(text("DELETE FROM monitor_target WHERE id = (SELECT max(id) FROM monitor_target)"))
    changed("a raw SQL delete")
    assert _token(demo_db) in seen  # reading does not renew it


def test_cached_board_follows_the_data(demo_db):
    with demo_db.session(ADMIN) as s:
        year, month = service.parse_period_arg(service.available_periods(s)[0])
    boardcache.clear()
    with demo_db.session(ADMIN) as s:
        first = service.board(s, ADMIN, year, month)
    hits = boardcache.stats["hits"]
    with demo_db.session(ADMIN) as s:
        again = service.board(s, ADMIN, year, month)
        reference = service.board_reference(s, ADMIN, year, month)
    assert boardcache.stats["hits"] == hits + 1
    assert again == first == reference

    # a caller changing its rows does not change what the next caller gets
    again["rows"][0]["value"] = -1
    again["rows"].clear()
    with demo_db.session(ADMIN) as s:
        assert service.board(s, ADMIN, year, month) == first

    # a value typed by a user shows at once, with its recomputed rank and colour
    row = next(r for r in first["rows"] if r["rank"] is not None and r["rank"] > 1 and r["period"] == first["period"])
    with demo_db.session(ADMIN) as s:
        service.enter_observation(s, ADMIN, region_id=row["region_id"], indicator_id=row["indicator_id"],
                                  year=year, month=month, value=row["value"], growth=99.9)
    with demo_db.session(ADMIN) as s:
        after = service.board(s, ADMIN, year, month)
        assert after == service.board_reference(s, ADMIN, year, month)
    changed = _row(after, row["region"], row["indicator_code"])
    assert changed["growth"] == 99.9 and changed["rank"] == 1
    assert changed["observation_id"] != row["observation_id"]

    # pending changes in the reader's own session are seen too (the token is read after a flush)
    with demo_db.session(ADMIN) as s:
        region = s.get(Region, row["region_id"])
        region.name = region.name + "新"
        inside = service.board(s, ADMIN, year, month)
        assert _row(inside, region.name, row["indicator_code"])["growth"] == 99.9
        s.rollback()
    with demo_db.session(ADMIN) as s:
        assert service.board(s, ADMIN, year, month) == after


def test_board_json_is_the_board(demo_db):
    import json

    with demo_db.session(ADMIN) as s:
        year, month = service.parse_period_arg(service.available_periods(s)[0])
        for region in (None, "甲县"):
            board = service.board(s, ADMIN, year, month, region)
            encoded = service.board_json(s, ADMIN, year, month, region)
            assert json.loads(encoded) == board and board["rows"]
            assert service.board_json(s, ADMIN, year, month, region) is encoded  # served from the cache


def test_warmer_computes_the_latest_boards_once_per_change(demo_db):
    from diaodu.monitor import scheduled

    boardcache.clear()
    token = scheduled.warm_once(demo_db)
    with demo_db.session(ADMIN) as s:
        year, month = service.parse_period_arg(service.available_periods(s)[0])
        scopes = list(service.board_scopes(s, year, month))
        hits = boardcache.stats["hits"]
        boards = [service.board(s, ADMIN, year, month, scope) for scope in scopes]
        assert boardcache.stats["hits"] == hits + len(scopes) and all(b["rows"] for b in boards)
        assert boards == [service.board_reference(s, ADMIN, year, month, scope) for scope in scopes]
        hits = boardcache.stats["hits"]
        service.board_json(s, ADMIN, year, month)
        assert boardcache.stats["hits"] == hits + 1
    misses = boardcache.stats["misses"]
    assert scheduled.warm_once(demo_db, token) == token  # unchanged data: nothing computed
    assert boardcache.stats["misses"] == misses
    with demo_db.session(ADMIN) as s:
        s.execute(text("UPDATE region SET sort = sort + 1 WHERE id = (SELECT min(id) FROM region)"))
    assert scheduled.warm_once(demo_db, token) != token


def test_thresholds_change_colours_and_renew_the_token(demo_db):
    from diaodu.core.errors import Conflict, Forbidden, ValidationFailed
    from diaodu.monitor import rules, thresholds

    with demo_db.session(ADMIN) as s:
        year, month = service.parse_period_arg(service.available_periods(s)[0])
        assert thresholds.current(s) == rules.WarningThresholds()
        before = service.board(s, ADMIN, year, month)
        tok = boardcache.token(s)
    reds = sum(r["colour"] == "red" for r in before["rows"])
    with demo_db.session(ADMIN) as s:  # nothing is red any more for a gap, none for the bottom place
        thresholds.save(s, ADMIN, red_gap=-1000.0, yellow_gap=-999.0, red_bottom=0, yellow_bottom=0)
    with demo_db.session(ADMIN) as s:
        assert boardcache.token(s) != tok
        after = service.board(s, ADMIN, year, month)
        assert after == service.board_reference(s, ADMIN, year, month)
        version = thresholds.as_dict(s)["version"]
    assert reds > 0 and not any(r["colour"] == "red" for r in after["rows"])
    with demo_db.session(ADMIN) as s:
        with pytest.raises(ValidationFailed):
            thresholds.save(s, ADMIN, red_gap=1.0, yellow_gap=0.0)
        with pytest.raises(Conflict):
            thresholds.save(s, ADMIN, version=version + 7, red_gap=-3.0)
        leader = Actor(user_id=None, username="ld", role="leader")
        with pytest.raises(Forbidden):
            thresholds.save(s, leader, red_gap=-3.0)


def test_cache_is_bounded_and_forgets_old_tokens(demo_db, monkeypatch):
    boardcache.clear()
    monkeypatch.setattr(boardcache, "MAX_ENTRIES", 5)
    with demo_db.session(ADMIN) as s:
        for month in range(1, 13):  # empty boards count as entries too
            assert service.board(s, ADMIN, 1999, month)["rows"] == []
        assert len(boardcache._entries) == 5
        year, month = service.parse_period_arg(service.available_periods(s)[0])
        service.board(s, ADMIN, year, month)
        old = boardcache.token(s)
    with demo_db.session(ADMIN) as s:
        s.execute(text("UPDATE region SET sort = sort + 1 WHERE id = (SELECT min(id) FROM region)"))
    with demo_db.session(ADMIN) as s:
        service.board(s, ADMIN, year, month)
    assert boardcache._entries and all(k[1] != old for k in boardcache._entries)


def test_deactivated_indicator_leaves_the_board(demo_db):
    with demo_db.session(ADMIN) as s:
        year, month = service.parse_period_arg(service.available_periods(s)[0])
        ind = service.resolve_indicator(s, "规模工业增加值")
        assert any(r["indicator_id"] == ind.id for r in service.board(s, ADMIN, year, month)["rows"])
        service.update_indicator(s, ADMIN, ind.id, active=False)
    with demo_db.session(ADMIN) as s:
        board = service.board(s, ADMIN, year, month)
        assert board == service.board_reference(s, ADMIN, year, month)
        assert board["rows"] and not any(r["indicator_id"] == ind.id for r in board["rows"])
