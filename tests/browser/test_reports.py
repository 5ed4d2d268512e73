"""报告 in a real browser: the leader reads the demo city's data paragraphs, downloads the
指标监测表 and the 督查通报 and opens both files; a county reporter does not get the bulletin."""

from __future__ import annotations

import io

import openpyxl
from docx import Document

from tests.support.live import login


def test_reports_page_downloads(browser, live_server, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    try:
        login(page, live_server.url, "lingdao")
        page.goto(live_server.url + "/reports")
        paragraphs = page.get_by_test_id("paragraphs")
        paragraphs.wait_for(timeout=20000)
        text = paragraphs.inner_text()
        assert "全市地区生产总值同比增长" in text and "个百分点" in text
        page.wait_for_timeout(300)
        page.screenshot(path=str(artifacts / "reports.png"), full_page=True)

        with page.expect_download() as info:
            page.get_by_test_id("board-xlsx").click()
        ws = openpyxl.load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))["指标监测表"]
        assert ws["A1"].value.startswith("示范市主要经济指标监测表")
        assert ws.max_row > 20 and ws["O3"].value  # every row names its source

        with page.expect_download() as info:
            page.get_by_test_id("bulletin-download").click()
        doc = Document(info.value.path())
        assert any("督查" in p.text for p in doc.paragraphs)
    finally:
        context.close()

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    try:
        login(page, live_server.url, "jiaxian")
        page.goto(live_server.url + "/reports")
        page.get_by_test_id("paragraphs").wait_for(timeout=20000)
        assert page.get_by_test_id("bulletin-download").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
