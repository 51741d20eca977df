"""evidence signatures: structured validation result of the PDF signatures

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 18:55:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing rows keep NULL ("not validated yet"); `portal revalidate-evidence` fills them.
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pdf_signatures', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.drop_column('pdf_signatures')
