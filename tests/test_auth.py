"""Login, lockout, throttling, password rules, session cookie and CSRF, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from diaodu.core.demo import DEMO_PASSWORD
from diaodu.core.models import AuditLog, User
from diaodu.core.users import password_problems
from tests.support.api import Session as ApiSession

LOGIN = "/api/v1/auth/login"


def test_login_sets_http_only_cookie_and_me_works(api):
    response = api.post(LOGIN, json={"username": "jiaxian", "password": DEMO_PASSWORD})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert "diaodu_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    me = api.get("/api/v1/auth/me").json()
    assert me["username"] == "jiaxian" and me["role"] == "reporter" and me["unit_name"] == "甲县人民政府"


def test_secure_cookie_over_https(api):
    response = api.post("https://testserver" + LOGIN, json={"username": "jiaxian", "password": DEMO_PASSWORD})
    assert "Secure" in response.headers["set-cookie"]


def test_wrong_password_and_unknown_user_look_the_same(api):
    a = api.post(LOGIN, json={"username": "jiaxian", "password": "wrong-password"})
    b = api.post(LOGIN, json={"username": "nobody", "password": "wrong-password"})
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json() == {"detail": "用户名或密码错误"}


def test_account_locks_after_five_failures_and_is_audited(api):
    for _ in range(5):
        assert api.post(LOGIN, json={"username": "yixian", "password": "bad"}).status_code == 401
    locked = api.post(LOGIN, json={"username": "yixian", "password": DEMO_PASSWORD})
    assert locked.status_code == 429 and "锁定" in locked.json()["detail"]
    with api.app_db.session() as s:
        user = s.scalar(select(User).where(User.username == "yixian"))
        assert user.locked_until is not None
        failures = s.scalars(select(AuditLog).where(AuditLog.action == "login_failed")).all()
        assert len(failures) == 5
    # an admin unlocks by resetting the password
    admin = ApiSession(api, "admin")
    assert admin.post(f"/api/v1/users/{user.id}/password", json={"new_password": "Xinmima#2026"}).status_code == 204
    assert api.post(LOGIN, json={"username": "yixian", "password": "Xinmima#2026"}).status_code == 200


def test_ip_throttle(api, monkeypatch):
    from diaodu.web.context import ctx

    from dataclasses import replace

    monkeypatch.setattr(ctx(), "settings", replace(ctx().settings, login_ip_max_failures=3))
    for i in range(3):
        assert api.post(LOGIN, json={"username": f"user{i}", "password": "x"}).status_code == 401
    blocked = api.post(LOGIN, json={"username": "jiaxian", "password": DEMO_PASSWORD})
    assert blocked.status_code == 429

    # the failures are counted from the audit log: another server process (or a restart) over
    # the same database blocks the address too
    from fastapi.testclient import TestClient

    from diaodu.web.app import create_app

    other = create_app(replace(ctx().settings), with_ui=False)
    with TestClient(other) as client:
        assert client.post(LOGIN, json={"username": "jiaxian", "password": DEMO_PASSWORD}).status_code == 429
    other.state.db.dispose()


def test_state_change_needs_csrf_token(api):
    session = ApiSession(api, "diaodu")
    body = {"name": "无令牌联系人"}
    assert session.client.post("/api/v1/people", json=body).status_code == 403
    assert session.client.post("/api/v1/people", json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert session.post("/api/v1/people", json=body).status_code == 201


def test_logout_ends_the_session(api):
    session = ApiSession(api, "lingdao")
    assert session.post("/api/v1/auth/logout").status_code == 204
    assert session.get("/api/v1/auth/me").status_code == 401


def test_unauthenticated_api_is_401(api):
    assert api.get("/api/v1/people").status_code == 401


@pytest.mark.parametrize("password,ok", [("short1A!", False), ("alllowercaseletters", False),
                                         ("Lowercase123", True), ("Xinmima#2026", True), ("jiaxian@2026X", False)])
def test_password_rules(password, ok):
    assert (password_problems(password, "jiaxian") == []) is ok


def test_weak_password_refused_by_api(api):
    admin = ApiSession(api, "admin")
    response = admin.post("/api/v1/users", json={"username": "weak", "password": "123456", "role": "leader"})
    assert response.status_code == 422 and "至少" in response.json()["detail"]


def test_login_form_sets_cookie_and_redirects(api):
    page = api.get("/login")
    assert page.status_code == 200 and "调度台" in page.text
    import re

    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = api.post("/login", data={"username": "diaodu", "password": DEMO_PASSWORD, "csrf": csrf, "next": "/tasks"},
                        follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/tasks"
    assert api.get("/api/v1/auth/me").json()["username"] == "diaodu"


def test_login_form_without_csrf_is_refused(api):
    response = api.post("/login", data={"username": "diaodu", "password": DEMO_PASSWORD, "csrf": "x"},
                        follow_redirects=False)
    assert response.status_code == 403

