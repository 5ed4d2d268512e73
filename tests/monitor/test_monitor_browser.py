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
from tests.support.live import field, pick

CHROMIUM = Path("/usr/bin/chromium")
REAL = Path("/work/shared/data/real/shaoyang-yuebao-2025-01-03.xlsx")
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"

pytestmark = pytest.mark.browser  # the shared browser fixture skips (never in CI) without Chromium


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(templates, tmp_path, with_real: bool):
    url, drop = templates.copy("sqlite", demo=True)
    if with_real and REAL.exists():  # the real workbook next to the demo city: scope 邵阳市, period 2025-03
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
    yield base, url
    proc.terminate()
    proc.wait(timeout=10)
    drop()


@pytest.fixture
def server(templates, tmp_path):
    for base, _url in _serve(templates, tmp_path, with_real=True):
        yield base


@pytest.fixture
def bare_server(templates, tmp_path):
    """The demo city only; yields (base URL, database URL)."""
    yield from _serve(templates, tmp_path, with_real=False)


def _login(page, base, username="lingdao"):
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
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


@pytest.mark.skipif(not REAL.exists(), reason="the real workbook is not next to the repository")
def test_manage_page_import_catalogue_target_entry(bare_server, browser):
    """数据维护 as the dispatcher: the real workbook uploaded, previewed and imported; a new
    indicator, a target for it, a value typed by hand and the warning thresholds — each checked
    in the database."""
    from sqlalchemy import func, select

    from diaodu.monitor import service
    from diaodu.monitor.models import Observation, Target

    base, url = bare_server
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    db = Database(url)
    try:
        _login(page, base, "diaodu")
        page.goto(base + "/monitor/manage?tab=import")
        page.get_by_test_id("create-regions").click()
        field(page, "parent").fill("邵阳市")
        page.locator("input[type=file]").set_input_files(str(REAL))
        report = page.get_by_test_id("import-report")
        report.wait_for(timeout=20000)
        assert "预览" in report.inner_text() and "新增 335" in report.inner_text()
        with db.session() as s:  # the preview wrote nothing
            assert s.scalar(select(func.count()).select_from(Observation).where(
                Observation.source_file == REAL.name)) == 0
        page.screenshot(path=str(ARTIFACTS / "monitor-import-preview.png"), full_page=True)
        page.get_by_test_id("confirm-import").click()
        page.get_by_text("已导入 — ").wait_for(timeout=20000)
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(Observation).where(
                Observation.source_file == REAL.name)) == 335

        page.goto(base + "/monitor/manage?tab=catalogue")
        page.get_by_test_id("new-indicator").click()
        field(page, "ind-name").fill("新能源汽车产量")
        field(page, "ind-aliases").fill("新能源车产量、新能源汽车")
        page.get_by_test_id("ind-save").click()
        page.get_by_text("已保存指标").wait_for(timeout=5000)
        field(page, "ind-filter").fill("新能源")
        page.get_by_test_id("catalogue").get_by_text("新能源汽车产量").wait_for(timeout=5000)
        with db.session() as s:
            ind = service.resolve_indicator(s, "新能源车产量")
            assert ind is not None and ind.name == "新能源汽车产量"

        page.goto(base + "/monitor/manage?tab=targets")
        page.get_by_test_id("new-target").click()
        pick(page, "target-region", "甲县")
        pick(page, "target-indicator", "新能源汽车产量")
        field(page, "target-text").fill("增长20%以上，保三争二")
        page.get_by_test_id("target-save").click()
        page.get_by_test_id("targets").get_by_text("增长20%以上，保三争二").wait_for(timeout=5000)
        with db.session() as s:
            t = s.scalars(select(Target).where(Target.indicator_id == ind.id)).one()
            assert (t.kind, t.value, t.qualifier, t.rank_keep, t.rank_strive) == ("growth", 20, ">=", 3, 2)

        page.goto(base + "/monitor/manage?tab=entry")
        pick(page, "entry-region", "甲县")
        pick(page, "entry-indicator", "新能源汽车产量")
        field(page, "entry-period").fill("2026-10")
        field(page, "entry-value").fill("1200")
        field(page, "entry-growth").fill("15.5")
        field(page, "entry-note").fill("工信局电话核实")
        page.get_by_test_id("entry-save").click()
        saved = page.get_by_test_id("entry-saved")
        saved.wait_for(timeout=5000)
        assert "调度员" in saved.inner_text() or "手工录入" in saved.inner_text()
        page.screenshot(path=str(ARTIFACTS / "monitor-manage-entry.png"), full_page=True)
        with db.session() as s:
            o = s.scalars(select(Observation).where(Observation.indicator_id == ind.id)).one()
            assert (o.year, o.month, o.value, o.growth) == (2026, 10, 1200, 15.5)
            assert o.entered_by_id is not None and "工信局电话核实" in o.source_ref

        page.goto(base + "/monitor/manage?tab=thresholds")
        field(page, "th-yellow_gap").fill("-1")
        field(page, "th-red_bottom").fill("1")
        page.get_by_test_id("th-save").click()
        page.get_by_text("预警阈值已保存").wait_for(timeout=5000)
        from diaodu.monitor import thresholds
        with db.session() as s:
            th = thresholds.current(s)
            assert (th.red_gap, th.yellow_gap, th.red_bottom, th.yellow_bottom) == (-5.0, -1.0, 1, 4)
    finally:
        db.dispose()
        page.context.close()
