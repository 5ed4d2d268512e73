"""Users: argon2 password hashes, password rules, account management (admins only)."""

from __future__ import annotations

import functools
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from diaodu.core import policy
from diaodu.core.audit import Actor, log_event
from diaodu.core.errors import NotFound, ValidationFailed
from diaodu.core.models import Role, Unit, User
from diaodu.core.org import check_version

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def password_problems(password: str, username: str = "") -> list[str]:
    """The password rules, as a list of Chinese messages (empty: acceptable)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"密码至少 {MIN_PASSWORD_LENGTH} 位")
    classes = sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"))
    if classes < 3:
        problems.append("密码须包含大写字母、小写字母、数字、符号中的至少三类")
    if username and username.lower() in password.lower():
        problems.append("密码不能包含用户名")
    return problems


def check_password_rules(password: str, username: str = "") -> None:
    problems = password_problems(password, username)
    if problems:
        raise ValidationFailed("；".join(problems))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@functools.cache
def dummy_hash() -> str:
    """A hash to verify against when the user does not exist, so timing does not reveal it."""
    return _hasher.hash("diaodu-timing-equaliser")


def get_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username.strip()))


def list_users(session: Session, actor: Actor) -> list[User]:
    policy.ensure_admin(actor)
    return list(session.scalars(select(User).order_by(User.id)))


def get_user(session: Session, actor: Actor, user_id: int) -> User:
    policy.ensure_admin(actor)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在")
    return user


def _check_role_unit(session: Session, role: str, unit_id: int | None) -> None:
    if role not in Role.__members__:
        raise ValidationFailed(f"角色“{role}”无效，可选：{'、'.join(Role.__members__)}")
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise ValidationFailed("单位不存在")
    if role == Role.reporter and unit_id is None:
        raise ValidationFailed("填报员必须指定所属单位")


def create_user(session: Session, actor: Actor, *, username: str, password: str, role: str,
                unit_id: int | None = None, display_name: str = "", person_id: int | None = None) -> User:
    policy.ensure_admin(actor)
    username = username.strip()
    if not re.fullmatch(r"[A-Za-z0-9_.\-]{3,50}", username):
        raise ValidationFailed("用户名须为 3–50 位字母、数字、下划线、点或连字符")
    if get_by_username(session, username) is not None:
        raise ValidationFailed(f"用户名“{username}”已存在")
    _check_role_unit(session, role, unit_id)
    check_password_rules(password, username)
    user = User(username=username, password_hash=hash_password(password), role=role, unit_id=unit_id,
                display_name=display_name or username, person_id=person_id)
    session.add(user)
    session.flush()
    return user


def update_user(session: Session, actor: Actor, user_id: int, *, version: int | None = None, **changes) -> User:
    user = get_user(session, actor, user_id)
    check_version(user, version)
    role = changes.get("role", user.role)
    unit_id = changes.get("unit_id", user.unit_id)
    _check_role_unit(session, role, unit_id)
    for key in ("role", "unit_id", "display_name", "active", "person_id"):
        if key in changes:
            setattr(user, key, changes[key])
    if changes.get("active"):
        user.failed_logins, user.locked_until = 0, None
    session.flush()
    return user


def set_password(session: Session, actor: Actor, user_id: int, new_password: str,
                 old_password: str | None = None) -> None:
    """Admins set anyone's password; a user changes their own with the old one."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在")
    if actor.user_id != user.id:
        policy.ensure_admin(actor)
    elif actor.role != Role.admin and not verify_password(user.password_hash, old_password or ""):
        raise ValidationFailed("原密码不正确")
    check_password_rules(new_password, user.username)
    user.password_hash = hash_password(new_password)
    user.failed_logins, user.locked_until = 0, None
    session.flush()
    log_event(session, "password", "app_user", user.id, note=f"修改用户 {user.username} 的密码")
