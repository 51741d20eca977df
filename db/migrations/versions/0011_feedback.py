"""progress reports and warning lists: request tokens so that a repeated submission files
one report and a repeated publish answers with the list already published

Revision ID: 0011
Revises: 0007
Create Date: 2026-11-24 21:05:00

Nullable columns with unique indexes: existing rows keep a null token (nulls never
collide), so existing data is untouched.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('progress_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_token', sa.String(length=64), nullable=True))
        batch_op.create_index('uq_progress_reports_request_token', ['request_token'],
                              unique=True)
    with op.batch_alter_table('warning_lists', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(op.f('uq_warning_lists_request_token'),
                                          ['request_token'])


def downgrade() -> None:
    with op.batch_alter_table('warning_lists', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('uq_warning_lists_request_token'), type_='unique')
        batch_op.drop_column('request_token')
    with op.batch_alter_table('progress_reports', schema=None) as batch_op:
        batch_op.drop_index('uq_progress_reports_request_token')
        batch_op.drop_column('request_token')
