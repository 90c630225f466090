"""a person's track follows the grade in force (RULES.md §3, D11, D20): the track column goes

Revision ID: a7b2c4d6e8f0
Revises: f6a1b3c5d8e9
Create Date: 2026-11-29 08:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a7b2c4d6e8f0'
down_revision = 'f6a1b3c5d8e9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.drop_column('track')


def downgrade():
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('track', sa.String(length=10), nullable=False, server_default='agent'))
    # the latest grade's prefix is the track it had (agent.1 → agent)
    op.execute("UPDATE employee SET track = COALESCE((SELECT substr(grade, 1, instr(grade, '.') - 1) FROM grade_change "
               "WHERE grade_change.employee_id = employee.id ORDER BY effective_on DESC, id DESC LIMIT 1), 'agent')")
