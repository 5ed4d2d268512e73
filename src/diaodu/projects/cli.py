"""``diaodu projects``: ledger template / import / export and the county summary."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from diaodu.core.audit import Actor
from diaodu.core.config import load_settings
from diaodu.core.db import Database
from diaodu.core.errors import DiaoduError

from . import ledger_xlsx, present, service

app = typer.Typer(help="重点项目：台账模板、导入导出、分县汇总", no_args_is_help=True)


def _db() -> Database:
    return Database(load_settings().database_url)


def _actor() -> Actor:
    import getpass

    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001
        who = "unknown"
    return Actor.system(f"cli:{who}")


def _fail(message: str) -> None:
    typer.secho(f"错误：{message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def _date(text: str | None, label: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(f"{label}格式应为 YYYY-MM-DD，而不是“{text}”")


@app.command("template")
def template(out: Path) -> None:
    """生成项目台账导入模板（.xlsx）。"""
    ledger_xlsx.write_template(out)
    typer.echo(f"已生成模板：{out}")


@app.command("import")
def import_(file: Path, dry_run: bool = typer.Option(False, "--dry-run", help="只检查，不写入")) -> None:
    """导入项目台账（整体一个事务：任何一处错误都不写入，并逐行逐列列出错误）。"""
    if not file.is_file():
        _fail(f"文件不存在：{file}")
    actor = _actor()
    try:
        with _db().session(actor) as session:
            result = service.import_ledger(session, actor, file, dry_run=dry_run)
            if dry_run:
                session.rollback()
    except DiaoduError as exc:
        _fail("导入失败，未写入任何数据。\n" + exc.message)
    typer.echo(result.message())
    for w in result.warnings:
        typer.echo(f"提示：{w}")


@app.command("export")
def export(out: Path) -> None:
    """导出项目台账（与导入模板格式相同，可再次导入）。"""
    actor = _actor()
    try:
        with _db().session(actor) as session:
            n = len(service.export_records(session, actor))
            service.export_ledger(session, actor, out)
    except DiaoduError as exc:
        _fail(exc.message)
    typer.echo(f"已导出{n}个项目：{out}")


@app.command("summary")
def summary(period: str = typer.Option(..., "--period", help="统计月份 YYYY-MM"),
            today: str = typer.Option(None, "--today", help="判断节点逾期的日期 YYYY-MM-DD（默认今天与月末中较早者）"),
            as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """分县市区汇总：项目数、计划与完成投资、完成率、进度差、开工率、入库率、缺口预警、逾期节点。"""
    day = _date(today, "--today")
    actor = _actor()
    try:
        with _db().session(actor) as session:
            result = service.summary(session, actor, period, day)
    except DiaoduError as exc:
        _fail(exc.message)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
        return
    table = present.summary_table(result.rows + [result.total])
    widths = [max(_width(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        typer.echo("  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)))
    typer.echo("")
    typer.echo(present.data_sentence(result.total, period))


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
