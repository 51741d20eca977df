"""unit head (#16): head role and office-head flag, head confirmation of claims and reports,
claim chain, KPI values in progress reports, review time limits and the holiday calendar

Revision ID: 0009
Revises: 0007
Create Date: 2026-11-24 21:00:00

Existing data is kept: existing claims count as confirmed (they keep their state and need no
confirmation row), plans from before keep today's flow (the head's confirmation is on by
default only for plans created from now on). Triggers make a confirmation and the files
attached to a claim immutable on both backends.
"""
from alembic import op
import sqlalchemy as sa

from db.base import UtcDateTime


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

OPEN_BEFORE = "state = 'pending'"
OPEN_AFTER = "state IN ('pending', 'awaiting_head')"
CONFIRMATION_FROZEN = "Xác nhận của thủ trưởng không được sửa đổi."
FILE_FROZEN = "File minh chứng đã nộp kèm đề nghị không được thay đổi."
NO_LATE_ATTACH = "Không được thêm file vào đề nghị đã được thủ trưởng xác nhận."

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER trg_claim_confirmations_frozen BEFORE UPDATE ON claim_confirmations
    BEGIN SELECT RAISE(ABORT, '{CONFIRMATION_FROZEN}'); END""",
    f"""CREATE TRIGGER trg_report_confirmations_frozen BEFORE UPDATE ON report_confirmations
    BEGIN SELECT RAISE(ABORT, '{CONFIRMATION_FROZEN}'); END""",
    f"""CREATE TRIGGER trg_evidence_files_frozen BEFORE UPDATE ON evidence_files
    WHEN OLD.claim_id IS NOT NULL AND (NEW.claim_id IS NOT OLD.claim_id
         OR NEW.sha256 IS NOT OLD.sha256 OR NEW.object_key IS NOT OLD.object_key
         OR NEW.size_bytes IS NOT OLD.size_bytes)
    BEGIN SELECT RAISE(ABORT, '{FILE_FROZEN}'); END""",
    f"""CREATE TRIGGER trg_evidence_files_no_late_attach BEFORE UPDATE ON evidence_files
    WHEN OLD.claim_id IS NULL AND NEW.claim_id IS NOT NULL
         AND EXISTS (SELECT 1 FROM claim_confirmations WHERE claim_id = NEW.claim_id)
    BEGIN SELECT RAISE(ABORT, '{NO_LATE_ATTACH}'); END""",
)
POSTGRES_TRIGGERS = (
    """CREATE FUNCTION portal_refuse_update() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$ LANGUAGE plpgsql""",
    f"""CREATE FUNCTION portal_evidence_frozen() RETURNS trigger AS $$
    BEGIN
      IF OLD.claim_id IS NOT NULL AND (NEW.claim_id IS DISTINCT FROM OLD.claim_id
         OR NEW.sha256 IS DISTINCT FROM OLD.sha256
         OR NEW.object_key IS DISTINCT FROM OLD.object_key
         OR NEW.size_bytes IS DISTINCT FROM OLD.size_bytes) THEN
        RAISE EXCEPTION '{FILE_FROZEN}';
      END IF;
      IF OLD.claim_id IS NULL AND NEW.claim_id IS NOT NULL AND EXISTS (
         SELECT 1 FROM claim_confirmations WHERE claim_id = NEW.claim_id) THEN
        RAISE EXCEPTION '{NO_LATE_ATTACH}';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER trg_claim_confirmations_frozen BEFORE UPDATE ON claim_confirmations
    FOR EACH ROW EXECUTE FUNCTION portal_refuse_update('{CONFIRMATION_FROZEN}')""",
    f"""CREATE TRIGGER trg_report_confirmations_frozen BEFORE UPDATE ON report_confirmations
    FOR EACH ROW EXECUTE FUNCTION portal_refuse_update('{CONFIRMATION_FROZEN}')""",
    """CREATE TRIGGER trg_evidence_files_frozen BEFORE UPDATE ON evidence_files
    FOR EACH ROW EXECUTE FUNCTION portal_evidence_frozen()""",
)


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_office_head', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('require_head_confirmation', sa.Boolean(),
                                      nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('require_head_report_confirmation', sa.Boolean(),
                                      nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('review_working_days', sa.Integer(), nullable=False,
                                      server_default='5'))
    with op.batch_alter_table('progress_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kpi_value', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('kpi_numerator', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('kpi_denominator', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('percent_override_reason', sa.Text(), nullable=True))
    op.drop_index('uq_completion_claims_one_pending', table_name='completion_claims')
    with op.batch_alter_table('completion_claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follows_claim_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('returned_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('return_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_completion_claims_returned_by_id_users'),
            'users', ['returned_by_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_completion_claims_follows_claim_id'),
                              ['follows_claim_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_completion_claims_follows_claim_id_completion_claims'),
            'completion_claims', ['follows_claim_id'], ['id'])
    op.create_index('uq_completion_claims_one_pending', 'completion_claims', ['task_id'],
                    unique=True, sqlite_where=sa.text(OPEN_AFTER),
                    postgresql_where=sa.text(OPEN_AFTER))
    op.create_table(
        'claim_confirmations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('claim_id', sa.Integer(), nullable=False),
        sa.Column('head_id', sa.Integer(), nullable=False),
        sa.Column('files', sa.JSON(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('confirmed_at', UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['claim_id'], ['completion_claims.id'],
                                name=op.f('fk_claim_confirmations_claim_id_completion_claims')),
        sa.ForeignKeyConstraint(['head_id'], ['users.id'],
                                name=op.f('fk_claim_confirmations_head_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_confirmations')),
        sa.UniqueConstraint('claim_id', name=op.f('uq_claim_confirmations_claim_id')),
    )
    op.create_table(
        'report_confirmations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('head_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('confirmed_at', UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['report_id'], ['progress_reports.id'],
                                name=op.f('fk_report_confirmations_report_id_progress_reports')),
        sa.ForeignKeyConstraint(['head_id'], ['users.id'],
                                name=op.f('fk_report_confirmations_head_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_confirmations')),
        sa.UniqueConstraint('report_id', name=op.f('uq_report_confirmations_report_id')),
    )
    op.create_table(
        'holidays',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_holidays')),
        sa.UniqueConstraint('day', name=op.f('uq_holidays_day')),
    )
    triggers = SQLITE_TRIGGERS if op.get_bind().dialect.name == 'sqlite' else POSTGRES_TRIGGERS
    for statement in triggers:
        op.execute(sa.text(statement))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('trg_evidence_files_no_late_attach', 'trg_evidence_files_frozen'):
            op.execute(sa.text(f'DROP TRIGGER IF EXISTS {name}'))
    else:
        op.execute(sa.text('DROP TRIGGER IF EXISTS trg_evidence_files_frozen ON evidence_files'))
        op.execute(sa.text('DROP FUNCTION IF EXISTS portal_evidence_frozen()'))
    op.drop_table('holidays')
    op.drop_table('report_confirmations')
    op.drop_table('claim_confirmations')
    if op.get_bind().dialect.name != 'sqlite':
        op.execute(sa.text('DROP FUNCTION IF EXISTS portal_refuse_update()'))
    # Claims waiting for a head or returned by one have no place in the older schema:
    # they are recorded as withdrawn.
    op.execute(sa.text("UPDATE completion_claims SET state = 'withdrawn', "
                       "decided_at = coalesce(decided_at, created_at) "
                       "WHERE state IN ('awaiting_head', 'returned')"))
    op.drop_index('uq_completion_claims_one_pending', table_name='completion_claims')
    with op.batch_alter_table('completion_claims', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_completion_claims_follows_claim_id_completion_claims'),
            type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_completion_claims_returned_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_completion_claims_follows_claim_id'))
        for column in ('return_reason', 'returned_by_id', 'follows_claim_id'):
            batch_op.drop_column(column)
    op.create_index('uq_completion_claims_one_pending', 'completion_claims', ['task_id'],
                    unique=True, sqlite_where=sa.text(OPEN_BEFORE),
                    postgresql_where=sa.text(OPEN_BEFORE))
    with op.batch_alter_table('progress_reports', schema=None) as batch_op:
        for column in ('percent_override_reason', 'kpi_denominator', 'kpi_numerator',
                       'kpi_value'):
            batch_op.drop_column(column)
    with op.batch_alter_table('plans', schema=None) as batch_op:
        for column in ('review_working_days', 'require_head_report_confirmation',
                       'require_head_confirmation'):
            batch_op.drop_column(column)
    op.execute(sa.text("UPDATE users SET role = 'unit_member' WHERE role = 'unit_head'"))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('is_office_head')
