"""the audit trail is append-only in the database too

Triggers refuse any DELETE of an audit entry (and TRUNCATE on PostgreSQL), and any UPDATE but
one: the redaction of an erased client's entries (`studio.audit.redact_client`), which may only
set `summary` to "(erased)" and `details` to "(erased)" or NULL on an entry about a client
(client_id set, or a client record's own entry), leaving every other column as it was.

A later migration that rebuilds audit_entry on SQLite (batch "move and copy") drops these
triggers with the old table and must create them again.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

ERASED = "(erased)"

# The one UPDATE allowed, in SQL both databases read (IS compares NULLs as equal on SQLite,
# IS NOT DISTINCT FROM on PostgreSQL). A condition that comes out NULL is a refusal on both.
def _redaction_only(same: str) -> str:
    unchanged = " AND ".join(
        f"NEW.{column} {same} OLD.{column}"
        for column in ("id", "at", "staff_id", "who", "desk", "action", "record_type", "record_id", "client_id")
    )
    return (
        f"(OLD.client_id IS NOT NULL OR OLD.record_type {same} 'client') "
        f"AND NEW.summary = '{ERASED}' AND (NEW.details IS NULL OR NEW.details = '{ERASED}') AND {unchanged}"
    )


SQLITE_UP = (
    f"""
    CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
    FOR EACH ROW WHEN coalesce(NOT ({_redaction_only("IS")}), 1)
    BEGIN
        SELECT RAISE(ABORT, 'The audit trail can only be added to: its entries are never changed.');
    END
    """,
    """
    CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
    BEGIN
        SELECT RAISE(ABORT, 'The audit trail can only be added to: its entries are never deleted.');
    END
    """,
)
SQLITE_DOWN = ("DROP TRIGGER IF EXISTS audit_entry_no_delete", "DROP TRIGGER IF EXISTS audit_entry_no_update")

POSTGRES_UP = (
    f"""
    CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            IF {_redaction_only("IS NOT DISTINCT FROM")} THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'The audit trail can only be added to: its entries are never changed.'
                USING ERRCODE = 'restrict_violation';
        END IF;
        RAISE EXCEPTION 'The audit trail can only be added to: its entries are never deleted.'
            USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()
    """,
    """
    CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()
    """,
)
POSTGRES_DOWN = (
    "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_entry",
    "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry",
    "DROP FUNCTION IF EXISTS audit_entry_append_only()",
)


def upgrade() -> None:
    statements = POSTGRES_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    statements = POSTGRES_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN
    for statement in statements:
        op.execute(statement)
