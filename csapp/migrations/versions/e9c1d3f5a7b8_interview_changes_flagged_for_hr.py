"""promotion: an interview changed while HR decides is flagged 已变化, with the dept head's reason

Revision ID: e9c1d3f5a7b8
Revises: d8b0c2e4f6a7
Create Date: 2026-11-29 15:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e9c1d3f5a7b8'
down_revision = 'd8b0c2e4f6a7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('promotion_application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interview_changed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('interview_change_reason', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('promotion_application', schema=None) as batch_op:
        batch_op.drop_column('interview_change_reason')
        batch_op.drop_column('interview_changed_at')
