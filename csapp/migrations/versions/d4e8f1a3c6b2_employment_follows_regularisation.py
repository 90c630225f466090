"""employment follows 转正 (RULES.md D21): the employment column goes, its meaning stays

Revision ID: d4e8f1a3c6b2
Revises: c7d3e9a2b5f4
Create Date: 2026-11-29 08:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'd4e8f1a3c6b2'
down_revision = 'c7d3e9a2b5f4'
branch_labels = None
depends_on = None


def upgrade():
    # A person recorded as 正式 without a 转正 date was regular from the day they were hired.
    op.execute("UPDATE employee SET regularized_on = hired_on WHERE employment = 'regular' AND regularized_on IS NULL")
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.drop_column('employment')


def downgrade():
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('employment', sa.String(length=10), nullable=False, server_default='regular'))
    op.execute("UPDATE employee SET employment = 'intern' WHERE regularized_on IS NULL")
