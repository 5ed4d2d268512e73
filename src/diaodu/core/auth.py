"""Login, sessions and throttling.

The cookie carries a random token; the database stores its SHA-256 with the user, expiry and
the CSRF token that state-changing API calls must echo in ``X-CSRF-Token``. Failed logins lock an
account after ``login_max_failures`` within the window; a client address is throttled after
``login_ip_max_failures`` failures recorded in the audit log within the window (so it holds across
server processes and restarts).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from diaodu.core.audit import Actor, log_event
from diaodu.core.config import Settings
from diaodu.core.db import utcnow
from diaodu.core.errors import NotAuthenticated, TooManyAttempts
from diaodu.core.models import AuditLog, LoginSession, User
from diaodu.core.org import region_subtree_ids
from diaodu.core.users import dummy_hash, get_by_username, verify_password

LOGIN_FAILED = "用户名或密码错误"


def _ip_failures(session: Session, ip: str, since) -> int:
    """Failed logins from ``ip`` since ``since``, from the audit log (every failure is recorded
    there), so the throttle holds across server processes and restarts."""
    return session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.at >= since, AuditLog.action == "login_failed", AuditLog.ip == ip)) or 0


def _aware(value):
    if value is not None and value.tzinfo is None:
        from datetime import timezone

        return value.replace(tzinfo=timezone.utc)
    return value


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login(session: Session, settings: Settings, username: str, password: str, ip: str = "") -> tuple[str, LoginSession]:
    """Check the password and open a session; returns the cookie token and the session row."""
    window = settings.login_window_minutes * 60
    now = utcnow()
    if ip and _ip_failures(session, ip, now - timedelta(seconds=window)) >= settings.login_ip_max_failures:
        raise TooManyAttempts("该地址登录失败次数过多，请稍后再试")
    user = get_by_username(session, username or "")
    if user is None or not user.active:
        verify_password(dummy_hash(), password or "")
        log_event(session, "login_failed", "app_user", None, note=f"用户名：{(username or '')[:50]}",
                  actor=Actor(user_id=None, username=(username or "")[:50], role="", ip=ip))
        session.commit()  # the failure must be on record although the request fails
        raise NotAuthenticated(LOGIN_FAILED)
    locked_until = _aware(user.locked_until)
    if locked_until is not None and locked_until > now:
        minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
        raise TooManyAttempts(f"账户已锁定，请 {minutes} 分钟后再试")
    actor = Actor(user_id=user.id, username=user.username, role=user.role, ip=ip)
    if not verify_password(user.password_hash, password or ""):
        first = _aware(user.first_failed_at)
        if first is None or (now - first).total_seconds() > window:
            user.failed_logins, user.first_failed_at = 0, now
        user.failed_logins += 1
        if user.failed_logins >= settings.login_max_failures:
            user.locked_until = now + timedelta(minutes=settings.login_lock_minutes)
            user.failed_logins, user.first_failed_at = 0, None
        session.info["actor"] = actor
        session.flush()
        log_event(session, "login_failed", "app_user", user.id, actor=actor)
        session.commit()  # keep the failure count although the request fails
        raise NotAuthenticated(LOGIN_FAILED)
    user.failed_logins, user.first_failed_at, user.locked_until = 0, None, None
    user.last_login_at = now
    token = secrets.token_urlsafe(32)
    row = LoginSession(token_hash=_hash(token), csrf_token=secrets.token_urlsafe(24), user_id=user.id,
                       created_at=now, expires_at=now + timedelta(hours=settings.session_hours), ip=ip)
    session.add(row)
    session.info["actor"] = actor
    session.flush()
    log_event(session, "login", "app_user", user.id, actor=actor)
    return token, row


def session_for_token(session: Session, token: str | None) -> LoginSession | None:
    if not token:
        return None
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == _hash(token)))
    if row is None or _aware(row.expires_at) <= utcnow() or not row.user.active:
        return None
    return row


def actor_for(session: Session, user: User, ip: str | None = None) -> Actor:
    scope: frozenset[int] = frozenset()
    unit = user.unit
    if unit is not None and unit.is_government and unit.region_id is not None:
        scope = region_subtree_ids(session, unit.region_id)
    return Actor(user_id=user.id, username=user.username, role=user.role, unit_id=user.unit_id,
                 region_id=unit.region_id if unit else None, scope_region_ids=scope,
                 unit_name=unit.name if unit else None, display_name=user.display_name or user.username, ip=ip)


def actor_for_token(session: Session, token: str | None, ip: str | None = None) -> tuple[Actor, LoginSession]:
    row = session_for_token(session, token)
    if row is None:
        raise NotAuthenticated()
    return actor_for(session, row.user, ip), row


def logout(session: Session, token: str | None) -> None:
    row = session_for_token(session, token)
    if row is not None:
        log_event(session, "logout", "app_user", row.user_id,
                  actor=Actor(user_id=row.user_id, username=row.user.username, role=row.user.role))
        session.delete(row)
        session.flush()


def purge_expired(session: Session) -> int:
    result = session.execute(delete(LoginSession).where(LoginSession.expires_at < utcnow()))
    return result.rowcount or 0
