"""API tokens and call log, periodic reports, the plan's reporting calendar

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 18:45:00
"""
from alembic import op
import sqlalchemy as sa
import db.base


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('scope', sa.String(length=16), nullable=False),
        sa.Column('ward_code', sa.String(length=32), nullable=True),
        sa.Column('expires_on', sa.Date(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', db.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_api_tokens_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
        sa.UniqueConstraint('name', name=op.f('uq_api_tokens_name')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash')),
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_ward_code'), ['ward_code'], unique=False)

    op.create_table(
        'api_calls',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_id', sa.Integer(), nullable=True),
        sa.Column('token_name', sa.String(length=64), nullable=False),
        sa.Column('endpoint', sa.String(length=255), nullable=False),
        sa.Column('status', sa.Integer(), nullable=False),
        sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['token_id'], ['api_tokens.id'],
                                name=op.f('fk_api_calls_token_id_api_tokens')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_calls')),
    )
    with op.batch_alter_table('api_calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_calls_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_calls_token_id'), ['token_id'], unique=False)

    op.create_table(
        'periodic_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('period_label', sa.String(length=32), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('object_key', sa.String(length=512), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_periodic_reports_created_by_id_users')),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'],
                                name=op.f('fk_periodic_reports_plan_id_plans')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_periodic_reports')),
        sa.UniqueConstraint('object_key', name=op.f('uq_periodic_reports_object_key')),
        sa.UniqueConstraint('plan_id', 'kind', 'period_label', 'version',
                            name=op.f('uq_periodic_reports_plan_id')),
    )
    with op.batch_alter_table('periodic_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_periodic_reports_plan_id'), ['plan_id'],
                              unique=False)

    # Existing plans get the default calendar (server defaults fill the rows).
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_aggregation_day', sa.Integer(), nullable=False,
                                      server_default='19'))
        batch_op.add_column(sa.Column('quarterly_report_day', sa.Integer(), nullable=False,
                                      server_default='30'))
        batch_op.add_column(sa.Column('year_end_report_month', sa.Integer(), nullable=False,
                                      server_default='12'))
        batch_op.add_column(sa.Column('year_end_report_day', sa.Integer(), nullable=False,
                                      server_default='15'))


def downgrade() -> None:
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('year_end_report_day')
        batch_op.drop_column('year_end_report_month')
        batch_op.drop_column('quarterly_report_day')
        batch_op.drop_column('office_aggregation_day')
    with op.batch_alter_table('periodic_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_periodic_reports_plan_id'))
    op.drop_table('periodic_reports')
    with op.batch_alter_table('api_calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_calls_token_id'))
        batch_op.drop_index(batch_op.f('ix_api_calls_created_at'))
    op.drop_table('api_calls')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_ward_code'))
    op.drop_table('api_tokens')
