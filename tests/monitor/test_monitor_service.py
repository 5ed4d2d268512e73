"""The service layer on a real database (SQLite and PostgreSQL): import, board, history, permissions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from diaodu.core import auth
from diaodu.core.audit import Actor
from diaodu.core.db import Database
from diaodu.core.errors import Forbidden, NotFound, ValidationFailed
from diaodu.core.models import Region, User
from diaodu.monitor import service
from diaodu.monitor.models import ImportBatch, Indicator, Observation, Target

REAL = Path("/work/shared/data/real/shaoyang-yuebao-2025-01-03.xlsx")
needs_real = pytest.mark.skipif(not REAL.exists(), reason="real workbook not available")
ADMIN = Actor.system("test")


@pytest.fixture
def empty_db(empty_url):
    db = Database(empty_url)
    yield db
    db.dispose()


def _counts(db) -> dict:
    with db.session() as s:
        return {m.__name__: s.scalar(select(func.count()).select_from(m))
                for m in (Region, Observation, ImportBatch, Target, Indicator)}


def _actor(db, username) -> Actor:
    with db.session() as s:
        return auth.actor_for(s, s.scalar(select(User).where(User.username == username)))


def _csv(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text("地区,指标,期间,数值,增速\n" + body, encoding="utf-8")
    return path


@needs_real
def test_real_workbook_into_fresh_database_reproduces_all_published_ranks(empty_db):
    before = _counts(empty_db)
    with empty_db.session(ADMIN) as s:
        dry = service.import_file(s, ADMIN, REAL, dry_run=True, create_regions=True, parent_name="邵阳市")
    assert _counts(empty_db) == before, "a dry run must write nothing"
    assert dry.created_regions[0] == "邵阳市" and "将新建地区" in dry.lines[0]
    assert {"邵东市", "新邵县", "双清", "邵阳县", "邵阳经开区"} <= set(dry.created_regions)

    with empty_db.session(ADMIN) as s:
        report = service.import_file(s, ADMIN, REAL, create_regions=True, parent_name="邵阳市")
    assert report.counts["new"] == 335 and report.counts["skipped"] == 0
    with empty_db.session(ADMIN) as s:
        rows = service.board(s, ADMIN, 2025, 3)["rows"]
        published = [d for d in rows if d["published_rank"] is not None]
        assert len(published) == 192
        assert [d for d in published if d["rank"] != d["published_rank"]] == []
        assert all(d["peers"] == 12 for d in published)
        # a 1-2月 sheet in the 1-3月 workbook keeps its own period on the 2025-03 board
        revenue = [d for d in rows if d["indicator_code"] == "ind_revenue"]
        assert revenue and {d["period"] for d in revenue} == {"2025-02"}
        gdp = next(d for d in rows if d["region"] == "大祥" and d["indicator_code"] == "gdp")
        assert gdp["source"].endswith("23核算处1!B7") and gdp["rank"] == 9
        city = s.scalar(select(Region).where(Region.name == "邵阳市"))
        assert city.kind == "city" and city.parent_id is None
        text = service.paragraph(s, ADMIN, 2025, 3, "大祥", "GDP")[0]["text"]
        assert text == "1-3月，大祥地区生产总值同比增长5.8%，低于全市0.5个百分点，居全市第9位"
    with empty_db.session(ADMIN) as s:  # importing the same file again changes nothing
        again = service.import_file(s, ADMIN, REAL, create_regions=True, parent_name="邵阳市")
    assert again.counts["unchanged"] == 335 and again.counts["new"] == 0 and again.created_regions == []


def test_unknown_regions_and_bad_cells_are_errors_and_nothing_is_written(empty_db, tmp_path):
    before = _counts(empty_db)
    path = _csv(tmp_path, "县区.csv", "甲县,地区生产总值,2025-03,100,5.1\n")
    with empty_db.session(ADMIN) as s, pytest.raises(ValidationFailed) as err:
        service.import_file(s, ADMIN, path)
    assert "县区.csv" in err.value.message and "甲县" in err.value.message and "第2行" in err.value.message
    bad = _csv(tmp_path, "坏数.csv", "甲县,地区生产总值,2025-03,100,5.1\n乙县,地区生产总值,2025-03,一百,5\n")
    with empty_db.session(ADMIN) as s, pytest.raises(ValidationFailed) as err:
        service.import_file(s, ADMIN, bad, create_regions=True, parent_name="示例市")
    message = err.value.message
    assert "坏数.csv" in message and "第3行" in message and "D3" in message and "一百" in message
    assert _counts(empty_db) == before


def test_reimport_supersedes_and_keeps_history(demo_db, tmp_path):
    first = _csv(tmp_path, "第一版.csv", "甲县,社会消费品零售总额,2024-05,12.5,6.1\n")
    second = _csv(tmp_path, "第二版.csv", "甲县,社会消费品零售总额,2024-05,12.8,6.4\n")
    with demo_db.session(ADMIN) as s:
        service.import_file(s, ADMIN, first)
    with demo_db.session(ADMIN) as s:
        report = service.import_file(s, ADMIN, second)
    assert report.counts["superseded"] == 1
    with demo_db.session(ADMIN) as s:
        row = next(d for d in service.board(s, ADMIN, 2024, 5)["rows"] if d["region"] == "甲县")
        assert row["growth"] == 6.4 and row["source"].startswith("第二版.csv")
        detail = service.get_observation(s, ADMIN, row["observation_id"])
        assert [h["growth"] for h in detail["history"]] == [6.4, 6.1]
        assert [h["current"] for h in detail["history"]] == [True, False]
        assert detail["provenance"]["kind"] == "file" and detail["provenance"]["file"] == "第二版.csv"
        assert detail["value"] == pytest.approx(12.8)
        assert s.scalar(select(func.count()).select_from(Observation).where(
            Observation.source_file.in_(["第一版.csv", "第二版.csv"]))) == 2


def test_units_are_converted_to_the_catalogue_unit(demo_db, tmp_path):
    path = tmp_path / "单位.csv"
    path.write_text("地区,指标,期间,数值,增速,单位\n乙县,一般公共预算收入,2024-06,3.5,2,亿元\n", encoding="utf-8")
    with demo_db.session(ADMIN) as s:
        service.import_file(s, ADMIN, path)
    with demo_db.session(ADMIN) as s:
        row = next(d for d in service.board(s, ADMIN, 2024, 6)["rows"] if d["region"] == "乙县")
        assert row["unit"] == "万元" and row["value"] == pytest.approx(35000)


def test_manual_entry_targets_and_permissions(demo_db):
    reporter, leader = _actor(demo_db, "jiaxian"), _actor(demo_db, "lingdao")
    with demo_db.session(reporter) as s:
        jia = s.scalar(select(Region.id).where(Region.name == "甲县"))
        yi = s.scalar(select(Region.id).where(Region.name == "乙县"))
        fai = s.scalar(select(Indicator.id).where(Indicator.code == "fai"))
        o = service.enter_observation(s, reporter, region_id=jia, indicator_id=fai, year=2026, month=10, growth=9.9)
        obs_id = o.id
        with pytest.raises(NotFound):
            service.enter_observation(s, reporter, region_id=yi, indicator_id=fai, year=2026, month=10, growth=1)
        t = service.create_target(s, reporter, region_id=jia, indicator_id=fai, year=2027, text="增长10%以上，保三争二",
                                  origin="own")
        assert (t.kind, t.value, t.qualifier, t.rank_keep, t.rank_strive) == ("growth", 10.0, ">=", 3, 2)
        with pytest.raises(Forbidden):
            service.create_target(s, reporter, region_id=jia, indicator_id=fai, year=2027, value=9, kind="growth")
    with demo_db.session(leader) as s:
        with pytest.raises(Forbidden):
            service.enter_observation(s, leader, region_id=jia, indicator_id=fai, year=2026, month=10, growth=1)
        detail = service.get_observation(s, leader, obs_id)  # everyone reads statistics
        assert detail["provenance"]["kind"] == "user" and detail["provenance"]["user"] == "甲县填报员"
        assert len(detail["history"]) == 2 and detail["history"][1]["provenance"]["kind"] == "file"
        row = next(d for d in service.board(s, leader, 2026, 10)["rows"]
                   if d["region_id"] == jia and d["indicator_id"] == fai)
        assert row["growth"] == 9.9 and row["rank"] == 1


def test_demo_board_has_peers_targets_and_warnings(demo_db):
    with demo_db.session(ADMIN) as s:
        rows = service.board(s, ADMIN, 2026, 10)["rows"]
        periods = service.available_periods(s)
    assert periods[0] == "2026-10" and "2025-01" in periods
    ranked = [d for d in rows if d["rank"] is not None]
    assert ranked and all(d["peers"] == 8 for d in ranked)
    assert {d["colour"] for d in rows} >= {"red", "yellow", "green"}
    yi = next(d for d in rows if d["region"] == "乙县" and d["indicator_code"] == "fiscal_revenue")
    assert yi["completion"] is not None and yi["schedule_gap"] < 0 and yi["colour"] == "red"
    assert any(d["rank_change"] not in (None, 0) for d in rows)
    city = [d for d in rows if d["is_total"]]
    assert city and all(d["rank"] is None for d in city)


def test_update_indicator_edits_catalogue_and_reranks(demo_db):
    from diaodu.core.errors import ValidationFailed
    from diaodu.monitor import boardcache

    admin = Actor.system("test")
    with demo_db.session(admin) as s:
        year, month = service.parse_period_arg(service.available_periods(s)[0])
        ind = service.resolve_indicator(s, "规模工业增加值")
        before = service.board(s, admin, year, month, "示范市")
        tok = boardcache.token(s)
        ranked = [r for r in before["rows"] if r["indicator_id"] == ind.id and r["rank"]]
        row = service.update_indicator(s, admin, ind.id, version=ind.version, direction=-1,
                                       aliases=["规上工业增加值", "工业增加值"], owner="工信局")
        assert row.direction == -1 and "工业增加值" in row.aliases
        assert service.resolve_indicator(s, "工业增加值").id == ind.id
        assert boardcache.token(s) != tok
        after = {r["region_id"]: r["rank"] for r in service.board(s, admin, year, month, "示范市")["rows"]
                 if r["indicator_id"] == ind.id and r["rank"]}
        # lower is now better: ranked again from the lowest growth
        from diaodu.monitor import rules
        expected = rules.competition_rank({r["region_id"]: r["growth"] for r in ranked}, direction=-1)
        assert after == expected and after != {r["region_id"]: r["rank"] for r in ranked}
        with pytest.raises(ValidationFailed, match="重复"):
            service.update_indicator(s, admin, ind.id, aliases=["GDP"])
        with pytest.raises(ValidationFailed):
            service.update_indicator(s, admin, ind.id, precision=9)
