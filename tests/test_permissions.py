"""Every API route × every role × own/other unit, on both databases.

A refused attempt must leave the database exactly as it was (compared table by table)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import diaodu.models  # noqa: F401
from diaodu.core.db import Base

from tests.support.api import Session as ApiSession
from tests.support.matrix import CASES, EXEMPT, ROLES

IGNORED_TABLES = {"audit_log", "login_session", "alembic_version"}


def _snapshot(db) -> dict:
    out = {}
    with db.engine.connect() as conn:
        for name, table in Base.metadata.tables.items():
            if name in IGNORED_TABLES:
                continue
            cols = [c for c in table.c if c.name not in ("last_login_at",)]
            out[name] = sorted(tuple(str(v) for v in row) for row in conn.execute(select(*cols)))
    return out


def test_every_route_is_in_the_matrix(api):
    declared = {(method.upper(), path) for path, ops in api.app.openapi()["paths"].items()
                if path.startswith("/api/v1") for method in ops}
    covered = {(c.method, c.route) for c in CASES} | set(EXEMPT)
    assert declared - covered == set(), f"routes missing from the permission matrix: {sorted(declared - covered)}"
    assert covered - declared == set(), f"matrix names routes that do not exist: {sorted(covered - declared)}"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def matrix_env(request, templates, tmp_path_factory):
    """One demo database and one logged-in client per role, shared by the matrix cases of a
    backend (every case builds fresh target rows, so cases stay independent)."""
    from fastapi.testclient import TestClient

    from diaodu.web.app import create_app
    from tests.conftest import make_settings

    url, drop = templates.copy(request.param, demo=True)
    app = create_app(make_settings(url, tmp_path_factory.mktemp("matrix")), with_ui=False)
    with TestClient(app) as client:
        client.app_db = app.state.db
        sessions = {role: ApiSession(client, username) for role, username in ROLES.items()}
        yield client, sessions
    app.state.db.dispose()
    drop()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_matrix(matrix_env, case):
    api, sessions = matrix_env
    db = api.app_db
    for role, client in sessions.items():
        for ownership in ("own", "other"):
            with db.session() as s:
                target = case.setup(s, ownership)
            expected = case.expect(role, ownership)
            url = case.route.format(**target.path)
            before = _snapshot(db) if expected >= 400 else None
            response = client.request(case.method, url, json=target.body, params=target.params)
            where = f"{case.id} as {role} on {ownership} row"
            assert response.status_code == expected, f"{where}: {response.status_code} {response.text[:200]}"
            if before is not None:
                assert _snapshot(db) == before, f"{where}: a refused request changed the database"
                assert "detail" in response.json()
            elif case.check is not None:
                with db.session() as s:
                    case.check(response, role, ownership, s)


def test_reporter_cannot_reach_other_county_by_guessing_ids(api):
    """jiaxian (甲县) walks every id of people and comments: 乙县's are all 404, nothing leaks."""
    from diaodu.core.models import Person

    reporter = ApiSession(api, "jiaxian")
    with api.app_db.session() as s:
        people = s.scalars(select(Person)).all()
        own_unit = reporter.me["unit_id"]
        rows = [(p.id, p.unit_id) for p in people]
    assert any(u != own_unit for _pid, u in rows)
    for pid, unit in rows:
        got = reporter.get(f"/api/v1/people/{pid}")
        assert got.status_code == (200 if unit == own_unit else 404)
        changed = reporter.patch(f"/api/v1/people/{pid}", json={"name": "篡改"})
        assert changed.status_code == (200 if unit == own_unit else 404)
    with api.app_db.session() as s:
        assert all(p.name != "篡改" for p in s.scalars(select(Person)) if p.unit_id != own_unit)
