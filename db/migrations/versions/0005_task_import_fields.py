"""task import fields: monitoring unit, task group, extra columns

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 18:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing tasks get empty values; the new deadline kind "plan_year" needs no schema
    # change (the kind is stored as a plain string).
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('monitoring_unit', sa.Text(), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('task_group', sa.Text(), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('extra_fields', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_column('extra_fields')
        batch_op.drop_column('task_group')
        batch_op.drop_column('monitoring_unit')
