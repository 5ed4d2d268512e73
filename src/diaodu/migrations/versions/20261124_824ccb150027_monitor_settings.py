"""monitor settings (the warning thresholds), watched by the board's data token

Revision ID: 824ccb150027
Revises: 61f875a3fffd
Create Date: 2026-11-24 10:00:00
"""
import sqlalchemy as sa
from alembic import op

from diaodu.monitor.dbtriggers import create_token_triggers, drop_token_triggers

revision = '824ccb150027'
down_revision = '61f875a3fffd'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'monitor_setting',
        sa.Column('key', sa.String(length=50), nullable=False),
        sa.Column('value', sa.JSON(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_monitor_setting')),
    )
    create_token_triggers(op, 'monitor_setting')


def downgrade() -> None:
    drop_token_triggers(op, 'monitor_setting')
    op.drop_table('monitor_setting')
