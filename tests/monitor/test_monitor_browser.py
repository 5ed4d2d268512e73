"""The 驾驶舱 in a real browser: log in as the leader, look at the demo city at desktop and phone
width, open a number's provenance; then the imported real workbook (docs/img/monitor-dashboard.png)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from diaodu.core.audit import Actor
from diaodu.core.db import Database

CHROMIUM = Path("/usr/bin/chromium")
REAL = Path("/work/shared/data/real/shaoyang-yuebao-2025-01-03.xlsx")
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"

pytestmark = pytest.mark.browser  # the shared browser fixture skips (never in CI) without Chromium


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(templates, tmp_path):
    url, drop = templates.copy("sqlite", demo=True)
    if REAL.exists():  # the real workbook next to the demo city: scope 邵阳市, period 2025-03
        from diaodu.monitor import service

        db = Database(url)
        with db.session(Actor.system("test")) as s:
            service.import_file(s, Actor.system("test"), REAL, create_regions=True, parent_name="邵阳市")
        db.dispose()
    port = _free_port()
    env = dict(os.environ, DIAODU_DATABASE_URL=url, DIAODU_VAR_DIR=str(tmp_path / "var"),
               DIAODU_SECRET_KEY="browser-test-secret", DIAODU_LOG_LEVEL="WARNING")
    exe = str(Path(sys.executable).parent / "diaodu")
    proc = subprocess.Popen([exe, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/login", timeout=1)
            break
        except Exception:  # noqa: BLE001
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode())
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)
    drop()


def _login(page, base):
    page.goto(base + "/login")
    page.fill("input[name=username]", "lingdao")
    page.fill("input[name=password]", "Shifan@2026")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def test_dashboard_in_browser(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    opened = []  # pages of the one shared browser (tests/conftest.py), closed at the end
    if True:
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            opened.append(page)
            _login(page, server)
            page.goto(server + "/?scope=示范市&period=2026-10")
            page.wait_for_selector("[data-testid=heat] table", timeout=20000)
            page.wait_for_timeout(800)
            assert page.locator(".heat tr").count() == 10  # header + 示范市 + 8 counties
            exceptions = page.locator("[data-testid=exceptions]")
            assert "红" in exceptions.inner_text() and "乙县" in exceptions.inner_text()
            page.screenshot(path=str(ARTIFACTS / "monitor-desktop.png"), full_page=True)
            page.locator(".heat tr").nth(2).locator("td").nth(2).click()  # 甲县 · 规模工业增加值
            page.wait_for_selector("text=数据来源", timeout=5000)
            dialog = page.locator(".q-dialog").inner_text()
            assert "甲县" in dialog and "历史版本（2）" in dialog and "手工录入" in dialog
            page.wait_for_timeout(300)
            page.screenshot(path=str(ARTIFACTS / "monitor-dialog.png"))

            phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
            opened.append(phone)
            _login(phone, server)
            phone.goto(server + "/?scope=示范市&period=2026-10")
            phone.wait_for_selector("[data-testid=heat] table", timeout=20000)
            phone.wait_for_timeout(800)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"the page scrolls sideways at phone width ({width}px)"
            phone.screenshot(path=str(ARTIFACTS / "monitor-phone.png"), full_page=True)

            if REAL.exists():
                page.goto(server + "/?scope=邵阳市&period=2025-03")
                page.wait_for_selector("[data-testid=heat] table", timeout=20000)
                page.wait_for_timeout(800)
                assert page.locator(".heat tr").count() >= 14
                shot = ARTIFACTS / "monitor-real.png"
                page.screenshot(path=str(shot), full_page=True)
        finally:
            for opened_page in opened:
                opened_page.context.close()
