"""The same Alembic migrations build the schema on SQLite and PostgreSQL, idempotently, and match
the models exactly."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import diaodu.models  # noqa: F401
from diaodu.core import migrate
from diaodu.core.db import Base, make_engine


def test_upgrade_is_idempotent_and_complete(empty_url):
    before = migrate.table_names(empty_url)
    migrate.upgrade(empty_url)  # second run on an up-to-date database
    after = migrate.table_names(empty_url)
    assert before == after
    assert set(Base.metadata.tables) <= set(after)
    assert migrate.current_revisions(empty_url) == migrate.head_revisions()


def test_models_and_migrations_agree(empty_url):
    engine = make_engine(empty_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == [], f"models differ from migrations: {diff}"
