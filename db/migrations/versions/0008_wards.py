"""wards as tenants: a wards table and ward_id on what belongs to a ward

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 21:10:00

A database written before wards holds one ward's data. When it holds any, one ward is
created (code from PORTAL_WARD_CODE, default "phuoc-binh"; names from PORTAL_WARD_NAME,
PORTAL_COMMITTEE_NAME and PORTAL_OFFICE_NAME, defaulting to what the portal showed until now)
and every unit, alias, user (but none of the province roles, which did not exist), plan,
warning list, API token and audit event is moved into it. Nothing is deleted. Unit names
become unique per ward instead of across the database.
"""
import os
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

from db.base import UtcDateTime


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# Tables that carry ward_id, and whether it may be null (users: province roles; audit events:
# province-level actions).
WARD_TABLES = {
    'units': False,
    'unit_aliases': False,
    'users': True,
    'plans': False,
    'warning_lists': False,
    'api_tokens': False,
    'audit_events': True,
}


def _holds_data(connection) -> bool:
    return any(connection.execute(sa.text(f'select count(*) from {table}')).scalar()
               for table in WARD_TABLES)


def upgrade() -> None:
    op.create_table(
        'wards',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('committee_name', sa.String(length=255), nullable=False),
        sa.Column('office_name', sa.String(length=255), nullable=False),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('created_at', UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_wards')),
        sa.UniqueConstraint('code', name=op.f('uq_wards_code')),
    )
    for table in WARD_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('ward_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('plans') as batch_op:
        batch_op.add_column(sa.Column('is_pinned', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    connection = op.get_bind()
    if _holds_data(connection):
        code = os.environ.get('PORTAL_WARD_CODE') or 'phuoc-binh'
        wards = sa.table('wards', sa.column('id', sa.Integer), sa.column('code', sa.String),
                         sa.column('name', sa.String), sa.column('committee_name', sa.String),
                         sa.column('office_name', sa.String), sa.column('is_active', sa.Boolean),
                         sa.column('created_at', UtcDateTime))
        connection.execute(wards.insert().values(
            code=code,
            name=os.environ.get('PORTAL_WARD_NAME') or 'Phường Phước Bình',
            committee_name=os.environ.get('PORTAL_COMMITTEE_NAME') or 'Đảng ủy phường Phước Bình',
            office_name=os.environ.get('PORTAL_OFFICE_NAME') or 'Văn phòng Đảng ủy',
            is_active=True, created_at=datetime.now(UTC)))
        ward_id = connection.execute(sa.text('select id from wards where code = :code'),
                                     {'code': code}).scalar_one()
        for table in WARD_TABLES:
            connection.execute(sa.text(f'update {table} set ward_id = :ward'), {'ward': ward_id})
        connection.execute(sa.text('update api_tokens set ward_code = :code'), {'code': code})

    for table, nullable in WARD_TABLES.items():
        with op.batch_alter_table(table) as batch_op:
            if not nullable:
                batch_op.alter_column('ward_id', existing_type=sa.Integer(), nullable=False)
            batch_op.create_foreign_key(op.f(f'fk_{table}_ward_id_wards'), 'wards',
                                        ['ward_id'], ['id'])
            batch_op.create_index(op.f(f'ix_{table}_ward_id'), ['ward_id'], unique=False)
    with op.batch_alter_table('units') as batch_op:
        batch_op.drop_constraint('uq_units_name', type_='unique')
        batch_op.create_unique_constraint(op.f('uq_units_ward_id'), ['ward_id', 'name'])
    with op.batch_alter_table('unit_aliases') as batch_op:
        batch_op.drop_constraint('uq_unit_aliases_normalized', type_='unique')
        batch_op.create_unique_constraint(op.f('uq_unit_aliases_ward_id'),
                                          ['ward_id', 'normalized'])
    with op.batch_alter_table('users') as batch_op:
        batch_op.create_check_constraint(
            'ward_or_province',
            "ward_id IS NOT NULL OR role IN ('province_viewer', 'province_admin')")
    op.create_index('uq_plans_one_pinned', 'plans', ['ward_id'], unique=True,
                    sqlite_where=sa.text('is_pinned'), postgresql_where=sa.text('is_pinned'))


def downgrade() -> None:
    # Only a database holding a single ward goes back: unit names become global again.
    op.drop_index('uq_plans_one_pinned', table_name='plans')
    connection = op.get_bind()
    connection.execute(sa.text(
        "delete from users where role in ('province_viewer', 'province_admin')"))
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_constraint('ward_or_province', type_='check')
    with op.batch_alter_table('unit_aliases') as batch_op:
        batch_op.drop_constraint('uq_unit_aliases_ward_id', type_='unique')
        batch_op.create_unique_constraint('uq_unit_aliases_normalized', ['normalized'])
    with op.batch_alter_table('units') as batch_op:
        batch_op.drop_constraint('uq_units_ward_id', type_='unique')
        batch_op.create_unique_constraint('uq_units_name', ['name'])
    for table in WARD_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(f'ix_{table}_ward_id')
            batch_op.drop_constraint(f'fk_{table}_ward_id_wards', type_='foreignkey')
            batch_op.drop_column('ward_id')
    with op.batch_alter_table('plans') as batch_op:
        batch_op.drop_column('is_pinned')
    op.drop_table('wards')
