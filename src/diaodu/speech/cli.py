"""Command line: ``diaodu speech parse PATH [--date] [--json] [--xlsx]``."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Optional

import typer

from .export import write_xlsx
from .io import SpeechReadError, list_inputs, read_speech
from .parser import parse as parse_text

app = typer.Typer(help="讲话解析：从领导讲话中提取标题、任务、目标和数据。", no_args_is_help=True,
                  add_completion=False)


@app.callback()
def _main() -> None:
    """讲话解析工具。"""


def _date(value: Optional[str]) -> Optional[dt.date]:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        typer.echo(f"错误：会议日期格式应为 YYYY-MM-DD，收到“{value}”。", err=True)
        raise typer.Exit(2)


@app.command("parse")
def parse_cmd(
    path: Path = typer.Argument(..., help="讲话文件（.txt/.docx）或包含讲话文件的文件夹"),
    date: Optional[str] = typer.Option(None, "--date", help="会议日期 YYYY-MM-DD，用于推算完成时限的年份"),
    json_out: Optional[Path] = typer.Option(None, "--json", help="输出 JSON 文件（输入为文件夹时为输出文件夹）"),
    xlsx_out: Optional[Path] = typer.Option(None, "--xlsx", help="输出任务分解表 Excel 文件"),
) -> None:
    """解析讲话，输出 JSON 和/或任务分解表。"""
    meeting = _date(date)
    if not path.exists():
        typer.echo(f"错误：路径不存在：{path}", err=True)
        raise typer.Exit(2)
    files = list_inputs(path) if path.is_dir() else [path]
    if path.is_dir() and not files:
        typer.echo(f"错误：文件夹中没有 .txt 或 .docx 文件：{path}", err=True)
        raise typer.Exit(2)
    results = []
    failed = 0
    for f in files:
        try:
            text = read_speech(f)
        except SpeechReadError as exc:
            typer.echo(f"错误：{f.name}：{exc}", err=True)
            failed += 1
            continue
        results.append(parse_text(text, meeting, doc=f.stem))
    if path.is_dir() and json_out:
        json_out.mkdir(parents=True, exist_ok=True)
        for ex in results:
            (json_out / f"{ex.doc}.json").write_text(
                json.dumps(ex.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    elif json_out and results:
        if json_out.parent:
            json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(results[0].to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    if xlsx_out and results:
        write_xlsx(results, xlsx_out)
    for ex in results:
        typer.echo(f"{ex.doc}：标题 {len(ex.headings)} 个，任务 {len(ex.tasks)} 项，"
                   f"目标 {len(ex.targets)} 个，数据 {len(ex.figures)} 条")
    if not json_out and not xlsx_out and len(results) == 1:
        typer.echo(json.dumps(results[0].to_dict(), ensure_ascii=False, indent=1))
    if json_out:
        typer.echo(f"JSON 已写入：{json_out}")
    if xlsx_out and results:
        typer.echo(f"任务分解表已写入：{xlsx_out}")
    if failed:
        raise typer.Exit(2)


if __name__ == "__main__":
    app()
