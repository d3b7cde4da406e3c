"""changed_by: which desk saved each row last

A save refused because another desk changed the record says who did it and when
("Changed by FRONT-DESK (maria) at 14:32"); rows saved before this revision say nothing.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 00:40:28.872524
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# Every table whose model is `Versioned` (studio.models.base).
TABLES = (
    'assessment', 'client', 'clinician', 'document', 'medical_clearance', 'program', 'program_item',
    'referral', 'session_log', 'staff', 'studio_profile',
)


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('changed_by', sa.String(length=120), nullable=True))


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('changed_by')
