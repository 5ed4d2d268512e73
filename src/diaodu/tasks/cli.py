"""``diaodu tasks``: import/template the 任务分解表, reminders, 督查通报, 督办单, listing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

app = typer.Typer(help="任务督办（督查督办）：任务分解表导入、催办提醒、督查通报", no_args_is_help=True)


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"日期「{value}」格式应为 YYYY-MM-DD") from None


def _run(fn):
    from diaodu.cli import _cli_actor, _db, run_guarded

    actor = _cli_actor()

    def go():
        db = _db()
        try:
            with db.session(actor) as session:
                return fn(session, actor)
        finally:
            db.dispose()

    return run_guarded(go)


@app.command("template")
def template(out: Path = typer.Argument(..., help="输出的 .xlsx 文件")) -> None:
    """写出空白任务分解表模板。"""
    from diaodu.tasks.ledger import write_template

    typer.echo(f"已写出模板：{write_template(out)}")


@app.command("import")
def import_(file: Path = typer.Argument(..., help="任务分解表 .xlsx"),
            year: int = typer.Option(None, "--year", help="完成时限只写月日时使用的年份"),
            title: str = typer.Option(None, "--title", help="来源（会议或文件名称），默认取文件名")) -> None:
    """导入任务分解表（整表一次提交：任何一行有错则一行也不导入）。"""
    from diaodu.tasks import service as svc

    tasks = _run(lambda s, a: [t.id for t in svc.import_ledger(s, a, file, default_year=year, source_title=title)])
    typer.echo(f"已导入 {len(tasks)} 项任务（编号 {tasks[0]}–{tasks[-1]}）")


@app.command("remind")
def remind(today: str = typer.Option(None, "--today", help="按此日期计算临期/逾期（YYYY-MM-DD）"),
           dry_run: bool = typer.Option(False, "--dry-run", help="只生成提醒，不发送")) -> None:
    """按单位汇总临期、逾期、待签收任务，通过邮件、企业微信、钉钉发送提醒。"""
    from diaodu.tasks import service as svc

    def go(session, actor):
        digests, results = svc.remind(session, actor, today=_date(today), dry_run=dry_run)
        for d in digests:
            typer.echo(f"{d.unit}：逾期 {len(d.overdue)} 项，临期 {len(d.due_soon)} 项，待签收 {len(d.pending)} 项")
        for r in results:
            state = "演练" if r.dry_run else ("成功" if r.ok else "失败")
            typer.echo(f"  [{state}] {r.unit} {r.channel} {r.target}" + (f"：{r.error}" if r.error else "")
                       + (f"（{r.attempts} 次尝试）" if r.attempts > 1 else ""))
        return digests, results

    digests, results = _run(go)
    failed = sum(not r.ok for r in results)
    typer.echo(f"共 {len(digests)} 个单位，{len(results)} 次投递，失败 {failed} 次")


@app.command("bulletin")
def bulletin(period: str = typer.Option(..., "--period", help="统计期 YYYY-MM 或 YYYY-Qn"),
             out: Path = typer.Option(..., "--out", help="输出 .docx"),
             today: str = typer.Option(None, "--today", help="统计截止日（YYYY-MM-DD）"),
             xlsx: Path = typer.Option(None, "--xlsx", help="同时导出任务台账 .xlsx")) -> None:
    """生成督查通报（Word，公文格式）。"""
    from diaodu.tasks import service as svc

    path = _run(lambda s, a: svc.bulletin(s, a, period, out, today=_date(today), xlsx=xlsx))
    typer.echo(f"已生成督查通报：{path}" + (f"；任务台账：{xlsx}" if xlsx else ""))


@app.command("memo")
def memo(speech: int = typer.Option(..., "--speech", help="讲话编号"),
         out: Path = typer.Option(..., "--out", help="输出 .docx"),
         today: str = typer.Option(None, "--today", help="印发日期（YYYY-MM-DD）")) -> None:
    """生成某次讲话的会议议定事项督办单。"""
    from diaodu.tasks import service as svc

    path = _run(lambda s, a: svc.memo(s, a, speech, out, today=_date(today)))
    typer.echo(f"已生成督办单：{path}")


@app.command("list")
def list_(unit: str = typer.Option(None, "--unit", help="单位名称或简称（牵头或配合）"),
          status: str = typer.Option(None, "--status", help="状态：待签收/推进中/延期申请中/申请办结/已办结/open"),
          flag: str = typer.Option(None, "--flag", help="overdue（逾期）或 due_soon（临期）"),
          today: str = typer.Option(None, "--today", help="按此日期计算临期/逾期")) -> None:
    """列出任务。"""
    from diaodu.core import org
    from diaodu.core.errors import ValidationFailed
    from diaodu.tasks import service as svc
    from diaodu.tasks.lifecycle import Status

    def go(session, actor):
        unit_id = None
        if unit:
            unit_id = org.unit_resolver(session)(unit)
            if unit_id is None:
                raise ValidationFailed(f"单位「{unit}」不存在")
        day = _date(today) or svc.real_today()
        rows = []
        for t in svc.list_tasks(session, actor, svc.TaskFilter(unit_id=unit_id, status=status, flag=flag), today=day):
            fl = svc.flags_of(t, day)
            mark = f"逾期{fl.days_overdue}天" if fl.overdue else ("临期" if fl.due_soon else "")
            rows.append(f"{t.id:>4}  {Status(t.status).label:<5}  {t.deadline or '长期'!s:<10}  {mark:<7}  "
                        f"{t.lead_unit.name}  {t.content[:40]}")
        return rows

    rows = _run(go)
    for line in rows:
        typer.echo(line)
    typer.echo(f"共 {len(rows)} 项")
