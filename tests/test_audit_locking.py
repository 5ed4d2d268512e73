"""Every write is audited with before/after; stale writes are refused (optimistic locking)."""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from diaodu.core.audit import Actor
from diaodu.core.errors import Conflict
from diaodu.core.models import AuditLog, Person
from diaodu.core import org
from tests.support.api import Session as ApiSession


def test_api_writes_are_audited_with_before_and_after(api):
    clerk = ApiSession(api, "jiaxian")
    created = clerk.post("/api/v1/people", json={"name": "王五", "title": "办公室主任", "unit_id": clerk.me["unit_id"]})
    assert created.status_code == 201
    pid = created.json()["id"]
    assert clerk.patch(f"/api/v1/people/{pid}", json={"title": "副主任", "version": 1}).status_code == 200
    assert clerk.delete(f"/api/v1/people/{pid}").status_code == 204
    admin = ApiSession(api, "admin")
    rows = admin.get("/api/v1/audit", params={"entity": "person", "entity_id": str(pid)}).json()
    actions = [r["action"] for r in reversed(rows)]
    assert actions == ["create", "update", "delete"]
    create, update, delete = reversed(rows)
    assert all(r["username"] == "jiaxian" for r in rows)
    assert create["before"] is None and create["after"]["name"] == "王五"
    assert update["before"]["title"] == "办公室主任" and update["after"]["title"] == "副主任"
    assert update["after"]["version"] == 2
    assert delete["before"]["title"] == "副主任" and delete["after"] is None


def test_cli_audit_since_prints_changes(demo_url, cli_env):
    cli_env["DIAODU_DATABASE_URL"] = demo_url
    with __import__("diaodu.core.db", fromlist=["Database"]).Database(demo_url).session(Actor.system("tester")) as s:
        person = s.scalar(select(Person).where(Person.is_leader.is_(True)))
        person.phone = "0739-1234567"
    out = subprocess.run(["diaodu", "audit", "--since", "1d", "--entity", "person"], env=cli_env,
                         capture_output=True, text=True, check=True).stdout
    assert "tester" in out and "phone: None → 0739-1234567" in out


def test_stale_version_is_refused_and_nothing_changes(api):
    dispatcher = ApiSession(api, "diaodu")
    pid = dispatcher.post("/api/v1/people", json={"name": "赵六"}).json()["id"]
    assert dispatcher.patch(f"/api/v1/people/{pid}", json={"phone": "1", "version": 1}).status_code == 200
    stale = dispatcher.patch(f"/api/v1/people/{pid}", json={"phone": "2", "version": 1})
    assert stale.status_code == 409 and "他人修改" in stale.json()["detail"]
    assert dispatcher.get(f"/api/v1/people/{pid}").json()["phone"] == "1"


def test_concurrent_sessions_conflict(demo_db):
    """Two transactions read the same row; the second to write loses with a conflict."""
    with demo_db.session(Actor.system("setup")) as s:
        pid = s.scalar(select(Person.id).limit(1))
    first, second = demo_db.sessionmaker(), demo_db.sessionmaker()
    try:
        a, b = first.get(Person, pid), second.get(Person, pid)
        a.phone = "A"
        first.commit()
        b.phone = "B"
        with pytest.raises(StaleDataError):
            second.commit()
    finally:
        first.close()
        second.close()
    with demo_db.session() as s:
        assert s.get(Person, pid).phone == "A"


def test_service_check_version(demo_db):
    with demo_db.session(Actor.system("t")) as s:
        person = s.scalar(select(Person).limit(1))
        with pytest.raises(Conflict):
            org.update_person(s, Actor.system("t"), person.id, version=person.version + 5, phone="x")


def test_failed_transaction_leaves_no_audit(demo_db):
    with pytest.raises(RuntimeError):
        with demo_db.session(Actor.system("t")) as s:
            s.add(Person(name="回滚"))
            s.flush()
            raise RuntimeError("boom")
    with demo_db.session() as s:
        assert s.scalar(select(Person).where(Person.name == "回滚")) is None
        assert not [r for r in s.scalars(select(AuditLog)) if r.after and r.after.get("name") == "回滚"]


def test_deleting_a_referenced_row_is_a_clear_conflict(api):
    """A region that units still point to cannot be deleted: 409 with a Chinese message, no change."""
    from diaodu.core.models import Region

    dispatcher = ApiSession(api, "diaodu")
    with api.app_db.session() as s:
        town = s.scalar(select(Region).where(Region.name == "丁湖街道"))
        town_id = town.id
        s.add(Person(name="街道联系人", region_id=town_id))
        from diaodu.core.models import Unit

        s.add(Unit(name="丁湖街道办事处", kind="office", region_id=town_id))
    response = dispatcher.delete(f"/api/v1/regions/{town_id}")
    assert response.status_code == 409 and "引用" in response.json()["detail"]
    with api.app_db.session() as s:
        assert s.get(Region, town_id) is not None
