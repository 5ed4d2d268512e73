"""monitor board state: a token that triggers renew on every change the board depends on

Revision ID: 61f875a3fffd
Revises: eb494dc491ba
Create Date: 2026-11-24 09:00:00

The board cache (diaodu/monitor/boardcache.py) keys its entries on monitor_state.token. Database
triggers, not the application, renew it, so every writer counts: the ORM, bulk inserts, COPY, psql.
On PostgreSQL one statement-level trigger per table; SQLite has only row-level triggers.

Beware: a later SQLite batch migration that recreates one of these tables drops its triggers;
re-create them there with diaodu.monitor.dbtriggers.create_token_triggers (tests/monitor/test_monitor_boardcache.py fails if a
watched table stops renewing the token).
"""
import sqlalchemy as sa
from alembic import op

from diaodu.monitor.dbtriggers import PG_TOKEN, SQLITE_TOKEN, create_token_triggers, drop_token_triggers

revision = '61f875a3fffd'
down_revision = 'eb494dc491ba'
branch_labels = None
depends_on = None

WATCHED = ("monitor_observation", "monitor_target", "monitor_indicator", "region")


def upgrade() -> None:
    op.create_table(
        'monitor_state',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('token', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_monitor_state')),
    )
    pg = op.get_bind().dialect.name == "postgresql"
    op.execute(f"INSERT INTO monitor_state (id, token) VALUES (1, {PG_TOKEN if pg else SQLITE_TOKEN})")
    if pg:
        op.execute("CREATE FUNCTION monitor_state_renew() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN UPDATE monitor_state SET token = {PG_TOKEN}; RETURN NULL; END $$")
    for table in WATCHED:
        create_token_triggers(op, table)


def downgrade() -> None:
    for table in WATCHED:
        drop_token_triggers(op, table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS monitor_state_renew()")
    op.drop_table('monitor_state')
