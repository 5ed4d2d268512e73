"""Settings from environment variables and an optional ``diaodu.toml``.

Precedence: environment (``DIAODU_*``) > ``diaodu.toml`` > defaults. The TOML file is looked up
at ``$DIAODU_CONFIG`` or ``./diaodu.toml``. The secret key, when absent from both, is read from
``<var_dir>/secret.key``; ``diaodu init`` generates that file on first run.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path

DEFAULT_VAR_DIR = Path("var")


@dataclass(frozen=True)
class Settings:
    database_url: str = ""
    var_dir: Path = DEFAULT_VAR_DIR
    secret_key: str = ""
    session_hours: float = 12.0
    upload_dir: Path = Path("")
    log_level: str = "INFO"
    cookie_secure: bool | None = None  # None: Secure when the request came over https
    login_max_failures: int = 5  # per account, within login_window_minutes
    login_ip_max_failures: int = 20  # per client address, within login_window_minutes
    login_window_minutes: int = 15
    login_lock_minutes: int = 15
    demo: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def secret_file(self) -> Path:
        return self.var_dir / "secret.key"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


_ENV = {
    "database_url": "DIAODU_DATABASE_URL",
    "var_dir": "DIAODU_VAR_DIR",
    "secret_key": "DIAODU_SECRET_KEY",
    "session_hours": "DIAODU_SESSION_HOURS",
    "upload_dir": "DIAODU_UPLOAD_DIR",
    "log_level": "DIAODU_LOG_LEVEL",
    "cookie_secure": "DIAODU_COOKIE_SECURE",
    "login_max_failures": "DIAODU_LOGIN_MAX_FAILURES",
    "login_ip_max_failures": "DIAODU_LOGIN_IP_MAX_FAILURES",
    "login_window_minutes": "DIAODU_LOGIN_WINDOW_MINUTES",
    "login_lock_minutes": "DIAODU_LOGIN_LOCK_MINUTES",
}


def _coerce(name: str, raw):
    kinds = {f.name: f.type for f in fields(Settings)}
    kind = kinds[name]
    if raw is None:
        return None
    if "Path" in str(kind):
        return Path(raw)
    if "bool" in str(kind):
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("", "auto"):
            return None
        return text in ("1", "true", "yes", "on")
    if kind in ("float", float):
        return float(raw)
    if kind in ("int", int):
        return int(raw)
    return str(raw)


def load_settings(env: dict | None = None, toml_path: Path | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    values: dict = {}
    path = toml_path or Path(env.get("DIAODU_CONFIG", "diaodu.toml"))
    if path.is_file():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        section = data.get("diaodu", data)
        for key, raw in section.items():
            if key in _ENV:
                values[key] = _coerce(key, raw)
    for key, var in _ENV.items():
        if var in env:
            values[key] = _coerce(key, env[var])
    settings = Settings(**values)
    if not settings.database_url:
        db_file = (settings.var_dir / "diaodu.db").resolve()
        settings = replace(settings, database_url=f"sqlite:///{db_file}")
    if settings.upload_dir == Path(""):
        settings = replace(settings, upload_dir=settings.var_dir / "uploads")
    if not settings.secret_key and settings.secret_file.is_file():
        settings = replace(settings, secret_key=settings.secret_file.read_text().strip())
    return settings


def ensure_secret(settings: Settings) -> Settings:
    """Generate and store the secret key on first ``init`` (file mode 0600)."""
    if settings.secret_key:
        return settings
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    settings.secret_file.write_text(key + "\n", encoding="utf-8")
    os.chmod(settings.secret_file, 0o600)
    return replace(settings, secret_key=key)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
