"""SQL for the board's data token (``monitor_state.token``), used by the migrations.

Each watched table gets triggers that replace the token with a random value in the same
transaction as any change to it: one statement-level trigger on PostgreSQL (calling
``monitor_state_renew()``, created by the ``monitor_board_state`` migration), three row-level
triggers on SQLite. Kept here, not in a migration file, so later migrations that watch a new
table or recreate one (an SQLite batch migration drops a table's triggers) use the same SQL.
"""

from __future__ import annotations

PG_TOKEN = "md5(random()::text || clock_timestamp()::text)"
SQLITE_TOKEN = "lower(hex(randomblob(16)))"


def create_token_triggers(op, table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE TRIGGER monitor_state_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                   f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION monitor_state_renew()")
    else:
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER monitor_state_{table}_{event.lower()} AFTER {event} ON {table} "
                       f"BEGIN UPDATE monitor_state SET token = {SQLITE_TOKEN}; END")


def drop_token_triggers(op, table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS monitor_state_{table} ON {table}")
    else:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS monitor_state_{table}_{event}")
