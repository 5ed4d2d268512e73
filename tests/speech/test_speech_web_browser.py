"""讲话解析 in headless Chromium over a real server (demo city): paste a real corpus speech, open its
review page, change one task's lead unit, save; screenshots at desktop and phone width go to
test-artifacts/speech-*.png."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.live import login

SPEECH = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "s000.txt"

pytestmark = pytest.mark.skipif(not SPEECH.exists(), reason="corpus not available")


def test_paste_review_edit_save(browser, live_server, artifacts):  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(8000)
    login(page, live_server.url, "diaodu")
    page.goto(live_server.url + "/speech")
    page.wait_for_selector("text=解析新讲话")
    # The demo speeches are listed.
    assert page.get_by_text("在全市上半年经济运行分析会上的讲话").count() == 1
    page.locator("textarea").first.fill(SPEECH.read_text(encoding="utf-8"))
    page.locator("input[type=date]").fill("2021-07-20")
    page.get_by_text("标题（可选）").locator("..").locator("input").fill("全市重点工作推进会讲话（s000）")
    page.click("[data-testid=speech-parse]")
    page.wait_for_url(re.compile(r"/speech/\d+$"), timeout=20000)
    speech_id = int(page.url.rsplit("/", 1)[1])

    grid = page.locator("[data-testid=grid-tasks]")
    grid.locator(".ag-row").first.wait_for(timeout=10000)
    assert page.locator(".speech-text .sp-task").count() > 0
    assert page.locator(".speech-text .sp-head").count() > 0
    assert page.locator(".speech-text .sp-fig").count() > 0
    assert page.get_by_text("待核对").count() >= 1

    # Edit the lead unit of the second task (the first names the 市委/市政府 themselves).
    cell = grid.locator('.ag-center-cols-container .ag-row[row-index="1"] [col-id="lead"]')
    cell.dblclick()
    editor = grid.locator(".ag-cell-inline-editing input")
    editor.wait_for(timeout=5000)
    editor.fill("市发改委、市工信局")
    editor.press("Enter")
    page.wait_for_timeout(300)
    page.click("[data-testid=speech-save]")
    page.wait_for_selector("text=核对结果已保存", timeout=10000)
    page.wait_for_selector("[data-testid=speech-status] >> text=已核对")
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_selector("text=核对结果已保存", state="hidden", timeout=10000)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "speech-review-desktop.png"), full_page=False)

    got = page.request.get(f"{live_server.url}/api/v1/speeches/{speech_id}").json()
    task = got["reviewed"]["tasks"][1]
    assert task["lead"] == ["市发改委", "市工信局"]
    assert task["units"][:2] == ["市发改委", "市工信局"]
    assert got["text"][task["start"]:task["end"]] == task["quote"]
    assert got["status"] == "reviewed"

    # Add a target row from text selected in the speech: offsets map back to code points.
    page.get_by_role("tab", name="目标").click()
    targets = page.locator("[data-testid=grid-targets] .ag-center-cols-container .ag-row")
    targets.first.wait_for()
    n_targets = targets.count()
    start, quote = page.evaluate("""() => {
        const el = [...document.querySelectorAll('.speech-text span[data-o]')]
            .find(s => !s.className && s.textContent.trim().length > 12);
        const r = document.createRange();
        r.setStart(el.firstChild, 2); r.setEnd(el.firstChild, 10);
        const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r);
        return [parseInt(el.dataset.o) + 2, el.textContent.slice(2, 10)];
    }""")
    page.click("[data-testid=add-targets]")
    page.wait_for_selector("text=已新增一行")
    assert targets.count() == n_targets + 1
    page.click("[data-testid=speech-save]")
    page.wait_for_selector("text=核对结果已保存")
    got = page.request.get(f"{live_server.url}/api/v1/speeches/{speech_id}").json()
    added = [t for t in got["reviewed"]["targets"] if t["start"] == start]
    assert added and added[0]["quote"] == quote.strip() and got["text"][start:added[0]["end"]] == added[0]["quote"]

    # 确认生成任务 on the demo 分工方案: saves the review and creates ledger tasks.
    page.goto(live_server.url + "/speech")
    page.get_by_text("示范市重点项目建设推进工作分工方案").click()
    page.locator("[data-testid=grid-tasks] .ag-row").first.wait_for()
    page.click("[data-testid=speech-confirm]")
    page.click("[data-testid=confirm-go]")
    page.wait_for_selector("text=/已生成 \\d+ 项督办任务/")
    page.wait_for_selector("[data-testid=speech-status] >> text=已生成任务")
    demo_id = int(page.url.rsplit("/", 1)[1])
    got = page.request.get(f"{live_server.url}/api/v1/speeches/{demo_id}").json()
    assert got["status"] == "confirmed" and len(got["confirm_result"]["created"]) >= 4
    assert page.locator("[data-testid=speech-confirm]").is_disabled()
    context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                has_touch=True, locale="zh-CN")
    page = phone.new_page()
    login(page, live_server.url, "diaodu")
    page.goto(f"{live_server.url}/speech/{speech_id}")
    page.locator("[data-testid=grid-tasks] .ag-row").first.wait_for(timeout=10000)
    page.wait_for_timeout(400)
    page.screenshot(path=str(artifacts / "speech-review-phone.png"), full_page=False)
    page.locator("[data-testid=grid-tasks]").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "speech-review-phone-table.png"), full_page=False)
    # Stacked: the text comes above the table at phone width.
    text_box = page.locator(".speech-text").bounding_box()
    grid_box = page.locator("[data-testid=grid-tasks]").bounding_box()
    assert text_box["y"] < grid_box["y"]
    assert text_box["width"] <= 390
    page.goto(live_server.url + "/speech")
    page.wait_for_selector("text=解析新讲话")
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "speech-list-phone.png"), full_page=True)
    phone.close()


def test_leader_reads_without_editing(browser, live_server, artifacts):  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(8000)
    login(page, live_server.url, "lingdao")
    page.goto(live_server.url + "/speech")
    assert page.get_by_text("解析新讲话").count() == 0
    page.get_by_text("在全市上半年经济运行分析会上的讲话").click()
    page.wait_for_url(re.compile(r"/speech/\d+$"))
    page.locator("[data-testid=grid-tasks] .ag-row").first.wait_for()
    assert page.locator("[data-testid=speech-save]").count() == 0
    assert page.locator("[data-testid=speech-confirm]").is_disabled()
    page.hover("[data-testid=confirm-wrap]")
    page.wait_for_selector("text=仅调度员或管理员可确认生成任务")
    page.get_by_role("tab", name="数据").click()
    page.locator("[data-testid=grid-figures] .ag-row").first.wait_for()
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "speech-figures-leader.png"))
    # Cells are read-only for leaders.
    page.locator('[data-testid=grid-figures] .ag-center-cols-container .ag-row[row-index="0"] [col-id="indicator"]').dblclick()
    page.wait_for_timeout(200)
    assert page.locator("[data-testid=grid-figures] .ag-cell-inline-editing").count() == 0
    context.close()


def test_upload_gb18030_file(browser, live_server, tmp_path):  # noqa: F811
    path = tmp_path / "全市重点工作推进会.txt"
    path.write_bytes(SPEECH.read_text(encoding="utf-8").encode("gb18030"))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(8000)
    login(page, live_server.url, "diaodu")
    page.goto(live_server.url + "/speech")
    page.locator(".q-uploader input[type=file]").set_input_files(str(path))
    page.wait_for_url(re.compile(r"/speech/\d+$"), timeout=20000)
    page.wait_for_selector("text=全市重点工作推进会")
    page.locator("[data-testid=grid-tasks] .ag-row").first.wait_for()
    assert page.locator(".speech-text").inner_text().startswith("同志们")
    # A file that is not a speech gets a Chinese error and stays on the list page.
    page.goto(live_server.url + "/speech")
    junk = tmp_path / "图片.png"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    page.locator(".q-uploader input[type=file]").set_input_files(str(junk))
    page.wait_for_selector("text=不支持的文件")
    assert page.url.endswith("/speech")
    context.close()
