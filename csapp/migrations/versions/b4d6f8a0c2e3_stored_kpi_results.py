"""stored KPI results keyed by the department-month's data version (issue 12)

Revision ID: b4d6f8a0c2e3
Revises: a3c5e7f9b1d2
Create Date: 2026-11-29 12:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b4d6f8a0c2e3'
down_revision = 'a3c5e7f9b1d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'data_version',
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_data_version_department_id_department')),
        sa.PrimaryKeyConstraint('department_id', 'month', name=op.f('pk_data_version')),
    )
    op.create_table(
        'department_result',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('data_version', sa.Integer(), nullable=False),
        sa.Column('policy_version', sa.String(length=40), nullable=False),
        sa.Column('connection_rate', sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column('avg_production', sa.String(length=80), nullable=True),
        sa.Column('avg_qa', sa.String(length=80), nullable=True),
        sa.Column('qa_spread', sa.Boolean(), nullable=False),
        sa.Column('volume_spread', sa.Boolean(), nullable=False),
        sa.Column('scored', sa.Integer(), nullable=False),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_department_result_department_id_department')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_department_result')),
        sa.UniqueConstraint('department_id', 'month', 'data_version', 'policy_version', name=op.f('uq_department_result_department_id')),
    )
    op.create_table(
        'agent_result',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('result_id', sa.Integer(), nullable=False),
        sa.Column('employee_id', sa.Integer(), nullable=False),
        sa.Column('total', sa.Numeric(precision=12, scale=6), nullable=False),
        sa.Column('items_sum', sa.Numeric(precision=12, scale=6), nullable=False),
        sa.Column('incident_points', sa.Numeric(precision=12, scale=6), nullable=False),
        sa.Column('qa_numerator', sa.BigInteger(), nullable=False),
        sa.Column('qa_denominator', sa.BigInteger(), nullable=False),
        sa.Column('qa_rank', sa.Integer(), nullable=False),
        sa.Column('production_rank', sa.Integer(), nullable=False),
        sa.Column('production', sa.Integer(), nullable=False),
        sa.Column('stars', sa.String(length=40), nullable=False),
        sa.Column('explanation', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_agent_result_employee_id_employee')),
        sa.ForeignKeyConstraint(['result_id'], ['department_result.id'], name=op.f('fk_agent_result_result_id_department_result'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_result')),
        sa.UniqueConstraint('result_id', 'employee_id', name=op.f('uq_agent_result_result_id')),
    )
    with op.batch_alter_table('agent_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agent_result_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agent_result_result_id'), ['result_id'], unique=False)


def downgrade():
    op.drop_table('agent_result')
    op.drop_table('department_result')
    op.drop_table('data_version')
