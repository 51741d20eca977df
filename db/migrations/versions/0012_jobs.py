"""jobs: background exports and publishing with their progress and result

Revision ID: 0012
Revises: 0007
Create Date: 2026-11-24 21:00:00
"""
from alembic import op
import sqlalchemy as sa

from db.base import UtcDateTime


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table only: existing data is untouched.
    op.create_table(
        'jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('message', sa.Text(), nullable=True),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('requested_at', UtcDateTime(), nullable=False),
        sa.Column('started_at', UtcDateTime(), nullable=True),
        sa.Column('finished_at', UtcDateTime(), nullable=True),
        sa.Column('heartbeat_at', UtcDateTime(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('worker', sa.String(length=128), nullable=True),
        sa.Column('result_key', sa.String(length=512), nullable=True),
        sa.Column('result_name', sa.String(length=255), nullable=True),
        sa.Column('result_type', sa.String(length=128), nullable=True),
        sa.Column('result_size', sa.Integer(), nullable=True),
        sa.Column('result', sa.JSON(none_as_null=True), nullable=True),
        sa.CheckConstraint("state in ('pending', 'running', 'done', 'failed')",
                           name=op.f('ck_jobs_state')),
        sa.CheckConstraint('progress >= 0 and progress <= 100',
                           name=op.f('ck_jobs_progress')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'],
                                name=op.f('fk_jobs_requested_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
    )
    op.create_index('ix_jobs_requested_by_id_kind', 'jobs', ['requested_by_id', 'kind'],
                    unique=False)
    op.create_index('ix_jobs_state_heartbeat_at', 'jobs', ['state', 'heartbeat_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_jobs_state_heartbeat_at', table_name='jobs')
    op.drop_index('ix_jobs_requested_by_id_kind', table_name='jobs')
    op.drop_table('jobs')
