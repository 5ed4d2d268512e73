"""``diaodu monitor``: import the bureau's workbook or the long template, write the template,
print the board and the data paragraphs."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import typer

from diaodu.core.audit import Actor
from diaodu.core.config import load_settings
from diaodu.core.db import Database
from diaodu.core.errors import DiaoduError
from diaodu.monitor import service
from diaodu.monitor.rules import COLOUR_CN

app = typer.Typer(help="指标监测：统计月报卡导入、目标、排名与预警", no_args_is_help=True, add_completion=False)


def _actor() -> Actor:
    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001
        who = "unknown"
    return Actor.system(f"cli:{who}")


def _db() -> Database:
    return Database(load_settings().database_url)


def _fail(message: str) -> None:
    typer.secho(f"错误：{message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


@app.command("import")
def import_cmd(file: Path = typer.Argument(..., help="统计月报卡（.xlsx）或长表模板（.xlsx/.csv）"),
               dry_run: bool = typer.Option(False, "--dry-run", help="只检查并列出将导入的内容，不写入"),
               create_regions: bool = typer.Option(False, "--create-regions", help="地区库中没有的地区自动新建"),
               parent: str = typer.Option(None, "--parent", help="新建地区的上级地区（如 邵阳市；不存在则新建为市级）")) -> None:
    """导入统计月报卡或长表模板（整体一个事务：出错则全部不写入）。"""
    if not file.exists():
        _fail(f"文件“{file}”不存在")
    actor = _actor()
    db = _db()
    try:
        with db.session(actor) as session:
            report = service.import_file(session, actor, file, dry_run=dry_run, create_regions=create_regions,
                                         parent_name=parent)
    except DiaoduError as exc:
        _fail(exc.message)
    finally:
        db.dispose()
    if dry_run:
        typer.echo("【试导入，未写入任何数据】")
    for line in report.lines:
        typer.echo(line)
    if not dry_run:
        typer.echo(f"导入完成（批次 {report.batch_id}）")


@app.command("template")
def template_cmd(out: Path = typer.Argument(..., help="输出文件 .xlsx")) -> None:
    """生成长表导入模板（地区、指标、期间、数值、增速）。"""
    from diaodu.monitor.template import write_template

    write_template(out)
    typer.echo(f"已生成模板：{out}")


def _fmt(x, digits=1) -> str:
    if x is None:
        return "-"
    return f"{x:.{digits}f}" if isinstance(x, float) else str(x)


@app.command("board")
def board_cmd(period: str = typer.Option(..., "--period", help="期间 YYYY-MM，如 2025-03"),
              region: str = typer.Option(None, "--region", help="只看某地区（及其下级）"),
              as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
              xlsx: Path = typer.Option(None, "--xlsx", help="同时写出指标监测表（Excel）")) -> None:
    """指标看板：累计值、增速、排名（与公布排名对照）、目标完成与预警。"""
    actor = _actor()
    db = _db()
    try:
        with db.session(actor) as session:
            year, month = service.parse_period_arg(period)
            result = service.board(session, actor, year, month, region)
            if xlsx is not None:
                data, _name = service.board_xlsx(session, actor, year, month, region)
                Path(xlsx).write_bytes(data)
                typer.echo(f"已写出 {xlsx}", err=as_json)
    except DiaoduError as exc:
        _fail(exc.message)
    finally:
        db.dispose()
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    rows = result["rows"]
    if not rows:
        typer.echo(f"{result['period']} 没有数据")
        return
    typer.echo(f"{'指标':<14}{'地区':<8}{'期间':<9}{'累计值':>14} {'单位':<6}{'增速%':>7}{'排名':>6}{'公布':>6}"
               f"{'完成%':>8}{'差(百分点)':>10} 预警")
    for d in rows:
        typer.echo(f"{d['indicator'][:12]:<14}{d['region'][:6]:<8}{d['period']:<9}{_fmt(d['value'], 2):>14} "
                   f"{(d['unit'] or ''):<6}{_fmt(d['growth']):>7}{_fmt(d['rank']):>6}{_fmt(d['published_rank']):>6}"
                   f"{_fmt(d['completion']):>8}{_fmt(d['schedule_gap']):>10} {COLOUR_CN.get(d['colour'] or '', '')}")
    ranked = [d for d in rows if d["published_rank"] is not None]
    if ranked:
        same = sum(1 for d in ranked if d["rank"] == d["published_rank"])
        typer.echo(f"计算排名与公布排名一致：{same}/{len(ranked)}")


@app.command("paragraph")
def paragraph_cmd(period: str = typer.Option(..., "--period", help="期间 YYYY-MM"),
                  region: str = typer.Option(..., "--region", help="地区名称或别名"),
                  indicator: str = typer.Option(..., "--indicator", help="指标名称或别名")) -> None:
    """输出讲话材料中的标准数据段落。"""
    actor = _actor()
    db = _db()
    try:
        with db.session(actor) as session:
            year, month = service.parse_period_arg(period)
            sentences = service.paragraph(session, actor, year, month, region, indicator)
    except DiaoduError as exc:
        _fail(exc.message)
    finally:
        db.dispose()
    typer.echo("，".join(s["text"] for s in sentences) + "。")
