"""Log in as each role, look at the shell (desktop and phone width), and check that nothing is
fetched from outside the server (intranets have no internet)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.support.live import login

ROLES = [("admin", "管理员"), ("diaodu", "调度员"), ("lingdao", "领导"), ("jiaxian", "填报员")]


@pytest.mark.parametrize("username,role_label", ROLES)
def test_shell_for_each_role(browser, live_server, artifacts, username, role_label):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).hostname not in ("127.0.0.1", "localhost")
            and not r.url.startswith(("data:", "blob:")) else None)
    login(page, live_server.url, username)
    page.wait_for_selector("text=调度台")
    page.wait_for_selector(f"[data-testid=role] >> text={role_label}")
    assert page.get_by_text("演示数据").count() >= 1
    for label in ("驾驶舱", "讲话解析", "任务督办", "重点项目", "报告"):
        assert page.get_by_text(label, exact=True).count() >= 1
    has_admin = page.get_by_text("管理", exact=True).count() >= 1
    assert has_admin == (username in ("admin", "diaodu"))
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"shell-{username}.png"), full_page=True)
    context.close()
    assert outside == [], f"requests left the server: {outside}"


def test_shell_at_phone_width(browser, live_server, artifacts):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    page = context.new_page()
    login(page, live_server.url, "jiaxian")
    page.wait_for_selector("[data-testid=role]")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways at phone width ({width}px)"
    page.screenshot(path=str(artifacts / "shell-phone.png"))
    page.get_by_role("button").filter(has_text="menu").first.click()
    page.wait_for_timeout(400)
    page.screenshot(path=str(artifacts / "shell-phone-menu.png"))
    context.close()


def test_logout_and_protected_pages(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + "/tasks")
    assert "/login" in page.url
    login(page, live_server.url, "lingdao")
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login")
    page.goto(live_server.url + "/")
    assert "/login" in page.url
    context.close()


def test_audit_log_page_for_admin(browser, live_server, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, live_server.url, "admin")
    page.goto(live_server.url + "/admin")
    page.get_by_role("tab", name="审计日志").click()
    page.wait_for_selector("[data-testid=audit-table] >> text=登录")
    page.screenshot(path=str(artifacts / "admin-audit.png"), full_page=True)
    context.close()


def test_wrong_password_message(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + "/login")
    page.fill("input[name=username]", "jiaxian")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert page.get_by_text("用户名或密码错误").count() == 1
    context.close()
