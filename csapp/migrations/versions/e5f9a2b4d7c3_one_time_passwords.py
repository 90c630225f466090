"""one-time passwords: a login must change its password at the first sign-in

Revision ID: e5f9a2b4d7c3
Revises: d4e8f1a3c6b2
Create Date: 2026-11-29 08:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'e5f9a2b4d7c3'
down_revision = 'd4e8f1a3c6b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
