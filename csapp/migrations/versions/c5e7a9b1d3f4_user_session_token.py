"""users: a session token in every session id, so logout and a password change end every session

Revision ID: c5e7a9b1d3f4
Revises: b4d6f8a0c2e3
Create Date: 2026-11-29 12:20:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = 'c5e7a9b1d3f4'
down_revision = 'b4d6f8a0c2e3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), server_default='', nullable=False))
    connection = op.get_bind()
    user = sa.table('user', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    for (user_id,) in connection.execute(sa.select(user.c.id)).all():  # sessions from before end once
        connection.execute(user.update().where(user.c.id == user_id).values(session_token=secrets.token_hex(16)))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_token')
