"""Backup and restore.

SQLite: the online backup API copies a consistent snapshot page by page, safe while the server
is writing (WAL mode). PostgreSQL: ``pg_dump --format=custom``; a restore replaces the ``public``
schema with the backup's in one transaction (``pg_restore`` to SQL, run by ``psql``).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from diaodu.core.errors import DiaoduError


def _sqlite_path(url: str) -> Path:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise DiaoduError("内存数据库无法备份")
    return Path(path)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise DiaoduError(f"找不到 PostgreSQL 工具 {name}，请安装 postgresql-client")


def _pg_args(url: str) -> tuple[list[str], dict]:
    u = make_url(url)
    args = []
    if u.host:
        args += ["-h", u.host]
    if u.port:
        args += ["-p", str(u.port)]
    if u.username:
        args += ["-U", u.username]
    env = {"PGPASSWORD": u.password} if u.password else {}
    return args + ["-d", u.database or "postgres"], env


def backup(url: str, target: Path) -> Path:
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        src = sqlite3.connect(_sqlite_path(url))
        dst = sqlite3.connect(target)
        try:
            with dst:
                src.backup(dst)
        finally:
            dst.close()
            src.close()
        return target
    if url.startswith("postgresql"):
        import os

        args, env = _pg_args(url)
        result = subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "-f", str(target), *args],
                                capture_output=True, text=True, env={**os.environ, **env})
        if result.returncode != 0:
            raise DiaoduError(f"pg_dump 失败：{result.stderr.strip()}")
        return target
    raise DiaoduError(f"不支持的数据库：{url}")


def restore(url: str, source: Path) -> None:
    source = Path(source)
    if not source.is_file():
        raise DiaoduError(f"备份文件不存在：{source}")
    if url.startswith("sqlite"):
        with open(source, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise DiaoduError(f"{source} 不是 SQLite 备份文件")
        path = _sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(source)
        dst = sqlite3.connect(path)
        try:
            with dst:
                src.backup(dst)
        finally:
            dst.close()
            src.close()
        return
    if url.startswith("postgresql"):
        import os

        args, env = _pg_args(url)
        script = subprocess.run([_pg_tool("pg_restore"), "--no-owner", "-f", "-", str(source)],
                                capture_output=True, text=True)
        if script.returncode != 0:
            raise DiaoduError(f"pg_restore 失败：{script.stderr.strip()}")
        # The database becomes exactly the backup: what was created after it (a newer version's
        # tables, functions, triggers) must not survive, as ``pg_restore --clean`` would leave it.
        # The old schema is dropped and the backup loaded in one transaction: all or nothing.
        sql = "DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n" + script.stdout
        result = subprocess.run([_pg_tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
                                 *args], input=sql, capture_output=True, text=True, env={**os.environ, **env})
        if result.returncode != 0:
            raise DiaoduError(f"恢复失败，数据库未改变：{result.stderr.strip()}")
        return
    raise DiaoduError(f"不支持的数据库：{url}")
