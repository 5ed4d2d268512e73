"""Key projects on a real database (SQLite and PostgreSQL): ledger import → monthly reports →
county summary with the numbers worked out by hand; failed imports write nothing; reporters
file only for their own projects; lead transitions are audited; the ledger round-trips.

Period 2026-06 (序时进度 6/12 = 50%), today 2026-07-10."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from diaodu.core import org
from diaodu.core.audit import Actor
from diaodu.core.db import Database
from diaodu.core.errors import Conflict, NotFound, ValidationFailed
from diaodu.core.models import AuditLog, Role
from diaodu.projects import ledger_xlsx, service
from diaodu.projects.models import Lead, MonthlyReport, Project

PERIOD, TODAY = "2026-06", date(2026, 7, 10)
ADMIN = Actor.system("test")

HEAD = ["项目编码", "项目名称", "所属清单", "建设阶段", "县市区", "责任单位", "联系市领导", "总投资(万元)",
        "年度计划投资(万元)", "计划开工", "实际开工", "计划竣工", "形象进度"]
PROJECTS = [
    ["J1", "甲县新型建材项目", "市重点", "新开工", "甲县", "甲县政府", "张副市长", 5000, 1200, "2026-03-01",
     "2026/3/10", "2027-12-31", "基础施工"],
    ["J2", "甲城镇物流园项目", "省重点、重中之重", "续建", "甲城镇", "发改委", "张海燕", 10000, 2400, "2025-05-01",
     "2025-05-20", "2027-06-30", "主体施工"],
    ["J3", "甲县第二中学新建项目", "市重点", "前期", "甲", "甲县人民政府", "", 3000, 600, "2026-05-01", None,
     None, "施工图设计中"],
    ["Y1", "乙县高标准农田项目", "县重点", "新开工", "乙县", "乙县人民政府", "张海燕（副市长）", 4000, 1000,
     "2026-07-15", "2026-06-20", "2027-06-30", "场地平整"],
]
NODES = [["J1", "取得施工许可", "2026-02-20", "2026-02-25"], ["J1", "主体结构封顶", "2026-06-15", None]]
PROBLEMS = [["J2", "已完成投资未及时申报入库", "市统计局", "2026-06-30", "待解决"]]
MONTHLY = [  # code, month, amount, progress, registered
    ["J1", "2026-03", 200, "基础施工", 200], ["J1", "2026-04", 200, "", 100],
    ["J2", "2025-12", 1000, "", 1000],                    # last year: in 累计, not in 本年
    ["J2", "2026-01", 200, "", 0], ["J2", "2026-02", 200, "", 0], ["J2", "2026-03", 200, "", 0],
    ["J2", "2026-04", 200, "", 0], ["J2", "2026-05", 200, "", 0],
]


def _workbook(path, projects=PROJECTS, nodes=NODES, problems=PROBLEMS, monthly=MONTHLY):
    wb = Workbook()
    wb.remove(wb.active)
    for title, head, rows in (("项目", HEAD, projects), ("节点", ["项目编码", "节点名称", "计划日期", "完成日期"], nodes),
                              ("问题", ["项目编码", "问题", "责任单位", "时限", "状态"], problems),
                              ("月度", ["项目编码", "月份", "本月完成投资(万元)", "形象进度", "入库金额(万元)"], monthly)):
        ws = wb.create_sheet(title)
        ws.append(head)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def _city(session) -> dict:
    """A two-county city: 示范市 > 甲县 (> 甲城镇), 乙县; units with aliases; one leader."""
    a = ADMIN
    session.info["actor"] = a
    city = org.create_region(session, a, name="示范市", kind="city")
    jia = org.create_region(session, a, name="甲县", parent_id=city.id, sort=1, aliases=["甲"])
    yi = org.create_region(session, a, name="乙县", parent_id=city.id, sort=2)
    town = org.create_region(session, a, name="甲城镇", kind="town", parent_id=jia.id)
    jia_gov = org.create_unit(session, a, name="甲县人民政府", kind="government", region_id=jia.id,
                              aliases=["甲县政府"])
    yi_gov = org.create_unit(session, a, name="乙县人民政府", kind="government", region_id=yi.id)
    fgw = org.create_unit(session, a, name="市发展和改革委员会", region_id=city.id, aliases=["发改委"])
    org.create_unit(session, a, name="市统计局", region_id=city.id)
    zhang = org.create_person(session, a, name="张海燕", title="副市长", unit_id=fgw.id, region_id=city.id,
                              is_leader=True)
    return {"jia": jia.id, "yi": yi.id, "town": town.id, "jia_gov": jia_gov.id, "yi_gov": yi_gov.id,
            "fgw": fgw.id, "zhang": zhang.id,
            "jia_scope": org.region_subtree_ids(session, jia.id), "yi_scope": org.region_subtree_ids(session, yi.id)}


def _reporter(ids, county: str) -> Actor:
    return Actor(user_id=None, username=f"{county}-reporter", role=Role.reporter, unit_id=ids[f"{county}_gov"],
                 region_id=ids[county], scope_region_ids=ids[f"{county}_scope"], display_name=f"{county}填报员")


def _pid(session, code: str) -> int:
    return session.scalar(select(Project.id).where(Project.code == code))


@pytest.fixture
def city_db(empty_url):
    db = Database(empty_url)
    with db.session(ADMIN) as s:
        ids = _city(s)
    db.ids = ids
    yield db
    db.dispose()


def test_import_monthly_reports_summary_by_hand(city_db, tmp_path, monkeypatch):
    db, ids = city_db, city_db.ids
    path = _workbook(tmp_path / "甲乙台账.xlsx")
    with db.session(ADMIN) as s:
        result = service.import_ledger(s, ADMIN, path)
    assert (result.created, result.updated, result.reports) == (4, 0, 8)

    with db.session(ADMIN) as s:
        j2 = s.get(Project, _pid(s, "J2"))
        # names were matched by alias / display form: 甲城镇 is below 甲县, 发改委, 张海燕
        assert (j2.region_id, j2.unit_id, j2.leader_person_id) == (ids["town"], ids["fgw"], ids["zhang"])
        assert [lst.name for lst in j2.lists] == ["省重点", "重中之重"]
        j1 = s.get(Project, _pid(s, "J1"))
        assert (j1.unit_id, j1.leader_person_id) == (ids["jia_gov"], ids["zhang"])   # 甲县政府, 张副市长

    # monthly reports: 甲县's reporter files J1 for May and June; the dispatcher files J2 and Y1
    jx = _reporter(ids, "jia")
    with db.session(jx) as s:
        for month in ("2026-05", "2026-06"):
            filed = service.file_monthly(s, jx, _pid(s, "J1"), month=month, amount=D(100), registered=D(0),
                                         progress="主体施工", today=TODAY)
            assert filed.warnings == []
    with db.session(ADMIN) as s:
        service.file_monthly(s, ADMIN, _pid(s, "J2"), month="2026-06", amount=D(400), registered=D(100), today=TODAY)
        service.file_monthly(s, ADMIN, _pid(s, "Y1"), month="2026-06", amount=D(300), registered=D(300), today=TODAY)
        # a month filed again replaces it: 300 → 300 (same), never summed twice
        service.file_monthly(s, ADMIN, _pid(s, "Y1"), month="2026-06", amount=D(300), registered=D(300), today=TODAY)
        assert s.scalar(select(func.count()).select_from(MonthlyReport)) == 8 + 2 + 2
        assert s.get(Project, _pid(s, "J1")).progress == "主体施工"

    with db.session(ADMIN) as s:
        result = service.summary(s, ADMIN, PERIOD, TODAY)
    rows = {r.key: r for r in result.rows}
    assert [r.key for r in result.rows] == ["甲县", "乙县"]          # region-tree order
    jia, yi, total = rows["甲县"], rows["乙县"], result.total

    # 甲县 = J1 + J2 (甲城镇 counts for 甲县) + J3
    #   plan 1200 + 2400 + 600 = 4200
    #   本年完成 J1 200+200+100+100 = 600; J2 5×200 + 400 = 1400; J3 0 → 2000
    #   完成率 2000/4200 = 0.476190… → 47.62%; 序时 50% → −2.38 pp
    assert jia.projects == 3 and jia.annual_plan == D(4200) and jia.ytd_completed == D(2000)
    assert jia.completion_rate == D("0.4762") and jia.schedule_gap_pp == D("-2.38")
    #   累计 = 2000 + 1000 (J2, 2025-12)
    assert jia.cumulative_completed == D(3000)
    #   开工: due J1 (3-01), J2 (2025-05-01), J3 (5-01) = 3; started J1, J2 → 2/3 = 66.67%
    assert (jia.due_to_start, jia.started, jia.start_rate) == (3, 2, D("0.6667"))
    #   入库: J1 200+100+0+0 = 300; J2 100 → 400; 入库率 400/2000 = 20%; gap 1600 ≥ 500 → flag
    assert jia.ytd_registered == D(400) and jia.registration_rate == D("0.2000")
    assert jia.registration_gap == D(1600) and jia.gap_flag is True
    #   per project: J1 300/600 = 50% but gap 300 < 500 → no; J2 100/1400, gap 1300 → yes; J3 nothing done
    assert jia.gap_projects == 1
    #   节点: 主体结构封顶 planned 2026-06-15, not done on 2026-07-10 → overdue
    assert jia.overdue_nodes == 1

    # 乙县 = Y1: plan 1000, 本年 300 → 30%, −20 pp; planned start 7-15 is after June → not due,
    #   started 6-20 → early; 开工率 has no denominator; 入库 300/300 = 100%, no flag
    assert (yi.annual_plan, yi.ytd_completed, yi.completion_rate, yi.schedule_gap_pp) == (
        D(1000), D(300), D("0.3000"), D("-20.00"))
    assert (yi.due_to_start, yi.started, yi.started_early, yi.start_rate) == (0, 0, 1, None)
    assert (yi.registration_rate, yi.gap_flag) == (D("1.0000"), False)

    # 合计: plan 5200, 本年 2300 → 0.442307… = 44.23%, −5.77 pp; 开工 2/3; 入库 700/2300 = 30.43%
    assert (total.projects, total.annual_plan, total.ytd_completed) == (4, D(5200), D(2300))
    assert (total.completion_rate, total.schedule_gap_pp) == (D("0.4423"), D("-5.77"))
    assert (total.due_to_start, total.started, total.start_rate) == (3, 2, D("0.6667"))
    assert (total.ytd_registered, total.registration_rate, total.registration_gap, total.gap_flag) == (
        D(700), D("0.3043"), D(1600), True)

    # the CLI prints the same rows
    monkeypatch.setenv("DIAODU_DATABASE_URL", db.url)
    from diaodu.projects.cli import app

    out = CliRunner().invoke(app, ["summary", "--period", PERIOD, "--today", TODAY.isoformat(), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    cli = {r["key"]: r for r in data["rows"]}
    assert cli["甲县"]["completion_rate"] == "0.4762" and cli["甲县"]["start_rate"] == "0.6667"
    assert cli["甲县"]["registration_rate"] == "0.2000" and cli["甲县"]["gap_flag"] is True
    assert cli["乙县"]["start_rate"] is None and data["total"]["registration_rate"] == "0.3043"
    table = CliRunner().invoke(app, ["summary", "--period", PERIOD, "--today", TODAY.isoformat()])
    assert table.exit_code == 0 and "甲县" in table.output and "入库率30.4%" in table.output


def test_failed_import_writes_nothing(city_db, tmp_path, monkeypatch):
    db = city_db
    bad = [row[:] for row in PROJECTS]
    bad[2][4] = "壬县"            # row 4: unknown county (column E)
    bad[3][5] = "乙县招商局"      # row 5: unknown unit (column F)
    path = _workbook(tmp_path / "坏台账.xlsx", projects=bad,
                     problems=[["J2", "用地未落实", "市国土局", "2026-06-30", "待解决"]])
    with db.session(ADMIN) as s:
        with pytest.raises(ValidationFailed) as err:
            service.import_ledger(s, ADMIN, path)
    msg = err.value.message
    assert "工作表“项目”第4行“县市区”列（E4单元格）：未找到县市区“壬县”" in msg
    assert "第5行“责任单位”列（F5单元格）：未找到单位“乙县招商局”" in msg
    assert "工作表“问题”第2行“责任单位”列（C2单元格）：未找到单位“市国土局”" in msg
    # format errors are reported by row and column too
    typo = [row[:] for row in PROJECTS]
    typo[1][7] = "一万"
    with db.session(ADMIN) as s, pytest.raises(ValidationFailed) as err:
        service.import_ledger(s, ADMIN, _workbook(tmp_path / "typo.xlsx", projects=typo))
    assert "第3行“总投资(万元)”列（H3单元格）：不是有效的金额" in err.value.message

    monkeypatch.setenv("DIAODU_DATABASE_URL", db.url)
    from diaodu.projects.cli import app

    out = CliRunner().invoke(app, ["import", str(path)])
    assert out.exit_code == 1 and "未写入任何数据" in out.output and "E4" in out.output
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Project)) == 0
        assert s.scalar(select(func.count()).select_from(MonthlyReport)) == 0
    # a dry run checks and writes nothing either
    ok = CliRunner().invoke(app, ["import", "--dry-run", str(_workbook(tmp_path / "ok.xlsx"))])
    assert ok.exit_code == 0 and "检查通过（未写入）：新增项目4个" in ok.output
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Project)) == 0


def test_reporters_file_only_their_own_projects(city_db, tmp_path):
    db, ids = city_db, city_db.ids
    with db.session(ADMIN) as s:
        service.import_ledger(s, ADMIN, _workbook(tmp_path / "l.xlsx"))
    yx, jx = _reporter(ids, "yi"), _reporter(ids, "jia")
    with db.session(yx) as s:
        j1 = _pid(s, "J1")
        with pytest.raises(NotFound):
            service.file_monthly(s, yx, j1, month="2026-05", amount=D(100), today=TODAY)
        assert [p.code for p in service.list_projects(s, yx)] == ["Y1"]
        with pytest.raises(NotFound):
            service.get_project(s, yx, j1)
    with db.session(jx) as s:
        # 甲县's government reaches J2 through its region (甲城镇) although 发改委 is responsible
        assert [p.code for p in service.list_projects(s, jx)] == ["J1", "J2", "J3"]
        with pytest.raises(ValidationFailed, match="不能为负数"):
            service.file_monthly(s, jx, _pid(s, "J1"), month="2026-05", amount=D(-1), today=TODAY)
        with pytest.raises(ValidationFailed, match="未来月份"):
            service.file_monthly(s, jx, _pid(s, "J1"), month="2026-08", amount=D(1), today=TODAY)
        filed = service.file_monthly(s, jx, _pid(s, "J3"), month="2026-06", amount=D(3500), today=TODAY)
        assert filed.warnings and "超过总投资" in filed.warnings[0]
        # the reporter keeps 形象进度 current, but not the plan
        p = s.get(Project, _pid(s, "J1"))
        service.update_project(s, jx, p.id, version=p.version, progress="主体结构施工")
        from diaodu.core.errors import Forbidden

        with pytest.raises(Forbidden):
            service.update_project(s, jx, p.id, annual_plan=D(1))
        with pytest.raises(Conflict):
            service.update_project(s, jx, p.id, version=p.version - 1, progress="x")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(MonthlyReport)
                        .where(MonthlyReport.project_id == _pid(s, "J1"))) == 2


def test_photo_limits_and_storage(city_db, tmp_path):
    db = city_db
    with db.session(ADMIN) as s:
        service.import_ledger(s, ADMIN, _workbook(tmp_path / "l.xlsx"))
        report = service.file_monthly(s, ADMIN, _pid(s, "J1"), month="2026-06", amount=D(1), today=TODAY).report
        png = b"\x89PNG\r\n\x1a\n" + b"1" * 100
        photo = service.add_photo(s, ADMIN, report.id, filename="现场.png", data=png, upload_dir=tmp_path / "up")
        assert service.photo_path(tmp_path / "up", photo).read_bytes() == png and photo.size == len(png)
        with pytest.raises(ValidationFailed, match="格式不支持"):
            service.add_photo(s, ADMIN, report.id, filename="a.gif", data=b"GIF89a", upload_dir=tmp_path / "up")
        with pytest.raises(ValidationFailed, match="内容与扩展名不符"):
            service.add_photo(s, ADMIN, report.id, filename="a.jpg", data=png, upload_dir=tmp_path / "up")
        with pytest.raises(ValidationFailed, match="超过5MB"):
            service.add_photo(s, ADMIN, report.id, filename="b.png", data=png + b"0" * (5 << 20),
                              upload_dir=tmp_path / "up")


def test_lead_transitions_are_audited_and_convert(city_db, monkeypatch):
    db, ids = city_db, city_db.ids
    with db.session(ADMIN) as s:
        ld = service.create_lead(s, ADMIN, code="ZS1", name="精密五金件项目", region_id=ids["jia"],
                                 unit_id=ids["jia_gov"], leader_person_id=ids["zhang"],
                                 contract_amount=D(20000), talk_date=date(2026, 1, 5))
        lead_id = ld.id
    jx = _reporter(ids, "jia")
    with db.session(jx) as s:
        service.advance_lead(s, jx, lead_id, "签约", date(2026, 2, 1), today=TODAY)
    with db.session(ADMIN) as s:
        with pytest.raises(ValidationFailed, match="缺少注册阶段的日期"):
            service.advance_lead(s, ADMIN, lead_id, "开工", {"开工": date(2026, 4, 1)}, today=TODAY)
        service.advance_lead(s, ADMIN, lead_id, "开工", {"注册": date(2026, 3, 1), "开工": date(2026, 4, 1)},
                             today=TODAY)
    with db.session(ADMIN) as s:
        with pytest.raises(ValidationFailed, match="只能向前推进"):
            service.advance_lead(s, ADMIN, lead_id, "签约", date(2026, 5, 1), today=TODAY)
    with db.session() as s:
        events = s.scalars(select(AuditLog).where(AuditLog.action == "lead_advance").order_by(AuditLog.id)).all()
        assert [(e.before["stage"], e.after["stage"], e.after["date"], e.username) for e in events] == [
            ("在谈", "签约", "2026-02-01", "jia-reporter"), ("签约", "开工", "2026-04-01", "test")]
        assert events[1].after["stage_dates"] == {"注册": "2026-03-01", "开工": "2026-04-01"}
        assert events[0].after["actor"] == "jia填报员"
        ld = s.get(Lead, lead_id)
        assert (ld.stage, ld.signed_date, ld.registered_date, ld.started_date) == (
            "开工", date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1))

    with db.session(ADMIN) as s:
        rows, total = service.lead_rates(s, ADMIN, date(2026, 6, 30))
        assert (total.signed, total.landed, total.started, total.fulfilment_rate) == (1, 1, 1, D("1.0000"))
        p = service.convert_lead(s, ADMIN, lead_id, code="XM2026101", annual_plan=D(5000))
        assert (p.stage, p.region_id, p.total_investment, p.actual_start) == (
            "新开工", ids["jia"], D(20000), date(2026, 4, 1))
        assert s.get(Lead, lead_id).project_id == p.id
        with pytest.raises(ValidationFailed, match="已转为重点项目"):
            service.convert_lead(s, ADMIN, lead_id, code="XM2026102")

        # problem → supervised task: the hook calls the task module when it is there …
        q = service.add_problem(s, ADMIN, p.id, text="施工用电未接入", deadline=date(2026, 8, 31))
        calls = []

        def fake_create(session, actor, *, content, lead_unit_id, deadline=None, leader_person_id=None,
                        category=None):
            calls.append((content, lead_unit_id, deadline, leader_person_id, category))
            return 4242
        monkeypatch.setattr(service, "_task_creator", lambda: fake_create)
        assert service.problem_to_task(s, ADMIN, q.id).task_id == 4242
        assert calls == [("协调解决“精密五金件项目”问题：施工用电未接入", ids["jia_gov"], date(2026, 8, 31),
                          ids["zhang"], "重点项目问题")]
        # … and says so in Chinese when it is not
        q2 = service.add_problem(s, ADMIN, p.id, text="用地指标未落实")
        monkeypatch.setattr(service, "_task_creator", lambda: None)
        with pytest.raises(ValidationFailed, match="任务督办模块尚未启用"):
            service.problem_to_task(s, ADMIN, q2.id)


def test_ledger_round_trips_through_the_database(demo_db, tmp_path):
    db = demo_db
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    with db.session(ADMIN) as s:
        service.export_ledger(s, ADMIN, first)
        for p in s.scalars(select(Project)):
            s.delete(p)
    exported = ledger_xlsx.parse_ledger(first)
    assert len(exported) == 60 and sum(len(p.monthly) for p in exported) > 400
    with db.session(ADMIN) as s:
        assert s.scalar(select(func.count()).select_from(Project)) == 0
        result = service.import_ledger(s, ADMIN, first)
        assert (result.created, result.updated) == (60, 0)
    with db.session(ADMIN) as s:
        service.export_ledger(s, ADMIN, second)
        # importing the same file again changes nothing
        assert service.import_ledger(s, ADMIN, second).updated == 60
    assert ledger_xlsx.parse_ledger(second) == exported
    with db.session(ADMIN) as s:
        again = tmp_path / "third.xlsx"
        service.export_ledger(s, ADMIN, again)
    assert ledger_xlsx.parse_ledger(again) == exported
