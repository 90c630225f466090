"""results: a change log per data version, explanations shared between versions, the lowest QA mean

A cell save can then derive the next result from the stored one for the agent it changed instead of
scoring the whole department again (issue 12). Stored results are a cache: they are emptied here and
computed again on the next read (or by `flask --app csapp scores rebuild`).

Revision ID: a2c4e6f8b0d1
Revises: f1a3c5e7b9d2
Create Date: 2026-11-29 16:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a2c4e6f8b0d1'
down_revision = 'f1a3c5e7b9d2'
branch_labels = None
depends_on = None


def _agent_result(explanation: sa.Column, foreign_keys: list) -> None:
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
        explanation,
        sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_agent_result_employee_id_employee')),
        sa.ForeignKeyConstraint(['result_id'], ['department_result.id'], name=op.f('fk_agent_result_result_id_department_result'), ondelete='CASCADE'),
        *foreign_keys,
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_result')),
        sa.UniqueConstraint('result_id', 'employee_id', name=op.f('uq_agent_result_result_id')),
    )
    with op.batch_alter_table('agent_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agent_result_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agent_result_result_id'), ['result_id'], unique=False)


def upgrade():
    op.drop_table('agent_result')
    op.execute(sa.text('DELETE FROM department_result'))
    with op.batch_alter_table('department_result', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lowest_qa', sa.String(length=80), nullable=True))
    op.create_table(
        'agent_explanation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('made_for', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('employee_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_agent_explanation_department_id_department')),
        sa.Column('body', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_agent_explanation_employee_id_employee')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_explanation')),
    )
    op.create_index(op.f('ix_agent_explanation_made_for'), 'agent_explanation', ['made_for'], unique=False)
    op.create_index('ix_agent_explanation_department_month', 'agent_explanation', ['department_id', 'month'], unique=False)
    _agent_result(
        sa.Column('explanation_id', sa.Integer(), nullable=False),
        [sa.ForeignKeyConstraint(['explanation_id'], ['agent_explanation.id'], name=op.f('fk_agent_result_explanation_id_agent_explanation'))],
    )
    op.create_table(
        'data_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('employee_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_data_change_department_id_department')),
        sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_data_change_employee_id_employee')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_change')),
    )
    op.create_index('ix_data_change_department_month_version', 'data_change', ['department_id', 'month', 'version'], unique=False)


def downgrade():
    op.drop_index('ix_data_change_department_month_version', table_name='data_change')
    op.drop_table('data_change')
    op.drop_table('agent_result')
    op.drop_table('agent_explanation')
    op.execute(sa.text('DELETE FROM department_result'))
    with op.batch_alter_table('department_result', schema=None) as batch_op:
        batch_op.drop_column('lowest_qa')
    _agent_result(sa.Column('explanation', sa.Text(), nullable=False), [])
