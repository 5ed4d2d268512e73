"""The permission matrix: every API route × every role × own/other unit.

Each :class:`Case` names a route and builds fresh target rows for one attempt (``setup``
returns the path parameters and body for the "own" and the "other" unit, seen from the reporter
of 甲县). ``expect`` gives the status per role and ownership. Modules add their routes by
appending to ``CASES`` in their own support module, imported by ``tests/test_permissions.py``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from diaodu.core.audit import Actor
from diaodu.core.models import Person, Region, Unit, User

ROLES = {"admin": "admin", "dispatcher": "diaodu", "leader": "lingdao", "reporter": "jiaxian"}
OWN_REGION, OTHER_REGION = "甲县", "乙县"
OWN_UNIT, OTHER_UNIT = "甲县人民政府", "乙县人民政府"
_seq = itertools.count(1)


@dataclass
class Target:
    path: dict = field(default_factory=dict)
    body: dict | None = None
    params: dict | None = None


@dataclass
class Case:
    method: str
    route: str  # as declared in FastAPI, e.g. /api/v1/people/{person_id}
    setup: Callable  # (session, ownership: "own"|"other") -> Target
    expect: Callable  # (role, ownership) -> int  (expected HTTP status)
    check: Callable | None = None  # (response, role, ownership, session) -> None, extra assertions

    @property
    def id(self) -> str:
        return f"{self.method} {self.route}"


def unit_id(session, name: str) -> int:
    return session.scalar(select(Unit.id).where(Unit.name == name))


def region_id(session, name: str) -> int:
    return session.scalar(select(Region.id).where(Region.name == name))


def fresh_person(session, ownership: str) -> Person:
    unit = OWN_UNIT if ownership == "own" else OTHER_UNIT
    region = OWN_REGION if ownership == "own" else OTHER_REGION
    session.info["actor"] = Actor.system("matrix-setup")
    person = Person(name="测试联系人", title="科员", unit_id=unit_id(session, unit), region_id=region_id(session, region))
    session.add(person)
    session.flush()
    return person


def user_id(session, username: str) -> int:
    return session.scalar(select(User.id).where(User.username == username))


def writers(role, ownership, ok=200):
    """Admins and dispatchers write anything; the reporter only own rows (other: hidden, 404)."""
    if role in ("admin", "dispatcher"):
        return ok
    if role == "reporter":
        return ok if ownership == "own" else 404
    return 403


def readers(role, ownership, ok=200):
    if role == "reporter" and ownership == "other":
        return 404
    return ok


def everyone(ok=200):
    return lambda role, ownership: ok


def org_editors(ok):
    return lambda role, ownership: ok if role in ("admin", "dispatcher") else 403


def admins_only(ok):
    return lambda role, ownership: ok if role == "admin" else 403


def _no_target(session, ownership):
    return Target()


def _region_target(session, ownership):
    return Target(path={"region_id": region_id(session, OWN_REGION if ownership == "own" else OTHER_REGION)})


def _unit_target(session, ownership):
    return Target(path={"unit_id": unit_id(session, OWN_UNIT if ownership == "own" else OTHER_UNIT)})


def _new_region(session, ownership):
    return Target(body={"name": f"新园区{next(_seq)}", "kind": "park",
                        "parent_id": region_id(session, OWN_REGION if ownership == "own" else OTHER_REGION)})


def _leaf_region(session, ownership):
    session.info["actor"] = Actor.system("matrix-setup")
    parent = region_id(session, OWN_REGION if ownership == "own" else OTHER_REGION)
    region = Region(name=f"待删乡{next(_seq)}", kind="town", parent_id=parent)
    session.add(region)
    session.flush()
    return Target(path={"region_id": region.id})


def _leaf_unit(session, ownership):
    session.info["actor"] = Actor.system("matrix-setup")
    region = region_id(session, OWN_REGION if ownership == "own" else OTHER_REGION)
    unit = Unit(name=f"待删单位{next(_seq)}", kind="office", region_id=region)
    session.add(unit)
    session.flush()
    return Target(path={"unit_id": unit.id})


def _person_target(session, ownership, body=None):
    return Target(path={"person_id": fresh_person(session, ownership).id}, body=body)


def _new_person(session, ownership):
    unit = OWN_UNIT if ownership == "own" else OTHER_UNIT
    return Target(body={"name": "新联系人", "unit_id": unit_id(session, unit)})


def _user_target(session, ownership, body=None):
    # "own" is the acting reporter's own account, "other" somebody else's.
    return Target(path={"user_id": user_id(session, "jiaxian" if ownership == "own" else "yixian")}, body=body)


def _comment_target(session, ownership, post=False):
    person = fresh_person(session, ownership)
    if post:
        return Target(body={"entity": "person", "entity_id": person.id, "text": "请抓紧落实"})
    return Target(params={"entity": "person", "entity_id": person.id})


def _reporter_unit_patch(role, ownership):
    if role in ("admin", "dispatcher"):
        return 200
    if role == "reporter":
        return 200 if ownership == "own" else 403
    return 403


def _people_list_check(response, role, ownership, session):
    ids = {p["unit_id"] for p in response.json()}
    if role == "reporter":
        assert ids <= {unit_id(session, OWN_UNIT)}, "a reporter must only list their own unit's people"
    else:
        assert unit_id(session, OTHER_UNIT) in ids


def _password_expect(role, ownership):
    if role == "admin":
        return 204
    return 204 if (role == "reporter" and ownership == "own") else 403


def _password_target(session, ownership):
    from diaodu.core.demo import DEMO_PASSWORD
    from diaodu.core.users import hash_password

    for name in ("jiaxian", "yixian"):  # an earlier attempt in the loop may have changed it
        session.get(User, user_id(session, name)).password_hash = hash_password(DEMO_PASSWORD)
    return _user_target(session, ownership, body={"new_password": "Xinmima#2026", "old_password": DEMO_PASSWORD})


CASES: list[Case] = [
    Case("GET", "/api/v1/auth/me", _no_target, everyone()),
    Case("GET", "/api/v1/regions", _no_target, everyone()),
    Case("GET", "/api/v1/regions/{region_id}", _region_target, everyone()),
    Case("POST", "/api/v1/regions", _new_region, org_editors(201)),
    Case("PATCH", "/api/v1/regions/{region_id}", lambda s, o: Target(path=_region_target(s, o).path, body={"code": "X1"}),
         org_editors(200)),
    Case("DELETE", "/api/v1/regions/{region_id}", _leaf_region, org_editors(204)),
    Case("GET", "/api/v1/peer-groups", _no_target, everyone()),
    Case("GET", "/api/v1/units", _no_target, everyone()),
    Case("GET", "/api/v1/units/{unit_id}", _unit_target, everyone()),
    Case("POST", "/api/v1/units", lambda s, o: Target(body={"name": f"新专班{next(_seq)}", "kind": "team"}), org_editors(201)),
    Case("PATCH", "/api/v1/units/{unit_id}", lambda s, o: Target(path=_unit_target(s, o).path, body={"phone": "123"}),
         _reporter_unit_patch),
    Case("DELETE", "/api/v1/units/{unit_id}", _leaf_unit, org_editors(204)),
    Case("GET", "/api/v1/people", _no_target, everyone(), check=_people_list_check),
    Case("GET", "/api/v1/people/{person_id}", _person_target, readers),
    Case("POST", "/api/v1/people", _new_person,
         lambda r, o: 201 if r in ("admin", "dispatcher") or (r == "reporter" and o == "own") else 403),
    Case("PATCH", "/api/v1/people/{person_id}", lambda s, o: _person_target(s, o, body={"phone": "13800000000"}),
         writers),
    Case("DELETE", "/api/v1/people/{person_id}", _person_target, lambda r, o: writers(r, o, 204)),
    Case("GET", "/api/v1/users", _no_target, admins_only(200)),
    Case("GET", "/api/v1/users/{user_id}", _user_target, admins_only(200)),
    Case("POST", "/api/v1/users", lambda s, o: Target(body={"username": f"newuser{next(_seq)}", "password": "Xinmima#2026",
                                                            "role": "leader"}), admins_only(201)),
    Case("PATCH", "/api/v1/users/{user_id}", lambda s, o: _user_target(s, o, body={"display_name": "改名"}),
         admins_only(200)),
    Case("POST", "/api/v1/users/{user_id}/password", _password_target, _password_expect),
    Case("GET", "/api/v1/audit", _no_target, admins_only(200)),
    Case("GET", "/api/v1/comments", _comment_target, readers),
    Case("POST", "/api/v1/comments", lambda s, o: _comment_target(s, o, post=True), lambda r, o: readers(r, o, 201)),
]

# Routes outside the matrix, with the reason (tested in test_auth.py).
EXEMPT = {
    ("POST", "/api/v1/auth/login"): "public: login",
    ("POST", "/api/v1/auth/logout"): "ends the caller's own session",
}


def _module_cases() -> None:
    """Modules append their routes from ``tests/support/matrix_<module>.py`` (``CASES`` list)."""
    import importlib

    for name in ("speech", "monitor", "tasks", "projects"):
        try:
            module = importlib.import_module(f"tests.support.matrix_{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.support.matrix_{name}":
                raise
            continue
        CASES.extend(module.CASES)
        EXEMPT.update(getattr(module, "EXEMPT", {}))


_module_cases()
