"""Browser test: a real server over a temporary SQLite demo database, Chromium via Playwright.

jiaxian (填报员, 甲县人民政府) opens 我的任务 at phone width (390 px), signs a task through the UI
and reports progress; the dispatcher sees the ledger with its filters and the task page with its
timeline. Screenshots go to test-artifacts/tasks-*.png."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
ADMIN_PASSWORD = "Xitong#2026pw"
DEMO_PASSWORD = "Shifan@2026"
CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.browser  # the shared browser fixture skips (never in CI) without Chromium


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tasks-ui")
    env = dict(os.environ, DIAODU_VAR_DIR=str(tmp / "var"), DIAODU_TASKS_SCHEDULER="0")
    env.pop("DIAODU_DATABASE_URL", None)
    exe = str(Path(sys.executable).parent / "diaodu")
    for args in (["init", "--admin-password", ADMIN_PASSWORD], ["demo"]):
        proc = subprocess.run([exe, *args], env=env, cwd=tmp, capture_output=True, text=True, timeout=120,
                              check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    port = _free_port()
    log = open(tmp / "server.log", "w")  # noqa: SIM115 - held open for the server's lifetime
    proc = subprocess.Popen([exe, "serve", "--port", str(port)], env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if proc.poll() is not None:
                raise AssertionError((tmp / "server.log").read_text())
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def _login(browser, base: str, username: str, viewport: dict):
    context = browser.new_context(viewport=viewport, device_scale_factor=2, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(lambda url: "/login" not in url, timeout=15000)
    return context, page


def _field(dialog, key: str, tag: str):
    testid = key if key.startswith("new-") else f"field-{key}"
    return dialog.locator(f'[data-testid="{testid}"]').locator(f"xpath=descendant-or-self::{tag}").first


def _shot(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"tasks-{name}.png"), full_page=full_page)


def test_reporter_signs_on_phone_and_dispatcher_sees_ledger(server, browser):
    context, page = _login(browser, server, "jiaxian", {"width": 390, "height": 844})
    page.goto(f"{server}/tasks/mine?today=2026-11-24")
    page.wait_for_selector('[data-testid="mine-待签收"]')
    pending_before = int(page.locator('[data-testid="mine-待签收"]').inner_text())
    assert pending_before >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 392, "no horizontal scrolling at 390px"
    _shot(page, "mine-phone")

    card = page.locator('[data-testid^="task-"]', has=page.locator('[data-testid="action-sign"]')).first
    task_id = int(card.get_attribute("data-testid").split("-")[1])
    card.locator('[data-testid="action-sign"]').click()
    dialog = page.locator(".q-dialog").last
    _field(dialog, "note", "input").fill("收到，马上部署")
    _shot(page, "sign-dialog-phone", full_page=False)
    dialog.locator('[data-testid="confirm"]').click()
    page.wait_for_function(
        f"document.querySelector('[data-testid=\"mine-待签收\"]') && "
        f"document.querySelector('[data-testid=\"mine-待签收\"]').innerText == '{pending_before - 1}'",
        timeout=15000)
    _shot(page, "mine-signed-phone")

    # Report progress from the task page (phone).
    page.goto(f"{server}/tasks/{task_id}?today=2026-11-24")
    page.wait_for_selector('[data-testid="action-report_progress"]')
    assert "签收" in page.locator('[data-testid="timeline"]').inner_text()
    page.locator('[data-testid="action-report_progress"]').click()
    dialog = page.locator(".q-dialog").last
    _field(dialog, "progress", "textarea").fill("已召开专题会议部署，完成方案编制。")
    _field(dialog, "next_steps", "textarea").fill("下周启动实施。")
    dialog.locator('[data-testid="confirm"]').click()
    page.wait_for_function("document.querySelector('[data-testid=\"timeline\"]').innerText.includes('完成方案编制')",
                           timeout=15000)
    _shot(page, "task-phone")
    context.close()

    # A reporter of another county cannot open it.
    context, page = _login(browser, server, "yixian", {"width": 390, "height": 844})
    page.goto(f"{server}/tasks/{task_id}")
    page.wait_for_selector("text=记录不存在或无权查看", timeout=15000)
    context.close()

    context, page = _login(browser, server, "diaodu", {"width": 1440, "height": 900})
    page.goto(f"{server}/tasks?today=2026-11-24")
    page.wait_for_selector('[data-testid="ledger"]')
    assert int(page.locator('[data-testid="count-任务总数"]').inner_text()) >= 40
    _shot(page, "ledger")
    # 新建任务 from the ledger.
    page.get_by_role("button", name="新建任务").click()
    dialog = page.locator(".q-dialog").last
    _field(dialog, "new-content", "textarea").fill("浏览器测试新建任务：完成年度统计核查")
    dialog.get_by_label("牵头单位").click()
    page.get_by_role("option", name="市统计局", exact=True).click()
    dialog.get_by_label("完成时限").fill("2026-12-31")
    dialog.locator('[data-testid="new-save"]').click()
    page.wait_for_selector('[data-testid="task-content"]', timeout=15000)
    assert "完成年度统计核查" in page.locator('[data-testid="task-content"]').inner_text()
    assert "市统计局" in page.content()
    page.goto(f"{server}/tasks?today=2026-11-24&flag=overdue")
    page.wait_for_selector('[data-testid="ledger"]')
    body = page.locator('[data-testid="ledger"]').inner_text()
    assert "逾期" in body and "临期" not in body.replace("临期/逾期", "")
    page.goto(f"{server}/tasks/{task_id}?today=2026-11-24")
    page.wait_for_selector('[data-testid="timeline"]')
    assert "完成方案编制" in page.locator('[data-testid="timeline"]').inner_text()
    assert page.locator('[data-testid="source-quote"]').count() == 1
    _shot(page, "task")
    page.goto(f"{server}/tasks/reminders?today=2026-11-24")
    page.get_by_role("button", name="演练（不发送）").click()
    page.wait_for_selector("text=个单位，", timeout=15000)
    assert "甲县人民政府" in page.content()
    _shot(page, "reminders")
    context.close()
