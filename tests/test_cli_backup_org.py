"""The ``diaodu`` command end to end: help, init without prompts, users, org template/import/
export, backup then restore then identical data — on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess

import openpyxl
import pytest
from sqlalchemy import select, text

import diaodu.models  # noqa: F401
from diaodu.core import migrate
from diaodu.core.audit import Actor
from diaodu.core.db import Base, Database
from diaodu.core.models import Person, Region, Unit, UnitAlias


def run(env, *args, ok=True):
    result = subprocess.run(["diaodu", *args], env=env, capture_output=True, text=True, timeout=120)
    if ok:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def snapshot(url: str) -> dict:
    db = Database(url)
    out = {}
    with db.engine.connect() as conn:
        for name, table in Base.metadata.tables.items():
            out[name] = sorted(tuple(str(v) for v in row) for row in conn.execute(select(table)))
    db.dispose()
    return out


def test_help_lists_commands(cli_env):
    out = run(cli_env, "--help").stdout
    for command in ("init", "serve", "demo", "user", "db", "org", "backup", "restore", "audit"):
        assert command in out
    assert run(cli_env, "--version").stdout.startswith("diaodu ")


def test_init_user_commands_without_prompts(empty_url, cli_env):
    cli_env["DIAODU_DATABASE_URL"] = empty_url
    assert "已创建管理员账户" in run(cli_env, "init", "--admin-password", "Guanli#2026x").stdout
    assert "已存在" in run(cli_env, "init", "--admin-password", "Guanli#2026x").stdout  # idempotent
    run(cli_env, "db", "upgrade")
    weak = run(cli_env, "user", "add", "zhang", "--role", "leader", "--password", "123", ok=False)
    assert weak.returncode == 1 and "密码至少" in weak.stderr
    run(cli_env, "user", "add", "zhang", "--role", "leader", "--password", "Lingdao#2026", "--name", "张领导")
    listing = run(cli_env, "user", "list").stdout
    assert "zhang" in listing and "领导" in listing
    run(cli_env, "user", "passwd", "zhang", "--password", "Xinmima#2026")
    assert run(cli_env, "user", "passwd", "nobody", "--password", "Xinmima#2026", ok=False).returncode == 1


def test_backup_restore_round_trip(demo_url, cli_env, tmp_path):
    cli_env["DIAODU_DATABASE_URL"] = demo_url
    before = snapshot(demo_url)
    backup = tmp_path / "backup.bin"
    assert "已备份" in run(cli_env, "backup", str(backup)).stdout
    db = Database(demo_url)
    with db.session(Actor.system("t")) as s:  # change things after the backup
        s.add(Person(name="备份后新增"))
        s.scalar(select(Unit).where(Unit.name == "市统计局")).phone = "changed"
        s.execute(text("CREATE TABLE added_after_backup (id integer)"))  # e.g. a newer version's table
    db.dispose()
    assert snapshot(demo_url) != before
    refused = run(cli_env, "restore", str(backup), ok=False)
    assert refused.returncode == 1 and "--yes" in refused.stderr
    run(cli_env, "restore", str(backup), "--yes")
    assert snapshot(demo_url) == before
    assert "added_after_backup" not in migrate.table_names(demo_url)  # exactly the backup, nothing more


def test_org_template_import_export_round_trip(empty_url, cli_env, tmp_path):
    cli_env["DIAODU_DATABASE_URL"] = empty_url
    template = tmp_path / "org.xlsx"
    run(cli_env, "org", "template", str(template))
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames[:3] == ["地区", "单位", "人员"]
    wb["单位"].append(["市统计局", "部门", "示范市", "", "统计局、市统计", "", "", 3])
    wb["人员"].append(["王副市长", "副市长", "统计局", "示范市", "", "是", 2])
    wb.save(template)
    out = run(cli_env, "org", "import", str(template)).stdout
    assert "地区 2 条" in out and "单位 4 条" in out and "人员 2 条" in out
    db = Database(empty_url)
    with db.session() as s:
        assert s.scalar(select(UnitAlias).where(UnitAlias.alias == "市统计")).unit.name == "市统计局"
        person = s.scalar(select(Person).where(Person.name == "王副市长"))
        assert person.unit.name == "市统计局" and person.is_leader
        jia = s.scalar(select(Region).where(Region.name == "甲县"))
        assert jia.parent.name == "示范市" and {g.name for g in jia.groups} == {"全市县市区", "山区县"}
    db.dispose()
    for suffix in ("xlsx", "csv"):
        exported = tmp_path / f"export.{suffix}"
        run(cli_env, "org", "export", str(exported))
        before = snapshot(empty_url)
        run(cli_env, "org", "import", str(exported))  # re-importing the export changes nothing
        after = snapshot(empty_url)
        for table in ("region", "unit", "unit_alias", "region_alias", "person", "peer_group_member"):
            assert len(after[table]) == len(before[table]), table
        assert [r[:3] for r in after["unit_alias"]] == [r[:3] for r in before["unit_alias"]]


def test_org_import_error_names_cell_and_writes_nothing(empty_url, cli_env, tmp_path):
    cli_env["DIAODU_DATABASE_URL"] = empty_url
    bad = tmp_path / "bad.xlsx"
    run(cli_env, "org", "template", str(bad))
    wb = openpyxl.load_workbook(bad)
    wb["单位"].append(["市新单位", "部门", "不存在的县", "", "", "", "", 1])
    wb.save(bad)
    result = run(cli_env, "org", "import", str(bad), ok=False)
    assert result.returncode == 1
    assert "bad.xlsx" in result.stderr and "工作表“单位”第 5 行" in result.stderr and "C5" in result.stderr
    assert "不存在的县" in result.stderr
    db = Database(empty_url)
    with db.session() as s:
        assert s.scalars(select(Region)).all() == []  # the valid 地区 rows were not half-written
    db.dispose()


@pytest.mark.parametrize("content,message", [(b"\x00\x01junk", "无法读取"), (b"", "无法读取")])
def test_org_import_unreadable_file(cli_env, empty_url, tmp_path, content, message):
    cli_env["DIAODU_DATABASE_URL"] = empty_url
    path = tmp_path / "junk.xlsx"
    path.write_bytes(content)
    result = run(cli_env, "org", "import", str(path), ok=False)
    assert result.returncode == 1 and message in result.stderr and "junk.xlsx" in result.stderr
