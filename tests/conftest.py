"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

A migrated template database (and one with the demo city) is built once per backend; each test
gets a fresh copy (SQLite: file copy; PostgreSQL: CREATE DATABASE … TEMPLATE), so tests are
isolated and fast while using real databases.
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from pathlib import Path

import pytest

from diaodu.core import migrate
from diaodu.core.config import load_settings
from diaodu.core.db import Database

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
ARTIFACTS = REPO / "test-artifacts"
BACKENDS = ["sqlite", "postgresql"]
_counter = itertools.count()
_pg_stats = {"passed": 0, "failed": 0, "skipped": 0}


def pytest_runtest_logreport(report):
    if "[postgresql" in report.nodeid or "-postgresql" in report.nodeid:
        if report.when == "call":
            _pg_stats[report.outcome] = _pg_stats.get(report.outcome, 0) + 1
        elif report.outcome == "skipped":
            _pg_stats["skipped"] += 1


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(
        f"PostgreSQL tests: {_pg_stats['passed']} passed, {_pg_stats['failed']} failed, "
        f"{_pg_stats['skipped']} skipped"
    )


@pytest.fixture(scope="session")
def pg_admin_url():
    from tests.support.pg import find_server

    url, cluster = find_server()
    yield url
    if cluster is not None:
        cluster.stop()


def _demo_load(url: str) -> None:
    from diaodu.core import demo

    db = Database(url)
    with db.session() as session:
        demo.load_demo(session)
    db.dispose()


class _Templates:
    """Builds migrated (and demo) template databases per backend, lazily, once per session."""

    def __init__(self, tmp: Path, request):
        self.tmp, self.request, self.cache = tmp, request, {}
        self.suffix = uuid.uuid4().hex[:8]
        self.pg_created: list[str] = []

    def get(self, backend: str, demo: bool) -> str:
        key = (backend, demo)
        if key not in self.cache:
            self.cache[key] = self._build(backend, demo)
        return self.cache[key]

    def _build(self, backend: str, demo: bool) -> str:
        name = f"diaodu_tpl_{'demo' if demo else 'empty'}_{self.suffix}"
        if backend == "sqlite":
            url = f"sqlite:///{self.tmp / (name + '.db')}"
        else:
            from tests.support.pg import admin_exec, with_database

            admin = self.admin = self.request.getfixturevalue("pg_admin_url")
            admin_exec(admin, f'CREATE DATABASE "{name}"')
            self.pg_created.append(name)
            url = with_database(admin, name)
        migrate.upgrade(url)
        if demo:
            _demo_load(url)
        return url

    def copy(self, backend: str, demo: bool) -> tuple[str, callable]:
        src = self.get(backend, demo)
        n = next(_counter)
        if backend == "sqlite":
            path = self.tmp / f"t{n}.db"
            shutil.copyfile(src[len("sqlite:///"):], path)
            return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
        from tests.support.pg import admin_exec, with_database

        admin = self.request.getfixturevalue("pg_admin_url")
        name = f"diaodu_t{n}_{self.suffix}"
        template = src.rsplit("/", 1)[1]
        admin_exec(admin, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

        def drop():
            admin_exec(admin, f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'",
                       f'DROP DATABASE IF EXISTS "{name}"')

        return with_database(admin, name), drop

    def cleanup(self) -> None:
        if not self.pg_created:
            return
        from tests.support.pg import admin_exec

        admin = self.admin
        for name in self.pg_created:
            admin_exec(admin, f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'",
                       f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="session")
def templates(tmp_path_factory, request, pg_admin_url):
    t = _Templates(tmp_path_factory.mktemp("db"), request)
    yield t
    t.cleanup()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


def _fresh(templates, backend, demo):
    url, drop = templates.copy(backend, demo)
    return url, drop


@pytest.fixture
def empty_url(templates, backend):
    url, drop = _fresh(templates, backend, demo=False)
    yield url
    drop()


@pytest.fixture
def demo_url(templates, backend):
    url, drop = _fresh(templates, backend, demo=True)
    yield url
    drop()


@pytest.fixture
def demo_db(demo_url):
    db = Database(demo_url)
    yield db
    db.dispose()


def make_settings(url: str, tmp_path: Path):
    return load_settings(env={"DIAODU_DATABASE_URL": url, "DIAODU_SECRET_KEY": "test-secret",
                              "DIAODU_VAR_DIR": str(tmp_path / "var")}, toml_path=tmp_path / "none.toml")


@pytest.fixture
def api(demo_url, tmp_path):
    """A TestClient on the real app (API only) over a fresh demo database."""
    from fastapi.testclient import TestClient

    from diaodu.web.app import create_app

    app = create_app(make_settings(demo_url, tmp_path), with_ui=False)
    with TestClient(app) as client:
        client.app_db = app.state.db
        yield client
    app.state.db.dispose()


@pytest.fixture
def cli_env(tmp_path):
    """Environment for running the real ``diaodu`` command in a subprocess."""
    import sys

    env = dict(os.environ)
    env.update({"DIAODU_VAR_DIR": str(tmp_path / "var")})
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.pop("DIAODU_DATABASE_URL", None)
    return env


# --- browser tests ------------------------------------------------------------------------------
# One Playwright (sync API) and one Chromium for the whole run: a second sync_playwright() while
# one is open fails ("Sync API inside the asyncio loop"), so every browser test uses these.

@pytest.fixture(scope="session")
def browser():
    from tests.support.live import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("CI 环境必须安装 Debian 的 chromium（/usr/bin/chromium）：请运行 make test")
        pytest.skip("没有 /usr/bin/chromium，且无法安装：跳过浏览器测试")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """``diaodu init`` + ``diaodu demo`` + ``diaodu serve`` over a temporary SQLite database."""
    from tests.support.live import LiveServer

    server = LiveServer(tmp_path_factory.mktemp("live"))
    yield server
    server.stop()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
