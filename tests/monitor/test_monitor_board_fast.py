"""``service.board`` (plain rows, DISTINCT ON on PostgreSQL, ranks by sorting) must give exactly what
the straightforward ``service.board_reference`` (``build_board`` per scope) gives: demo data with
targets, lagging periods, rank changes, filtered views and the real workbook, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from diaodu.core.audit import Actor
from diaodu.core.db import Database
from diaodu.monitor import rules, service

REAL = Path("/work/shared/data/real/shaoyang-yuebao-2025-01-03.xlsx")
ADMIN = Actor.system("test")


@pytest.mark.parametrize("values,direction,precision", [
    ([5.0, 5.04, 4.95, 6.17000000000001, -1.0, 5.05], 1, 1),
    ([5.0, 5.04, 4.95, 6.17000000000001, -1.0, 5.05], -1, 1),
    ([1.234, 1.235, 1.2349999999999, 0.0, -0.004], 1, 2),
    ([3.0], 1, 1),
])
def test_group_ranks_is_competition_rank(values, direction, precision):
    expected = rules.competition_rank(dict(enumerate(values)), direction=direction, precision=precision)
    assert rules.group_ranks(values, direction=direction, precision=precision) == [expected[i] for i in range(len(values))]


def test_board_matches_reference(demo_url):
    db = Database(demo_url)
    try:
        if REAL.exists():
            with db.session(ADMIN) as s:
                service.import_file(s, ADMIN, REAL, create_regions=True, parent_name="邵阳市")
        checked = 0
        for year, month in [(2025, m) for m in range(1, 13)] + [(2026, m) for m in (1, 2, 3, 6, 10, 11)]:
            for region in (None, "示范市", "甲县", "邵阳市", "邵东市"):
                with db.session(ADMIN) as s:
                    try:
                        ref = service.board_reference(s, ADMIN, year, month, region)
                    except Exception as e:  # noqa: BLE001 - the same error is expected
                        with pytest.raises(type(e)):
                            service.board(s, ADMIN, year, month, region)
                        continue
                    fast = service.board(s, ADMIN, year, month, region)
                assert fast == ref, (year, month, region)
                checked += len(ref["rows"])
        assert checked > 1000
    finally:
        db.dispose()
