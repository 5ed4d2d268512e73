"""Alembic driven from code: ``diaodu db upgrade`` and the tests use these."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from diaodu.core.db import make_engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    return cfg


def ensure_sqlite_dir(url: str) -> None:
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)


def upgrade(url: str, revision: str = "heads") -> None:
    """Create or upgrade the schema; running it again changes nothing (idempotent).

    Each module keeps its own migration branch off the foundation revision, so ``heads``."""
    ensure_sqlite_dir(url)
    command.upgrade(alembic_config(url), revision)


def current_revisions(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return set(MigrationContext.configure(conn).get_current_heads())
    finally:
        engine.dispose()


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def revision(message: str, branch: str | None = None, rev_id: str | None = None) -> None:
    """Developers: autogenerate a migration from the models (against a scratch SQLite database).

    A module's first migration starts its own branch: ``branch="monitor"`` with the foundation
    revision as parent; later ones continue from that branch's head."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/scratch.db"
        upgrade(url)
        cfg = alembic_config(url)
        head = None
        if branch:
            script = ScriptDirectory.from_config(cfg)
            labelled = [r for r in script.get_revisions("heads") if branch in (r.branch_labels or set())]
            labelled += [r for r in script.walk_revisions() if branch in (r.branch_labels or set())]
            head = f"{branch}@head" if labelled else "0001"
        new_branch = bool(branch) and head == "0001"
        command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id, head=head,
                         splice=new_branch, branch_label=branch if new_branch else None)


def table_names(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        return sorted(inspect(engine).get_table_names())
    finally:
        engine.dispose()
