"""pay: run and confirmation numbers from a counter per month (one UPDATE … RETURNING), not max() + 1

Revision ID: f1a3c5e7b9d2
Revises: e9c1d3f5a7b8
Create Date: 2026-11-29 15:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f1a3c5e7b9d2'
down_revision = 'e9c1d3f5a7b8'
branch_labels = None
depends_on = None


def upgrade():
    counter = op.create_table(
        'pay_counter',
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('runs', sa.Integer(), nullable=False),
        sa.Column('confirms', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('month', name=op.f('pk_pay_counter')),
    )
    run = sa.table('pay_run', sa.column('month', sa.String), sa.column('run_no', sa.Integer),
                   sa.column('confirm_no', sa.Integer))
    rows = op.get_bind().execute(
        sa.select(run.c.month, sa.func.max(run.c.run_no), sa.func.coalesce(sa.func.max(run.c.confirm_no), 0))
        .group_by(run.c.month)
    ).all()
    if rows:  # numbering goes on from the runs already made
        op.bulk_insert(counter, [{"month": m, "runs": r, "confirms": c} for m, r, c in rows])


def downgrade():
    op.drop_table('pay_counter')
