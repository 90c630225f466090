"""notice counters: numbers claimed by one UPDATE … RETURNING, seeded from the registry

Revision ID: b1c4d2e8f0a1
Revises: 6e87228368ec
Create Date: 2026-11-29 07:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b1c4d2e8f0a1'
down_revision = '6e87228368ec'
branch_labels = None
depends_on = None

PREFIX = {"JS": "promotion", "TX": "salary_change", "GZ": "pay"}


def upgrade():
    counter = op.create_table('notice_counter',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'year', name=op.f('pk_notice_counter'))
    )
    # numbers look like JS2026-00012: the highest issued per kind and year is where counting goes on
    last: dict[tuple[str, int], int] = {}
    for (number,) in op.get_bind().execute(sa.text("SELECT number FROM issued_notice")):
        head, sequence = number.rsplit("-", 1)
        key = (PREFIX[head[:2]], int(head[2:]))
        last[key] = max(last.get(key, 0), int(sequence))
    if last:
        op.bulk_insert(counter, [{"kind": k, "year": y, "last": n} for (k, y), n in sorted(last.items())])


def downgrade():
    op.drop_table('notice_counter')
