"""client search terms compare bytewise on PostgreSQL

Client search finds a typed word by a range over client_search_term.term (term >= 'gar' and
term < 'gar' + U+10FFFF). SQLite compares text bytewise; a PostgreSQL database usually has a
linguistic default collation, under which such a range is not a prefix match and the index
can't serve it. COLLATE "C" makes the server compare as SQLite does. Nothing to do on SQLite.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column(
        'client_search_term', 'term',
        existing_type=sa.String(length=254), existing_nullable=False,
        type_=sa.String(length=254, collation="C"),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column(
        'client_search_term', 'term',
        existing_type=sa.String(length=254, collation="C"), existing_nullable=False,
        type_=sa.String(length=254),
    )
