"""one pending claim per task (partial unique index), PDF active content flag

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 18:45:00

Existing data is kept. Should a database already hold several pending claims for one
task (possible before this index, through racing submissions), every pending claim but the
newest is marked withdrawn (at the time it was filed) first, so that the index can be
created.
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text(
        "UPDATE completion_claims SET state = 'withdrawn', decided_at = created_at, "
        "version = version + 1 "
        "WHERE state = 'pending' AND id NOT IN ("
        "SELECT max(id) FROM completion_claims WHERE state = 'pending' GROUP BY task_id)"))
    with op.batch_alter_table('completion_claims', schema=None) as batch_op:
        batch_op.create_index('uq_completion_claims_one_pending', ['task_id'], unique=True,
                              sqlite_where=sa.text("state = 'pending'"),
                              postgresql_where=sa.text("state = 'pending'"))
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pdf_active_content', sa.String(length=255),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.drop_column('pdf_active_content')
    with op.batch_alter_table('completion_claims', schema=None) as batch_op:
        batch_op.drop_index('uq_completion_claims_one_pending')
