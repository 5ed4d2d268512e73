"""Headless Chromium over a real server with the demo city: the ledger, a project page, the
county summary and 我联系的项目 at phone width; screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.live import field, pick

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
DIAODU = str(Path(sys.executable).with_name("diaodu"))
ADMIN_PASSWORD = "Kaishi#2026x"

pytestmark = [pytest.mark.browser]  # the shared browser fixture skips (never in CI) without Chromium


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    var = tmp_path_factory.mktemp("browser-var")
    env = dict(os.environ, DIAODU_VAR_DIR=str(var))
    env.pop("DIAODU_DATABASE_URL", None)
    env.pop("DIAODU_CONFIG", None)
    subprocess.run([DIAODU, "init", "--admin-password", ADMIN_PASSWORD], env=env, check=True, capture_output=True)
    subprocess.run([DIAODU, "demo"], env=env, check=True, capture_output=True)
    port = _free_port()
    log = open(var / "server.log", "w")
    proc = subprocess.Popen([DIAODU, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(url + "/login", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.terminate()
        pytest.fail("server did not start: " + (var / "server.log").read_text()[-2000:])
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


def _png(path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (64, 48), (155, 28, 28)).save(path)


def _login(page, url: str, username: str) -> None:
    page.goto(url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Shifan@2026")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_ledger_project_page_summary_and_phone(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page = ctx.new_page()
    _login(page, server, "diaodu")

    page.goto(server + "/projects")
    page.wait_for_selector("text=XM2026001")
    page.wait_for_timeout(400)
    assert page.locator("[data-testid=ledger] tbody tr").count() == 15     # first page of 60
    assert page.get_by_text("入库缺口").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "projects-ledger.png"), full_page=True)

    page.locator("[data-testid=f-gap]").click()
    page.wait_for_timeout(600)
    flagged = page.locator("[data-testid=ledger] tbody tr").count()
    assert 0 < flagged <= 15

    name = page.locator("[data-testid=ledger] tbody tr a").first.inner_text()
    page.locator("[data-testid=ledger] tbody tr a").first.click()     # a project with a 入库 gap
    page.wait_for_selector("[data-testid=project-name]")
    page.wait_for_selector("canvas")
    page.wait_for_timeout(800)
    assert page.get_by_text("节点").first.is_visible()
    assert page.get_by_text("月度填报").first.is_visible()
    assert page.locator("[data-testid=project-name]").inner_text() == name
    assert page.get_by_text("入库缺口").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "projects-page.png"), full_page=True)

    # file October again through the form and attach a 形象进度 photo to it
    page.get_by_text("填报本月数据").click()
    page.get_by_label("本月完成投资(万元)").fill("1234.5")
    page.get_by_label("形象进度", exact=True).fill("主体结构封顶")
    page.get_by_role("button", name="保存").click()
    page.wait_for_selector("text=主体结构封顶")
    photo = ARTIFACTS / "site-photo.png"
    _png(photo)
    page.get_by_text("填报本月数据").click()
    page.locator("input[type=file]").set_input_files(str(photo))
    page.wait_for_selector("text=形象进度照片")
    src = page.locator("img[src^='/api/v1/projects/photos/']").first.get_attribute("src")
    got = page.request.get(server + src)            # served to the logged-in user only
    assert got.status == 200 and got.body() == photo.read_bytes()

    page.goto(server + "/projects/summary")
    page.wait_for_selector("[data-testid=sentence]")
    assert "1-10月，全市60个重点项目" in page.locator("[data-testid=sentence]").inner_text()
    page.screenshot(path=str(ARTIFACTS / "projects-summary.png"), full_page=True)
    ctx.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=2)
    page = phone.new_page()
    _login(page, server, "lingdao")
    page.goto(server + "/projects/mine")
    page.wait_for_selector(".mine-card")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways at phone width ({width}px)"
    page.screenshot(path=str(ARTIFACTS / "projects-mine-phone.png"), full_page=False)
    phone.close()


def test_reporter_sees_only_own_county(server, browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    _login(page, server, "jiaxian")
    page.goto(server + "/projects")
    page.wait_for_selector("[data-testid=ledger] tbody tr")
    page.wait_for_timeout(300)
    counties = set(page.locator("[data-testid=ledger] tbody tr td:nth-child(2)").all_inner_texts())
    assert counties == {"甲县"}
    ctx.close()


def test_create_and_edit_project_and_lead_in_forms(server, browser):
    """A dispatcher creates a project and a 招商 lead in the forms and edits the project; the
    responsible county's reporter then sees only the fields the unit keeps current and saves
    progress; a duplicate code is refused with the service's message."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    try:
        _login(page, server, "diaodu")
        page.goto(server + "/projects")
        page.get_by_test_id("new-project").click()
        field(page, "f-code").fill("XM-FORM-01")
        field(page, "f-name").fill("表单新建的产业园项目")
        pick(page, "f-region_id", "甲县")
        pick(page, "f-unit_id", "甲县人民政府")
        field(page, "f-total_investment").fill("12000")
        field(page, "f-planned_start").fill("2026-03-01")
        page.get_by_test_id("form-save").click()
        page.wait_for_url(server + "/projects/*", timeout=10000)
        page.get_by_test_id("project-name").wait_for(timeout=10000)
        assert page.get_by_test_id("project-name").inner_text() == "表单新建的产业园项目"
        assert "12,000" in page.inner_text("body") and "2026-03-01" in page.inner_text("body")
        project_url = page.url

        page.get_by_test_id("edit-project").click()
        field(page, "f-progress").fill("完成场地平整")
        page.get_by_test_id("form-save").click()
        page.get_by_text("完成场地平整").first.wait_for(timeout=10000)

        page.goto(server + "/projects")
        page.get_by_test_id("new-project").click()
        field(page, "f-code").fill("XM-FORM-01")
        field(page, "f-name").fill("重复编码")
        pick(page, "f-region_id", "乙县")
        page.get_by_test_id("form-save").click()
        assert "已存在" in page.get_by_test_id("form-error").inner_text(timeout=10000)
        page.keyboard.press("Escape")

        page.goto(server + "/projects/leads")
        page.get_by_test_id("new-lead").click()
        field(page, "f-code").fill("ZS-FORM-01")
        field(page, "f-name").fill("表单登记的招商项目")
        pick(page, "f-region_id", "丙县")
        field(page, "f-contract_amount").fill("50000")
        page.get_by_test_id("form-save").click()
        page.get_by_text("表单登记的招商项目").first.wait_for(timeout=10000)
    finally:
        ctx.close()

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = ctx.new_page()
    try:
        _login(page, server, "jiaxian")
        page.goto(project_url)
        page.get_by_test_id("edit-project").click()
        field(page, "f-progress").wait_for(timeout=10000)
        assert field(page, "f-name").count() == 0 and field(page, "f-total_investment").count() == 0
        field(page, "f-progress").fill("主体结构施工中")
        field(page, "f-actual_start").fill("2026-03-10")
        page.get_by_test_id("form-save").click()
        page.get_by_text("主体结构施工中").first.wait_for(timeout=10000)
        assert "2026-03-10" in page.inner_text("body")
    finally:
        ctx.close()
