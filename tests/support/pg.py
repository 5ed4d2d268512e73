"""Find a PostgreSQL server for the tests, or start a throwaway cluster.

Order: ``DIAODU_TEST_DATABASE_URL``; a server on 127.0.0.1:5432 (trust auth, database ``test``);
else ``initdb`` into a temporary directory from the PostgreSQL binaries on the machine, started
on a free port and stopped when the tests end.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg


def _try(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("select 1")
        return True
    except Exception:  # noqa: BLE001
        return False


def _bin_dir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    return candidates[0].parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayCluster:
    def __init__(self):
        bindir = _bin_dir()
        if bindir is None:
            raise RuntimeError("没有可用的 PostgreSQL：未设置 DIAODU_TEST_DATABASE_URL，127.0.0.1:5432 无服务，也找不到 initdb")
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="diaodu-pg-"))
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            user = "postgres" if _user_exists("postgres") else "nobody"
            shutil.chown(self.dir, user)
            self.as_user = ["runuser", "-u", user, "--"]
        data = self.dir / "data"
        self._run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                   "--locale=C.UTF-8"])
        self._run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(self.dir / "log"), "-w", "-o",
                   f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start"])
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        for _ in range(50):
            if _try(self.url):
                break
            time.sleep(0.2)

    def _run(self, cmd: list[str]) -> None:
        subprocess.run(self.as_user + cmd, check=True, capture_output=True)

    def stop(self) -> None:
        try:
            self._run([str(self.bindir / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop"])
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def find_server() -> tuple[str, ThrowawayCluster | None]:
    """An admin URL to a server where test databases may be created."""
    env = os.environ.get("DIAODU_TEST_DATABASE_URL")
    if env:
        return env, None
    for url in ("postgresql://postgres@127.0.0.1:5432/test", "postgresql://127.0.0.1:5432/test"):
        if _try(url):
            return url, None
    cluster = ThrowawayCluster()
    return cluster.url, cluster


def with_database(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=name).render_as_string(hide_password=False)


def admin_exec(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for stmt in statements:
            conn.execute(stmt)
