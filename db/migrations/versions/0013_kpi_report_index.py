"""kpi report index: the newest report of a task that gives a KPI value

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25 00:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

_ONLY_WITH_VALUE = sa.text('kpi_value IS NOT NULL')


def upgrade() -> None:
    # An index only: existing rows are kept as they are. Most reports carry no KPI value, so
    # without it "the newest report with a value" reads every report of the task.
    op.create_index('ix_progress_reports_task_id_id_kpi', 'progress_reports', ['task_id', 'id'],
                    postgresql_where=_ONLY_WITH_VALUE, sqlite_where=_ONLY_WITH_VALUE)


def downgrade() -> None:
    op.drop_index('ix_progress_reports_task_id_id_kpi', table_name='progress_reports')
