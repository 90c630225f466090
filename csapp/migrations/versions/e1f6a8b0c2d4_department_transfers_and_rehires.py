"""department transfers and rehires: dated department membership, past employment periods,
correctable person events

Revision ID: e1f6a8b0c2d4
Revises: d0e5f7a9b1c3
Create Date: 2026-11-29 09:10:00

Every employee gets a first placement in their department from their hire date, so a later
transfer leaves the months before it where they were.
"""
from alembic import op
import sqlalchemy as sa


revision = 'e1f6a8b0c2d4'
down_revision = 'd0e5f7a9b1c3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('department_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False, server_default=''),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_department_membership_created_by_id_user')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_department_membership_department_id_department')),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_department_membership_employee_id_employee')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department_membership')),
    sa.UniqueConstraint('employee_id', 'effective_on', name=op.f('uq_department_membership_employee_id'))
    )
    with op.batch_alter_table('department_membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_membership_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_department_membership_employee_id'), ['employee_id'], unique=False)
    op.create_table('employment_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('hired_on', sa.Date(), nullable=False),
    sa.Column('regularized_on', sa.Date(), nullable=True),
    sa.Column('separated_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_employment_period_employee_id_employee')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employment_period'))
    )
    with op.batch_alter_table('employment_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employment_period_employee_id'), ['employee_id'], unique=False)
    with op.batch_alter_table('person_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('correction', sa.Text(), nullable=False, server_default=''))
    op.execute(
        "INSERT INTO department_membership (employee_id, department_id, effective_on, reason) "
        "SELECT id, department_id, hired_on, '入职' FROM employee"
    )


def downgrade():
    with op.batch_alter_table('person_event', schema=None) as batch_op:
        batch_op.drop_column('correction')
        batch_op.drop_column('cancelled')
    with op.batch_alter_table('employment_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employment_period_employee_id'))
    op.drop_table('employment_period')
    with op.batch_alter_table('department_membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_membership_employee_id'))
        batch_op.drop_index(batch_op.f('ix_department_membership_department_id'))
    op.drop_table('department_membership')
