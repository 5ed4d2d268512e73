"""The ``diaodu`` command. Every command runs without prompts when its options are given."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
from pathlib import Path

import typer

from diaodu import __version__
from diaodu.core import backup as backup_mod
from diaodu.core import demo as demo_mod
from diaodu.core import migrate, orgio, users
from diaodu.core.audit import Actor
from diaodu.core.config import Settings, ensure_secret, load_settings
from diaodu.core.db import Database
from diaodu.core.errors import DiaoduError
from diaodu.core.models import ROLE_LABELS, Role, User

app = typer.Typer(help="调度台 Diaodu：城市经济工作调度、督办与监测", no_args_is_help=True, add_completion=False)
user_app = typer.Typer(help="用户管理", no_args_is_help=True)
db_app = typer.Typer(help="数据库", no_args_is_help=True)
org_app = typer.Typer(help="组织架构（地区、单位、人员）导入导出", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")


def _settings() -> Settings:
    return load_settings()


def _db(settings: Settings | None = None) -> Database:
    settings = settings or _settings()
    return Database(settings.database_url)


def _cli_actor() -> Actor:
    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001
        who = "unknown"
    return Actor.system(f"cli:{who}")


def fail(message: str, code: int = 1) -> None:
    typer.secho(f"错误：{message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def run_guarded(fn):
    """Turn domain errors into a Chinese message and exit status 1."""
    try:
        return fn()
    except DiaoduError as exc:
        fail(exc.message)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"diaodu {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="显示版本")) -> None:
    """调度台 Diaodu 命令行。"""


@db_app.command("upgrade")
def db_upgrade() -> None:
    """创建或升级数据库结构（可重复执行）。"""
    settings = _settings()
    migrate.upgrade(settings.database_url)
    typer.echo(f"数据库已是最新版本（{'、'.join(sorted(migrate.current_revisions(settings.database_url)))}）：{_safe_url(settings.database_url)}")


@app.command()
def init(admin_password: str = typer.Option(None, "--admin-password", help="管理员密码（不给出则提示输入）"),
         admin_username: str = typer.Option("admin", "--admin-username", help="管理员用户名")) -> None:
    """初始化：创建/升级数据库，生成密钥，创建管理员账户。"""
    settings = ensure_secret(_settings())
    migrate.upgrade(settings.database_url)
    typer.echo(f"数据库就绪：{_safe_url(settings.database_url)}")
    database = _db(settings)
    with database.session(_cli_actor()) as session:
        if users.get_by_username(session, admin_username) is not None:
            typer.echo(f"管理员账户 {admin_username} 已存在，未修改。")
            return
        if admin_password is None:
            if not sys.stdin.isatty():
                fail("请用 --admin-password 给出管理员密码")
            admin_password = typer.prompt("管理员密码", hide_input=True, confirmation_prompt=True)
        run_guarded(lambda: users.create_user(session, Actor.system("init"), username=admin_username,
                                              password=admin_password, role=Role.admin, display_name="系统管理员"))
    typer.echo(f"已创建管理员账户：{admin_username}")


@app.command()
def demo(admin_password: str = typer.Option(None, "--admin-password", help="若管理员尚不存在，用此密码创建")) -> None:
    """载入演示城市“示范市”（演示数据，可重复执行）。"""
    settings = ensure_secret(_settings())
    migrate.upgrade(settings.database_url)
    database = _db(settings)
    with database.session(_cli_actor()) as session:
        if demo_mod.is_loaded(session):
            typer.echo("演示数据已存在，未重复载入。")
            logins = demo_mod.DEMO_USERS
        else:
            logins = run_guarded(lambda: demo_mod.load_demo(session, admin_password))
            typer.echo("已载入演示城市：示范市（8 个县市区、15 个市直部门）。")
    print_demo_logins(logins)


def print_demo_logins(logins) -> None:
    typer.echo("演示账户（密码均为 %s，admin 若在 init 时另设密码则以其为准）：" % demo_mod.DEMO_PASSWORD)
    for login in logins:
        typer.echo(f"  {login.username:<10} {ROLE_LABELS[Role(login.role)]:<4} {login.unit or ''}")


@app.command()
def serve(host: str = typer.Option("127.0.0.1", help="监听地址"), port: int = typer.Option(8000, help="端口"),
          reload: bool = typer.Option(False, help="开发模式：代码改动后自动重启")) -> None:
    """启动 Web 服务（界面与 /api/v1 接口）。"""
    import uvicorn

    from diaodu.web.app import create_app

    settings = ensure_secret(_settings())
    migrate.upgrade(settings.database_url)
    typer.echo(f"调度台已启动：http://{host}:{port}  （接口文档 http://{host}:{port}/api/docs）")
    uvicorn.run(create_app(settings), host=host, port=port, log_level=settings.log_level.lower())


@user_app.command("add")
def user_add(username: str, role: str = typer.Option(..., help="admin / dispatcher / reporter / leader"),
             password: str = typer.Option(None, help="密码（不给出则提示输入）"),
             unit: str = typer.Option(None, help="所属单位名称或别名（填报员必填）"),
             name: str = typer.Option("", help="显示名称")) -> None:
    """新增用户。"""
    from diaodu.core import org

    if password is None:
        if not sys.stdin.isatty():
            fail("请用 --password 给出密码")
        password = typer.prompt("密码", hide_input=True, confirmation_prompt=True)
    with _db().session(_cli_actor()) as session:
        unit_id = None
        if unit:
            found = org.resolve_unit(session, unit)
            if found is None:
                fail(f"找不到单位“{unit}”")
            unit_id = found.id
        user = run_guarded(lambda: users.create_user(session, Actor.system("cli"), username=username,
                                                     password=password, role=role, unit_id=unit_id, display_name=name))
        typer.echo(f"已创建用户 {user.username}（{ROLE_LABELS[Role(user.role)]}）")


@user_app.command("list")
def user_list() -> None:
    """列出用户。"""
    from sqlalchemy import select

    with _db().session() as session:
        rows = session.scalars(select(User).order_by(User.id)).all()
        typer.echo(f"{'用户名':<12}{'角色':<6}{'单位':<16}{'状态'}")
        for u in rows:
            status = "停用" if not u.active else "正常"
            typer.echo(f"{u.username:<14}{ROLE_LABELS.get(Role(u.role), u.role):<6}{(u.unit.name if u.unit else ''):<16}{status}")


@user_app.command("passwd")
def user_passwd(username: str, password: str = typer.Option(None, help="新密码（不给出则提示输入）")) -> None:
    """重设用户密码（同时解除锁定）。"""
    if password is None:
        if not sys.stdin.isatty():
            fail("请用 --password 给出新密码")
        password = typer.prompt("新密码", hide_input=True, confirmation_prompt=True)
    with _db().session(_cli_actor()) as session:
        user = users.get_by_username(session, username)
        if user is None:
            fail(f"用户 {username} 不存在")
        run_guarded(lambda: users.set_password(session, Actor.system("cli"), user.id, password))
    typer.echo(f"已重设 {username} 的密码")


@org_app.command("template")
def org_template(file: Path) -> None:
    """生成组织架构模板（.xlsx 或 .csv）。"""
    orgio.write_template(file)
    typer.echo(f"已生成模板：{file}")


@org_app.command("import")
def org_import(file: Path) -> None:
    """导入地区、单位、人员（整体一个事务：出错则全部不写入）。"""
    def go():
        with _db().session(_cli_actor()) as session:
            return orgio.import_file(session, session.info["actor"], file)

    counts = run_guarded(go)
    typer.echo("导入完成：" + "，".join(f"{k} {v} 条" for k, v in counts.items()))


@org_app.command("export")
def org_export(file: Path) -> None:
    """导出地区、单位、人员（与模板格式相同，可再次导入）。"""
    with _db().session() as session:
        orgio.export(session, file)
    typer.echo(f"已导出：{file}")


@app.command()
def backup(file: Path) -> None:
    """备份数据库（SQLite 在线安全复制；PostgreSQL 用 pg_dump）。"""
    settings = _settings()
    run_guarded(lambda: backup_mod.backup(settings.database_url, file))
    typer.echo(f"已备份到 {file}（{file.stat().st_size} 字节）")


@app.command()
def restore(file: Path, yes: bool = typer.Option(False, "--yes", help="不再确认，直接覆盖当前数据库")) -> None:
    """从备份恢复数据库（覆盖当前数据）。恢复前请先停止服务。"""
    settings = _settings()
    if not yes:
        if not sys.stdin.isatty():
            fail("恢复会覆盖当前数据库，请加 --yes 确认")
        typer.confirm(f"恢复会覆盖 {_safe_url(settings.database_url)} 的全部数据，确定吗？", abort=True)
    run_guarded(lambda: backup_mod.restore(settings.database_url, file))
    migrate.upgrade(settings.database_url)
    typer.echo(f"已从 {file} 恢复")


@app.command()
def audit(since: str = typer.Option(None, "--since", help="起始日期 YYYY-MM-DD 或天数（如 7d）"),
          entity: str = typer.Option(None, help="只看某类记录，如 person、unit、app_user"),
          user: str = typer.Option(None, help="只看某用户"),
          limit: int = typer.Option(200, help="最多显示条数"),
          as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """查看审计日志。"""
    from diaodu.core import audit_query

    start = _parse_since(since)
    with _db().session() as session:
        rows = list(reversed(audit_query.search(session, Actor.system("cli"), entity=entity, username=user,
                                                since=start, limit=limit)))
        if as_json:
            typer.echo(json.dumps([{"id": r.id, "at": r.at.isoformat(), "user": r.username, "action": r.action,
                                    "entity": r.entity, "entity_id": r.entity_id, "before": r.before,
                                    "after": r.after, "note": r.note} for r in rows], ensure_ascii=False, indent=1))
            return
        for r in rows:
            change = audit_query.describe_change(r.before, r.after, r.note, limit=200)
            typer.echo(f"{r.at:%Y-%m-%d %H:%M:%S}  {r.username:<14} {r.action:<8} {r.entity}#{r.entity_id or '-'}  {change}")


def _parse_since(since: str | None):
    if not since:
        return None
    from datetime import timezone

    if since.endswith("d") and since[:-1].isdigit():
        return dt.datetime.now(timezone.utc) - dt.timedelta(days=int(since[:-1]))
    try:
        return dt.datetime.fromisoformat(since).replace(tzinfo=timezone.utc)
    except ValueError:
        fail(f"--since 格式应为 YYYY-MM-DD 或 7d，而不是“{since}”")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _register_module_clis() -> None:
    """Module command groups (speech, monitor, tasks, projects) attach here when present."""
    from diaodu.core.modules import parts

    for name, module in parts("cli"):
        app.add_typer(module.app, name=name)


_register_module_clis()

if __name__ == "__main__":
    app()
