"""issuing in three steps: reserved registry rows, notice keys, corrections; job leases; worker beats

Revision ID: f2a7b9c1d3e5
Revises: e1f6a8b0c2d4
Create Date: 2026-11-29 09:30:00

Existing notices become 有效 with a legacy key of their own; their identity is filled from the kind,
the person, the month and the application.
"""
from alembic import op
import sqlalchemy as sa


revision = 'f2a7b9c1d3e5'
down_revision = 'e1f6a8b0c2d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('issued_notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=12), nullable=False, server_default='valid'))
        batch_op.add_column(sa.Column('identity', sa.String(length=80), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('notice_key', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('verification_code', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('fingerprint', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('supersedes_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('status_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('status_changed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('html', sa.Text(), nullable=True))
        batch_op.alter_column('sha256', existing_type=sa.String(length=64), nullable=True)
    op.execute("UPDATE issued_notice SET notice_key = 'legacy:' || id")
    op.execute(
        "UPDATE issued_notice SET identity = CASE kind WHEN 'pay' THEN 'pay:' || employee_id || ':' || month "
        "ELSE kind || ':' || application_id END"
    )
    with op.batch_alter_table('issued_notice', schema=None) as batch_op:
        batch_op.alter_column('notice_key', existing_type=sa.String(length=120), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_issued_notice_notice_key'), ['notice_key'])
        batch_op.create_unique_constraint(batch_op.f('uq_issued_notice_verification_code'), ['verification_code'])
        batch_op.create_index(batch_op.f('ix_issued_notice_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_notice_identity'), ['identity'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_issued_notice_supersedes_id_issued_notice'), 'issued_notice', ['supersedes_id'], ['id']
        )
    with op.batch_alter_table('batch_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('application_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('failures', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('owner', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('enqueued_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_batch_job_application_id_promotion_application'),
            'promotion_application', ['application_id'], ['id'],
        )
    op.create_table('worker_beat',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('beat_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_worker_beat'))
    )


def downgrade():
    op.drop_table('worker_beat')
    with op.batch_alter_table('batch_job', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_batch_job_application_id_promotion_application'), type_='foreignkey')
        for column in ('enqueued_at', 'heartbeat_at', 'owner', 'failures', 'application_id'):
            batch_op.drop_column(column)
    op.execute("DELETE FROM issued_notice WHERE sha256 IS NULL")
    with op.batch_alter_table('issued_notice', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_issued_notice_supersedes_id_issued_notice'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_issued_notice_identity'))
        batch_op.drop_index(batch_op.f('ix_issued_notice_status'))
        batch_op.drop_constraint(batch_op.f('uq_issued_notice_verification_code'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_issued_notice_notice_key'), type_='unique')
        batch_op.alter_column('sha256', existing_type=sa.String(length=64), nullable=False)
        for column in ('html', 'status_changed_at', 'status_reason', 'supersedes_id', 'fingerprint',
                       'verification_code', 'notice_key', 'identity', 'status'):
            batch_op.drop_column(column)
