"""query indexes: latest report/claim per task, reports in a window, queue order, photo
hash bytes, and a
per-plan data version that invalidates cached warning lists

Revision ID: 0010
Revises: 0007
Create Date: 2026-11-24 21:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Indexes and one column with a default only: existing rows are kept as they are.
    op.create_index('ix_progress_reports_task_id_id', 'progress_reports', ['task_id', 'id'])
    op.create_index('ix_progress_reports_task_id_created_at', 'progress_reports',
                    ['task_id', 'created_at'])
    op.create_index('ix_completion_claims_task_id_id', 'completion_claims', ['task_id', 'id'])
    op.create_index('ix_completion_claims_state_created_at', 'completion_claims',
                    ['state', 'created_at', 'id'])
    op.create_index('ix_evidence_files_task_id_id', 'evidence_files', ['task_id', 'id'])
    for n in range(8):
        op.create_index(f'ix_evidence_files_phash_b{n}', 'evidence_files',
                        [sa.text(f'substr(phash, {2 * n + 1}, 2)')])
    with op.batch_alter_table('plans') as batch:
        batch.add_column(sa.Column('data_stamp', sa.Integer(), nullable=False,
                                   server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('plans') as batch:
        batch.drop_column('data_stamp')
    for n in range(8):
        op.drop_index(f'ix_evidence_files_phash_b{n}', table_name='evidence_files')
    op.drop_index('ix_evidence_files_task_id_id', table_name='evidence_files')
    op.drop_index('ix_completion_claims_state_created_at', table_name='completion_claims')
    op.drop_index('ix_completion_claims_task_id_id', table_name='completion_claims')
    op.drop_index('ix_progress_reports_task_id_created_at', table_name='progress_reports')
    op.drop_index('ix_progress_reports_task_id_id', table_name='progress_reports')
