"""notices: the digest of the signed revision, so a lawful LTV update keeps a notice recognised

Revision ID: a3c5e7f9b1d2
Revises: f2a7b9c1d3e5
Create Date: 2026-11-29 10:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a3c5e7f9b1d2'
down_revision = 'f2a7b9c1d3e5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('issued_notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision_sha256', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_issued_notice_revision_sha256'), ['revision_sha256'], unique=False)


def downgrade():
    with op.batch_alter_table('issued_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_notice_revision_sha256'))
        batch_op.drop_column('revision_sha256')
